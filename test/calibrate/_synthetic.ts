/** Small seeded temporal data for calibration tests: events drive purchases by a known model. */
import type { ContactRow, EventRow, PurchaseRow } from "../../src/data/types.ts";
import { seededRng } from "../../src/metrics/mod.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";
export { DAY_MS as DAY } from "../../src/tables/mod.ts";

export const START = Date.UTC(2024, 0, 1);
export const CUTOFFS = [
  Date.UTC(2024, 3, 1),
  Date.UTC(2024, 4, 1),
  Date.UTC(2024, 5, 1),
  Date.UTC(2024, 6, 1),
];
export const TRUTH = { intercept: -3, demo: 1.0, click: 0.4, pricing: 0.6, view: 0.05 };

/** `n` contacts, events over Jan-Jul 2024, purchases drawn per cutoff from 90-day counts. */
export function syntheticTemporal(n: number, seed: number) {
  const rng = seededRng(seed);
  const contacts: ContactRow[] = [];
  const events: EventRow[] = [];
  for (let c = 0; c < n; c++) {
    const id = `c${String(c).padStart(5, "0")}`;
    contacts.push({ contact_id: id, created_at: START - DAY });
    const activity = 0.2 + 2 * rng();
    for (let d = 0; d < 200; d++) {
      const ts = START + d * DAY + Math.floor(rng() * DAY);
      if (rng() < 0.05 * activity) {
        const pricing = rng() < 0.3;
        events.push({
          contact_id: id,
          ts,
          type: "page_view",
          url: pricing ? "https://shop.example/pricing" : "https://shop.example/",
        });
      }
      if (rng() < 0.01 * activity) {
        events.push({ contact_id: id, ts, type: "email_click", email_id: "m1" });
      }
      if (rng() < 0.002 * activity) events.push({ contact_id: id, ts, type: "demo" });
    }
  }
  events.sort((a, b) => a.ts - b.ts);
  const purchases: PurchaseRow[] = [];
  for (const t of CUTOFFS) {
    const x = new Map<string, number>();
    for (const e of events) {
      if (e.ts <= t - 90 * DAY || e.ts > t) continue;
      const w = e.type === "demo"
        ? TRUTH.demo
        : e.type === "email_click"
        ? TRUTH.click
        : TRUTH.view + (e.url === "https://shop.example/pricing" ? TRUTH.pricing : 0);
      x.set(e.contact_id, (x.get(e.contact_id) ?? 0) + w);
    }
    for (const c of contacts) {
      const eta = TRUTH.intercept + (x.get(c.contact_id) ?? 0);
      if (rng() < 1 / (1 + Math.exp(-eta))) {
        purchases.push({
          contact_id: c.contact_id,
          ts: t + 1 + Math.floor(rng() * 29 * DAY),
          tag: rng() < 0.5 ? "a" : "b",
        });
      }
    }
  }
  return { contacts, events, purchases };
}
