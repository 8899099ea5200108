import type { ContactRow, EventRow, PurchaseRow } from "../../src/tables/mod.ts";
import { numberField, readCsvFile, REAL_DATA_DIR, textField } from "./_read.ts";

/**
 * The CDNOW purchase log (69,659 purchases by 23,570 customers, Jan 1997 - Jun 1998) as
 * canonical tables for repeat-purchase scoring and backtests:
 * - `purchases`: `contact_id` the zero-padded customer id, `ts` the purchase date (00:00
 *   UTC), `amount` the dollar value;
 * - `contacts`: one per customer, `created_at` its first purchase;
 * - `events`: every purchase again as an event of type `purchase` (`value` the dollar
 *   value, `cds` the number of CDs), so past purchases can be counted as features before a
 *   cutoff while later ones are the label.
 */
export async function cdnow(options: { dir?: string } = {}): Promise<
  { contacts: ContactRow[]; purchases: PurchaseRow[]; events: EventRow[] }
> {
  const dir = (options.dir ?? REAL_DATA_DIR).replace(/\/?$/, "/");
  const t = await readCsvFile(`${dir}cdnow/cdnow_master.csv`, ",");
  const purchases: PurchaseRow[] = [];
  const events: EventRow[] = [];
  const first = new Map<string, number>();
  for (let i = 0; i < t.rows.length; i++) {
    const id = textField(t, i, "customer_id").trim();
    const d = textField(t, i, "date").trim();
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(d);
    const ts = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
    if (!m || new Date(ts).getUTCDate() !== Number(m[3])) {
      throw new SyntaxError(
        `"${t.file}" row ${t.rowNumbers[i]}, column "date": "${d}" is not a YYYYMMDD date`,
      );
    }
    const amount = numberField(t, i, "dollar_value");
    purchases.push({ contact_id: id, ts, amount });
    events.push({
      contact_id: id,
      ts,
      type: "purchase",
      value: amount,
      cds: numberField(t, i, "number_of_cds"),
    });
    if (!first.has(id) || ts < first.get(id)!) first.set(id, ts);
  }
  const contacts = [...first].sort((a, b) => a[0].localeCompare(b[0])).map(([id, ts]) => ({
    contact_id: id,
    created_at: ts,
  }));
  return { contacts, purchases, events };
}
