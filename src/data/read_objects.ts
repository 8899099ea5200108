/**
 * JSON (an array of row objects), NDJSON (one object a line) and Arrow IPC (file or
 * stream) to raw records. Each is read whole; CSV is the streaming format.
 */
import { LoadError } from "./load_error.ts";
import type { JsonNumber, RawRecord, RawValue } from "./_row_builder.ts";

export interface ObjectRecords {
  header: string[];
  records: RawRecord[];
  /** Problems with the file as a whole, for the load summary. */
  warnings?: string[];
}

/** Deepest nesting parsed with the number-keeping reviver. */
export const MAX_REVIVED_DEPTH = 256;

const DEEP_WARNING =
  `Values nest over ${MAX_REVIVED_DEPTH} levels deep: numbers were read as doubles (an id over 15 digits may have lost digits); rows with nested cells are rejected`;

function toRecords(objects: { row: number; obj: unknown; error?: string }[]): ObjectRecords {
  const header: string[] = [];
  const seen = new Set<string>();
  for (const { obj } of objects) {
    if (obj && typeof obj === "object" && !Array.isArray(obj)) {
      for (const k of Object.keys(obj)) {
        if (!seen.has(k)) seen.add(k), header.push(k);
      }
    }
  }
  const records: RawRecord[] = objects.map(({ row, obj, error }) => {
    if (error) return { row, cells: null, error };
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
      return {
        row,
        cells: null,
        error: `Expected an object, found ${
          Array.isArray(obj) ? "an array" : obj === null ? "null" : typeof obj
        }`,
      };
    }
    const o = obj as Record<string, unknown>;
    // Own keys only: a row without "constructor" must not read Object.prototype's.
    return { row, cells: header.map((k) => (Object.hasOwn(o, k) ? o[k] : undefined) as RawValue) };
  });
  return { header, records };
}

/**
 * `JSON.parse` keeping each number's source text where the number would not print back
 * as written (`12345678901234567890`, `1e400`, `1.0`): an id must be its digits, not the
 * nearest double. Such numbers come out as `{ jsonNumber: "source" }`. A reviver makes
 * the parse recursive, so text nesting deeper than `MAX_REVIVED_DEPTH` is parsed plainly
 * (numbers as doubles) and `revived` says so.
 */
export function parseJsonKeepingNumbers(text: string): { value: unknown; revived: boolean } {
  if (nestsDeeper(text, MAX_REVIVED_DEPTH)) return { value: JSON.parse(text), revived: false };
  return { value: JSON.parse(text, keepNumberSource), revived: true };
}

/** Whether `[`/`{` nest deeper than `limit` (outside strings), in one pass. */
function nestsDeeper(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Skip the string, escapes included.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

function keepNumberSource(
  this: unknown,
  _key: string,
  value: unknown,
  context?: { source?: string },
): unknown {
  if (typeof value !== "number") return value;
  const source = context?.source;
  if (source === undefined || String(value) === source) return value;
  return { jsonNumber: source } satisfies JsonNumber;
}

/** A JSON array of objects; row numbers are 1-based element positions. */
export function readJson(text: string, file: string): ObjectRecords {
  let data: unknown;
  const warnings: string[] = [];
  try {
    const parsed = parseJsonKeepingNumbers(text);
    data = parsed.value;
    if (!parsed.revived) warnings.push(DEEP_WARNING);
  } catch (err) {
    throw new LoadError(`Cannot read "${file}" as JSON: ${(err as Error).message}`, {
      file,
      cause: err,
    });
  }
  if (!Array.isArray(data)) {
    const arrays = data && typeof data === "object"
      ? Object.entries(data).filter(([, v]) => Array.isArray(v)).map(([k]) => k)
      : [];
    throw new LoadError(
      `Cannot load "${file}": the JSON holds ${
        data === null ? "null" : typeof data === "object" ? "an object" : `a ${typeof data}`
      }, not an array of row objects${
        arrays.length ? ` (its key "${arrays[0]}" holds an array: save that array alone)` : ""
      }`,
      { file },
    );
  }
  return { ...toRecords(data.map((obj, i) => ({ row: i + 1, obj }))), warnings };
}

/** One JSON object a line; a broken line is rejected with its line number. */
export function readNdjson(text: string): ObjectRecords {
  const objects: { row: number; obj: unknown; error?: string }[] = [];
  let deep = false;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    try {
      const parsed = parseJsonKeepingNumbers(line);
      if (!parsed.revived) deep = true;
      objects.push({ row: i + 1, obj: parsed.value });
    } catch (err) {
      objects.push({ row: i + 1, obj: null, error: `Invalid JSON: ${(err as Error).message}` });
    }
  }
  return { ...toRecords(objects), warnings: deep ? [DEEP_WARNING] : [] };
}

/** An Arrow IPC file or stream; timestamp and date columns come out as `Date`. */
export async function readArrow(bytes: Uint8Array, file: string): Promise<ObjectRecords> {
  const arrow = await import("apache-arrow");
  let table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (err) {
    throw new LoadError(`Cannot read "${file}" as Arrow IPC: ${(err as Error).message}`, {
      file,
      cause: err,
    });
  }
  const fields = table.schema.fields;
  const header = fields.map((f) => f.name);
  const kinds = fields.map((f) =>
    arrow.DataType.isTimestamp(f.type) || arrow.DataType.isDate(f.type) ? "date" : "other"
  );
  const columns = fields.map((_, i) => table.getChildAt(i)!);
  const records: RawRecord[] = [];
  for (let r = 0; r < table.numRows; r++) {
    const cells: RawValue[] = new Array(header.length);
    for (let c = 0; c < header.length; c++) {
      let v: unknown = columns[c].get(r);
      if (v === null || v === undefined) v = null;
      else if (typeof v === "bigint") {
        v = kinds[c] === "date" ||
            (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER))
          ? Number(v)
          : v.toString();
      }
      if (kinds[c] === "date" && typeof v === "number") v = new Date(v);
      else if (v !== null && typeof v === "object" && !(v instanceof Date)) {
        const it = v as { toArray?: () => ArrayLike<unknown> };
        v = typeof it.toArray === "function"
          ? Array.from(it.toArray(), (x) => x === null ? null : String(x))
          : JSON.stringify(v);
      }
      cells[c] = v as RawValue;
    }
    records.push({ row: r + 1, cells });
  }
  return { header, records };
}
