import { css, html, LitElement } from "lit";
import type { TableKind } from "../src/data/types.ts";
import {
  type FileReadOptions,
  guessKind,
  TABLE_KINDS,
  type TableStore,
  WorkerError,
} from "../src/workspace/mod.ts";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";
import "./column_mapper.ts";

interface Pending {
  name: string;
  /** The chosen file: the worker and the browser's storage read it without a copy. */
  file: File;
  bytes: Uint8Array | Blob;
  kind: TableKind | "";
  options: FileReadOptions;
  progress: number | null;
  error: WorkerError | Error | null;
  done: boolean;
  /** A question waiting before the read rows replace the table. */
  ask: { text: string; warn: boolean; answer: (yes: boolean) => void } | null;
  /** The file this one replaced, while it can still be brought back. */
  replaced: string | null;
}

/** A loader message in the page's words: the CLI's flags become the controls below. */
export function pageWords(message: string): string {
  return message.replace(
    /Map a column explicitly, e\.g\. --map-\S+ \S+?(, or number the rows as contacts with --row-ids)?$/,
    (_all, rows) =>
      `Choose the file column below${rows ? ", or number the rows as contacts" : ""}.`,
  );
}

/** Share of rejected rows above which a load asks before it replaces anything. */
const MOSTLY_REJECTED = 0.5;

/** The question to ask before `summary` replaces `previous`, or `null` to go ahead. */
export function replaceQuestion(
  summary: { file: string; rowsLoaded: number; rowsRejected: number; rowsRead: number },
  previous: { name: string; summary: { rowsLoaded: number } } | null,
): { text: string; warn: boolean } | null {
  const read = summary.rowsRead || summary.rowsLoaded + summary.rowsRejected;
  const mostly = read > 0 && summary.rowsRejected / read > MOSTLY_REJECTED;
  const n = (x: number) => x.toLocaleString("en");
  const got = tr("{file}: {loaded} rows loaded, {rejected} rejected", {
    file: summary.file,
    loaded: n(summary.rowsLoaded),
    rejected: n(summary.rowsRejected),
  });
  if (mostly) {
    return {
      text: `${got}: ${tr("most rows were rejected (check the column mapping).")} ${
        previous
          ? tr("Replace {name} ({rows} rows) anyway?", {
            name: previous.name,
            rows: n(previous.summary.rowsLoaded),
          })
          : tr("Load it anyway?")
      }`,
      warn: true,
    };
  }
  if (previous && previous.name !== summary.file) {
    return {
      text: `${got}. ${
        tr("Replace {name} ({rows} rows)?", {
          name: previous.name,
          rows: n(previous.summary.rowsLoaded),
        })
      }`,
      warn: false,
    };
  }
  return null;
}

/**
 * Where files come in: choose or drop CSV/XLSX/JSON files, say which table each is (guessed
 * from the name), watch the progress, and map columns when the loader cannot find one.
 *
 * @fires loaded - `detail: {kind, name}` after a file is read into the workspace
 * @csspart dropzone - the drop area
 */
export class FileLoader extends LitElement {
  static override properties = {
    workspace: { attribute: false },
    pending: { state: true },
    dragging: { state: true },
  };
  /** The workspace files are read into. */
  declare workspace: TableStore | null;
  declare pending: Pending[];
  declare dragging: boolean;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .drop {
        border: 2px dashed #8892a6;
        border-radius: 8px;
        padding: 1.2em;
        text-align: center;
      }
      .drop.over {
        background: #eef4ff;
        border-color: #1f5fbf;
      }
      ul {
        list-style: none;
        padding: 0;
      }
      li {
        margin: 0.4em 0;
        padding: 0.4em;
        border-bottom: 1px solid #e2e6ee;
      }
      .row {
        display: flex;
        gap: 0.8em;
        align-items: center;
        flex-wrap: wrap;
      }
      progress {
        width: 12em;
      }
      input[type=file] {
        position: absolute;
        width: 1px;
        height: 1px;
        opacity: 0;
      }
    `,
  ];

  constructor() {
    super();
    this.workspace = null;
    this.pending = [];
    this.dragging = false;
  }

  override render() {
    return html`
      <div part="dropzone" class="drop ${this.dragging ? "over" : ""}"
        @dragover=${(e: DragEvent) => {
          e.preventDefault();
          this.dragging = true;
        }}
        @dragleave=${() => (this.dragging = false)}
        @drop=${(e: DragEvent) => {
          e.preventDefault();
          this.dragging = false;
          this.addFiles([...(e.dataTransfer?.files ?? [])]);
        }}>
        <p>${tr(
          "Drop contacts, events, purchases or verification files here (CSV, XLSX, JSON), or",
        )}</p>
        <label><input id="files" type="file" multiple accept=".csv,.tsv,.txt,.xlsx,.xls,.json,.arrow"
          @change=${(e: Event) => {
            const input = e.target as HTMLInputElement;
            this.addFiles([...(input.files ?? [])]);
            input.value = "";
          }}><button class="primary" @click=${() =>
            this.renderRoot.querySelector<HTMLInputElement>("#files")
              ?.click()}>${tr("Choose files…")}</button></label>
      </div>
      <ul aria-live="polite">${this.pending.map((p, i) => this.renderPending(p, i))}</ul>
    `;
  }

  private renderPending(p: Pending, i: number) {
    const error = p.error;
    const details = error instanceof WorkerError ? error.details : null;
    return html`<li>
      <div class="row">
        <strong>${p.name}</strong>
        <label>${tr("table")}
          <select aria-label=${`table of ${p.name}`} ?disabled=${
      p.progress !== null && !p.done && !error
    }
            @change=${(e: Event) =>
      this.update1(i, { kind: (e.target as HTMLSelectElement).value as TableKind })}>
            <option value="" ?selected=${!p.kind}>${tr("choose…")}</option>
            ${
      TABLE_KINDS.map((k) => html`<option .value=${k} ?selected=${p.kind === k}>${tr(k)}</option>`)
    }
          </select>
        </label>
        ${
      p.progress !== null && !error
        ? html`
          <progress max="1" .value=${p.progress} aria-label=${`reading ${p.name}`}></progress>
          <span>${p.done ? tr("loaded") : `${Math.round(p.progress * 100)} %`}</span>
        `
        : html`<button ?disabled=${!p.kind} @click=${() => this.read(i)}>${tr("Load")}</button>`
    }
      </div>
      ${error ? html`<div class="error" role="alert">${pageWords(error.message)}</div>` : null}
      ${
      p.ask
        ? html`
          <div class=${p.ask.warn
            ? "error"
            : "muted"} role="alertdialog" aria-label="replace table">
            ${p.ask.text}
            <button class="primary" data-answer="yes" @click=${() =>
              p.ask!.answer(true)}>${p.ask.warn
              ? tr("Load anyway")
              : tr("Replace")}</button>
            <button data-answer="no" @click=${() => p.ask!.answer(false)}>${tr(
              "Keep the loaded table",
            )}</button>
          </div>
        `
        : null
    }
      ${
      p.replaced && this.workspace?.replaced
        ? html`
          <p
            class="muted">${tr("Replaced {name}.", {
              name: p.replaced,
            })} <button data-undo @click=${async () => {
              this.update1(i, { replaced: null });
              await this.workspace?.undoReplace();
              this.update1(i, { done: false, progress: null });
            }}>${tr("Undo: bring back {name}", { name: p.replaced })}</button></p>
        `
        : null
    }
      ${
      p.kind === "contacts" && details?.column === "contact_id" && !p.options.rowIds
        ? html`<p><button id="row-ids" @click=${() => {
          this.update1(i, { options: { ...p.options, rowIds: true } });
          this.read(i);
        }}>${tr("No id column: number the rows as contacts")}</button></p>`
        : null
    }
      ${
      details?.columns?.length && p.kind
        ? html`
          <sb-column-mapper .kind=${p.kind} .columns=${details.columns}
            .value=${p.options.mapping ?? {}} .highlight=${details.column ?? ""}
            @apply=${(e: CustomEvent) => {
              this.update1(i, { options: { ...p.options, mapping: e.detail } });
              this.read(i);
            }}></sb-column-mapper>
        `
        : null
    }
    </li>`;
  }

  private update1(i: number, patch: Partial<Pending>) {
    this.pending = this.pending.map((p, j) => (j === i ? { ...p, ...patch } : p));
  }

  /** Queues files; those whose table is known from the name start loading at once. */
  async addFiles(files: File[]): Promise<void> {
    const start = this.pending.length;
    const added: Pending[] = [];
    for (const file of files) {
      added.push({
        name: file.name,
        file,
        // The file itself: DuckDB and the worker read it by reference, never copied whole.
        bytes: file,
        kind: guessKind(file.name) ?? "",
        options: {},
        progress: null,
        error: null,
        done: false,
        ask: null,
        replaced: null,
      });
    }
    this.pending = [...this.pending, ...added];
    for (let i = start; i < this.pending.length; i++) {
      if (this.pending[i].kind) await this.read(i);
    }
  }

  private async read(i: number): Promise<void> {
    const p = this.pending[i];
    if (!this.workspace || !p.kind) return;
    this.update1(i, { progress: 0, error: null, done: false, ask: null, replaced: null });
    let replaced: string | null = null;
    try {
      await this.workspace.load(
        { kind: p.kind, name: p.name, bytes: p.bytes, options: p.options, file: p.file },
        (f) => this.update1(i, { progress: f }),
        {
          confirm: (summary, previous) => {
            const question = replaceQuestion(summary, previous);
            replaced = previous?.name ?? null;
            if (!question) return Promise.resolve(true);
            return new Promise<boolean>((answer) =>
              this.update1(i, {
                ask: {
                  ...question,
                  answer: (yes) => {
                    this.update1(i, { ask: null });
                    answer(yes);
                  },
                },
              })
            );
          },
        },
      );
      this.update1(i, {
        progress: 1,
        done: true,
        replaced: replaced && replaced !== p.name ? replaced : null,
      });
      this.dispatchEvent(new CustomEvent("loaded", { detail: { kind: p.kind, name: p.name } }));
    } catch (err) {
      this.update1(i, { error: err as Error, progress: null });
    }
  }
}

customElements.define("sb-file-loader", FileLoader);

declare global {
  interface HTMLElementTagNameMap {
    "sb-file-loader": FileLoader;
  }
}
