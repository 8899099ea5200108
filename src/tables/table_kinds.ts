/** The four input tables every part of scorebench reads (see `docs/formats.md`). */

/** Input tables, in the order pages and reports list them. */
export const TABLE_KINDS = ["contacts", "events", "purchases", "verification"] as const;

/** One of `TABLE_KINDS`. */
export type TableKind = typeof TABLE_KINDS[number];

/** True when `name` is one of `TABLE_KINDS`. */
export function isTableKind(name: string): name is TableKind {
  return (TABLE_KINDS as readonly string[]).includes(name);
}
