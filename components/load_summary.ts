import { css, html, LitElement, type PropertyValues } from "lit";
import {
  type LoadedTable,
  TABLE_KINDS,
  type TableStore,
  WorkerError,
  type WorkspaceData,
} from "../src/workspace/mod.ts";
import type { TableKind } from "../src/data/types.ts";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";
import { replaceQuestion } from "./file_loader.ts";
import type { ColumnMapper } from "./column_mapper.ts";
import "./column_mapper.ts";
import "./data_table.ts";

/**
 * A remap under way: the table, the mapping chosen so far, the read's progress (`null` before
 * Load) and its error.
 */
interface Remap {
  kind: TableKind;
  mapping: Record<string, string>;
  progress: number | null;
  error: Error | null;
  /** Asked when the new mapping rejects most rows, before they replace the table. */
  ask?: { text: string; answer: (yes: boolean) => void } | null;
}

/** The table whose remap just finished, for the summary drawn next to put the focus back. */
let refocus: { kind: TableKind; at: number } | null = null;

const iso = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString().slice(0, 10));

/**
 * What was loaded: per table its file, rows read / loaded / rejected, time span, duplicates,
 * event types, who read each file (DuckDB or the loader, and why) and warnings, then every rejected row with file, row, column and reason. With a
 * `workspace`, each table has "Remap columns…": the column mapper with the mapping in use, and
 * its "Load with this mapping" reads the same file again.
 *
 * @fires remapped - `detail: {kind, mapping}` after a file is read again with a new mapping
 * @csspart summary - the summary table
 */
export class LoadSummaryView extends LitElement {
  static override properties = {
    data: { attribute: false },
    workspace: { attribute: false },
    remap: { state: true },
  };
  /** The workspace tables. */
  declare data: WorkspaceData | null;
  /** The workspace to read a file again in; without it no remap is offered. */
  declare workspace: TableStore | null;
  declare remap: Remap | null;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ul.warn {
        color: #8a5a00;
      }
      button.link {
        white-space: nowrap;
      }
      progress {
        width: 12em;
      }
      /* A long list of event types wraps, so the table fits a 1280 px screen. */
      td.types {
        white-space: normal;
        min-width: 14em;
        max-width: 28em;
      }
    `,
  ];

  constructor() {
    super();
    this.data = null;
    this.workspace = null;
    this.remap = null;
  }

  protected override firstUpdated(): void {
    // After a remap the page shows the new summary in a fresh element: the keyboard focus
    // goes back to the same table's button there rather than to the top of the page.
    const back = refocus;
    refocus = null;
    if (back && performance.now() - back.at < 2000) {
      this.renderRoot.querySelector<HTMLElement>(`button[data-remap=${back.kind}]`)?.focus();
    }
  }

  protected override updated(changed: PropertyValues): void {
    // Opening the mapper moves the focus into it, so a keyboard user lands on the choices.
    if (changed.has("remap") && this.remap && !(changed.get("remap") as Remap | null)) {
      this.renderRoot.querySelector("sb-column-mapper")?.updateComplete.then(() => {
        this.renderRoot.querySelector("sb-column-mapper")?.shadowRoot?.querySelector("select")
          ?.focus();
      });
    }
  }

  override render() {
    const tables = TABLE_KINDS.map((k) => this.data?.[k]).filter((t) => t !== undefined);
    if (!tables.length) return html`<p class="muted">${tr("No data loaded yet.")}</p>`;
    const rejects = tables.flatMap((t) => t.rejects);
    return html`
      <div class="scroll" tabindex="0" role="region" aria-label="load summary">
        <table part="summary">
          <caption>${tr("Load summary")}</caption>
          <thead>
            <tr>
              <th>${tr("table")}</th>
              <th>${tr("file")}</th>
              <th class="num">${tr("read")}</th>
              <th class="num">${tr("loaded")}</th>
              <th class="num">${tr("rejected")}</th>
              <th class="num">${tr("duplicates")}</th>
              <th>${tr("from")}</th>
              <th>${tr("to")}</th>
              <th>${tr("event types")}</th>
              ${this.workspace ? html`<th>${tr("columns")}</th>` : null}
            </tr>
          </thead>
          <tbody>${tables.map((t) =>
            html`
              <tr data-kind=${t.kind}>
                <td>${tr(t.kind)}</td>
                <td>${t.name}</td>
                <td class="num">${t.summary.rowsRead}</td>
                <td class="num">${t.summary.rowsLoaded}</td>
                <td class="num">${t.summary.rowsRejected}</td>
                <td class="num">${t.countingDuplicates ? "…" : t.summary.duplicates}</td>
                <td>${iso(t.summary.minTs)}</td>
                <td>${iso(t.summary.maxTs)}</td>
                <td class="types">${t.summary.eventTypes
                  ? Object.entries(t.summary.eventTypes).map(([k, n]) => `${k} ${n}`).join(", ")
                  : ""}</td>
                ${this.workspace
                  ? html`<td><button class="link" data-remap=${t.kind}
                    aria-expanded=${this.remap?.kind === t.kind ? "true" : "false"}
                    aria-controls="remap-panel"
                    @click=${() => this.toggle(t.kind)}>${tr("Remap columns…")}</button></td>`
                  : null}
              </tr>
            `
          )}</tbody>
        </table>
      </div>
      ${this.renderRemap(tables)}
      ${tables.some((t) => t.reader)
        ? html`<ul class="readers" part="readers">${
          tables.filter((t) => t.reader).map((t) =>
            html`<li data-reader=${t.reader!}>${t.name}: ${
              t.reader === "duckdb"
                ? tr("read by DuckDB (read_csv)")
                : `${tr("read by the loader")}${t.readerNote ? ` (${tr(t.readerNote)})` : ""}`
            }</li>`
          )
        }</ul>`
        : null}
      ${tables.some((t) => t.summary.warnings.length)
        ? html`<ul class="warn">${
          tables.flatMap((t) => t.summary.warnings.map((w) => html`<li>${t.name}: ${w}</li>`))
        }</ul>`
        : null}
      ${rejects.length
        ? html`
          <h4>${tr("Rejected rows")} (${rejects.length})</h4>
          <sb-data-table .rows=${rejects} .columns=${[
            "file",
            "row",
            "column",
            "value",
            "reason",
          ]} caption="Rejected rows"></sb-data-table>
        `
        : html`<p>${tr("No rows were rejected.")}</p>`}
    `;
  }

  private renderRemap(tables: LoadedTable[]) {
    const remap = this.remap;
    const table = remap && tables.find((t) => t.kind === remap.kind);
    if (!remap || !table) return null;
    const details = remap.error instanceof WorkerError ? remap.error.details : {};
    const reading = remap.progress !== null && !remap.error;
    return html`
      <section id="remap-panel" role="region" aria-label=${`remap columns of ${table.name}`}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === "Escape" && !reading) this.close();
        }}>
        <h4>${tr("Remap columns of {name} ({kind})", {
          name: table.name,
          kind: tr(table.kind),
        })}</h4>
        <sb-column-mapper .kind=${table.kind} .columns=${details.columns ?? table.summary.columns}
          .value=${remap.mapping} .highlight=${details.column ?? ""}
          @change=${(
            e: Event,
          ) => (this.remap = { ...remap, mapping: (e.target as ColumnMapper).value })}
          @apply=${(e: CustomEvent<Record<string, string>>) => this.apply(table.kind, e.detail)}>
        </sb-column-mapper>
        <p>
          ${reading
            ? html`
              <progress max="1" .value=${remap.progress!}
                aria-label=${`reading ${table.name}`}></progress>
              <span>${Math.round(remap.progress! * 100)} %</span>
            `
            : html`<button @click=${() => this.close()}>${tr("Cancel")}</button>`}
        </p>
        ${remap.ask
          ? html`
            <div class="error" role="alertdialog" aria-label="replace table">${remap.ask.text}
              <button class="primary" data-answer="yes" @click=${() =>
                remap.ask!.answer(true)}>${tr("Load anyway")}</button>
              <button data-answer="no" @click=${() => remap.ask!.answer(false)}>${tr(
                "Keep the loaded table",
              )}</button>
            </div>
          `
          : null}
        ${remap.error ? html`<div class="error" role="alert">${remap.error.message}</div>` : null}
      </section>
    `;
  }

  private toggle(kind: TableKind) {
    const table = this.data?.[kind];
    if (this.remap?.kind === kind || !table) this.close();
    else {
      // Only real file columns: a split date and time or row-number ids are not choices.
      const { columns, mapping } = table.summary;
      this.remap = {
        kind,
        mapping: Object.fromEntries(
          Object.entries(mapping).filter(([, column]) => columns.includes(column)),
        ),
        progress: null,
        error: null,
      };
    }
  }

  private close() {
    const kind = this.remap?.kind;
    this.remap = null;
    if (kind) {
      this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>(`button[data-remap=${kind}]`)?.focus()
      );
    }
  }

  private async apply(kind: TableKind, mapping: Record<string, string>) {
    const workspace = this.workspace;
    const input = workspace?.inputs.get(kind);
    if (!workspace || !input) return;
    this.remap = { kind, mapping, progress: 0, error: null };
    try {
      await workspace.reload(
        kind,
        { ...input.options, mapping },
        (f) => (this.remap = { kind, mapping, progress: f, error: null }),
        {
          // Only a mapping that rejects most rows asks: a remap is meant to replace the table.
          confirm: (summary) => {
            const question = replaceQuestion(summary, null);
            if (!question?.warn) return Promise.resolve(true);
            return new Promise<boolean>((answer) => {
              this.remap = {
                kind,
                mapping,
                progress: 1,
                error: null,
                ask: {
                  text: question.text.endsWith(tr("Load it anyway?"))
                    ? question.text.slice(0, -tr("Load it anyway?").length) +
                      tr("Replace the loaded table anyway?")
                    : question.text,
                  answer: (yes) => {
                    this.remap = { kind, mapping, progress: yes ? 1 : null, error: null };
                    answer(yes);
                  },
                },
              };
            });
          },
        },
      );
      refocus = { kind, at: performance.now() };
      this.close();
      this.dispatchEvent(new CustomEvent("remapped", { detail: { kind, mapping } }));
    } catch (err) {
      this.remap = { kind, mapping, progress: null, error: err as Error };
    }
  }
}

customElements.define("sb-load-summary", LoadSummaryView);

declare global {
  interface HTMLElementTagNameMap {
    "sb-load-summary": LoadSummaryView;
  }
}
