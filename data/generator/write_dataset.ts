/** The synthetic base streamed to CSV files and `ground_truth.json`, one contact at a time. */
import { join } from "node:path";
import { TABLE_KINDS, type TableKind } from "../../src/tables/mod.ts";
import { COLUMNS, GENERATED_SCHEMAS } from "./columns.ts";
import { emptyGroundTruth, type GroundTruth, tallyContact } from "./ground_truth.ts";
import { type GenerateOptions, resolveOptions } from "./resolve_options.ts";
import { bundles } from "./_bundles.ts";
import { CsvFile } from "./_csv_file.ts";
import { csvLineFormatter, isoFormatter } from "./_csv_line.ts";

/** Options of `writeDataset`: those of `generateDataset` and progress reporting. */
export interface WriteOptions extends GenerateOptions {
  /** Called every `progressEvery` contacts with the contacts and events done. @default undefined */
  onProgress?: (contactsDone: number, eventsDone: number) => void;
  /** @default 10000 */
  progressEvery?: number;
}

/** Row counts of the files `writeDataset` wrote. */
export interface WriteSummary {
  contacts: number;
  events: number;
  purchases: number;
  verification: number;
  groundTruth: GroundTruth;
}

/**
 * Streams the base to `dir` (created if needed) as `contacts.csv`, `events.csv`,
 * `purchases.csv`, `verification.csv` and `ground_truth.json`, one contact at a time, so
 * memory stays flat however many events are asked for. Files appear only when complete.
 * The rows are those of `generateDataset` with the same options, in the same order; the
 * contacts' phones and e-mails, and the verification rows, are written as people typed them.
 */
export function writeDataset(dir: string, options: WriteOptions = {}): WriteSummary {
  const { onProgress, progressEvery = 10_000 } = options;
  const r = resolveOptions(options);
  const truth = emptyGroundTruth(r);
  const iso = isoFormatter();
  const lineOf = (kind: TableKind) => csvLineFormatter(GENERATED_SCHEMAS[kind], iso);
  const line = {
    contacts: lineOf("contacts"),
    events: lineOf("events"),
    purchases: lineOf("purchases"),
    verification: lineOf("verification"),
  };
  Deno.mkdirSync(dir, { recursive: true });
  const files = {} as Record<TableKind, CsvFile>;
  try {
    for (const kind of TABLE_KINDS) {
      files[kind] = new CsvFile(join(dir, `${kind}.csv`), COLUMNS[kind]);
    }
    let done = 0;
    for (const b of bundles(r)) {
      tallyContact(truth, b);
      files.contacts.line(line.contacts({ ...b.contact, phone: b.phoneText, email: b.emailText }));
      for (const e of b.events) files.events.line(line.events(e));
      for (const p of b.purchases) files.purchases.line(line.purchases(p));
      for (const v of b.verification) files.verification.line(line.verification(v));
      if (onProgress && ++done % progressEvery === 0) onProgress(done, files.events.rows);
    }
    for (const f of Object.values(files)) f.close();
  } catch (err) {
    for (const f of Object.values(files)) f.abort();
    throw err;
  }
  const json = join(dir, "ground_truth.json");
  const tmp = `${json}.${crypto.randomUUID()}.tmp`;
  Deno.writeTextFileSync(tmp, JSON.stringify(truth, null, 2) + "\n");
  Deno.renameSync(tmp, json);
  return {
    contacts: files.contacts.rows,
    events: files.events.rows,
    purchases: files.purchases.rows,
    verification: files.verification.rows,
    groundTruth: truth,
  };
}
