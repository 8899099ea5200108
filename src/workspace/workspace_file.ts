/**
 * The workspace file an analyst saves and opens again: the input files' bytes (base64) with
 * how they were read, the settings and the configs. Plain JSON, so it diffs and mails well.
 */
import { TABLE_KINDS } from "../tables/mod.ts";
import type { TableKind } from "../data/types.ts";
import { checkConfigState, type ConfigState, fromLegacyConfigs } from "./config_versions.ts";

export const WORKSPACE_FORMAT = "scorebench.workspace/v1";

/** How a file was read: what the loader needs to read it the same way again. */
export interface FileReadOptions {
  /** Canonical column -> file column. */
  mapping?: Record<string, string>;
  sheet?: string | number;
  timezone?: string;
  /** Contacts without an id column: number the rows as contact ids (`rowIds` of the loader). */
  rowIds?: boolean;
}

/** One input file of the workspace. */
export interface WorkspaceInput {
  kind: TableKind;
  name: string;
  bytes: Uint8Array;
  options: FileReadOptions;
}

/** Everything a workspace holds besides the tables derived from its files. */
export interface WorkspaceSnapshot {
  inputs: WorkspaceInput[];
  /** Page settings, e.g. thresholds, keyed by name. */
  settings: Record<string, unknown>;
  /** Configs by name (`scorebench.config/v1` JSON): current, calibrated, production. */
  configs: Record<string, unknown>;
  /** Every config version; files written before versions have `configs` only. */
  versions?: ConfigState;
}

/** The JSON text of a workspace file. */
export function encodeWorkspace(snapshot: WorkspaceSnapshot): string {
  return JSON.stringify(
    {
      format: WORKSPACE_FORMAT,
      savedAt: new Date().toISOString(),
      files: snapshot.inputs.map((f) => ({
        kind: f.kind,
        name: f.name,
        options: f.options,
        base64: toBase64(f.bytes),
      })),
      settings: snapshot.settings,
      configs: snapshot.configs,
      configVersions: snapshot.versions,
    },
    null,
    1,
  );
}

/**
 * Reads a workspace file. Throws `SyntaxError` for text that is not JSON and `TypeError`
 * naming the JSON path of the first field that is wrong (`files[1].kind: expected one of ...`).
 */
export function decodeWorkspace(text: string, file = "workspace"): WorkspaceSnapshot {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot open workspace "${file}": not JSON (${(err as Error).message})`);
  }
  const fail = (path: string, what: string): never => {
    throw new TypeError(`Cannot open workspace "${file}": ${path}: ${what}`);
  };
  if (!isObject(json)) return fail("(root)", "expected an object");
  if (json.format !== WORKSPACE_FORMAT) {
    fail("format", `expected "${WORKSPACE_FORMAT}", got ${JSON.stringify(json.format)}`);
  }
  if (!Array.isArray(json.files)) fail("files", "expected an array");
  const inputs = (json.files as unknown[]).map((f, i): WorkspaceInput => {
    if (!isObject(f)) return fail(`files[${i}]`, "expected an object");
    if (!TABLE_KINDS.includes(f.kind as TableKind)) {
      fail(
        `files[${i}].kind`,
        `expected one of ${TABLE_KINDS.join(", ")}, got ${JSON.stringify(f.kind)}`,
      );
    }
    if (typeof f.name !== "string" || !f.name) fail(`files[${i}].name`, "expected a file name");
    if (typeof f.base64 !== "string") fail(`files[${i}].base64`, "expected base64 text");
    if (f.options !== undefined && !isObject(f.options)) {
      fail(`files[${i}].options`, "expected an object");
    }
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(f.base64 as string);
    } catch {
      return fail(`files[${i}].base64`, "is not valid base64");
    }
    return {
      kind: f.kind as TableKind,
      name: f.name as string,
      bytes,
      options: (f.options ?? {}) as FileReadOptions,
    };
  });
  const settings = json.settings ?? {};
  if (!isObject(settings)) fail("settings", "expected an object");
  const configs = json.configs ?? {};
  if (!isObject(configs)) fail("configs", "expected an object");
  let versions: ConfigState;
  if (json.configVersions === undefined) {
    versions = fromLegacyConfigs(configs as Record<string, unknown>);
  } else {
    try {
      versions = checkConfigState(json.configVersions);
    } catch (err) {
      return fail("configVersions", (err as Error).message.replace(/^configVersions:?\s*/, ""));
    }
  }
  return {
    inputs,
    settings: settings as Record<string, unknown>,
    configs: configs as Record<string, unknown>,
    versions,
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Base64 of `bytes`, in chunks so large files do not overflow the argument stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
