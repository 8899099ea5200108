/**
 * Purchases scored as events: a rule `"on": "purchase"` matches each purchase, with its
 * channel and tag as they are and its amount as the event's `value`, so "a purchase in
 * the store is 30 points, online 50" is two rules on `channel` (`docs/input-files.md`).
 */
import type { EventRow, PurchaseRow } from "./types.ts";

/** The event type a purchase is scored as. */
export const PURCHASE_EVENT_TYPE = "purchase";

/** A purchase as an event of type `purchase` (`amount` becomes `value`). */
export function purchaseEvent(p: PurchaseRow): EventRow {
  return {
    contact_id: p.contact_id,
    ts: p.ts,
    type: PURCHASE_EVENT_TYPE,
    channel: p.channel ?? null,
    tag: p.tag ?? null,
    value: p.amount ?? null,
  };
}
