import type { ContactRow } from "../../src/tables/mod.ts";
import { flagField, numberField, readCsvFile, REAL_DATA_DIR, textField } from "./_read.ts";

const CODED = new Set(["OperatingSystems", "Browser", "Region", "TrafficType"]);
const TEXT = new Set(["Month", "VisitorType"]);

/**
 * UCI Online Shoppers Purchasing Intention as contacts for snapshot calibration: one
 * contact per session (12,330), `contact_id` the 1-based row number, label `Revenue` as
 * 0/1. Counts, durations and rates stay numbers; the integer-coded categories
 * (`OperatingSystems`, `Browser`, `Region`, `TrafficType`) become text so they are binned
 * as categories, not as ordered numbers; `Weekend` is a boolean. The file has only
 * `Month` and no ids or timestamps: use a random hold-out.
 */
export async function onlineShoppers(
  options: { dir?: string } = {},
): Promise<{ contacts: ContactRow[]; label: string }> {
  const dir = (options.dir ?? REAL_DATA_DIR).replace(/\/?$/, "/");
  const t = await readCsvFile(
    `${dir}uci_online_shoppers_intention/online_shoppers_intention.csv`,
    ",",
  );
  const contacts: ContactRow[] = [];
  for (let i = 0; i < t.rows.length; i++) {
    const row: ContactRow = { contact_id: String(i + 1) };
    for (const col of t.header) {
      if (col === "Revenue") continue;
      if (col === "Weekend") row[col] = flagField(t, i, col) === 1;
      else if (CODED.has(col) || TEXT.has(col)) row[col] = textField(t, i, col);
      else row[col] = numberField(t, i, col);
    }
    row.Revenue = flagField(t, i, "Revenue");
    contacts.push(row);
  }
  return { contacts, label: "Revenue" };
}
