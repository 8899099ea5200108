/**
 * How one load reads its file's columns: which file column feeds each canonical column (a
 * `Handler` each, with what it keeps from row to row), which columns travel as extras, and
 * what to say about the ones it cannot use.
 */
import type { LoadOptions, TableKind } from "./types.ts";
import { mapColumns, TABLE_COLUMNS } from "./map_columns.ts";
import type { DateOrderState } from "./parse_timestamp.ts";

export type Kind = "id" | "text" | "phone" | "email" | "gender" | "age" | "list" | "ts" | "number";

const COLUMN_KIND: Record<string, Kind> = {
  contact_id: "id",
  email_id: "id",
  phone: "phone",
  email: "email",
  gender: "gender",
  age: "age",
  interests: "list",
  tags: "list",
  created_at: "ts",
  ts: "ts",
  value: "number",
  amount: "number",
};

export interface Handler {
  canon: string;
  index: number;
  kind: Kind;
  required: boolean;
  dates?: DateOrderState;
  ambiguous: number;
  /** List cells split on `,` (they had no `;`), for the summary to say so. */
  commaLists?: number;
  /** One shared string per distinct value of a low-cardinality column (`type`, `channel`). */
  intern?: Map<string, string>;
  /** Ids: the previous row's value, shared when the next row repeats it. */
  last?: string;
}

// Columns whose values repeat a lot: sharing one string per value saves ~24 bytes a cell
// when millions of rows are kept (and a URL cut from the file's text would otherwise keep
// its whole chunk alive). Past this many distinct values sharing stops.
const INTERNED = new Set([
  "type",
  "channel",
  "source",
  "stage",
  "tag",
  "gender",
  "url",
  "email_id",
  "phrase",
]);
const MAX_INTERNED = 10_000;

/** The one kept string equal to `v` in a column that shares its values, else `v`. */
export function share(h: Handler, v: string): string {
  const intern = h.intern;
  if (!intern) return v;
  const shared = intern.get(v);
  if (shared !== undefined) return shared;
  if (intern.size >= MAX_INTERNED) return v;
  // A fresh copy: `v` may be a slice of the decoded chunk, which it would keep alive.
  const own: string = JSON.parse(JSON.stringify(v));
  intern.set(own, own);
  return own;
}

/** The columns of one load, as `planColumns` lays them out. */
export interface ColumnPlan {
  /** The file's column names to report (`column_N` for an unnamed one). */
  header: string[];
  /** One per canonical column read, in the table's column order. */
  handlers: Handler[];
  /** File columns kept as they are, beside the canonical ones. */
  extras: { index: number; name: string }[];
  /** Columns without a header name, in order (a set: a sheet may have thousands). */
  unnamed: Set<number>;
  /** Contacts get their row number as contact_id (no contact_id column). */
  rowIds: boolean;
  /** A time column joined to `ts`, or -1. */
  timeIndex: number;
  /** Canonical column -> file column used (`LoadSummary.mapping`). */
  names: Record<string, string>;
  /** What the mapping has to say (columns guessed, not used). */
  warnings: string[];
}

/** Maps `header` to table `kind`'s columns; throws `LoadError` when a required one is missing. */
export function planColumns<R>(
  kind: TableKind,
  file: string,
  header: string[],
  options: LoadOptions<R>,
): ColumnPlan {
  const { mapping = {}, onRow, dateOrder, rowIds = false } = options;
  if (rowIds && kind !== "contacts") {
    throw new RangeError(`rowIds applies to contacts, not to ${kind}`);
  }
  // Unnamed columns (a trailing delimiter, a blank header cell) get a name to report.
  const names = header.map((h, i) => h.trim() === "" ? `column_${i + 1}` : h.trim());
  const unnamed = header.map((h, i) => h.trim() === "" ? i : -1).filter((i) => i >= 0);
  const m = mapColumns(kind, header.map((h) => h.trim()), file, mapping, rowIds);
  const byRow = rowIds && m.index.contact_id === undefined;
  if (byRow) m.names.contact_id = "(row number)";
  const spec = TABLE_COLUMNS[kind];
  const order = [...spec.required, ...spec.optional];
  const entries = Object.entries(m.index).sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  const handlers: Handler[] = entries.map(([canon, index]) => ({
    canon,
    index,
    kind: COLUMN_KIND[canon] ?? "text",
    required: !spec.anyOf && spec.required.includes(canon),
    dates: COLUMN_KIND[canon] === "ts"
      ? { order: dateOrder ?? null, decidedBy: dateOrder ? "dateOrder" : null, decidedRow: 0 }
      : undefined,
    ambiguous: 0,
    // Rows handed to `onRow` are not kept here: sharing would cost a lookup a cell for
    // memory the caller may never hold.
    intern: INTERNED.has(canon) && onRow === undefined ? new Map<string, string>() : undefined,
  }));
  const mapped = new Set(Object.values(m.index));
  let timeIndex = -1;
  if (m.timeIndex !== undefined) {
    mapped.add(m.timeIndex);
    timeIndex = m.timeIndex;
  }
  // An unmapped column named like a canonical one another column was mapped to (file column
  // "type" while "channel" is mapped to type) would overwrite the mapped value in the row.
  const canonical = new Set(handlers.map((h) => h.canon));
  if (byRow) canonical.add("contact_id");
  const shadowed: string[] = [];
  const extras = names.map((name, index) => ({ index, name })).filter((e) => {
    if (mapped.has(e.index)) return false;
    if (!canonical.has(e.name)) return true;
    shadowed.push(
      `Column "${e.name}" is not used: "${e.name}" is read from column "${m.names[e.name]}"`,
    );
    return false;
  });
  return {
    header: names,
    handlers,
    extras,
    unnamed: new Set(unnamed),
    rowIds: byRow,
    timeIndex,
    names: m.names,
    warnings: [...m.warnings, ...shadowed],
  };
}
