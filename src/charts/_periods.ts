/** The period shape the charts read: a replay period or its `backtest.json` form. */
import type { TierOrUnscored } from "../config/types.ts";

/** The fields of a period the charts read. */
export interface ChartPeriod {
  /** Epoch ms or ISO 8601 text. */
  asOf: number | string;
  /** Conversion within the horizon over all contacts of the period. */
  conversionRate?: number | null;
  /** AUC over scored contacts. */
  auc?: number | null;
  /** Contacts (and converters, conversion) per tier. */
  tiers: Record<
    TierOrUnscored,
    { contacts: number; converters?: number; conversionRate?: number | null }
  >;
}

/** Size, document and title of a chart. */
export interface ChartOptions {
  /** Width in pixels. @default 640 */
  width?: number;
  /** Height in pixels. @default 320 */
  height?: number;
  /** Document to build the SVG in; pass linkedom's outside a browser. @default globalThis.document */
  document?: Document;
  /** Title above the chart. @default none */
  title?: string;
  /**
   * Show Plot's HTML colour legend (the figure becomes a `<figure>`). Off for files: the
   * tiers are then labelled inside the SVG itself. @default true
   */
  legend?: boolean;
  /**
   * The chart's words (axis labels, tier names, line and mark labels) in another language:
   * called with each English word, returns the one to show. @default the English word
   */
  translate?: (english: string) => string;
}

/** The words of a chart as `options.translate` gives them (English without it). */
export function wordsOf(options: ChartOptions): (english: string) => string {
  return options.translate ?? ((english) => english);
}

export const TIER_ORDER: TierOrUnscored[] = ["high", "medium", "low", "unscored"];
export const TIER_COLORS = ["#d62728", "#ff7f0e", "#1f77b4", "#c7c7c7"];

/**
 * Plot settings shared by the charts of tiers over the instants: size (640 x 320 unless
 * given), title, and the tier colours (over the tier names as `translate` gives them), with room on the right for the tier labels drawn
 * in the SVG when the HTML legend is off.
 */
export function tierFrame(options: ChartOptions): {
  document?: Document;
  width: number;
  height: number;
  title?: string;
  marginLeft: number;
  marginRight: number;
  color: { domain: string[]; range: string[]; legend: boolean };
} {
  const { width = 640, height = 320, document, title, legend = true } = options;
  const t = wordsOf(options);
  return {
    document,
    width,
    height,
    title,
    marginLeft: 60,
    marginRight: legend ? 20 : 70,
    color: { domain: TIER_ORDER.map(t), range: TIER_COLORS, legend },
  };
}

export function toDate(asOf: number | string): Date {
  const d = new Date(asOf);
  if (Number.isNaN(d.getTime())) throw new RangeError(`Cannot chart period "${asOf}": not a date`);
  return d;
}

/** How many date ticks fit across `width` pixels (a date label is about 70 px wide). */
export function dateTicks(width: number): number {
  return Math.max(2, Math.floor(width / 110));
}
