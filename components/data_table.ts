import { css, html, LitElement } from "lit";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";

/**
 * Display text of one cell: dates as `2024-07-01` (with the time, UTC, when not midnight),
 * numbers to 6 significant digits, lists joined.
 */
export function cellDisplay(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "";
    const iso = value.toISOString();
    return iso.slice(11, 23) === "00:00:00.000"
      ? iso.slice(0, 10)
      : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  }
  if (typeof value === "number") {
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  }
  if (Array.isArray(value)) return value.join(";");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * A table of rows, one page at a time, scrollable and reachable by keyboard. The caption,
 * the column names and short text cells are shown in the page's language when a translation
 * exists (`label`); the `caption` attribute stays as given, for selectors.
 *
 * @fires page-change - `detail: {page}` after the page buttons move
 * @csspart table - the `<table>`
 */
export class DataTable extends LitElement {
  static override properties = {
    rows: { attribute: false },
    columns: { attribute: false },
    caption: {},
    raw: { type: Boolean },
    pageSize: { type: Number, attribute: "page-size" },
    page: { type: Number },
  };
  /** Rows as plain objects. */
  declare rows: Record<string, unknown>[];
  /** Column order; defaults to the keys of the first row. */
  declare columns: string[] | null;
  /** Caption read out by screen readers and shown above the table. */
  declare caption: string;
  /** Column names and cells exactly as given (a query's own names), never translated. */
  declare raw: boolean;
  /** Rows per page. */
  declare pageSize: number;
  /** 0-based page shown. */
  declare page: number;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .scroll {
        max-height: 28em;
        border: 1px solid #e2e6ee;
      }
      caption {
        text-align: left;
        font-weight: 600;
        padding: 0.3em 0;
      }
      thead th {
        position: sticky;
        top: 0;
        background: #f4f6fa;
      }
      nav {
        display: flex;
        gap: 0.5em;
        align-items: center;
        margin-top: 0.3em;
      }
    `,
  ];

  constructor() {
    super();
    this.rows = [];
    this.columns = null;
    this.caption = "";
    this.raw = false;
    this.pageSize = 50;
    this.page = 0;
  }

  override render() {
    const columns = this.columns ?? Object.keys(this.rows[0] ?? {});
    const pages = Math.max(1, Math.ceil(this.rows.length / this.pageSize));
    const page = Math.min(this.page, pages - 1);
    const shown = this.rows.slice(page * this.pageSize, (page + 1) * this.pageSize);
    const numeric = columns.map((c) => typeof shown.find((r) => r[c] != null)?.[c] === "number");
    return html`
      <div class="scroll" tabindex="0" role="region" aria-label=${tr(this.caption || "table")}>
        <table part="table">
          ${this.caption ? html`<caption>${tr(this.caption)}</caption>` : null}
          <thead><tr>${columns.map((c, j) =>
            html`<th scope="col" class=${numeric[j] ? "num" : ""}>${this.raw ? c : tr(c)}</th>`
          )}</tr></thead>
          <tbody>
            ${shown.map((row) =>
              html`<tr>${
                columns.map((c, j) =>
                  html`<td class=${numeric[j] ? "num" : ""}>${
                    typeof row[c] === "string" && !this.raw
                      ? tr(row[c] as string)
                      : cellDisplay(row[c])
                  }</td>`
                )
              }</tr>`
            )}
          </tbody>
        </table>
      </div>
      ${pages > 1
        ? html`
          <nav aria-label="pages">
            <button ?disabled=${page === 0} @click=${() => this.go(page - 1)}>${tr(
              "Previous",
            )}</button>
            <span class="muted">${tr("rows {from}–{to} of {n}", {
              from: page * this.pageSize + 1,
              to: Math.min(this.rows.length, (page + 1) * this.pageSize),
              n: this.rows.length,
            })}</span>
            <button ?disabled=${page >= pages - 1} @click=${() => this.go(page + 1)}>${tr(
              "Next",
            )}</button>
          </nav>
        `
        : html`<p class="muted">${
          this.rows.length === 1 ? tr("1 row") : tr("{n} rows", { n: this.rows.length })
        }</p>`}
    `;
  }

  private go(page: number) {
    this.page = page;
    this.dispatchEvent(new CustomEvent("page-change", { detail: { page } }));
  }
}

customElements.define("sb-data-table", DataTable);

declare global {
  interface HTMLElementTagNameMap {
    "sb-data-table": DataTable;
  }
}
