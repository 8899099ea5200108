import { css, html, LitElement } from "lit";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";

/** One fitted rule: the columns of a calibration's points table this editor reads. */
export interface PointsEditorRow {
  ruleId: string | null;
  feature: string;
  label: string;
  coef: number;
  stdErr: number;
  exactPoints: number;
  points: number;
}

const fixed = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : "—");

/**
 * The fitted coefficients and their points, with each rule's points editable by hand. Its
 * `value` maps rule id to the points in force (fitted, or as edited); edited cells are marked.
 *
 * @fires input - after a points cell changes
 * @csspart table - the coefficients table
 */
export class PointsEditor extends LitElement {
  static override properties = {
    rows: { attribute: false },
    value: { attribute: false },
  };
  /** The calibration's points table. */
  declare rows: PointsEditorRow[];
  /** Points in force by rule id; given with `rows`, they are the starting points. */
  declare value: Record<string, number>;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      input {
        width: 5em;
        text-align: right;
      }
      tr.edited td {
        background: #fff7e0;
      }
      td.wrap {
        white-space: normal;
        min-width: 10em;
      }
    `,
  ];

  constructor() {
    super();
    this.rows = [];
    this.value = {};
  }

  override willUpdate(changed: Map<string, unknown>): void {
    // New rows (a new fit) start from the fitted points, or from the points given with them
    // (the current version's, hand edits included).
    if (changed.has("rows")) {
      const fitted = Object.fromEntries(
        this.rows.filter((r) => r.ruleId).map((r) => [r.ruleId!, r.points]),
      );
      const given = changed.has("value") ? this.value : {};
      this.value = Object.fromEntries(
        Object.entries(fitted).map(([id, p]) => [id, id in given ? given[id] : p]),
      );
    }
  }

  override render() {
    return html`
      <div class="scroll" tabindex="0" role="region" aria-label="coefficients and points">
        <table part="table">
          <caption>${tr("Coefficients and points (edit a rule's points by hand)")}</caption>
          <thead>
            <tr>
              <th>${tr("feature")}</th>
              <th>${tr("rule")}</th>
              <th class="num">${tr("coefficient")}</th>
              <th class="num">${tr("std error")}</th>
              <th class="num">${tr("exact points")}</th>
              <th class="num">${tr("points")}</th>
            </tr>
          </thead>
          <tbody>${this.rows.map((r) => {
            const current = r.ruleId ? this.value[r.ruleId] : undefined;
            const edited = r.ruleId !== null && current !== r.points;
            return html`
              <tr class=${edited ? "edited" : ""}>
                <td class="wrap">${tr(r.label || r.feature)}</td>
                <td class="wrap">${r.ruleId ??
                  (r.feature === "(intercept)"
                    ? tr("(intercept)")
                    : tr("rounds to 0: no rule"))}</td>
                <td class="num">${fixed(r.coef, 4)}</td>
                <td class="num">${fixed(r.stdErr, 4)}</td>
                <td class="num">${fixed(r.exactPoints, 2)}</td>
                <td class="num">${r.ruleId
                  ? html`
                    <input type="number" step="1" .value=${String(
                      current,
                    )} aria-label=${`points of ${r.ruleId}`}
                      data-rule=${r.ruleId} @change=${(e: Event) =>
                        this.edit(r.ruleId!, (e.target as HTMLInputElement).value)}>
                  `
                  : fixed(r.points, 0)}</td>
              </tr>
            `;
          })}</tbody>
        </table>
      </div>
      <p><button @click=${() => this.resetAll()}>${tr("Back to fitted points")}</button></p>
    `;
  }

  private edit(ruleId: string, text: string) {
    const points = Number(text);
    if (text.trim() === "" || !Number.isFinite(points)) return;
    this.value = { ...this.value, [ruleId]: points };
    this.dispatchEvent(new Event("input", { bubbles: true }));
  }

  private resetAll() {
    this.value = Object.fromEntries(
      this.rows.filter((r) => r.ruleId).map((r) => [r.ruleId!, r.points]),
    );
    this.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

customElements.define("sb-points-editor", PointsEditor);

declare global {
  interface HTMLElementTagNameMap {
    "sb-points-editor": PointsEditor;
  }
}
