import { css, html, LitElement } from "lit";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";

/** One field of a settings form. */
export interface FormField {
  name: string;
  label: string;
  type: "number" | "date" | "text" | "select" | "checkbox";
  /** For `select`: the choices (value and label). */
  options?: { value: string; label: string }[];
  step?: number;
  min?: number;
  max?: number;
  /** Leave empty for `null` (numbers and dates). */
  optional?: boolean;
  help?: string;
}

type Values = Record<string, string | number | boolean | null>;

/** `YYYY-MM-DD` of epoch ms (UTC) for a date input; a date field's value is epoch ms. */
const toDateText = (
  ms: unknown,
) => (typeof ms === "number" ? new Date(ms).toISOString().slice(0, 10) : "");

/**
 * A small form of page settings. With `submit-label`, `value` changes only when the button
 * is pressed (for settings that start heavy work); otherwise on every edit.
 *
 * @fires input - when `value` changes (the notebook's change signal)
 * @csspart form - the `<form>`
 */
export class SettingsForm extends LitElement {
  static override properties = {
    fields: { attribute: false },
    value: { attribute: false },
    submitLabel: { attribute: "submit-label" },
    validate: { attribute: false },
    draft: { state: true },
    problem: { state: true },
  };
  /** The fields, in order. */
  declare fields: FormField[];
  /** Current settings by field name; date fields hold epoch ms. */
  declare value: Values;
  /** Label of the apply button; empty applies every edit at once. */
  declare submitLabel: string;
  /** A further check of the whole draft (as the code that reads it checks it): a message, or `null`. */
  declare validate: ((values: Values) => string | null) | null;
  declare draft: Values;
  declare problem: string;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6em 1.2em;
        align-items: flex-end;
      }
      label {
        display: flex;
        flex-direction: column;
        font-size: 0.92em;
      }
      input[type=number] {
        width: 7em;
      }
      small {
        color: #5a6478;
      }
    `,
  ];

  constructor() {
    super();
    this.fields = [];
    this.value = {};
    this.submitLabel = "";
    this.validate = null;
    this.draft = {};
    this.problem = "";
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("value")) this.draft = { ...this.value };
  }

  override render() {
    return html`<form part="form" @submit=${(e: Event) => {
      e.preventDefault();
      this.apply();
    }}>
      ${this.fields.map((f) => this.renderField(f))}
      ${
      this.submitLabel
        ? html`<button class="primary" type="submit">${tr(this.submitLabel)}</button>`
        : null
    }
    </form>
    ${this.problem ? html`<div class="error" role="alert">${this.problem}</div>` : null}`;
  }

  private renderField(f: FormField) {
    const v = this.draft[f.name];
    const set = (value: Values[string]) => {
      this.draft = { ...this.draft, [f.name]: value };
      if (!this.submitLabel) this.apply();
    };
    const text = (e: Event) => (e.target as HTMLInputElement).value;
    let control;
    switch (f.type) {
      case "select":
        control = html`<select name=${f.name} @change=${(e: Event) => set(text(e))}>
          ${
          (f.options ?? []).map((o) =>
            html`<option .value=${o.value} ?selected=${o.value === v}>${tr(o.label)}</option>`
          )
        }
        </select>`;
        break;
      case "checkbox":
        control = html`
          <input type="checkbox" name=${f.name} .checked=${Boolean(v)}
            @change=${(e: Event) => set((e.target as HTMLInputElement).checked)}>
        `;
        break;
      case "date":
        control = html`
          <input type="date" name=${f.name} .value=${toDateText(v)}
            @change=${(e: Event) => set(text(e) ? Date.parse(`${text(e)}T00:00:00Z`) : null)}>
        `;
        break;
      case "number":
        control = html`
          <input type="number" name=${f.name} .value=${v === null || v === undefined
            ? ""
            : String(v)}
            step=${f.step ?? "any"} min=${f.min ?? ""} max=${f.max ?? ""}
            @change=${(e: Event) => set(text(e) === "" ? null : Number(text(e)))}>
        `;
        break;
      default:
        control = html`<input type="text" name=${f.name} .value=${String(v ?? "")} @change=${(
          e: Event,
        ) => set(text(e))}>`;
    }
    return html`<label>${tr(f.label)}${control}${
      f.help ? html`<small>${tr(f.help)}</small>` : null
    }</label>`;
  }

  /** Checks the draft and, when sound, makes it the value. */
  apply(): void {
    for (const f of this.fields) {
      const v = this.draft[f.name];
      if (
        (v === null || v === undefined || v === "") && !f.optional && f.type !== "checkbox" &&
        f.type !== "text"
      ) {
        this.problem = `"${f.label}" needs a value`;
        return;
      }
      if (
        typeof v === "number" &&
        (!Number.isFinite(v) || (f.min !== undefined && v < f.min) ||
          (f.max !== undefined && v > f.max))
      ) {
        this.problem = `"${f.label}": ${v} is out of range${
          f.min !== undefined ? ` (from ${f.min})` : ""
        }${f.max !== undefined ? ` (to ${f.max})` : ""}`;
        return;
      }
    }
    const problem = this.validate?.({ ...this.draft }) ?? null;
    if (problem) {
      this.problem = problem;
      return;
    }
    this.problem = "";
    this.value = { ...this.draft };
    this.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

customElements.define("sb-settings-form", SettingsForm);

declare global {
  interface HTMLElementTagNameMap {
    "sb-settings-form": SettingsForm;
  }
}
