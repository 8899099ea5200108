import { css, html, LitElement } from "lit";
import type {
  AudienceSpec,
  ScoringConfigSpec,
  TriggerSpec,
  VerificationSpec,
} from "../src/config/types.ts";
import { parseConfig } from "../src/config/mod.ts";
import { splitList } from "../src/tables/mod.ts";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";

/** The blocks of a config this element edits. */
export interface ConfigBlocks {
  audience?: AudienceSpec;
  verification?: VerificationSpec;
  triggers?: TriggerSpec[];
}

/** The form's fields as text, the way a person types them. */
interface Draft {
  gender: string;
  ageFrom: string;
  ageTo: string;
  interests: string;
  stage: string;
  touchedFrom: string;
  touchedTo: string;
  touchedTypes: string;
  verification: "" | "exclude" | "demote" | "flag";
  factor: string;
  triggers: { id: string; reaches: string; action: string }[];
}

const list = (items?: string[]) => (items ?? []).join(", ");

function draftOf(value: ConfigBlocks): Draft {
  const a = value.audience ?? {};
  return {
    gender: list(a.gender),
    ageFrom: a.age ? String(a.age[0]) : "",
    ageTo: a.age ? String(a.age[1]) : "",
    interests: list(a.interests),
    stage: list(a.stage),
    touchedFrom: a.touched?.from ?? "",
    touchedTo: a.touched?.to ?? "",
    touchedTypes: list(a.touched?.types),
    verification: value.verification?.mode ?? "",
    factor: value.verification?.factor === undefined ? "" : String(value.verification.factor),
    triggers: (value.triggers ?? []).map((t) => ({
      id: t.id,
      reaches: t.reaches,
      action: t.action?.type ?? "",
    })),
  };
}

/**
 * The blocks of a `draft`, checked as the config parser checks them. Returns the blocks and
 * the parser's problems (each naming its JSON path) for the config they would make.
 */
export function blocksOf(
  draft: Draft,
  base: ScoringConfigSpec,
): { value: ConfigBlocks; problems: string[] } {
  const audience: AudienceSpec = {};
  const items = (text: string) => splitList(text);
  if (draft.gender.trim()) audience.gender = items(draft.gender);
  if (draft.ageFrom.trim() || draft.ageTo.trim()) {
    audience.age = [
      draft.ageFrom.trim() ? Number(draft.ageFrom) : 0,
      draft.ageTo.trim() ? Number(draft.ageTo) : 150,
    ];
  }
  if (draft.interests.trim()) audience.interests = items(draft.interests);
  if (draft.stage.trim()) audience.stage = items(draft.stage);
  if (draft.touchedFrom || draft.touchedTo) {
    audience.touched = { from: draft.touchedFrom, to: draft.touchedTo };
    if (draft.touchedTypes.trim()) audience.touched.types = items(draft.touchedTypes);
  }
  const value: ConfigBlocks = {};
  if (Object.keys(audience).length) value.audience = audience;
  if (draft.verification) {
    value.verification = { mode: draft.verification };
    if (draft.verification === "demote" && draft.factor.trim()) {
      value.verification.factor = Number(draft.factor);
    }
  }
  const triggers = draft.triggers.filter((t) => t.id.trim() || t.action.trim());
  if (triggers.length) {
    value.triggers = triggers.map((t) => ({
      id: t.id.trim(),
      reaches: t.reaches as TriggerSpec["reaches"],
      ...(t.action.trim() ? { action: { type: t.action.trim() } } : {}),
    }));
  }
  const candidate: ScoringConfigSpec = { ...base };
  delete candidate.audience;
  delete candidate.verification;
  delete candidate.triggers;
  try {
    parseConfig({ ...candidate, ...value });
    return { value, problems: [] };
  } catch (err) {
    const message = (err as Error).message;
    const problems = message.split("\n").map((l) => l.trim()).filter((l) =>
      /^(audience|verification|triggers)/.test(l) || /: (audience|verification|triggers)/.test(l)
    );
    return { value, problems: problems.length ? problems : [message] };
  }
}

/**
 * The audience (who may be scored at all), verification (what happens to contacts on the
 * verification list) and triggers (what fires when a contact reaches a tier) of a config, as
 * a form. Each change is checked as the config parser checks it; `value` changes only when
 * the whole form is valid.
 *
 * @fires input - with a new valid `value` after **Apply**
 * @slot - the effect of the blocks, shown under the form (contacts kept, verified)
 */
export class ConfigBlocksForm extends LitElement {
  static override properties = {
    value: { attribute: false },
    base: { attribute: false },
    draft: { state: true },
    problems: { state: true },
  };
  /** The blocks in force. */
  declare value: ConfigBlocks;
  /** The config the blocks belong to (checked together). */
  declare base: ScoringConfigSpec | null;
  declare draft: Draft;
  declare problems: string[];

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      fieldset {
        border: 1px solid #d5dbe6;
        border-radius: 6px;
        margin: 0 0 0.8em;
        display: flex;
        flex-wrap: wrap;
        gap: 0.6em 1.2em;
      }
      label {
        display: flex;
        flex-direction: column;
        font-size: 0.92em;
      }
      input[type=number] {
        width: 6em;
      }
      .trigger {
        display: flex;
        gap: 0.6em;
        align-items: end;
      }
    `,
  ];

  constructor() {
    super();
    this.value = {};
    this.base = null;
    this.draft = draftOf({});
    this.problems = [];
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("value")) this.draft = draftOf(this.value);
  }

  private set(patch: Partial<Draft>) {
    this.draft = { ...this.draft, ...patch };
  }

  private field(key: keyof Draft, label: string, help = "", type = "text") {
    return html`<label>${tr(label)}
      <input type=${type} .value=${String(this.draft[key])} aria-label=${label} title=${tr(help)}
        @input=${(e: Event) => this.set({ [key]: (e.target as HTMLInputElement).value })}>
    </label>`;
  }

  private apply() {
    const out = blocksOf(this.draft, this.base ?? { format: "scorebench.config/v1" });
    this.problems = out.problems;
    if (out.problems.length) return;
    this.value = out.value;
    this.dispatchEvent(new Event("input", { bubbles: true }));
  }

  override render() {
    const d = this.draft;
    return html`
      <fieldset>
        <legend>${tr("Audience: who is scored at all (empty: everyone)")}</legend>
        ${this.field("gender", "gender", "f, m (a list)")}
        ${this.field("ageFrom", "age from", "", "number")}
        ${this.field("ageTo", "age to", "", "number")}
        ${this.field("interests", "interests (any of)", "a list: loans, deposits")}
        ${this.field("stage", "stage or deal status (any of)", "a list: lead, qualified")}
        ${this.field("touchedFrom", "touched from", "", "date")}
        ${this.field("touchedTo", "touched to", "", "date")}
        ${this.field("touchedTypes", "touched by event types", "a list: call, form_submit")}
      </fieldset>
      <fieldset>
        <legend>${tr("Verification: contacts on the verification list")}</legend>
        <label>${tr("mode")}
          <select aria-label="verification mode" @change=${(e: Event) =>
            this.set({
              verification: (e.target as HTMLSelectElement).value as Draft["verification"],
            })}>
            ${[
              ["", "no verification"],
              ["exclude", "leave them out"],
              ["demote", "lower their score"],
              ["flag", "only mark them"],
            ].map(([v, l]) =>
              html`<option .value=${v} ?selected=${d.verification === v}>${tr(l)}</option>`
            )}
          </select>
        </label>
        ${d.verification === "demote"
          ? this.field("factor", "score multiplier (0 to 1)", "0.5 halves the score", "number")
          : null}
      </fieldset>
      <fieldset>
        <legend>${tr("Triggers: what happens when a contact reaches a tier")}</legend>
        ${d.triggers.map((t, i) =>
          html`
            <div class="trigger">
              <label>${tr("name")}<input .value=${t.id} aria-label=${`trigger ${
                i + 1
              } name`} @input=${(
                e: Event,
              ) => this.setTrigger(i, { id: (e.target as HTMLInputElement).value })}></label>
              <label>${tr("reaches")}<select aria-label=${`trigger ${i + 1} tier`} @change=${(
                e: Event,
              ) => this.setTrigger(i, { reaches: (e.target as HTMLSelectElement).value })}>
                          ${["high", "medium", "low"].map((tier) =>
                            html`<option .value=${tier} ?selected=${t.reaches === tier}>${
                              tr(tier)
                            }</option>`
                          )}</select></label>
              <label>${tr("action")}<input .value=${t.action} aria-label=${`trigger ${
                i + 1
              } action`}
                          title=${tr("e.g. call_back, send_to_crm")} @input=${(e: Event) =>
                            this.setTrigger(i, {
                              action: (e.target as HTMLInputElement).value,
                            })}></label>
              <button @click=${() =>
                this.set({ triggers: d.triggers.filter((_, j) => j !== i) })}>${tr(
                  "Remove",
                )}</button>
            </div>
          `
        )}
        <button @click=${() =>
          this.set({
            triggers: [...d.triggers, {
              id: `trigger_${d.triggers.length + 1}`,
              reaches: "high",
              action: "call_back",
            }],
          })}>${tr("Add a trigger")}</button>
      </fieldset>
      ${this.problems.length
        ? html`<div class="error" role="alert">${
          this.problems.map((p) => html`<div>${p}</div>`)
        }</div>`
        : null}
      <p><button class="primary" id="apply-blocks" @click=${() => this.apply()}>${tr(
        "Apply to the current config",
      )}</button></p>
      <slot></slot>
    `;
  }

  private setTrigger(i: number, patch: Partial<Draft["triggers"][number]>) {
    this.set({ triggers: this.draft.triggers.map((t, j) => (j === i ? { ...t, ...patch } : t)) });
  }
}

customElements.define("sb-config-blocks", ConfigBlocksForm);

declare global {
  interface HTMLElementTagNameMap {
    "sb-config-blocks": ConfigBlocksForm;
  }
}
