/**
 * JSON (an array of row objects), NDJSON (one object a line) and Arrow IPC (file or
 * stream) to raw records. Each is read whole; CSV is the streaming format.
 */
import { LoadError } from "./load_error.ts";
import type { RawRecord, RawValue } from "./_row_builder.ts";

export interface ObjectRecords {
  header: string[];
  records: RawRecord[];
}

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
    return { row, cells: header.map((k) => o[k] as RawValue) };
  });
  return { header, records };
}

/** A JSON array of objects; row numbers are 1-based element positions. */
export function readJson(text: string, file: string): ObjectRecords {
  let data: unknown;
  try {
    data = JSON.parse(text);
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
  return toRecords(data.map((obj, i) => ({ row: i + 1, obj })));
}

/** One JSON object a line; a broken line is rejected with its line number. */
export function readNdjson(text: string): ObjectRecords {
  const objects: { row: number; obj: unknown; error?: string }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    try {
      objects.push({ row: i + 1, obj: JSON.parse(line) });
    } catch (err) {
      objects.push({ row: i + 1, obj: null, error: `Invalid JSON: ${(err as Error).message}` });
    }
  }
  return toRecords(objects);
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
