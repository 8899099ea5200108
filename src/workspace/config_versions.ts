/**
 * The workspace's one config state: named versions of the scoring config (calibrated,
 * edited, imported, baseline), each with where it came from, and which one is current.
 * Every function is pure: it takes a state and returns a new one, so the browser keeps it in
 * IndexedDB and in the workspace file as plain JSON.
 */
import type { ScopeSpec, ScoringConfigSpec, TiersSpec, WindowSpec } from "../config/types.ts";

/** How a version came to be. */
export type VersionKind = "calibrated" | "edited" | "imported" | "baseline";

/** One version of the config. */
export interface ConfigVersion {
  /** `v1`, `v2`, … in the order they were made. */
  id: string;
  kind: VersionKind;
  /** What a person calls it: "Calibrated, monthly, look-back 90 days", a file name, … */
  name: string;
  /** Epoch ms. */
  createdAt: number;
  spec: ScoringConfigSpec;
  /** The version an edited one was edited from. */
  parent: string | null;
  /** Key of the data a calibrated version was fitted on (see `dataKey`); `null` when none. */
  dataKey: string | null;
  /** Settings of the fit, as the page held them. */
  settings?: unknown;
}

/** All versions and the current one. */
export interface ConfigState {
  versions: ConfigVersion[];
  current: string | null;
}

/** What an edit changes in the current version. */
export interface ConfigChange {
  /** Points by rule id (event or attribute rule). */
  points?: Record<string, number>;
  tiers?: TiersSpec;
  window?: WindowSpec;
  /** Scopes by event rule id (which sums a rule adds to: global, per stage, per tag). */
  scopes?: Record<string, ScopeSpec[]>;
  /** Other blocks replaced whole (`audience`, `verification`, `triggers`, …); `undefined` removes one. */
  blocks?: Partial<Omit<ScoringConfigSpec, "format" | "rules" | "attributes" | "tiers" | "window">>;
}

/** The differences of a version from its parent, in a person's words and as data. */
export interface ConfigEdits {
  points: { id: string; from: number | null; to: number }[];
  tiers: { from: TiersSpec | null; to: TiersSpec } | null;
  window: { from: WindowSpec | null; to: WindowSpec | null } | null;
  /** Names of other top-level blocks that differ. */
  blocks: string[];
}

export function emptyConfigState(): ConfigState {
  return { versions: [], current: null };
}

export function currentVersion(state: ConfigState): ConfigVersion | null {
  return state.versions.find((v) => v.id === state.current) ?? null;
}

export function versionById(state: ConfigState, id: string): ConfigVersion | null {
  return state.versions.find((v) => v.id === id) ?? null;
}

/** The newest version of `kind`, or `null`. */
export function latestOf(state: ConfigState, kind: VersionKind): ConfigVersion | null {
  for (let i = state.versions.length - 1; i >= 0; i--) {
    if (state.versions[i].kind === kind) return state.versions[i];
  }
  return null;
}

/** A short key of the loaded tables: a version fitted on other data is stale. */
export function dataKey(
  tables: Record<string, { name: string; summary: { rowsLoaded: number } } | undefined>,
): string {
  return Object.keys(tables).filter((k) => tables[k] && typeof tables[k] === "object").sort()
    .map((k) => `${k}:${tables[k]!.name}:${tables[k]!.summary.rowsLoaded}`).join("|");
}

/** `true` when `version` was fitted on other data than `key` describes. */
export function isStale(version: ConfigVersion, key: string): boolean {
  return version.dataKey !== null && version.dataKey !== key;
}

function nextId(state: ConfigState): string {
  let max = 0;
  for (const v of state.versions) max = Math.max(max, Number(v.id.slice(1)) || 0);
  return `v${max + 1}`;
}

/** Adds a version and makes it current. */
export function addVersion(
  state: ConfigState,
  version: Omit<ConfigVersion, "id" | "createdAt" | "parent" | "dataKey"> & {
    parent?: string | null;
    dataKey?: string | null;
    createdAt?: number;
  },
): { state: ConfigState; version: ConfigVersion } {
  const made: ConfigVersion = {
    parent: null,
    dataKey: null,
    createdAt: Date.now(),
    ...version,
    id: nextId(state),
  };
  // Kept as JSON (IndexedDB, the workspace file): no `undefined` fields.
  if (made.settings === undefined) delete made.settings;
  return { state: { versions: [...state.versions, made], current: made.id }, version: made };
}

/** Makes version `id` current. Throws `RangeError` for an unknown id. */
export function selectVersion(state: ConfigState, id: string): ConfigState {
  if (!versionById(state, id)) {
    throw new RangeError(`Cannot select config version "${id}": there is no such version`);
  }
  return { ...state, current: id };
}

/** `spec` with `change` applied. Throws `RangeError` for tiers with medium above high. */
export function applyChange(spec: ScoringConfigSpec, change: ConfigChange): ScoringConfigSpec {
  let out: ScoringConfigSpec = { ...spec };
  const { points } = change;
  if (points) {
    out.rules = spec.rules?.map((r) => (r.id in points ? { ...r, points: points[r.id] } : r));
    out.attributes = spec.attributes?.map((a) =>
      a.id in points ? { ...a, points: points[a.id] } : a
    );
  }
  if (change.tiers) {
    if (!(change.tiers.medium <= change.tiers.high)) {
      throw new RangeError(
        `Cannot set tiers: medium "${change.tiers.medium}" is above high "${change.tiers.high}"`,
      );
    }
    out.tiers = { high: change.tiers.high, medium: change.tiers.medium };
  }
  if (change.window) out.window = { ...change.window };
  const { scopes } = change;
  if (scopes) {
    out.rules = (out.rules ?? []).map((r) =>
      r.id in scopes
        ? { ...r, scopes: scopes[r.id].map((x) => (typeof x === "string" ? x : { ...x })) }
        : r
    );
  }
  if (change.blocks) {
    out = { ...out, ...change.blocks };
    for (const [k, v] of Object.entries(change.blocks)) {
      if (v === undefined) delete (out as unknown as Record<string, unknown>)[k];
    }
  }
  return out;
}

/** The ancestors of `id`, nearest first (`id` itself excluded). */
export function ancestors(state: ConfigState, id: string): ConfigVersion[] {
  const out: ConfigVersion[] = [];
  let v = versionById(state, id);
  const seen = new Set<string>();
  while (v?.parent && !seen.has(v.parent)) {
    seen.add(v.parent);
    v = versionById(state, v.parent);
    if (v) out.push(v);
  }
  return out;
}

/**
 * Applies `change` to the current version: an edited version is changed in place, any other
 * gets an edited child that becomes current (the original stays as it was). With `base`, the
 * edit goes to that version's line instead: its newest edited descendant when the current
 * version is one, else a new child of `base`. Throws `RangeError` when there is nothing to edit.
 */
export function editVersion(
  state: ConfigState,
  change: ConfigChange,
  options: { base?: string; now?: number } = {},
): ConfigState {
  const { now = Date.now() } = options;
  let target = currentVersion(state);
  if (options.base !== undefined) {
    const base = versionById(state, options.base);
    if (!base) {
      throw new RangeError(`Cannot edit config version "${options.base}": no such version`);
    }
    const onLine = target && (target.id === base.id ||
      ancestors(state, target.id).some((a) => a.id === base.id));
    if (!onLine) target = base;
  }
  if (!target) throw new RangeError("Cannot edit the config: there is no config yet");
  const spec = applyChange(target.spec, change);
  if (target.kind === "edited") {
    const edited = { ...target, spec };
    return {
      versions: state.versions.map((v) => (v.id === target!.id ? edited : v)),
      current: target.id,
    };
  }
  return addVersion(state, {
    kind: "edited",
    name: `${target.name}, edited`,
    spec,
    parent: target.id,
    dataKey: target.dataKey,
    settings: target.settings,
    createdAt: now,
  }).state;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What `version` changes from its parent (nothing for a version without one). */
export function editsOf(state: ConfigState, version: ConfigVersion): ConfigEdits {
  const parent = version.parent ? versionById(state, version.parent) : null;
  return diffSpecs(parent?.spec ?? null, version.spec);
}

/** The differences of `to` from `from`. */
export function diffSpecs(from: ScoringConfigSpec | null, to: ScoringConfigSpec): ConfigEdits {
  const edits: ConfigEdits = { points: [], tiers: null, window: null, blocks: [] };
  if (!from) return edits;
  const before = new Map<string, number>();
  for (const r of [...(from.rules ?? []), ...(from.attributes ?? [])]) before.set(r.id, r.points);
  for (const r of [...(to.rules ?? []), ...(to.attributes ?? [])]) {
    const was = before.get(r.id);
    if (was !== r.points) edits.points.push({ id: r.id, from: was ?? null, to: r.points });
  }
  if (to.tiers && !same(from.tiers, to.tiers)) {
    edits.tiers = { from: from.tiers ?? null, to: to.tiers };
  }
  if (!same(from.window, to.window)) {
    edits.window = { from: from.window ?? null, to: to.window ?? null };
  }
  const scopesOf = (spec: ScoringConfigSpec) =>
    Object.fromEntries((spec.rules ?? []).map((r) => [r.id, r.scopes ?? ["global"]]));
  if (!same(scopesOf(from), scopesOf(to))) edits.blocks.push("scopes");
  const skip = new Set(["format", "name", "rules", "attributes", "tiers", "window", "provenance"]);
  const keys = new Set([...Object.keys(from), ...Object.keys(to)]);
  for (const k of keys) {
    if (skip.has(k)) continue;
    const a = (from as unknown as Record<string, unknown>)[k];
    const b = (to as unknown as Record<string, unknown>)[k];
    if (!same(a, b)) edits.blocks.push(k);
  }
  return edits;
}

/** `true` when `edits` changes nothing. */
export function noEdits(edits: ConfigEdits): boolean {
  return !edits.points.length && !edits.tiers && !edits.window && !edits.blocks.length;
}

/** What a refit did with the edits of the version that was current. */
export interface FitOutcome {
  state: ConfigState;
  /** The calibrated version (new, or the same fit found again). */
  fitted: ConfigVersion;
  /** `true` when the fit was not among the versions yet. */
  isNew: boolean;
  /** Edits carried onto the new fit, in words. */
  kept: string[];
  /** Edits the new fit overwrote, in words. */
  overwritten: string[];
}

/**
 * Records a calibration's config. The same fit on the same data found again changes
 * nothing. A new fit becomes current; when the current version was an edit of an earlier
 * fit, its points edits to rules the new fit also has and its other blocks (audience,
 * verification, triggers) are carried over as an edited child of the new fit, and the
 * outcome lists what was kept and what the new fit overwrote (tiers and window belong to the
 * new fit's scale and settings).
 */
export function recordFit(
  state: ConfigState,
  spec: ScoringConfigSpec,
  meta: { name: string; dataKey: string | null; settings?: unknown; now?: number },
): FitOutcome {
  const found = state.versions.find((v) =>
    v.kind === "calibrated" && v.dataKey === meta.dataKey && same(v.spec, spec)
  );
  if (found) return { state, fitted: found, isNew: false, kept: [], overwritten: [] };
  const previous = currentVersion(state);
  const added = addVersion(state, {
    kind: "calibrated",
    name: meta.name,
    spec,
    dataKey: meta.dataKey,
    settings: meta.settings,
    createdAt: meta.now ?? Date.now(),
  });
  const kept: string[] = [];
  const overwritten: string[] = [];
  let next = added.state;
  if (previous?.kind === "edited") {
    const edits = editsOf(state, previous);
    const have = new Set([...(spec.rules ?? []), ...(spec.attributes ?? [])].map((r) => r.id));
    const points: Record<string, number> = {};
    for (const p of edits.points) {
      if (have.has(p.id)) {
        points[p.id] = p.to;
        kept.push(`${p.id}: ${p.to} points`);
      } else overwritten.push(`${p.id}: ${p.to} points (the new fit has no such rule)`);
    }
    if (edits.tiers) {
      overwritten.push(`tiers high ${edits.tiers.to.high}, medium ${edits.tiers.to.medium}`);
    }
    if (edits.window) overwritten.push("window");
    const blocks: ConfigChange["blocks"] = {};
    let scopes: ConfigChange["scopes"];
    for (const k of edits.blocks) {
      if (k === "scopes") {
        // Scopes live on rules: carried to the rules the new fit also has.
        scopes = {};
        for (const r of previous.spec.rules ?? []) {
          if (have.has(r.id) && r.scopes) scopes[r.id] = r.scopes;
        }
        kept.push("scopes");
        continue;
      }
      (blocks as Record<string, unknown>)[k] =
        (previous.spec as unknown as Record<string, unknown>)[k];
      kept.push(k);
    }
    if (kept.length) {
      next = editVersion(next, { points, blocks, scopes }, { now: meta.now });
    }
  }
  return { state: next, fitted: added.version, isNew: true, kept, overwritten };
}

/** Reads a state kept by an earlier version of the workbench: `{current, calibrated, production}` configs. */
export function fromLegacyConfigs(configs: Record<string, unknown>, now = 0): ConfigState {
  let state = emptyConfigState();
  const spec = (name: string) => configs[name] as ScoringConfigSpec | undefined;
  if (spec("production")) {
    state = addVersion(state, {
      kind: "baseline",
      name: "Production config",
      spec: spec("production")!,
      createdAt: now,
    }).state;
  }
  let calibrated: ConfigVersion | null = null;
  if (spec("calibrated")) {
    const added = addVersion(state, {
      kind: "calibrated",
      name: "Calibrated",
      spec: spec("calibrated")!,
      createdAt: now,
    });
    state = added.state;
    calibrated = added.version;
  }
  const current = spec("current");
  if (current && !(calibrated && same(calibrated.spec, current))) {
    state = addVersion(state, {
      kind: calibrated ? "edited" : "imported",
      name: calibrated ? "Calibrated, edited" : (current.name ?? "Config"),
      spec: current,
      parent: calibrated?.id ?? null,
      createdAt: now,
    }).state;
  }
  return state;
}

/** The named configs pages and files have read so far: current, calibrated, production. */
export function namedConfigs(state: ConfigState): Record<string, ScoringConfigSpec> {
  const out: Record<string, ScoringConfigSpec> = {};
  const current = currentVersion(state);
  if (current) out.current = current.spec;
  const calibrated = latestOf(state, "calibrated");
  if (calibrated) out.calibrated = calibrated.spec;
  const baseline = latestOf(state, "baseline");
  if (baseline) out.production = baseline.spec;
  return out;
}

/** Checks the shape of a stored state; throws `TypeError` naming the JSON path. */
export function checkConfigState(json: unknown, path = "configVersions"): ConfigState {
  const fail = (p: string, what: string): never => {
    throw new TypeError(`${p}: ${what}`);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return fail(path, "expected an object");
  }
  const o = json as Record<string, unknown>;
  if (!Array.isArray(o.versions)) fail(`${path}.versions`, "expected an array");
  const kinds = ["calibrated", "edited", "imported", "baseline"];
  (o.versions as unknown[]).forEach((v, i) => {
    const at = `${path}.versions[${i}]`;
    if (typeof v !== "object" || v === null) return fail(at, "expected an object");
    const x = v as Record<string, unknown>;
    if (typeof x.id !== "string") fail(`${at}.id`, "expected text");
    if (!kinds.includes(x.kind as string)) {
      fail(`${at}.kind`, `expected one of ${kinds.join(", ")}, got ${JSON.stringify(x.kind)}`);
    }
    if (typeof x.spec !== "object" || x.spec === null) fail(`${at}.spec`, "expected a config");
  });
  if (o.current !== null && typeof o.current !== "string") {
    fail(`${path}.current`, "expected a version id or null");
  }
  return json as ConfigState;
}

/**
 * The version an edit of `baseId`'s line goes to: the current version when it is `baseId` or
 * edited from it, else `baseId` itself. `null` for an unknown id.
 */
export function lineVersion(state: ConfigState, baseId: string): ConfigVersion | null {
  const current = currentVersion(state);
  if (
    current && (current.id === baseId || ancestors(state, current.id).some((a) => a.id === baseId))
  ) {
    return current;
  }
  return versionById(state, baseId);
}

/** Points of every event and attribute rule of `spec`, by rule id. */
export function pointsOf(spec: ScoringConfigSpec): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of [...(spec.rules ?? []), ...(spec.attributes ?? [])]) out[r.id] = r.points;
  return out;
}
