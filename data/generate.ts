/**
 * The generator's command line: writes a seeded synthetic lead base with a known ground
 * truth to a folder (the code is in `data/generator/`, the model in `data/README.md`).
 *
 * ```sh
 * deno run -A data/generate.ts --contacts 5000 --seed 1 --out data/sample
 * deno run -A data/generate.ts --events-target 10000000 --seed 1 --out /tmp/x
 * ```
 */
import { parseArgs } from "node:util";
import { writeDataset } from "./generator/mod.ts";

const HELP = `Usage: deno run -A data/generate.ts [flags]

Writes a synthetic lead base with a known ground truth (see data/README.md).

Flags:
  --out <dir> (required)   folder for contacts.csv, events.csv, purchases.csv,
                           verification.csv and ground_truth.json
  --contacts <n>           number of contacts (default 5000)
  --events-target <n>      draw contacts until their events reach n (replaces --contacts)
  --seed <n>               random seed (default 1)
  --months <n>             months of events (default 12)
  --start <YYYY-MM-01>     first day of events (default 2024-01-01)
  --help                   show this help`;

function main(args: string[]): number {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args,
      strict: true,
      options: {
        out: { type: "string" },
        contacts: { type: "string" },
        "events-target": { type: "string" },
        seed: { type: "string" },
        months: { type: "string" },
        start: { type: "string" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (typeof v.out !== "string") {
    console.error(`Missing required flag --out.\n\n${HELP}`);
    return 2;
  }
  const num = (flag: string): number | undefined => {
    const s = v[flag];
    if (typeof s !== "string") return undefined;
    const n = Number(s);
    if (s.trim() === "" || !Number.isFinite(n)) {
      throw new TypeError(`Flag --${flag}: "${s}" is not a number`);
    }
    return n;
  };
  try {
    const t0 = performance.now();
    const summary = writeDataset(v.out, {
      contacts: num("contacts"),
      eventsTarget: num("events-target"),
      seed: num("seed"),
      months: num("months"),
      start: typeof v.start === "string" ? v.start : undefined,
      onProgress: (c, e) => console.error(`  ${c} contacts, ${e} events...`),
      progressEvery: 20_000,
    });
    const s = (performance.now() - t0) / 1000;
    const rows = summary.contacts + summary.events + summary.purchases + summary.verification;
    console.log(
      `Wrote ${summary.contacts} contacts, ${summary.events} events, ${summary.purchases} purchases, ` +
        `${summary.verification} verification rows to ${v.out} in ${s.toFixed(1)} s ` +
        `(${Math.round(summary.events / s)} events/s, ${Math.round(rows / s)} rows/s)`,
    );
    return 0;
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) {
      console.error((err as Error).message);
      return 1;
    }
    throw err;
  }
}

if (import.meta.main) Deno.exit(main(Deno.args));
