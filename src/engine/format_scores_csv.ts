/** The `scores.csv` and `triggers.csv` files (`docs/formats.md`). */
import { formatNumber } from "./format_number.ts";
import { csvField } from "../tables/csv.ts";
import { formatInstant } from "../tables/mod.ts";
import type { Reason, ScoreResult, ScoreRow } from "./types.ts";
import { safeCell } from "../tables/safe_cell.ts";

export { formatInstant };

export { csvField };

/**
 * A text field from the data or the config (an id, reasons, a scope name): made inert for
 * spreadsheets (`=cmd|...` gets a leading `'`, see `safeCell`), then quoted as needed.
 */
export function textField(text: string): string {
  return csvField(String(safeCell(text)));
}

/** `id:+12.5;id:-20`: the sign is always written so the direction reads at a glance. */
export function formatReasons(reasons: Reason[]): string {
  return reasons.map((r) => `${r.ruleId}:${r.points > 0 ? "+" : ""}${formatNumber(r.points)}`).join(
    ";",
  );
}

const HEADER = ["as_of", "contact_id", "score", "tier", "matched_events", "verified", "reasons"];

/** One CSV line (without the line break) of a row. */
function line(row: ScoreRow, scopeColumns: string[], asOfText: string): string {
  let s = `${asOfText},${textField(row.contactId)},${
    formatNumber(row.score)
  },${row.tier},${row.matchedEvents},${row.verified},${textField(formatReasons(row.reasons))}`;
  for (const col of scopeColumns) {
    const v = row.scopes[col];
    s += `,${v === undefined ? "0" : formatNumber(v)}`;
  }
  return s;
}

/**
 * The exact `scores.csv` of the CLI contract: `as_of, contact_id, score, tier,
 * matched_events, verified, reasons`, then one column per non-global scope sorted by name
 * (0 where the contact has nothing in it). Lines end with `\n`.
 */
export function formatScoresCsv(result: ScoreResult): string {
  return [...scoresCsvChunks(result)].join("");
}

/**
 * The text of `formatScoresCsv` in pieces of about `chunkChars` characters (whole lines),
 * so a large file can be written without holding every line and the whole text at once.
 */
export function* scoresCsvChunks(result: ScoreResult, chunkChars = 1 << 20): Generator<string> {
  let text = [...HEADER, ...result.scopeColumns].map(textField).join(",") + "\n";
  let lastAsOf = NaN, asOfText = "";
  for (const row of result.rows) {
    if (row.asOf !== lastAsOf) {
      lastAsOf = row.asOf;
      asOfText = formatInstant(row.asOf);
    }
    text += line(row, result.scopeColumns, asOfText) + "\n";
    if (text.length >= chunkChars) {
      yield text;
      text = "";
    }
  }
  if (text !== "") yield text;
}

/** `trigger_id, contact_id, as_of, from, to` for each firing (`from` empty on the first instant). */
export function formatTriggersCsv(result: ScoreResult): string {
  const lines = ["trigger_id,contact_id,as_of,from,to"];
  for (const f of result.triggers) {
    lines.push(
      `${textField(f.triggerId)},${textField(f.contactId)},${formatInstant(f.asOf)},${
        f.from ?? ""
      },${f.to}`,
    );
  }
  return lines.join("\n") + "\n";
}
