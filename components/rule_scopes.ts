import { css, html, LitElement } from "lit";
import type { ScopeSpec, ScoringConfigSpec } from "../src/config/types.ts";
import { type ScopeDraft, scopeDraftOf, scopesFromDraft } from "../src/workspace/rule_scopes.ts";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";
import { applyChecked, checkedFormEnd } from "./_checked_form.ts";

/**
 * Scopes of a config's event rules as a form: whether each rule adds to the global score, to
 * a sum per deal stage, and to which tag sums. **Apply scopes** checks them as the config
 * parser does; `value` changes only when they pass.
 *
 * @fires input - with the new `value` (scopes by rule id) after **Apply scopes**
 */
export class RuleScopesForm extends LitElement {
  static override properties = {
    base: { attribute: false },
    value: { attribute: false },
    drafts: { state: true },
    problems: { state: true },
  };
  /** The config whose rules are scoped. */
  declare base: ScoringConfigSpec | null;
  /** Scopes by rule id, as last applied. */
  declare value: Record<string, ScopeSpec[]>;
  declare drafts: Record<string, ScopeDraft>;
  declare problems: string[];

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .scroll {
        max-height: 24em;
        border: 1px solid #e2e6ee;
      }
      input[type=text] {
        width: 11em;
      }
      /* Long rule ids (a URL in them) wrap, so the tags column stays in view at 1280 px. */
      td.id {
        max-width: 22em;
        overflow-wrap: anywhere;
      }
    `,
  ];

  constructor() {
    super();
    this.base = null;
    this.value = {};
    this.drafts = {};
    this.problems = [];
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has("base") && this.base) this.drafts = scopeDraftOf(this.base);
  }

  private set(id: string, patch: Partial<ScopeDraft>) {
    this.drafts = { ...this.drafts, [id]: { ...this.drafts[id], ...patch } };
  }

  private apply() {
    if (!this.base) return;
    const { scopes, problems } = scopesFromDraft(this.base, this.drafts);
    applyChecked(this, { value: scopes, problems });
  }

  override render() {
    const rules = this.base?.rules ?? [];
    if (!rules.length) return html`<p class="muted">${tr("The config has no event rules.")}</p>`;
    return html`
      <div class="scroll" tabindex="0" role="region" aria-label=${tr("Rule scopes")}>
        <table>
          <caption>${tr("Rule scopes")}</caption>
          <thead>
            <tr>
              <th>${tr("rule")}</th>
              <th>${tr("event")}</th>
              <th class="num">${tr("points")}</th>
              <th>${tr("global score")}</th>
              <th>${tr("per deal stage")}</th>
              <th>${tr(
                "tags (a list)",
              )}</th>
            </tr>
          </thead>
          <tbody>${rules.map((r) => {
            const d = this.drafts[r.id] ?? { global: true, stage: false, tags: "" };
            return html`
              <tr data-rule=${r.id}>
                <td class="id">${r.id}</td>
                <td>${r.on}</td>
                <td class="num">${r.points}</td>
                <td><input type="checkbox" .checked=${d.global}
                              aria-label=${`${r.id} adds to the global score`}
                              @change=${(e: Event) =>
                                this.set(r.id, {
                                  global: (e.target as HTMLInputElement).checked,
                                })}></td>
                <td><input type="checkbox" .checked=${d.stage}
                              aria-label=${`${r.id} adds to a sum per deal stage`}
                              @change=${(e: Event) =>
                                this.set(r.id, {
                                  stage: (e.target as HTMLInputElement).checked,
                                })}></td>
                <td><input type="text" .value=${d.tags} aria-label=${`${r.id} tags`}
                              title="loans, deposits"
                              @input=${(e: Event) =>
                                this.set(r.id, {
                                  tags: (e.target as HTMLInputElement).value,
                                })}></td>
              </tr>
            `;
          })}</tbody>
        </table>
      </div>
      ${checkedFormEnd(this.problems, {
        id: "apply-scopes",
        label: tr("Apply scopes"),
        apply: () => this.apply(),
      })}
    `;
  }
}

customElements.define("sb-rule-scopes", RuleScopesForm);

declare global {
  interface HTMLElementTagNameMap {
    "sb-rule-scopes": RuleScopesForm;
  }
}
