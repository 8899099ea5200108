/**
 * Rule engine throughput and the end-to-end `score` command at scale.
 *
 *   deno run -A bench/engine_bench.ts [--sizes 10000000] [--contacts 25000,1000000]
 *     [--e2e 10000000 | --e2e 0]
 *
 * `SCOREBENCH_BENCH_QUICK=1` (also through `deno task bench engine`) skips part 2 unless
 * `--e2e` is given, to iterate on the engine in seconds instead of minutes.
 *
 * 1. Streaming engine, 25k and 1M contacts: a realistic 20-rule config (the starter config
 *    without its online purchase rule) on seeded in-memory events (a block of 500k event objects fed repeatedly
 *    with its times moved on, one year in all); prints events/s of `add` (target >= 5M/s on
 *    one core), the time of `finishCsv` (scores.csv text from typed arrays) at three instants,
 *    events per CPU-second of both (target >= 2M at 10M events / 1M contacts) and peak RSS.
 * 2. End to end: writes a seeded synthetic base with `data/generate.ts` to a temporary folder,
 *    runs `deno task cli score` on it in a subprocess under `/usr/bin/time -v` and prints the
 *    wall time (target < 30 s for 10M events) and the peak RSS (target < 2 GB).
 */
import { cpuUsage } from "node:process";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config/mod.ts";
import type { EventRow } from "../src/data/types.ts";
import { createBatchScorer } from "../src/engine/create_batch_scorer.ts";
import { writeDataset } from "../data/generator/mod.ts";
import { seededRng as rng } from "../src/metrics/seeded_rng.ts";
import { DAY_MS as DAY } from "../src/tables/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    sizes: { type: "string" },
    contacts: { type: "string" },
    e2e: { type: "string" },
    keep: { type: "boolean" },
  },
});
// Contacts per run: 25k (ids mostly in cache) and 1M (every lookup a cache miss).
const contactCounts = (values.contacts ?? "25000,1000000").split(",").map(Number).filter((n) =>
  n > 0
);
const sizes = (values.sizes ?? "10000000").split(",").map(Number).filter((n) => n > 0);
const quick = Deno.env.get("SCOREBENCH_BENCH_QUICK") === "1";
const e2eEvents = Number(values.e2e ?? (quick ? 0 : 10_000_000));

const root = new URL("..", import.meta.url).pathname;
const starter = JSON.parse(await Deno.readTextFile(`${root}data/configs/starter.json`));
starter.rules = starter.rules.filter((r: { id: string }) => r.id !== "purchase-online");
const { config } = parseConfig(starter);

const START = Date.UTC(2024, 0, 1);
const TYPES = [
  ["page_view", 0.5],
  ["email_open", 0.2],
  ["email_click", 0.06],
  ["email_unsubscribe", 0.005],
  ["form_submit", 0.015],
  ["call", 0.03],
  ["chat", 0.03],
  ["webinar", 0.01],
  ["sms_click", 0.03],
  ["app_install", 0.01],
  ["social_like", 0.06],
  ["social_comment", 0.02],
  ["cart_abandon", 0.03],
] as const;
const CUM = (() => {
  let s = 0;
  return TYPES.map(([, p]) => (s += p));
})();
const PATHS = [
  "/",
  "/pricing",
  "/a/loan",
  "/b/card",
  "/c/deposit",
  "/blog/x",
  "/contacts",
  "/careers",
];
const STAGES = ["lead", "mql", "sql", "customer", "lost"];

/** `n` events over one year in time order, over `contacts` contacts (ids as the loader gives). */
function makeChunk(
  r: () => number,
  n: number,
  from: number,
  span: number,
  ids: string[],
): EventRow[] {
  const out: EventRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    let t = 0;
    while (t < CUM.length - 1 && u > CUM[t] * CUM[CUM.length - 1]) t++;
    const type = TYPES[t][0];
    const path = PATHS[Math.floor(r() * PATHS.length)];
    const web = type === "page_view" || type === "chat";
    out[i] = {
      contact_id: ids[Math.floor(r() * ids.length)],
      ts: Math.floor(from + (i / n) * span),
      type,
      channel: web ? "web" : type.startsWith("email") ? "email" : null,
      url: web ? `https://shop.example${path}` : null,
      email_id: type.startsWith("email") ? "cmp-2024-03-2" : null,
      source: null,
      phrase: null,
      tag: path.startsWith("/a/") ? "product-a" : path.startsWith("/b/") ? "product-b" : null,
      stage: r() < 0.4 ? STAGES[Math.floor(r() * STAGES.length)] : null,
      value: type === "call" ? Math.floor(r() * 600) : null,
    };
  }
  return out;
}

/** CPU time of this process (user + system), ms: the machine is shared, wall time is not ours. */
function cpuMs(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(0)} MB`;
}

console.log(
  `config: ${config.rules.length} event rules, window ${config.window.lookbackDays} d, half-life ${config.window.halfLifeDays} d`,
);
const runs = sizes.flatMap((n) =>
  contactCounts.flatMap((k) => [[n, k, "time"], [n, k, "contact"]] as const)
);
for (const [size, nContacts, order] of runs) {
  const r = rng(42);
  const ids = Array.from(
    { length: nContacts },
    (_, i) => String(i * 7919 % 10_000_000).padStart(7, "0"),
  );
  // One block of up to 500k events is generated once and fed again with its times moved on
  // (outside the timing), so sizes beyond memory-friendly arrays still cover a year.
  const block = Math.min(size, 500_000);
  const passes = Math.ceil(size / block);
  const span = 365 * DAY / passes;
  let chunk = makeChunk(r, block, START, span, ids);
  // "time": a stream in time order, contacts interleaved; "contact": a file that lists each
  // contact's events together (as CRM exports and the sample data do).
  if (order === "contact") {
    chunk.sort((a, b) =>
      a.contact_id < b.contact_id ? -1 : a.contact_id > b.contact_id ? 1 : a.ts - b.ts
    );
    // Fresh copies lie in memory in the order they are read, as rows from a loader would.
    chunk = chunk.map((e) => ({ ...e }));
  }
  // Warm the JIT on a throwaway scorer, as a long-running process would be.
  const warm = createBatchScorer(config);
  for (let i = 0; i < Math.min(block, 200_000); i++) warm.add(chunk[i]);
  const asOf = [Date.UTC(2024, 9, 1), Date.UTC(2024, 10, 1), Date.UTC(2025, 0, 1)];
  // The instants are declared up front, as the CLI does: matches outside every window are
  // dropped as they arrive.
  const scorer = createBatchScorer(config, { asOf });
  let addMs = 0;
  let addCpuMs = 0;
  let bestPass = 0;
  let peakRss = 0;
  for (let p = 0; p < passes; p++) {
    if (p > 0) { for (const e of chunk) e.ts += span; }
    const t0 = performance.now(), c0 = cpuMs();
    for (let i = 0; i < block; i++) scorer.add(chunk[i]);
    addMs += performance.now() - t0;
    const passCpu = cpuMs() - c0;
    addCpuMs += passCpu;
    bestPass = Math.max(bestPass, block / passCpu / 1000);
    peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  }
  const t1 = performance.now(), c1 = cpuMs();
  // Rows go straight from typed arrays to scores.csv text, as `score` writes them.
  let csvChars = 0;
  const result = await scorer.finishCsv(asOf, (text) => {
    csvChars += text.length;
  });
  const finishMs = performance.now() - t1;
  const finishCpuMs = cpuMs() - c1;
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
  console.log(
    [
      `streaming engine, ${order} order, ${size.toLocaleString("en")} events, ${
        nContacts.toLocaleString("en")
      } contacts:`,
      `  add ${(size / (addCpuMs / 1000) / 1e6).toFixed(2)}M events per CPU-second`,
      `(best pass of ${block.toLocaleString("en")}: ${bestPass.toFixed(2)}M/s;`,
      `${(addCpuMs / 1000).toFixed(2)} s CPU, ${(addMs / 1000).toFixed(2)} s wall,`,
      `${scorer.matchCount.toLocaleString("en")} matches kept,`,
      `${(scorer.droppedEvents ?? 0).toLocaleString("en")} events outside every window);`,
      `finishCsv at ${asOf.length} instants ${(finishCpuMs / 1000).toFixed(2)} s CPU,`,
      `${(finishMs / 1000).toFixed(2)} s wall (${result.rows.toLocaleString("en")} rows, ${
        mb(csvChars)
      } of scores.csv);`,
      `process peak RSS ${mb(peakRss)} (with the ${block.toLocaleString("en")} in-memory events);`,
      `add + finish ${
        (size / ((addCpuMs + finishCpuMs) / 1000) / 1e6).toFixed(2)
      }M events per CPU-second (target >= 2M at 10M events / 1M contacts)`,
    ].join(" "),
  );
}

if (e2eEvents > 0) {
  const dir = await Deno.makeTempDir({ prefix: "engine_bench_" });
  try {
    const t0 = performance.now();
    const written = writeDataset(dir, { eventsTarget: e2eEvents, seed: 7 });
    const genS = (performance.now() - t0) / 1000;
    const size = (await Deno.stat(`${dir}/events.csv`)).size;
    console.log(
      `end to end: generated ${written.contacts} contacts, ${written.events} events in ${
        genS.toFixed(1)
      } s; events.csv ${mb(size)}`,
    );
    const args = [
      "-v",
      Deno.execPath(),
      "run",
      "-A",
      `${root}src/cli/main.ts`,
      "score",
      "--config",
      `${root}data/configs/starter.json`,
      "--events",
      `${dir}/events.csv`,
      "--contacts",
      `${dir}/contacts.csv`,
      "--as-of",
      "2024-10-01",
      "--as-of",
      "2024-11-01",
      "--out",
      `${dir}/scores.csv`,
    ];
    const t1 = performance.now();
    const out = await new Deno.Command("/usr/bin/time", { args, stdout: "piped", stderr: "piped" })
      .output();
    const wall = (performance.now() - t1) / 1000;
    const stderr = new TextDecoder().decode(out.stderr);
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
    const user = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
    const sys = Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? NaN);
    const summary = new TextDecoder().decode(out.stdout).trim();
    if (out.code !== 0) {
      console.log(`score failed (status ${out.code}):\n${stderr}`);
      Deno.exit(1);
    }
    console.log(`score: ${summary}`);
    console.log(
      `end to end, ${e2eEvents.toLocaleString("en")} events CSV -> scores.csv: ${
        wall.toFixed(1)
      } s wall (target < 30 s; CPU ${user} s user + ${sys} s system), peak RSS ${
        (rssKb / 1024).toFixed(0)
      } MB (target < 2048 MB), scores.csv ${mb((await Deno.stat(`${dir}/scores.csv`)).size)}`,
    );
  } finally {
    if (!values.keep) await Deno.remove(dir, { recursive: true });
    else console.log(`kept ${dir}`);
  }
}
