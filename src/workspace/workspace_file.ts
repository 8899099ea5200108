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
  /** The file's bytes; a `Blob` (a chosen file, or one kept in the browser) is read lazily. */
  bytes: Uint8Array | Blob;
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

/** The JSON text of a workspace file whose files are all in memory (see `workspaceChunks`). */
export function encodeWorkspace(snapshot: WorkspaceSnapshot): string {
  return skeleton(snapshot, (f) => {
    if (f.bytes instanceof Uint8Array) return toBase64(f.bytes);
    throw new TypeError(
      `Cannot encode "${f.name}" at once: its bytes are a Blob; use workspaceChunks`,
    );
  });
}

// Three bytes make four base64 characters: chunks of a multiple of three join up exactly.
const BASE64_CHUNK = 3 << 20;

/**
 * The workspace file as text chunks, the same text as `encodeWorkspace`: each input file is
 * read and base64-encoded three megabytes at a time, so a workspace of gigabytes is written
 * out (`new Response(stream)`, a file stream) without its text ever being held whole.
 */
export async function* workspaceChunks(snapshot: WorkspaceSnapshot): AsyncGenerator<string> {
  const marks: string[] = [];
  const text = skeleton(snapshot, (_f, i) => {
    const mark = `\u0000file${i}\u0000`;
    // As it appears in the JSON text (escaped), where the file's base64 goes.
    marks.push(JSON.stringify(mark).slice(1, -1));
    return mark;
  });
  let at = 0;
  for (let i = 0; i < marks.length; i++) {
    const found = text.indexOf(marks[i], at);
    yield text.slice(at, found);
    const bytes = snapshot.inputs[i].bytes;
    for (let o = 0; o < size(bytes); o += BASE64_CHUNK) {
      const part = bytes instanceof Blob
        ? new Uint8Array(await bytes.slice(o, o + BASE64_CHUNK).arrayBuffer())
        : bytes.subarray(o, o + BASE64_CHUNK);
      yield toBase64(part);
    }
    at = found + marks[i].length;
  }
  yield text.slice(at);
}

const size = (b: Uint8Array | Blob) => b instanceof Blob ? b.size : b.length;

function skeleton(
  snapshot: WorkspaceSnapshot,
  base64: (f: WorkspaceInput, i: number) => string,
): string {
  return JSON.stringify(
    {
      format: WORKSPACE_FORMAT,
      savedAt: new Date().toISOString(),
      files: snapshot.inputs.map((f, i) => ({
        kind: f.kind,
        name: f.name,
        options: f.options,
        base64: base64(f, i),
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
  return decodeJson(parseJson(text, file), file, (b64) => fromBase64(b64));
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot open workspace "${file}": not JSON (${(err as Error).message})`);
  }
}

/** Options of `decodeWorkspaceBlob`. */
export interface DecodeWorkspaceBlobOptions {
  /** Files up to this size are read as one text. @default 67108864 */
  wholeBelow?: number;
}

const MARKER = new TextEncoder().encode('"base64"');
const SCAN_CHUNK = 8 << 20;

/**
 * Reads a workspace file of any size from a `Blob`: the JSON around the files is parsed as
 * text, and each file's base64 is decoded a chunk at a time into a `Blob`, so a workspace of
 * gigabytes opens without its text (over the browser's largest string) being held whole.
 * Throws as `decodeWorkspace`.
 */
export async function decodeWorkspaceBlob(
  blob: Blob,
  file = "workspace",
  { wholeBelow = 64 << 20 }: DecodeWorkspaceBlobOptions = {},
): Promise<WorkspaceSnapshot> {
  if (blob.size <= wholeBelow) return decodeWorkspace(await blob.text(), file);
  // Where each `"base64": "..."` value starts and ends (base64 holds no quote or backslash).
  const spans: [number, number][] = [];
  let state: "key" | "colon" | "value" = "key";
  let matched = 0, start = 0;
  for (let o = 0; o < blob.size; o += SCAN_CHUNK) {
    const bytes = new Uint8Array(await blob.slice(o, o + SCAN_CHUNK).arrayBuffer());
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (state === "key") {
        matched = b === MARKER[matched] ? matched + 1 : b === MARKER[0] ? 1 : 0;
        if (matched === MARKER.length) state = "colon", matched = 0;
      } else if (state === "colon") {
        if (b === 0x22) state = "value", start = o + i + 1;
        else if (b !== 0x3a && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) state = "key";
      } else if (b === 0x22) {
        spans.push([start, o + i]);
        state = "key";
      }
    }
  }
  // The JSON with each file's base64 replaced by its number.
  const parts: Blob[] = [];
  let at = 0;
  spans.forEach(([a, b], k) => {
    parts.push(blob.slice(at, a), new Blob([String(k)]));
    at = b;
  });
  parts.push(blob.slice(at));
  const json = parseJson(await new Blob(parts).text(), file);
  const decoded: (Blob | null)[] = [];
  for (const [a, b] of spans) {
    const pieces: Uint8Array<ArrayBuffer>[] = [];
    let ok = true;
    // Four base64 characters make three bytes: chunks of a multiple of four decode apart.
    for (let o = a; o < b && ok; o += 4 << 20) {
      try {
        pieces.push(
          fromBase64(await blob.slice(o, Math.min(b, o + (4 << 20))).text()) as Uint8Array<
            ArrayBuffer
          >,
        );
      } catch {
        ok = false;
      }
    }
    decoded.push(ok ? new Blob(pieces) : null);
  }
  return decodeJson(json, file, (value) => {
    const k = Number(value);
    const bytes = String(k) === value ? decoded[k] : undefined;
    if (!bytes) throw new SyntaxError("not valid base64");
    return bytes;
  });
}

function decodeJson(
  json: unknown,
  file: string,
  bytesOf: (base64: string) => Uint8Array | Blob,
): WorkspaceSnapshot {
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
    let bytes: Uint8Array | Blob;
    try {
      bytes = bytesOf(f.base64 as string);
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

/** Base64 of `bytes`: the engine's own encoder where it has one, else in chunks of characters. */
export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (typeof native === "function") return native.call(bytes);
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (typeof native === "function") return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
