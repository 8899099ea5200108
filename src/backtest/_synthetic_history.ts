/**
 * Seeded synthetic history for tests and benchmarks: contacts whose activity comes in
 * bursts, and purchases that follow bursts, so a sensible config ranks future buyers.
 */
import type { EventRow, PurchaseRow } from "../tables/mod.ts";
import { seededRng } from "../metrics/mod.ts";
import { DAY_MS as DAY } from "../tables/mod.ts";

export interface SyntheticHistoryOptions {
  contacts: number;
  /** Average events per contact. */
  eventsPerContact: number;
  /** Epoch ms. */
  from: number;
  to: number;
  seed?: number;
}

const TYPES = ["page_view", "page_view", "page_view", "email_click", "form_submit"];
const URLS = [
  "https://shop.example/pricing",
  "https://shop.example/blog/1",
  "https://shop.example/a/x",
];

/** Contact ids `c0000001`...: strings with leading zeros, as the data contract requires. */
export function syntheticContactId(i: number): string {
  return `c${String(i).padStart(7, "0")}`;
}

/**
 * Events as a re-iterable (each pass regenerates the same rows from the seed, so ten
 * million events need no memory) and purchases as an array.
 */
export function syntheticHistory(options: SyntheticHistoryOptions): {
  events: Iterable<EventRow>;
  purchases: PurchaseRow[];
  eventCount: number;
} {
  const { contacts, eventsPerContact, from, to, seed = 1 } = options;
  const span = to - from;
  // Per contact: number of events and the centre of its interest burst.
  const plan = seededRng(seed);
  const counts = new Uint32Array(contacts);
  const centres = new Float64Array(contacts);
  let eventCount = 0;
  const purchases: PurchaseRow[] = [];
  for (let i = 0; i < contacts; i++) {
    counts[i] = Math.floor(plan() * 2 * eventsPerContact + 0.5);
    eventCount += counts[i];
    centres[i] = from + plan() * span;
    const intensity = counts[i] / Math.max(eventsPerContact, 1);
    // Keener contacts buy more often, shortly after their burst.
    if (plan() < Math.min(0.9, 0.08 * intensity * intensity)) {
      const ts = Math.floor(centres[i] + (1 + plan() * 20) * DAY);
      if (ts <= to + 60 * DAY) {
        purchases.push({
          contact_id: syntheticContactId(i),
          ts,
          amount: Math.round(plan() * 1000),
        });
      }
    } else if (plan() < 0.02) {
      purchases.push({ contact_id: syntheticContactId(i), ts: from + Math.floor(plan() * span) });
    }
  }
  const events: Iterable<EventRow> = {
    *[Symbol.iterator]() {
      const rng = seededRng(seed + 1);
      for (let i = 0; i < contacts; i++) {
        const id = syntheticContactId(i);
        for (let k = 0; k < counts[i]; k++) {
          const type = TYPES[Math.floor(rng() * TYPES.length)];
          const offset = (rng() + rng() + rng() - 1.5) * 40 * DAY;
          const ts = Math.min(to, Math.max(from, Math.floor(centres[i] + offset)));
          const row: EventRow = { contact_id: id, ts, type };
          if (type === "page_view") row.url = URLS[Math.floor(rng() * URLS.length)];
          yield row;
        }
      }
    },
  };
  return { events, purchases, eventCount };
}
