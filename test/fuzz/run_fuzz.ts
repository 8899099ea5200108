/**
 * `deno task fuzz [--cases N] [--seed S]`: runs the seeded fuzzer (`_fuzz.ts`) and prints
 * the failures per class; exits 1 when any case failed. Default: 10,000 cases from seed 1.
 */
import { parseArgs } from "node:util";
import { openDuckDB } from "../../src/db/mod.ts";
import { formatReport, runFuzz } from "./_fuzz.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { cases: { type: "string", default: "10000" }, seed: { type: "string", default: "1" } },
});
const cases = Number(values.cases), seed = Number(values.seed);
if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed)) {
  console.error(`--cases and --seed must be whole numbers (got ${values.cases}, ${values.seed})`);
  Deno.exit(2);
}
const { conn } = await openDuckDB();
const report = await runFuzz(cases, {
  seed,
  duckdb: conn,
  onCase: (n) => {
    if (n % 500 === 0) console.error(`${n}/${cases} cases`);
  },
});
conn.close();
console.log(formatReport(report));
Deno.exit(report.failures.length ? 1 : 0);
