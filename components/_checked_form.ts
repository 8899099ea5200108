/**
 * What the forms that edit part of a config (`sb-config-blocks`, `sb-rule-scopes`) share:
 * a draft is checked as the config parser checks it, its problems listed, and `value`
 * taken (and `input` fired) only when there are none.
 */
import { html, type TemplateResult } from "lit";

/** A form whose `value` changes only through a checked apply. */
export interface CheckedForm<T> extends HTMLElement {
  value: T;
  problems: string[];
}

/** Applies a checked draft to `form`: lists its problems, or takes its value and fires `input`. */
export function applyChecked<T>(form: CheckedForm<T>, checked: { value: T; problems: string[] }) {
  form.problems = checked.problems;
  if (checked.problems.length) return;
  form.value = checked.value;
  form.dispatchEvent(new Event("input", { bubbles: true }));
}

/** The end of a checked form: its problems as an alert, then its apply button. */
export function checkedFormEnd(
  problems: string[],
  button: { id: string; label: string; apply: () => void },
): TemplateResult {
  return html`
    ${problems.length
      ? html`<div class="error" role="alert">${problems.map((p) => html`<div>${p}</div>`)}</div>`
      : null}
    <p><button class="primary" id=${button.id} @click=${button.apply}>${button.label}</button></p>
  `;
}
