import { css, html, LitElement } from "lit";
import * as Plot from "@observablehq/plot";
import * as aq from "arquero";
import type { AppManifest } from "../src/app/build_app.ts";
import { cellProgress, type CompiledNotebook } from "../src/notebook/mod.ts";
import { openBrowserDuckDB } from "../src/app/open_browser_duckdb.ts";
import { guessKind, Workspace } from "../src/app/workspace.ts";
import { DataWorkerClient } from "../src/app/data_worker_client.ts";
import { decodeWorkspace, encodeWorkspace } from "../src/app/workspace_file.ts";
import { download, html as domHtml } from "../src/app/html.ts";
import * as library from "../src/app/library.ts";
import { baseStyles } from "./_styles.ts";
import { SqlCell } from "./sql_cell.ts";
import "./notebook_view.ts";

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
  };
  declare manifest: AppManifest | null;
  /** Notebook file of the current page. */
  declare page: string;
  declare notebook: CompiledNotebook | null;
  declare status: string;
  declare error: string;

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
      .status {
        padding: 0.3em 1.2em;
        background: #eef4ff;
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
    this.status = "Starting…";
    this.error = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
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
    this.status = "Starting DuckDB…";
    const started = performance.now();
    const worker = new DataWorkerClient(new URL("data_worker.js", base));
    const { db, conn } = await openBrowserDuckDB(base);
    const workspace = new Workspace(worker, db, conn);
    this.workspace = workspace;
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
      },
      sqlCell: (query: string, connection: unknown) => {
        const cell = new SqlCell();
        cell.query = query;
        cell.connection = connection as SqlCell["connection"];
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
    const url = new URL(`notebooks/${target.file.replace(/\.md$/, ".js")}`, location.href).href;
    this.notebook = (await import(url)).default as CompiledNotebook;
  }

  override render() {
    return html`
      <header>
        <h1>scorebench</h1>
        <nav part="nav" aria-label="pages">
          ${(this.manifest?.notebooks ?? []).map((p) =>
            html`
              <a href=${`#${encodeURIComponent(p.file)}`}
                aria-current=${p.file === this.page ? "page" : "false"}>${p.title}</a>
            `
          )}
        </nav>
        <div class="tools">
          <button @click=${this.saveWorkspace} ?disabled=${!this.manifest}>Save workspace</button>
          <button @click=${() => this.renderRoot.querySelector<HTMLInputElement>("#open")?.click()}
            ?disabled=${!this.manifest}>Open workspace…</button>
          <input id="open" type="file" accept=".json" @change=${this.openWorkspace}>
          <button @click=${this.reset} ?disabled=${!this.manifest}>Reset to sample</button>
        </div>
      </header>
      ${this.status ? html`<div class="status" role="status">${this.status}</div>` : null}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : null}
      <main>
        <sb-notebook-view .notebook=${this.notebook} .options=${this.options}
          .file=${`notebooks/${this.page}`}></sb-notebook-view>
      </main>
    `;
  }

  private saveWorkspace = () => {
    if (!this.workspace) return;
    const stamp = new Date().toISOString().slice(0, 10);
    download(
      `scorebench-workspace-${stamp}.json`,
      encodeWorkspace(this.workspace.snapshot()),
      "application/json",
    );
  };

  private openWorkspace = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file || !this.workspace) return;
    try {
      this.error = "";
      const snapshot = decodeWorkspace(await file.text(), file.name);
      await this.workspace.restore(
        snapshot,
        (name, f) => (this.status = `Opening ${name} ${Math.round(f * 100)} %`),
      );
      this.status = "";
      this.notebook = this.notebook ? { ...this.notebook } : null;
    } catch (err) {
      this.status = "";
      this.error = (err as Error).message;
    }
  };

  private reset = async () => {
    if (!this.workspace || !this.manifest) return;
    await this.workspace.restore({ inputs: [], settings: {}, configs: {} });
    await this.loadSample(this.manifest);
    this.status = "";
    this.notebook = this.notebook ? { ...this.notebook } : null;
  };
}

customElements.define("sb-app-shell", AppShell);

declare global {
  interface HTMLElementTagNameMap {
    "sb-app-shell": AppShell;
  }
}
