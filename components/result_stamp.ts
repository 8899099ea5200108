import { css, html, LitElement } from "lit";
import type { ConfigState } from "../src/workspace/config_versions.ts";
import { type ResultStamp, type StaleReason, stampStatus } from "../src/workspace/result_stamp.ts";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";
import { versionName } from "../src/i18n/labels.ts";

const REASONS: Record<StaleReason, string> = {
  otherVersion: "the current config is now another version",
  edited: "the version was edited since",
  data: "the loaded data changed",
  fittedElsewhere: "the config was fitted on other data",
};

/**
 * Which config version a result was computed for, and whether it is out of date: another
 * version is current, the version was edited since, or the data changed.
 *
 * @csspart stamp - the line
 */
export class ResultStampLine extends LitElement {
  static override properties = {
    stamp: { attribute: false },
    state: { attribute: false },
    dataKey: { attribute: "data-key" },
  };
  /** What the result was computed for (`stampResult`). */
  declare stamp: ResultStamp | null;
  /** The workspace's config versions now. */
  declare state: ConfigState | null;
  /** Key of the data loaded now. */
  declare dataKey: string;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        font-size: 0.88em;
      }
      .fresh {
        color: #5a6478;
      }
      .stale {
        color: #a11;
        background: #fff0f0;
        border-radius: 3px;
        padding: 0.1em 0.4em;
      }
    `,
  ];

  constructor() {
    super();
    this.stamp = null;
    this.state = null;
    this.dataKey = "";
  }

  override render() {
    const stamp = this.stamp;
    if (!stamp || !this.state) return null;
    const version = stamp.versionId
      ? `${stamp.versionId} ${versionName(document.documentElement.lang, stamp.versionName)}`
        .trim()
      : tr("no config");
    const status = stampStatus(stamp, this.state, this.dataKey);
    return status.stale
      ? html`<p part="stamp" class="stale" data-stale="true" role="status">${
        tr("Out of date: computed for {version}", { version })
      }: ${status.reasons.map((r) => tr(REASONS[r])).join("; ")}.</p>`
      : html`<p part="stamp" class="fresh" data-stale="false">${
        tr("Computed for {version} on the loaded data.", { version })
      }</p>`;
  }
}

customElements.define("sb-result-stamp", ResultStampLine);

declare global {
  interface HTMLElementTagNameMap {
    "sb-result-stamp": ResultStampLine;
  }
}
