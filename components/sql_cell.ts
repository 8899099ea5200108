import { css, html, LitElement } from "lit";
import { autoChart } from "../src/charts/auto_chart.ts";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";
import "./data_table.ts";
import "./plot_figure.ts";

/** Where a SQL cell's queries run: the page's DuckDB, or anything that answers SQL. */
export interface SqlSource {
  /** Runs `sql`; plain rows (timestamps as `Date`) and the column names in order. */
  query(sql: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }>;
  /** Calls `listener` whenever the tables change; returns the unsubscribe function. */
  subscribe?(listener: () => void): () => void;
}

/**
 * An editable SQL query over the loaded tables (`contacts`, `events`, `purchases`,
 * `verification`) in DuckDB, with the answer as a table and a chart. Ctrl+Enter runs it; it
 * runs again by itself when a table changes (a new file was loaded).
 * Its `value` is the result rows, so notebook cells can build on it.
 *
 * @fires input - after each run, with the new `value` (the notebook's change signal)
 * @csspart editor - the query text area
 */
export class SqlCell extends LitElement {
  static override properties = {
    query: {},
    source: { attribute: false },
    result: { state: true },
    error: { state: true },
    running: { state: true },
  };
  /** The SQL text. */
  declare query: string;
  /** Where the query runs. */
  declare source: SqlSource | null;
  declare result: { columns: string[]; rows: Record<string, unknown>[]; ms: number } | null;
  declare error: string;
  declare running: boolean;
  /** Result rows of the last successful run. */
  value: Record<string, unknown>[] = [];

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        font: 13px/1.4 ui-monospace, monospace;
        min-height: 5em;
      }
      .bar {
        display: flex;
        gap: 0.6em;
        align-items: center;
        margin: 0.3em 0;
      }
      .out {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 0.6em;
      }
      @media (min-width: 1100px) {
        .out.both {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        }
      }
    `,
  ];

  constructor() {
    super();
    this.query = "";
    this.source = null;
    this.result = null;
    this.error = "";
    this.running = false;
  }

  private unsubscribe: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribe = this.source?.subscribe?.(() => {
      if (this.query.trim()) this.run();
    }) ?? null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  override firstUpdated(): void {
    if (this.query.trim() && this.source) this.run();
  }

  override render() {
    const chart = this.result ? autoChart(this.result.columns, this.result.rows) : null;
    return html`
      <label class="muted" for="q">${tr("SQL (Ctrl+Enter runs)")}</label>
      <textarea id="q" part="editor" spellcheck="false" .value=${this.query}
        @input=${(e: Event) => (this.query = (e.target as HTMLTextAreaElement).value)}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            this.run();
          }
        }}></textarea>
      <div class="bar">
        <button class="primary" ?disabled=${this.running || !this.source} @click=${() =>
          this.run()}>${tr("Run")}</button>
        <span class="muted" role="status">${this.running
          ? tr("running…")
          : this.result
          ? tr("{n} rows in {ms} ms", {
            n: this.result.rows.length,
            ms: this.result.ms.toFixed(0),
          })
          : ""}</span>
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : null}
      ${this.result
        ? html`<div class="out ${chart ? "both" : ""}">
            <sb-data-table raw .rows=${this.result.rows} .columns=${this.result.columns} caption="Query result"></sb-data-table>
            ${
          chart
            ? html`<sb-plot-figure .options=${chart} label="Chart of the query result"></sb-plot-figure>`
            : null
        }
          </div>`
        : null}
    `;
  }

  /** Runs the query; the result replaces `value` and an `input` event follows. */
  async run(): Promise<void> {
    if (!this.source) return;
    this.running = true;
    this.error = "";
    const started = performance.now();
    try {
      const { columns, rows } = await this.source.query(this.query);
      this.result = { columns, rows, ms: performance.now() - started };
      this.value = rows;
      this.dispatchEvent(new Event("input", { bubbles: true }));
    } catch (err) {
      this.error = `Query failed: ${(err as Error).message}`;
    } finally {
      this.running = false;
    }
  }
}

customElements.define("sb-sql-cell", SqlCell);

declare global {
  interface HTMLElementTagNameMap {
    "sb-sql-cell": SqlCell;
  }
}
