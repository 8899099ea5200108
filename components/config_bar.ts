import { css, html, LitElement } from "lit";
import {
  type ConfigState,
  currentVersion,
  editsOf,
  isStale,
  noEdits,
} from "../src/workspace/config_versions.ts";
import { message, type MessageKey, pluralKey } from "../src/i18n/messages.ts";
import { label, versionName } from "../src/i18n/labels.ts";
import { baseStyles } from "./_styles.ts";

const KIND_WORDS: Record<string, MessageKey> = {
  calibrated: "kindCalibrated",
  edited: "kindEdited",
  imported: "kindImported",
  baseline: "kindBaseline",
};

/**
 * The current config, shown on every page: its version, name, whether it carries hand edits
 * and whether its evidence is up to date with the loaded data; a list to switch versions.
 *
 * @fires select - `detail: id` when another version is chosen
 * @csspart bar - the line
 */
export class ConfigBar extends LitElement {
  static override properties = {
    state: { attribute: false },
    dataKey: { attribute: "data-key" },
    lang: {},
  };
  /** Language of the words (`en`, `ru`). */
  declare lang: string;
  /** The workspace's config versions. */
  declare state: ConfigState | null;
  /** Key of the loaded data (see `dataKey`), to mark a version fitted on other data. */
  declare dataKey: string;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3em 1em;
        align-items: center;
      }
      .tag {
        border-radius: 3px;
        padding: 0 0.4em;
        font-size: 0.9em;
      }
      .edited {
        background: #fff7e0;
        color: #7a5200;
      }
      .stale {
        background: #fff0f0;
        color: #a11;
      }
      .fresh {
        background: #e8f6ec;
        color: #1d6b34;
      }
    `,
  ];

  constructor() {
    super();
    this.state = null;
    this.dataKey = "";
    this.lang = "en";
  }

  override render() {
    const t = (key: MessageKey) => message(this.lang, key);
    const state = this.state;
    const current = state ? currentVersion(state) : null;
    if (!state || !current) {
      return html`<div class="bar" part="bar" role="status" id="current-config">
        <span>${t("noConfig")}</span></div>`;
    }
    const edits = editsOf(state, current);
    const edited = !noEdits(edits);
    const stale = isStale(current, this.dataKey);
    const what = [
      edits.points.length
        ? message(
          this.lang,
          pluralKey(this.lang, edits.points.length, "pointsOne", "pointsMany"),
          { n: edits.points.length },
        )
        : "",
      edits.tiers ? t("thresholds") : "",
      edits.window ? t("window") : "",
      ...edits.blocks.map((b) => label(this.lang, b)),
    ].filter(Boolean).join(", ");
    return html`<div class="bar" part="bar" role="status" id="current-config">
      <span>${t("currentConfig")}: <strong>${current.id}</strong> ${
      versionName(this.lang, current.name)
    }
        (${t(KIND_WORDS[current.kind])})</span>
      ${edited ? html`<span class="tag edited">${t("editedTag")}: ${what}</span>` : null}
      ${
      current.dataKey === null
        ? null
        : stale
        ? html`<span class="tag stale">${t("staleTag")}</span>`
        : html`<span class="tag fresh">${t("freshTag")}</span>`
    }
      <label>${t("version")}
        <select aria-label="config version" @change=${(e: Event) =>
      this.dispatchEvent(
        new CustomEvent("select", { detail: (e.target as HTMLSelectElement).value }),
      )}>
          ${
      [...state.versions].reverse().map((v) =>
        html`<option .value=${v.id} ?selected=${v.id === current.id}>${v.id} ${
          versionName(this.lang, v.name)
        }</option>`
      )
    }
        </select>
      </label>
    </div>`;
  }
}

customElements.define("sb-config-bar", ConfigBar);

declare global {
  interface HTMLElementTagNameMap {
    "sb-config-bar": ConfigBar;
  }
}
