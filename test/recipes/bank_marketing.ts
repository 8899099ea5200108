import type { ContactRow } from "../../src/tables/mod.ts";
import {
  type CsvTable,
  flagField,
  numberField,
  readCsvFile,
  REAL_DATA_DIR,
  textField,
} from "./_read.ts";

/** Options for `bankMarketing`. */
export interface BankMarketingOptions {
  /** `"additional"`: bank-additional-full (41,188 rows, 20 inputs with macro indicators); `"full"`: bank-full (45,211 rows, with `balance` and `day`). @default "additional" */
  variant?: "additional" | "full";
  /** Keep `duration` (length of the call, known only after it, so it leaks the outcome). @default false */
  keepDuration?: boolean;
  /** Folder holding `uci_bank_marketing/`. @default ../shared/data/real/ */
  dir?: string;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const NUMERIC = new Set([
  "age",
  "balance",
  "day",
  "duration",
  "campaign",
  "pdays",
  "previous",
  "emp.var.rate",
  "cons.price.idx",
  "cons.conf.idx",
  "euribor3m",
  "nr.employed",
]);

/**
 * UCI Bank Marketing as contacts for snapshot calibration: one contact per call record,
 * `contact_id` the 1-based row number in date order, label `y` as 0/1, numbers as numbers,
 * the rest as text (`"unknown"` kept as a category, as the authors coded it).
 *
 * The files carry no year: it is recovered from row order (start in 2008, add one each time
 * `month` wraps to an earlier month; part 1 holds 2008, part 2 2009-2010), and `created_at`
 * is the contact date (bank-full: year, month, `day`; bank-additional: the 1st of the
 * month), so `--holdout-after` gives an out-of-time hold-out. `year` is added as a column.
 * `duration` is dropped unless asked for (it leaks the outcome).
 */
export async function bankMarketing(
  options: BankMarketingOptions = {},
): Promise<{ contacts: ContactRow[]; label: string }> {
  const { variant = "additional", keepDuration = false, dir = REAL_DATA_DIR } = options;
  if (variant !== "additional" && variant !== "full") {
    throw new RangeError(
      `Cannot read bank marketing: variant must be "additional" or "full", got "${variant}"`,
    );
  }
  const base = `${dir.replace(/\/?$/, "/")}uci_bank_marketing/bank-${
    variant === "full" ? "full" : "additional-full"
  }`;
  const parts: CsvTable[] = [
    await readCsvFile(`${base}.part1of2_2008-05_to_2008-12.csv`, ";"),
    await readCsvFile(`${base}.part2of2_2009_to_2010-11.csv`, ";"),
  ];
  const contacts: ContactRow[] = [];
  let year = 2008;
  let lastMonth = -1;
  for (const t of parts) {
    for (let i = 0; i < t.rows.length; i++) {
      const monthText = textField(t, i, "month");
      const month = MONTHS.indexOf(monthText);
      if (month < 0) {
        throw new SyntaxError(
          `"${t.file}" row ${t.rowNumbers[i]}, column "month": "${monthText}" is not jan..dec`,
        );
      }
      if (month < lastMonth) year++;
      lastMonth = month;
      const day = variant === "full" ? numberField(t, i, "day") : 1;
      const row: ContactRow = { contact_id: String(contacts.length + 1) };
      for (const col of t.header) {
        if (col === "y" || (col === "duration" && !keepDuration)) continue;
        row[col] = NUMERIC.has(col) ? numberField(t, i, col) : textField(t, i, col);
      }
      row.year = year;
      row.created_at = Date.UTC(year, month, day);
      row.y = flagField(t, i, "y");
      contacts.push(row);
    }
  }
  return { contacts, label: "y" };
}
