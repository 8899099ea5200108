/**
 * The incremental engine's state on disk, beside the snapshot, so that a restart reads only
 * the log after it instead of replaying every event.
 *
 * Layout: one JSON header line (format, where in the log the state was taken, the scalars,
 * stage names and contact ids, the length of each array), then the typed arrays as raw
 * little-endian bytes, each starting on an 8-byte boundary. Numbers stay binary (a match
 * costs 12 bytes, and reading is a copy, not a parse); ids stay JSON text.
 */
import type { IncrementalState } from "../engine/create_incremental_scorer.ts";

const FORMAT = "scorebench.engine-state/v1";

/** Where in the log a state was taken, and under which config. */
export interface EngineStateMark {
  /** Byte offset of the log the state covers (every event before it was added). */
  logOffset: number;
  /** Events in the log before `logOffset`. */
  seq: number;
  /** The config version the state was built with. */
  configVersion: number;
}

const ARRAYS = [
  ["touchedMin", Float64Array],
  ["rank", Int8Array],
  ["groupCount", Int32Array],
  ["groupRule", Int32Array],
  ["groupLength", Int32Array],
  ["ts", Float64Array],
  ["stage", Int32Array],
] as const;

type ArrayName = typeof ARRAYS[number][0];

interface Header extends EngineStateMark {
  format: typeof FORMAT;
  ruleIds: string[];
  clock: number | null;
  engineSeq: number;
  ignored: number;
  stageNames: string[];
  ids: string[];
  lengths: Record<ArrayName, number>;
}

const pad8 = (n: number) => (n + 7) & ~7;

/** Writes `state` and its mark to `path` atomically (temporary file, fsync, rename). */
export async function writeEngineState(
  path: string,
  state: IncrementalState,
  mark: EngineStateMark,
): Promise<void> {
  const header: Header = {
    format: FORMAT,
    ...mark,
    ruleIds: state.ruleIds,
    clock: Number.isFinite(state.clock) ? state.clock : null,
    engineSeq: state.seq,
    ignored: state.ignored,
    stageNames: state.stageNames,
    ids: state.ids,
    lengths: Object.fromEntries(ARRAYS.map(([k]) => [k, state[k].length])) as Header["lengths"],
  };
  const head = new TextEncoder().encode(JSON.stringify(header) + "\n");
  const tmp = `${path}.tmp`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    const write = async (bytes: Uint8Array) => {
      for (let o = 0; o < bytes.length;) o += await file.write(bytes.subarray(o));
    };
    await write(head);
    let at = head.length;
    for (const [k] of ARRAYS) {
      const gap = pad8(at) - at;
      if (gap) await write(new Uint8Array(gap));
      at += gap;
      const a = state[k];
      await write(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      at += a.byteLength;
    }
    await file.syncData();
  } finally {
    file.close();
  }
  await Deno.rename(tmp, path);
}

/**
 * Reads a state written by `writeEngineState`, or `null` when the file is missing. Throws
 * when it is damaged (the caller then rebuilds the engine from the log).
 */
export async function readEngineState(
  path: string,
): Promise<{ state: IncrementalState; mark: EngineStateMark } | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw new SyntaxError(`Cannot read "${path}": no header line`);
  const header: Header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, nl)));
  if (header.format !== FORMAT) throw new SyntaxError(`Cannot read "${path}": not ${FORMAT}`);
  let at = nl + 1;
  const arrays = {} as Record<ArrayName, ArrayBufferView>;
  for (const [k, Type] of ARRAYS) {
    at = pad8(at);
    const n = header.lengths[k];
    const size = n * Type.BYTES_PER_ELEMENT;
    if (at + size > bytes.length) throw new SyntaxError(`Cannot read "${path}": cut short`);
    // A copy: the file's buffer offsets need not suit the element size.
    arrays[k] = new Type(bytes.slice(at, at + size).buffer);
    at += size;
  }
  const state: IncrementalState = {
    ruleIds: header.ruleIds,
    clock: header.clock ?? -Infinity,
    seq: header.engineSeq,
    ignored: header.ignored,
    stageNames: header.stageNames,
    ids: header.ids,
    touchedMin: arrays.touchedMin as Float64Array,
    rank: arrays.rank as Int8Array,
    groupCount: arrays.groupCount as Int32Array,
    groupRule: arrays.groupRule as Int32Array,
    groupLength: arrays.groupLength as Int32Array,
    ts: arrays.ts as Float64Array,
    stage: arrays.stage as Int32Array,
  };
  if (state.ids.length !== state.touchedMin.length) {
    throw new SyntaxError(
      `Cannot read "${path}": ${state.ids.length} ids for ${state.touchedMin.length} contacts`,
    );
  }
  return {
    state,
    mark: { logOffset: header.logOffset, seq: header.seq, configVersion: header.configVersion },
  };
}
