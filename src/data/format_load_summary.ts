/** The one human line a load prints, and the cross-table checks of a load. */
import type { LoadSummary } from "./types.ts";

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/**
 * One line: file, rows read/loaded/rejected, time range, event types, duplicates, and
 * the number of warnings (the warnings themselves are in `summary.warnings`).
 */
export function formatLoadSummary(summary: LoadSummary): string {
  const parts = [
    `${summary.file}: ${summary.kind} ${summary.rowsRead} read, ${summary.rowsLoaded} loaded, ${summary.rowsRejected} rejected`,
  ];
  if (summary.minTs !== null && summary.maxTs !== null) {
    parts.push(`${iso(summary.minTs)} .. ${iso(summary.maxTs)}`);
  }
  if (summary.eventTypes) {
    const types = Object.entries(summary.eventTypes);
    const shown = types.slice(0, 5).map(([t, n]) => `${t} ${n}`).join(", ");
    parts.push(
      `${types.length} event type${types.length === 1 ? "" : "s"}${
        types.length ? ` (${shown}${types.length > 5 ? ", ..." : ""})` : ""
      }`,
    );
  }
  if (summary.duplicates) {
    parts.push(
      summary.kind === "contacts"
        ? `${summary.duplicates} duplicate contact id${summary.duplicates === 1 ? "" : "s"}`
        : `${summary.duplicates} duplicate row${summary.duplicates === 1 ? "" : "s"}`,
    );
  }
  if (summary.warnings.length) {
    parts.push(`${summary.warnings.length} warning${summary.warnings.length === 1 ? "" : "s"}`);
  }
  return parts.join("; ");
}

/** Contacts of the contacts table with no event in the events table. */
export interface CoverageCheck {
  /** Contacts with no event. */
  count: number;
  /** Up to `sampleSize` of their ids, sorted. */
  sample: string[];
}

/**
 * Contacts of a contacts load that no event of an events load mentions (both loads need
 * `contactIds`, collected by default). Throws `TypeError` when either summary lacks them.
 */
export function contactsWithoutEvents(
  contacts: LoadSummary,
  events: LoadSummary,
  sampleSize = 5,
): CoverageCheck {
  return difference(contacts, events, sampleSize);
}

/** Contact ids that events mention but the contacts table lacks. */
export function eventsWithoutContacts(
  contacts: LoadSummary,
  events: LoadSummary,
  sampleSize = 5,
): CoverageCheck {
  return difference(events, contacts, sampleSize);
}

function difference(a: LoadSummary, b: LoadSummary, sampleSize: number): CoverageCheck {
  if (!a.contactIds || !b.contactIds) {
    throw new TypeError(
      `Cannot compare "${a.file}" with "${b.file}": load both with collectContactIds (the default)`,
    );
  }
  let count = 0;
  const sample: string[] = [];
  for (const id of a.contactIds) {
    if (!b.contactIds.has(id)) {
      count++;
      sample.push(id);
    }
  }
  sample.sort();
  return { count, sample: sample.slice(0, sampleSize) };
}
