/**
 * Which config version and which data a result on a page was computed for, and whether it
 * still describes the workspace: a result is stale once the current version is another one,
 * its version was edited, or the loaded data changed.
 */
import type { ScoringConfigSpec } from "../config/types.ts";
import { type ConfigState, isStale, versionById } from "./config_versions.ts";

/** What a result was computed for. */
export interface ResultStamp {
  /** The config version (`v3`); `null` when no version was current. */
  versionId: string | null;
  /** Its name when the result was computed. */
  versionName: string;
  /** Key of the config the result used (the version's spec, or a draft of it). */
  specKey: string;
  /** Key of the loaded data (see `dataKey`). */
  dataKey: string;
  /** When (epoch ms). */
  at: number;
}

/** Why a result no longer describes the workspace. */
export type StaleReason =
  /** Another version is current. */
  | "otherVersion"
  /** The version was edited after the result was computed. */
  | "edited"
  /** The loaded data changed. */
  | "data"
  /** The version was fitted on other data than the loaded data. */
  | "fittedElsewhere";

/** A short, stable key of a config (FNV-1a of its JSON): equal configs, equal keys. */
export function specKey(spec: ScoringConfigSpec | null | undefined): string {
  const text = JSON.stringify(spec ?? null);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${(h >>> 0).toString(16).padStart(8, "0")}:${text.length}`;
}

/**
 * The stamp of a result computed now for the current version of `state` on the data keyed
 * `dataKey`. `spec` is the config the result used when it is not the version's own (a
 * page's draft); by default the current version's.
 */
export function stampResult(
  state: ConfigState,
  dataKey: string,
  options: { spec?: ScoringConfigSpec; now?: number } = {},
): ResultStamp {
  const { now = Date.now() } = options;
  const version = state.current ? versionById(state, state.current) : null;
  return {
    versionId: version?.id ?? null,
    versionName: version?.name ?? "",
    specKey: specKey(options.spec ?? version?.spec),
    dataKey,
    at: now,
  };
}

/**
 * Whether the result stamped `stamp` still describes `state` and the data keyed `dataKey`,
 * with every reason it does not (in a fixed order).
 */
export function stampStatus(
  stamp: ResultStamp,
  state: ConfigState,
  dataKey: string,
): { stale: boolean; reasons: StaleReason[] } {
  const reasons: StaleReason[] = [];
  const version = stamp.versionId ? versionById(state, stamp.versionId) : null;
  if (state.current !== stamp.versionId) reasons.push("otherVersion");
  else if (version && specKey(version.spec) !== stamp.specKey) reasons.push("edited");
  if (dataKey !== stamp.dataKey) reasons.push("data");
  if (version && isStale(version, dataKey)) reasons.push("fittedElsewhere");
  return { stale: reasons.length > 0, reasons };
}
