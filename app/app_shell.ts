import { css, html, LitElement } from "lit";
import * as Plot from "@observablehq/plot";
import * as aq from "arquero";
import type { AppManifest } from "../src/build/build_app.ts";
import { cellProgress, type CompiledNotebook } from "../src/notebook/mod.ts";
import { decodeWorkspaceBlob, guessKind, type WorkspaceSnapshot } from "../src/workspace/mod.ts";
import { parseConfig } from "../src/config/mod.ts";
import "../components/config_bar.ts";
import { type Language, LANGUAGES, message, type MessageKey } from "../src/i18n/messages.ts";

const LANGUAGE_KEY = "scorebench.language";
const LANGUAGE_NAMES: Record<Language, string> = { en: "English", ru: "Русский" };

/** The language chosen on an earlier visit, else the browser's when it is Russian, else English. */
function storedLanguage(): Language {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(LANGUAGE_KEY);
  } catch {
    // Storage off: no saved choice.
  }
  if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  return navigator.language?.startsWith("ru") ? "ru" : "en";
}
import { openBrowserDuckDB, queryRows } from "./open_browser_duckdb.ts";
import { Workspace } from "./workspace.ts";
import { DataWorkerClient } from "./data_worker_client.ts";
import { download, html as domHtml } from "./html.ts";
import * as library from "./library.ts";
import { baseStyles } from "../components/_styles.ts";
import { SqlCell, type SqlSource } from "../components/sql_cell.ts";
import "../components/notebook_view.ts";

/** Asks every Lit element under `root` (through shadow roots) to render again. */
function redrawAll(root: ParentNode): void {
  for (const el of Array.from(root.querySelectorAll("*"))) {
    (el as Partial<LitElement>).requestUpdate?.();
    if (el.shadowRoot) redrawAll(el.shadowRoot);
  }
}

/**
 * The workbench page: the notebook pages as tabs, the current page, workspace save / open /
 * reset, and a status line. It opens DuckDB, restores the last workspace from this
 * browser's storage or preloads the sample data, then shows the page named in the URL hash.
 *
 * @fires ready - once DuckDB is open and the data is loaded
 * @csspart nav - the page tabs
 */
export class AppShell extends LitElement {
  static override properties = {
    manifest: { state: true },
    page: { state: true },
    notebook: { state: true },
    status: { state: true },
    error: { state: true },
    confirming: { state: true },
    lang: { state: true },
    undo: { state: true },
  };
  declare manifest: AppManifest | null;
  /** Notebook file of the current page. */
  declare page: string;
  declare notebook: CompiledNotebook | null;
  declare status: string;
  declare error: string;
  /** Language of the interface and the notebooks' prose (`en`, `ru`), kept in this browser. */
  declare lang: Language;
  /** A destructive action waiting for the analyst's yes. */
  declare confirming: { message: string; yes: string; run: () => Promise<void> } | null;
  /** The workspace as it was before the last destructive action, for this session. */
  declare undo: { label: string; snapshot: WorkspaceSnapshot } | null;

  /** The workspace, once DuckDB is open. */
  workspace: Workspace | null = null;
  private options = {};

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6em 1.2em;
        align-items: center;
        padding: 0.5em 1em;
        background: #1d2433;
        color: white;
        position: sticky;
        top: 0;
        z-index: 10;
      }
      header h1 {
        font-size: 1.1em;
        margin: 0;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2em;
      }
      nav a {
        color: #dfe6f3;
        text-decoration: none;
        padding: 0.25em 0.7em;
        border-radius: 4px;
      }
      nav a[aria-current="page"] {
        background: #f0a500;
        color: #1d2433;
      }
      .tools {
        margin-left: auto;
        display: flex;
        gap: 0.4em;
      }
      .tools button {
        background: #2e3a52;
        color: white;
        border-color: #56627a;
      }
      main {
        padding: 0.5em 1.2em 3em;
      }
      .status,
      .config,
      .confirm {
        padding: 0.3em 1.2em;
        background: #eef4ff;
      }
      .config {
        background: #f4f6fa;
        border-bottom: 1px solid #e2e6ee;
      }
      .confirm {
        background: #fff7e0;
        display: flex;
        gap: 0.8em;
        align-items: center;
      }
      input[type=file] {
        display: none;
      }
    `,
  ];

  constructor() {
    super();
    this.manifest = null;
    this.page = "";
    this.notebook = null;
    this.status = message(storedLanguage(), "starting");
    this.error = "";
    this.confirming = null;
    this.undo = null;
    this.lang = storedLanguage();
  }

  private t(key: MessageKey, values?: Record<string, string | number>): string {
    return message(this.lang, key, values);
  }

  private setLanguage = (lang: Language) => {
    this.lang = lang;
    try {
      localStorage.setItem(LANGUAGE_KEY, lang);
    } catch {
      // Storage off (private mode): the choice lasts for this visit.
    }
    document.documentElement.lang = lang;
    // Elements whose properties did not change still draw their words again.
    redrawAll(this.renderRoot);
    if (this.page) this.show(this.page);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    // Elements read the language of the page from <html lang>.
    document.documentElement.lang = this.lang;
    addEventListener("hashchange", this.onHash);
    this.start().catch((
      err,
    ) => (this.error = `The workbench could not start: ${(err as Error).message}`));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener("hashchange", this.onHash);
  }

  private onHash = () => this.show(decodeURIComponent(location.hash.slice(1)));

  private async start(): Promise<void> {
    const base = new URL(".", location.href);
    const manifest: AppManifest = await (await fetch(new URL("manifest.json", base))).json();
    this.status = this.t("startingDuckdb");
    const started = performance.now();
    const worker = new DataWorkerClient(new URL("data_worker.js", base));
    const { db, conn } = await openBrowserDuckDB(base);
    const workspace = new Workspace(worker, db, conn);
    this.workspace = workspace;
    const refresh = () => this.requestUpdate();
    workspace.addEventListener("config", refresh);
    workspace.addEventListener("data", refresh);
    // A handle for the browser tests and benchmark (and the devtools console).
    (globalThis as Record<string, unknown>).scorebench = {
      workspace,
      worker,
      db,
      conn,
      duckdbMs: performance.now() - started,
      openBrowserDuckDB,
      createTierIndex: library.createTierIndex,
    };
    const sqlSource: SqlSource = {
      query: (sql) => queryRows(conn, sql),
      subscribe: (listener) => {
        workspace.addEventListener("data", listener);
        return () => workspace.removeEventListener("data", listener);
      },
    };
    this.options = {
      builtins: {
        Plot,
        aq,
        html: domHtml,
        sb: {
          ...library,
          // The calling cell shows the task's progress (captured before the cell awaits).
          run:
            ((task, args, onProgress) =>
              worker.run(task, args, onProgress ?? cellProgress())) as DataWorkerClient["run"],
        },
        workspace,
        db: conn,
      },
      liveBuiltins: {
        data: () => workspace.observe("data", () => workspace.data),
        configs: () => workspace.observe("config", () => workspace.configs),
        versions: () => workspace.observe("config", () => workspace.versions),
      },
      sqlCell: (query: string) => {
        const cell = new SqlCell();
        cell.query = query;
        cell.source = sqlSource;
        return cell;
      },
    };
    const stored = await workspace.stored().catch(() => null);
    if (stored && stored.inputs.length) {
      await workspace.restore(
        stored,
        (name, f) => (this.status = `Restoring ${name} ${Math.round(f * 100)} %`),
      );
    } else await this.loadSample(manifest);
    this.manifest = manifest;
    this.status = "";
    await this.show(decodeURIComponent(location.hash.slice(1)));
    document.body.dataset.ready = "true";
    this.dispatchEvent(new Event("ready"));
  }

  /** Loads the sample files the build shipped, each into the table its name says. */
  private async loadSample(manifest: AppManifest): Promise<void> {
    const workspace = this.workspace!;
    for (const file of manifest.sample) {
      const kind = guessKind(file);
      if (!kind) continue;
      this.status = `Loading sample ${file}…`;
      const bytes = new Uint8Array(
        await (await fetch(new URL(`data/sample/${file}`, location.href))).arrayBuffer(),
      );
      await workspace.load(
        { kind, name: file, bytes, options: {} },
        (f) => (this.status = `Loading sample ${file} ${Math.round(f * 100)} %`),
      );
    }
  }

  private async show(page: string): Promise<void> {
    const pages = this.manifest?.notebooks ?? [];
    const target = pages.find((p) => p.file === page) ?? pages[0];
    if (!target) return;
    this.page = target.file;
    // A translated notebook runs the same cells with the prose in the chosen language.
    const folder = target.titles?.[this.lang] ? `notebooks/${this.lang}/` : "notebooks/";
    const url = new URL(`${folder}${target.file.replace(/\.md$/, ".js")}`, location.href).href;
    this.notebook = (await import(url)).default as CompiledNotebook;
  }

  override render() {
    return html`
      <header>
        <h1>scorebench</h1>
        <nav part="nav" aria-label=${this.t("pages")}>
          ${(this.manifest?.notebooks ?? []).map((p) =>
            html`
              <a href=${`#${encodeURIComponent(p.file)}`}
                aria-current=${p.file === this.page ? "page" : "false"}>${p.titles?.[this.lang] ??
                  p.title}</a>
            `
          )}
        </nav>
        <div class="tools">
          <button @click=${this.saveWorkspace} ?disabled=${!this.manifest}>${this.t(
            "saveWorkspace",
          )}</button>
          <button @click=${() => this.renderRoot.querySelector<HTMLInputElement>("#open")?.click()}
            ?disabled=${!this.manifest}>${this.t("openWorkspace")}</button>
          <input id="open" type="file" accept=".json" @change=${this.openWorkspace}>
          <button @click=${() =>
            this.renderRoot.querySelector<HTMLInputElement>("#open-config")?.click()}
            ?disabled=${!this.manifest}>${this.t("openConfig")}</button>
          <input id="open-config" type="file" accept=".json" @change=${this.openConfig}>
          <button @click=${this.reset} ?disabled=${!this.manifest}>${this.t("resetSample")}</button>
          <label class="lang">${this.t("language")}
            <select id="language" aria-label="language" @change=${(e: Event) =>
              this.setLanguage((e.target as HTMLSelectElement).value as Language)}>
              ${LANGUAGES.map((l) =>
                html`<option .value=${l} ?selected=${l === this.lang}>${LANGUAGE_NAMES[l]}</option>`
              )}
            </select>
          </label>
        </div>
      </header>
      <div class="config">
        <sb-config-bar .state=${this.workspace?.versions ?? null} lang=${this.lang}
          data-key=${this.workspace?.dataKey ?? ""}
          @select=${(e: CustomEvent) =>
            this.workspace?.selectConfig(e.detail).then(this.rerun)}></sb-config-bar>
      </div>
      ${this.confirming
        ? html`
          <div class="confirm" role="alertdialog" aria-label="confirm">
            <span>${this.confirming.message}</span>
            <button class="primary" id="confirm-yes" @click=${this.confirmYes}>${this.confirming
              .yes}</button>
            <button id="confirm-no" @click=${() => (this.confirming = null)}>${this.t(
              "cancel",
            )}</button>
          </div>
        `
        : null}
      ${this.undo
        ? html`
          <div class="status">${this.undo.label} <button id="undo" @click=${this
            .undoLast}>${this.t("undo")}</button>
          </div>
        `
        : null}
      ${this.status ? html`<div class="status" role="status">${this.status}</div>` : null}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : null}
      <main>
        <sb-notebook-view .notebook=${this.notebook} .options=${this.options}
          .file=${`notebooks/${this.page}`}></sb-notebook-view>
      </main>
    `;
  }

  /**
   * Saves the workspace file, downloaded as a Blob of chunks (see `Workspace.fileBlob`); a
   * workspace whose files pass 256 MB goes straight into a file the analyst picks where the
   * browser can (`showSaveFilePicker`, written a chunk at a time, never held in the page).
   */
  private saveWorkspace = async () => {
    if (!this.workspace) return;
    const stamp = new Date().toISOString().slice(0, 10);
    const name = `scorebench-workspace-${stamp}.json`;
    const pick = (globalThis as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
    const bytes = [...this.workspace.inputs.values()].reduce(
      (n, f) => n + (f.bytes instanceof Blob ? f.bytes.size : f.bytes.length),
      0,
    );
    if (pick && bytes > 256 << 20) {
      let handle;
      try {
        handle = await pick({
          suggestedName: name,
          types: [{ description: "Workspace", accept: { "application/json": [".json"] } }],
        });
      } catch (err) {
        if ((err as DOMException).name === "AbortError") return; // the analyst cancelled
        handle = null; // not allowed here (a frame, a policy): download instead
      }
      if (handle) {
        const writable = await handle.createWritable();
        try {
          await this.workspace.writeFile(writable);
          await writable.close();
        } catch (err) {
          await writable.abort().catch(() => {});
          throw err;
        }
        return;
      }
    }
    download(name, await this.workspace.fileBlob());
  };

  /** Runs the current page again (its cells read the current config when they start). */
  private rerun = () => {
    this.notebook = this.notebook ? { ...this.notebook } : null;
  };

  /** Asks before `run`, which replaces work; afterwards the old workspace can be restored. */
  private ask(message: string, yes: string, run: () => Promise<void>) {
    this.confirming = { message, yes, run };
  }

  private confirmYes = async () => {
    const pending = this.confirming;
    this.confirming = null;
    if (!pending || !this.workspace) return;
    const before = this.workspace.snapshot();
    try {
      this.error = "";
      await pending.run();
      this.undo = { label: `${this.t("done")}: ${pending.yes}.`, snapshot: before };
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.status = "";
      this.notebook = this.notebook ? { ...this.notebook } : null;
    }
  };

  private undoLast = async () => {
    const undo = this.undo;
    if (!undo || !this.workspace) return;
    this.undo = null;
    await this.workspace.restore(
      undo.snapshot,
      (name, f) => (this.status = `Restoring ${name} ${Math.round(f * 100)} %`),
    );
    this.status = "";
    this.notebook = this.notebook ? { ...this.notebook } : null;
  };

  private openWorkspace = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file || !this.workspace) return;
    let snapshot: WorkspaceSnapshot;
    try {
      this.error = "";
      snapshot = await decodeWorkspaceBlob(file, file.name);
    } catch (err) {
      this.error = (err as Error).message;
      return;
    }
    this.ask(
      this.t("confirmOpen", { file: file.name, n: this.workspace.versions.versions.length }),
      this.t("openWorkspace").replace(/…$/, ""),
      () =>
        this.workspace!.restore(
          snapshot,
          (name, f) => (this.status = `Opening ${name} ${Math.round(f * 100)} %`),
        ),
    );
  };

  /** Reads a config file; a valid one becomes a new current version. */
  private openConfig = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file || !this.workspace) return;
    try {
      this.error = "";
      let json: unknown;
      try {
        json = JSON.parse(await file.text());
      } catch (err) {
        throw new SyntaxError(
          `Cannot open config "${file.name}": not JSON (${(err as Error).message})`,
        );
      }
      try {
        parseConfig(json);
      } catch (err) {
        throw new TypeError(`Cannot open config "${file.name}": ${(err as Error).message}`);
      }
      await this.workspace.setConfig(file.name, json, "imported");
      this.rerun();
    } catch (err) {
      this.error = (err as Error).message;
    }
  };

  private reset = () => {
    if (!this.workspace || !this.manifest) return;
    const manifest = this.manifest;
    this.ask(
      this.t("confirmReset"),
      this.t("resetSample"),
      async () => {
        await this.workspace!.restore({ inputs: [], settings: {}, configs: {} });
        await this.loadSample(manifest);
      },
    );
  };
}

customElements.define("sb-app-shell", AppShell);

declare global {
  interface HTMLElementTagNameMap {
    "sb-app-shell": AppShell;
  }
}

/** `showSaveFilePicker` of the File System Access API (Chromium), as this page uses it. */
type SaveFilePicker = (options: {
  suggestedName: string;
  types: { description: string; accept: Record<string, string[]> }[];
}) => Promise<{ createWritable(): Promise<FileSystemWritableFileStream> }>;
