import { css, html, LitElement } from "lit";
import type { WorkspaceData } from "../src/app/workspace.ts";
import { TABLE_KINDS } from "../src/app/workspace.ts";
import { baseStyles } from "./_styles.ts";
import "./data_table.ts";

const iso = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString().slice(0, 10));

/**
 * What was loaded: per table its file, rows read / loaded / rejected, time span, duplicates,
 * event types and warnings, then every rejected row with file, row, column and reason.
 *
 * @csspart summary - the summary table
 */
export class LoadSummaryView extends LitElement {
  static override properties = { data: { attribute: false } };
  /** The workspace tables. */
  declare data: WorkspaceData | null;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ul.warn {
        color: #8a5a00;
      }
    `,
  ];

  constructor() {
    super();
    this.data = null;
  }

  override render() {
    const tables = TABLE_KINDS.map((k) => this.data?.[k]).filter((t) => t !== undefined);
    if (!tables.length) return html`<p class="muted">No data loaded yet.</p>`;
    const rejects = tables.flatMap((t) => t.rejects);
    return html`
      <div class="scroll" tabindex="0" role="region" aria-label="load summary">
        <table part="summary">
          <caption>Load summary</caption>
          <thead>
            <tr>
              <th>table</th>
              <th>file</th>
              <th class="num">read</th>
              <th class="num">loaded</th>
              <th class="num">rejected</th>
              <th class="num">duplicates</th>
              <th>from</th>
              <th>to</th>
              <th>event types</th>
            </tr>
          </thead>
          <tbody>${tables.map((t) =>
            html`
              <tr data-kind=${t.kind}>
                <td>${t.kind}</td>
                <td>${t.name}</td>
                <td class="num">${t.summary.rowsRead}</td>
                <td class="num">${t.summary.rowsLoaded}</td>
                <td class="num">${t.summary.rowsRejected}</td>
                <td class="num">${t.summary.duplicates}</td>
                <td>${iso(t.summary.minTs)}</td>
                <td>${iso(t.summary.maxTs)}</td>
                <td>${t.summary.eventTypes
                  ? Object.entries(t.summary.eventTypes).map(([k, n]) => `${k} ${n}`).join(", ")
                  : ""}</td>
              </tr>
            `
          )}</tbody>
        </table>
      </div>
      ${tables.some((t) => t.summary.warnings.length)
        ? html`<ul class="warn">${
          tables.flatMap((t) => t.summary.warnings.map((w) => html`<li>${t.name}: ${w}</li>`))
        }</ul>`
        : null}
      ${rejects.length
        ? html`
          <h4>Rejected rows (${rejects.length})</h4>
          <sb-data-table .rows=${rejects} .columns=${[
            "file",
            "row",
            "column",
            "value",
            "reason",
          ]} caption="Rejected rows"></sb-data-table>
        `
        : html`<p>No rows were rejected.</p>`}
    `;
  }
}

customElements.define("sb-load-summary", LoadSummaryView);

declare global {
  interface HTMLElementTagNameMap {
    "sb-load-summary": LoadSummaryView;
  }
}
