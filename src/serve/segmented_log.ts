/**
 * The scoring service's event log as a row of segment files, so that a prefix covered by
 * the saved engine state can be dropped a whole file at a time (no file is ever rewritten).
 *
 * Positions in the log are logical byte offsets, counted from the first byte ever logged:
 * a segment is named after the offset of its first byte (`events-0000000001048576.ndjson`)
 * and holds the bytes up to the next segment's name. Dropping the oldest segment leaves
 * every offset (in the snapshot, the engine state, a reader's bookmark) valid. Only the
 * newest segment is appended to; a new one is started once it has grown past the segment
 * size, at a batch boundary, after the batch's fsync.
 */
import { join } from "node:path";
import { NdjsonAppender, ndjsonLines, type NdjsonReadEnd } from "./ndjson_file.ts";

/** The single-file log of data folders written before segments. */
export const LEGACY_LOG = "events.ndjson";
const SEGMENT = /^events-(\d{16})\.ndjson$/;

/** The file name of the segment starting at logical offset `base`. */
export function segmentName(base: number): string {
  return `events-${String(base).padStart(16, "0")}.ndjson`;
}

/** One segment file of the log. */
export interface LogSegment {
  /** Logical offset of its first byte. */
  base: number;
  /** Its path. */
  path: string;
  /** Its size in bytes when listed. */
  size: number;
}

/** Flushes a folder's entries (a new or removed file) to the disk, where that is supported. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const d = await Deno.open(dir, { read: true });
    try {
      await d.sync();
    } finally {
      d.close();
    }
  } catch {
    // Some file systems refuse fsync on a folder.
  }
}

/**
 * The segments of the log in `dir`, oldest first. A single-file log of an older data
 * folder (`events.ndjson`) is renamed to the first segment (atomic). Throws when the
 * segments do not follow each other byte for byte (a file went missing or was cut).
 */
export async function listSegments(dir: string): Promise<LogSegment[]> {
  const legacy = join(dir, LEGACY_LOG);
  const out: LogSegment[] = [];
  for await (const e of Deno.readDir(dir)) {
    const m = e.isFile ? SEGMENT.exec(e.name) : null;
    if (m) out.push({ base: Number(m[1]), path: join(dir, e.name), size: 0 });
  }
  if (out.length === 0) {
    try {
      await Deno.rename(legacy, join(dir, segmentName(0)));
      await syncDir(dir);
      return await listSegments(dir);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  out.sort((a, b) => a.base - b.base);
  for (const s of out) s.size = (await Deno.stat(s.path)).size;
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i].base + out[i].size !== out[i + 1].base) {
      throw new Error(
        `Cannot read the log in "${dir}": ${segmentName(out[i].base)} has ${
          out[i].size
        } bytes but the next segment starts at byte ${out[i + 1].base}; the log is damaged`,
      );
    }
  }
  return out;
}

/**
 * The lines of the log between logical offsets `from` and `to` (default: the end), as
 * `{ value, end }` with `end` the logical offset just past the line. The return value says
 * where reading stopped; a torn write may only end the newest segment.
 */
export function* logLines(
  segments: readonly LogSegment[],
  options: { from?: number; to?: number } = {},
): Generator<{ value: unknown; end: number }, NdjsonReadEnd> {
  const { from = segments[0]?.base ?? 0, to = Infinity } = options;
  if (segments.length && from < segments[0].base) {
    throw new RangeError(
      `Cannot read the log from byte ${from}: it starts at byte ${
        segments[0].base
      } (older segments were dropped)`,
    );
  }
  let end: NdjsonReadEnd = { end: from, tornBytes: 0 };
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    const next = i + 1 < segments.length ? segments[i + 1].base : Infinity;
    if (next <= from) continue;
    if (s.base >= to) break;
    const it = ndjsonLines(s.path, {
      from: Math.max(0, from - s.base),
      to: Number.isFinite(to) ? to - s.base : undefined,
    });
    let r = it.next();
    for (; !r.done; r = it.next()) yield { value: r.value.value, end: r.value.end + s.base };
    end = { end: r.value.end + s.base, tornBytes: r.value.tornBytes };
    if (end.tornBytes && i + 1 < segments.length) {
      throw new Error(
        `Cannot read "${s.path}": it ends with ${end.tornBytes} bytes of a cut line but a newer segment follows; the log is damaged`,
      );
    }
  }
  return end;
}

/**
 * The log open for appending: whole lines go to the newest segment; `roll` starts a new
 * segment once it is past `segmentBytes`; `dropBefore` removes the oldest segments.
 */
export class SegmentedLog {
  /** The data folder. */
  readonly dir: string;
  /** A new segment is started after a batch that leaves the newest one this large. */
  readonly segmentBytes: number;
  #segments: LogSegment[];
  #active: NdjsonAppender;

  private constructor(
    dir: string,
    segmentBytes: number,
    segments: LogSegment[],
    a: NdjsonAppender,
  ) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.#segments = segments;
    this.#active = a;
  }

  /**
   * Opens the log of `dir` (listed by `listSegments`) for appending, cutting the newest
   * segment at logical offset `validEnd` (the end of a read: a torn last line goes).
   */
  static async open(
    dir: string,
    segments: LogSegment[],
    validEnd: number,
    segmentBytes: number,
  ): Promise<SegmentedLog> {
    const list = segments.map((s) => ({ ...s }));
    if (list.length === 0) {
      list.push({ base: validEnd, path: join(dir, segmentName(validEnd)), size: 0 });
    }
    const last = list[list.length - 1];
    const a = NdjsonAppender.open(last.path, validEnd - last.base);
    if (segments.length === 0) await syncDir(dir);
    return new SegmentedLog(dir, segmentBytes, list, a);
  }

  /** Logical offset of the first byte still kept. */
  get start(): number {
    return this.#segments[0].base;
  }

  /** Logical offset just past the last whole line. */
  get length(): number {
    return this.#segments[this.#segments.length - 1].base + this.#active.length;
  }

  /** The segments, oldest first (sizes as of now). */
  segments(): LogSegment[] {
    const out = this.#segments.map((s) => ({ ...s }));
    out[out.length - 1].size = this.#active.length;
    return out;
  }

  /** Appends `lines` (each without its line break) to the newest segment in one write. */
  append(lines: string[]): void {
    this.#active.append(lines);
  }

  /** Makes the appended lines durable (fdatasync). */
  sync(): Promise<void> {
    return this.#active.sync();
  }

  /**
   * Starts a new segment when the newest is at least `segmentBytes` long; call after a
   * `sync`, so the sealed segment is whole on disk. Returns the new segment's base or `null`.
   */
  async roll(): Promise<number | null> {
    if (this.#active.length < this.segmentBytes) return null;
    const base = this.length;
    const path = join(this.dir, segmentName(base));
    const next = NdjsonAppender.open(path, 0);
    // The new file's entry must be durable before a batch in it is acknowledged.
    await syncDir(this.dir);
    const old = this.#active;
    this.#segments[this.#segments.length - 1].size = old.length;
    this.#segments.push({ base, path, size: 0 });
    this.#active = next;
    old.close();
    return base;
  }

  /**
   * Removes the oldest segments that end at or before logical offset `offset`, in order,
   * while `keep(segment)` is false; never the newest. `onRemoved` runs after each removal.
   * Returns the segments removed.
   */
  async dropBefore(
    offset: number,
    keep: (s: LogSegment) => boolean,
    onRemoved: (s: LogSegment) => void = () => {},
  ): Promise<LogSegment[]> {
    const dropped: LogSegment[] = [];
    while (this.#segments.length > 1) {
      const s = this.#segments[0];
      if (this.#segments[1].base > offset || keep(s)) break;
      await Deno.remove(s.path);
      this.#segments.shift();
      dropped.push(s);
      onRemoved(s);
    }
    if (dropped.length) await syncDir(this.dir);
    return dropped;
  }

  /** Closes the newest segment (again is a no-op). */
  close(): void {
    this.#active.close();
  }
}
