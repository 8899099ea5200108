import { css, html, LitElement } from "lit";
import type { TableKind } from "../src/data/types.ts";
import { TABLE_COLUMNS } from "../src/data/mod.ts";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";

/**
 * Lets a person say which file column holds each canonical column, e.g. `contact_id` is
 * "Client ID". Its `value` is the mapping (canonical -> file column), unmapped ones left out.
 *
 * @fires change - when a choice changes; read `value`
 * @fires apply - when "Load with this mapping" is pressed; `detail` is the mapping
 */
export class ColumnMapper extends LitElement {
  static override properties = {
    kind: {},
    columns: { attribute: false },
    value: { attribute: false },
    highlight: {},
  };
  /** The table being mapped. */
  declare kind: TableKind;
  /** The file's columns. */
  declare columns: string[];
  /** Current mapping, canonical column -> file column. */
  declare value: Record<string, string>;
  /** A canonical column to draw attention to (the one the loader could not find). */
  declare highlight: string;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(15em, 1fr));
        gap: 0.4em 1em;
      }
      label {
        display: flex;
        flex-direction: column;
      }
      label.hot select {
        outline: 2px solid #a11;
      }
      .req {
        color: #a11;
      }
    `,
  ];

  constructor() {
    super();
    this.kind = "events";
    this.columns = [];
    this.value = {};
    this.highlight = "";
  }

  override render() {
    const { required, optional, anyOf } = TABLE_COLUMNS[this.kind];
    return html`
      <fieldset>
        <legend>${tr("Columns of the {kind} file", { kind: tr(this.kind) })}</legend>
        <div class="grid">
          ${[...required, ...optional].map((canonical) =>
            html`
              <label class=${canonical === this.highlight ? "hot" : ""}>
                <span>${canonical}${required.includes(canonical)
                  ? html`<span class="req"> *</span>`
                  : null}</span>
                <select aria-label=${`file column for ${canonical}`} data-canonical=${canonical}
                  @change=${(e: Event) =>
                    this.choose(canonical, (e.target as HTMLSelectElement).value)}>
                  <option value="" ?selected=${!this.value[canonical]}>${tr("(by name)")}</option>
                  ${this.columns.map((c) =>
                    html`<option .value=${c} ?selected=${this.value[canonical] === c}>${c}</option>`
                  )}
                </select>
              </label>
            `
          )}
        </div>
        <p><button class="primary" @click=${() =>
          this.dispatchEvent(
            new CustomEvent("apply", { detail: this.value }),
          )}>${tr("Load with this mapping")}</button>
        <span class="muted">* ${tr(anyOf ? "at least one required" : "required")}</span></p>
      </fieldset>
    `;
  }

  private choose(canonical: string, column: string) {
    const next = { ...this.value };
    if (column) next[canonical] = column;
    else delete next[canonical];
    this.value = next;
    this.dispatchEvent(new Event("change"));
  }
}

customElements.define("sb-column-mapper", ColumnMapper);

declare global {
  interface HTMLElementTagNameMap {
    "sb-column-mapper": ColumnMapper;
  }
}
