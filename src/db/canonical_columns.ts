/**
 * DuckDB types of the canonical columns of each input table, shared by the loader that
 * writes the tables and the SQL that reads them, so both agree on every column's type.
 * Timestamps are epoch milliseconds (`DOUBLE`), as in the rows.
 */
import type { TableKind } from "../data/types.ts";
import type { ColumnType } from "./insert_rows.ts";

export const CANONICAL_COLUMNS: Readonly<
  Record<TableKind, Readonly<Record<string, ColumnType>>>
> = {
  events: {
    contact_id: "VARCHAR",
    ts: "DOUBLE",
    type: "VARCHAR",
    channel: "VARCHAR",
    url: "VARCHAR",
    email_id: "VARCHAR",
    source: "VARCHAR",
    phrase: "VARCHAR",
    tag: "VARCHAR",
    stage: "VARCHAR",
    value: "DOUBLE",
  },
  contacts: {
    contact_id: "VARCHAR",
    phone: "VARCHAR",
    email: "VARCHAR",
    gender: "VARCHAR",
    age: "DOUBLE",
    interests: "VARCHAR[]",
    stage: "VARCHAR",
    tags: "VARCHAR[]",
    created_at: "DOUBLE",
  },
  purchases: {
    contact_id: "VARCHAR",
    ts: "DOUBLE",
    amount: "DOUBLE",
    channel: "VARCHAR",
    tag: "VARCHAR",
  },
  verification: { contact_id: "VARCHAR", phone: "VARCHAR", email: "VARCHAR" },
};
