import { css, html, LitElement } from "lit";
import * as Plot from "@observablehq/plot";
import type { TierIndex, TierSplit } from "../src/backtest/tier_index.ts";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";
import "./plot_figure.ts";

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : "—");
const num = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "—");

/**
 * The threshold tuner: two sliders (high and medium cuts) over the scores of a tier index;
 * each move re-tiers every contact by binary search and redraws the live table (contacts,
 * conversion with its 95 % interval, lift, capture) and chart. Arrow keys move a slider by
 * one point.
 *
 * @fires input - when a threshold moves; `value` is `{high, medium}`
 * @slot - shown under the sliders, e.g. suggested cuts whose button calls `setValue`
 * @csspart table - the tier table
 */
export class TierTuner extends LitElement {
  static override properties = {
    index: { attribute: false },
    value: { attribute: false },
    min: { type: Number },
    max: { type: Number },
  };
  /** Scores (and conversions) to tier; from `sb.createTierIndex`. */
  declare index: TierIndex | null;
  /** The thresholds. */
  declare value: { high: number; medium: number };
  /** Slider range; defaults to the 0.5 % and 99.5 % score quantiles. */
  declare min: number;
  declare max: number;

  /** Milliseconds of the last re-tier and of the last redraw, read by the browser benchmark. */
  timings = { retierMs: 0, drawMs: 0 };
  private split: TierSplit[] = [];

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .sliders {
        display: grid;
        grid-template-columns: max-content minmax(10em, 1fr) 6em;
        gap: 0.4em 0.8em;
        align-items: center;
        max-width: 60em;
      }
      input[type=range] {
        width: 100%;
      }
      input[type=number] {
        width: 6em;
      }
      .grid {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: 1em;
        margin-top: 0.8em;
      }
      @media (min-width: 1000px) {
        .grid {
          /* The table keeps every column (capture is the last); the chart takes the rest. */
          grid-template-columns: max-content minmax(16em, 1fr);
        }
      }
    `,
  ];

  constructor() {
    super();
    this.index = null;
    this.value = { high: 60, medium: 25 };
    this.min = NaN;
    this.max = NaN;
  }

  override willUpdate(): void {
    if (!this.index) return;
    const started = performance.now();
    this.split = this.index.split(this.value);
    this.timings.retierMs = performance.now() - started;
  }

  override updated(): void {
    const figure = this.renderRoot.querySelector("sb-plot-figure");
    if (figure) this.timings.drawMs = figure.lastDrawMs;
  }

  override render() {
    if (!this.index) return html`<p class="muted">${tr("No scores to tier yet.")}</p>`;
    const lo = Number.isFinite(this.min) ? this.min : Math.floor(this.index.quantile(0.005));
    const hi = Number.isFinite(this.max) ? this.max : Math.ceil(this.index.quantile(0.995));
    const slider = (key: "high" | "medium") =>
      html`
        <label for=${key}>${tr(`${key} from`)}</label>
        <input id=${key} type="range" min=${lo} max=${hi} step="1" .value=${String(this.value[key])}
          aria-label=${`${key} threshold`} @input=${(e: Event) =>
            this.move(key, Number((e.target as HTMLInputElement).value))}>
        <input type="number" step="any" .value=${String(
          this.value[key],
        )} aria-label=${`${key} threshold value`}
          @change=${(e: Event) => this.move(key, Number((e.target as HTMLInputElement).value))}>
      `;
    const total = this.index.size;
    return html`
      <div class="sliders">${slider("high")}${slider("medium")}</div>
      <slot></slot>
      <div class="grid">
        <div class="scroll" tabindex="0" role="region" aria-label="tiers at these thresholds">
          <table part="table">
            <caption>${tr("{n} scored contact-periods, {c} converted", {
              n: total,
              c: this.index.converters,
            })}</caption>
            <thead>
              <tr>
                <th>${tr("tier")}</th>
                <th class="num">${tr("contacts")}</th>
                <th class="num">${tr("share")}</th>
                <th class="num">${tr("converters")}</th>
                <th class="num">${tr("conversion")}</th>
                <th class="num">${tr("95 % interval")}</th>
                <th class="num">${tr("lift")}</th>
                <th class="num">${tr("capture")}</th>
              </tr>
            </thead>
            <tbody>${this.split.map((s) =>
              html`
                <tr data-tier=${s.tier}>
                  <td>${tr(s.tier)}</td>
                  <td class="num">${s.count}</td>
                  <td class="num">${pct(s.count / total)}</td>
                  <td class="num">${s.converters}</td>
                  <td class="num">${pct(s.conversion)}</td>
                  <td class="num">${pct(s.interval[0])} – ${pct(s.interval[1])}</td>
                  <td class="num">${num(s.lift)}</td>
                  <td class="num">${pct(s.capture)}</td>
                </tr>
              `
            )}
            </tbody>
          </table>
        </div>
        <sb-plot-figure label="conversion by tier with 95 % intervals"
          .options=${this.chart()}></sb-plot-figure>
      </div>
    `;
  }

  private chart(): Plot.PlotOptions {
    // Tier names in the page's language, on the axis and in the bars' colours alike.
    const rows = this.split.filter((s) => s.count > 0).map((s) => ({ ...s, tier: tr(s.tier) }));
    const tiers = ["high", "medium", "low"].map((t) => tr(t));
    return {
      height: 220,
      marginLeft: 60,
      x: { label: tr("conversion"), tickFormat: "%", grid: true },
      y: { label: null, domain: tiers },
      marks: [
        Plot.barX(rows, { y: "tier", x: "conversion", fill: "tier" }),
        Plot.ruleY(rows, {
          y: "tier",
          x1: (d: TierSplit) => d.interval[0],
          x2: (d: TierSplit) => d.interval[1],
          stroke: "black",
        }),
        Plot.text(rows, {
          y: "tier",
          x: "conversion",
          text: (d: TierSplit) => `${d.count}`,
          dx: 14,
        }),
      ],
      color: { domain: tiers, range: ["#c0392b", "#f0a500", "#8892a6"] },
    };
  }

  /** Sets both thresholds and announces the change. */
  setValue(value: { high: number; medium: number }): void {
    this.value = { high: value.high, medium: Math.min(value.medium, value.high) };
    this.dispatchEvent(new Event("input", { bubbles: true }));
  }

  /** Sets one threshold (medium never above high) and announces the change. */
  move(key: "high" | "medium", to: number): void {
    if (!Number.isFinite(to)) return;
    const next = { ...this.value, [key]: to };
    if (next.medium > next.high) {
      if (key === "high") next.medium = next.high;
      else next.high = next.medium;
    }
    this.value = next;
    this.dispatchEvent(new Event("input", { bubbles: true }));
  }
}

customElements.define("sb-tier-tuner", TierTuner);

declare global {
  interface HTMLElementTagNameMap {
    "sb-tier-tuner": TierTuner;
  }
}
