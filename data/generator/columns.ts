/**
 * The columns of the files the generator writes: the canonical columns of each table from
 * `src/tables`, then the generator's own extras.
 */
import {
  type ColumnSpec,
  TABLE_KINDS,
  TABLE_SCHEMAS,
  type TableKind,
} from "../../src/tables/mod.ts";

/** Columns beyond the canonical ones: the inputs and label of the snapshot truth. */
export const EXTRA_COLUMNS: Readonly<Record<TableKind, readonly ColumnSpec[]>> = {
  contacts: [
    { name: "lead_source", kind: "text", required: false },
    { name: "converted", kind: "number", required: false },
  ],
  events: [],
  purchases: [],
  verification: [],
};

/** Every column of each generated file, in file order. */
export const GENERATED_SCHEMAS: Readonly<Record<TableKind, readonly ColumnSpec[]>> = Object
  .fromEntries(
    TABLE_KINDS.map((kind) => [kind, [...TABLE_SCHEMAS[kind], ...EXTRA_COLUMNS[kind]]]),
  ) as Record<TableKind, ColumnSpec[]>;

/** Column names of each CSV file, in order: its header line. */
export const COLUMNS: Readonly<Record<TableKind, readonly string[]>> = Object.fromEntries(
  TABLE_KINDS.map((kind) => [kind, GENERATED_SCHEMAS[kind].map((c) => c.name)]),
) as Record<TableKind, string[]>;
