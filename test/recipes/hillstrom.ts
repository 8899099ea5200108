import type { ContactRow } from "../../src/tables/mod.ts";
import { numberField, readCsvFile, REAL_DATA_DIR, textField } from "./_read.ts";

/** Options for `hillstrom`. */
export interface HillstromOptions {
  /** Outcome kept as the label; the other outcomes are dropped so they cannot leak into features. @default "conversion" */
  label?: "conversion" | "visit";
  /** @default ../shared/data/real/ */
  dir?: string;
}

const NUMERIC = new Set(["recency", "history", "mens", "womens", "newbie"]);

/**
 * Kevin Hillstrom's e-mail test (64,000 customers) as contacts: `contact_id` the 1-based
 * row number; pre-campaign columns (`recency`, `history_segment`, `history`, `mens`,
 * `womens`, `zip_code`, `newbie`, `channel`) and the randomised `segment` as attributes;
 * the chosen outcome as a 0/1 label. `spend` and the other outcome are left out (they are
 * measured after the e-mail). One observation point, so use a random hold-out.
 */
export async function hillstrom(
  options: HillstromOptions = {},
): Promise<{ contacts: ContactRow[]; label: string }> {
  const { label = "conversion" } = options;
  if (label !== "conversion" && label !== "visit") {
    throw new RangeError(
      `Cannot read Hillstrom: label must be "conversion" or "visit", got "${label}"`,
    );
  }
  const dir = (options.dir ?? REAL_DATA_DIR).replace(/\/?$/, "/");
  const t = await readCsvFile(`${dir}hillstrom_email/hillstrom.csv`, ",");
  const contacts: ContactRow[] = [];
  for (let i = 0; i < t.rows.length; i++) {
    const row: ContactRow = { contact_id: String(i + 1) };
    for (
      const col of [
        "recency",
        "history_segment",
        "history",
        "mens",
        "womens",
        "zip_code",
        "newbie",
        "channel",
        "segment",
      ]
    ) {
      row[col] = NUMERIC.has(col) ? numberField(t, i, col) : textField(t, i, col);
    }
    const y = numberField(t, i, label);
    if (y !== 0 && y !== 1) {
      throw new SyntaxError(
        `"${t.file}" row ${t.rowNumbers[i]}, column "${label}": "${y}" is not 0 or 1`,
      );
    }
    row[label] = y;
    contacts.push(row);
  }
  return { contacts, label };
}
