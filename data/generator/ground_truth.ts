/** The models that produced a base, as written to `ground_truth.json`, and their tally. */
import { formatInstant } from "../../src/tables/mod.ts";
import {
  AGE_BANDS,
  SNAPSHOT_EFFECTS,
  SNAPSHOT_INTERCEPT,
  TEMPORAL_INTERCEPT,
  TEMPORAL_WEIGHTS,
} from "./model.ts";
import type { ResolvedOptions } from "./resolve_options.ts";
import type { ContactBundle } from "./_bundles.ts";

/** The models that produced the base, as written to `ground_truth.json`. */
export interface GroundTruth {
  format: "scorebench.ground-truth/v1";
  seed: number;
  contacts: number;
  start: string;
  end: string;
  temporal: {
    cutoffs: string[];
    lookbackDays: number;
    horizonDays: number;
    intercept: number;
    weights: Record<string, number>;
    /** The feature names and the label in words, for whoever reads the file alone. */
    definitions: Record<string, string>;
    /** What the draw gave at each cutoff: every contact is in every cutoff. */
    realized: { cutoff: string; contacts: number; converters: number }[];
  };
  snapshot: {
    label: "converted";
    intercept: number;
    effects: Record<string, number>;
    ageBands: { band: string; from: number; to: number | null }[];
    realized: { contacts: number; converters: number };
  };
}

/** The ground truth of a base with options `r`, before any contact is counted. */
export function emptyGroundTruth(r: ResolvedOptions): GroundTruth {
  return {
    format: "scorebench.ground-truth/v1",
    seed: r.seed,
    contacts: 0,
    start: formatInstant(r.startMs),
    end: formatInstant(r.endMs),
    temporal: {
      cutoffs: r.cutoffs.map(formatInstant),
      lookbackDays: r.lookbackDays,
      horizonDays: r.horizonDays,
      intercept: TEMPORAL_INTERCEPT,
      weights: { ...TEMPORAL_WEIGHTS },
      definitions: {
        "type:<type>": "count of the contact's events of that type with T - lookbackDays < ts <= T",
        "url:<url>":
          "count of the contact's page_view events with url exactly <url> in that window",
        label: "1 when the contact has a purchase with T < ts <= T + horizonDays, else 0; " +
          "P(1) = 1 / (1 + exp(-(intercept + sum of weight * feature)))",
      },
      realized: r.cutoffs.map((c) => ({ cutoff: formatInstant(c), contacts: 0, converters: 0 })),
    },
    snapshot: {
      label: "converted",
      intercept: SNAPSHOT_INTERCEPT,
      effects: { ...SNAPSHOT_EFFECTS },
      ageBands: AGE_BANDS.map((b) => ({ ...b })),
      realized: { contacts: 0, converters: 0 },
    },
  };
}

/** Counts contact `b` and its labels into `truth`'s realized figures. */
export function tallyContact(truth: GroundTruth, b: ContactBundle): void {
  truth.contacts++;
  truth.snapshot.realized.contacts++;
  truth.snapshot.realized.converters += b.converted;
  b.labels.forEach((y, k) => {
    truth.temporal.realized[k].contacts++;
    truth.temporal.realized[k].converters += y;
  });
}
