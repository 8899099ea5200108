/**
 * Rule engine throughput (events per CPU-second of `add` + `finishCsv`) and the end-to-end
 * `score` command at scale.
 *
 *   deno run -A bench/engine_bench.ts [--cases 1000000x25000,10000000x1000000]
 *     [--events 10000000 --contacts 1000000] [--order time,contact] [--repeats 3]
 *     [--against REV] [--e2e 10000000 | --e2e 0]
 *
 * `SCOREBENCH_BENCH_QUICK=1` (also through `deno task bench engine`) skips part 2 unless
 * `--e2e` is given, to iterate on the engine in seconds instead of minutes.
 *
 * 1. Streaming engine, each case (events x contacts; `--events`/`--contacts` give the product
 *    of their lists instead of `--cases`) in its own process, so peak memory is per case: a
 *    realistic 20-rule config (the starter config without its online purchase rule) on
 *    seeded in-memory events, a block of 500k event objects fed repeatedly with its times
 *    moved on (one year in all) and its contacts moved on too, so every contact has events.
 *    Prints min and median over the repeats of the CPU time of `add`, of `finishCsv`
 *    (scores.csv text from typed arrays) at three instants, and events per CPU-second of both
 *    (target >= 2M at 10M events / 1M contacts), with the process peak RSS. References in
 *    the same run: the 1M events / 25k contacts case (ids in cache), a floor (one `Map`
 *    count per event: the least any scorer keyed by contact id pays), and with `--against
 *    REV` the engine of an earlier revision (its `src/` checked out under `.cache/`) on the
 *    same events.
 * 2. End to end: writes a seeded synthetic base with `data/generate.ts` to a temporary folder,
 *    runs `deno task cli score` on it in a subprocess under `/usr/bin/time -v` and prints the
 *    wall time (target < 30 s for 10M events) and the peak RSS (target < 2 GB).
 */
import { cpuUsage, resourceUsage } from "node:process";
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config/mod.ts";
import type { ScoringConfig } from "../src/config/types.ts";
import type { EventRow } from "../src/data/types.ts";
import type { BatchScorer, BatchScorerOptions } from "../src/engine/create_batch_scorer.ts";
import { writeDataset } from "../data/generator/mod.ts";
import { seededRng as rng } from "../src/metrics/seeded_rng.ts";
import { DAY_MS as DAY } from "../src/tables/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    cases: { type: "string" },
    events: { type: "string" },
    sizes: { type: "string" }, // the former name of --events
    contacts: { type: "string" },
    order: { type: "string" },
    repeats: { type: "string" },
    against: { type: "string" },
    e2e: { type: "string" },
    keep: { type: "boolean" },
    child: { type: "string" },
  },
});

const root = new URL("..", import.meta.url).pathname;

/** One measured case, run in a child process. */
interface Job {
  events: number;
  contacts: number;
  order: "time" | "contact";
  repeats: number;
  /** `tree` (this tree's engine), `floor` (a `Map` count per event) or a revision's folder. */
  impl: string;
}

/** What a child reports: CPU ms of each repeat, counts of the last. */
interface Measured {
  addMs: number[];
  finishMs: number[];
  matches: number;
  dropped: number;
  rows: number;
  contactsSeen: number;
  csvChars: number;
  peakRssKb: number;
}

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

/** `n` events in time order from `from` over `span` ms; `who[i]` is event i's contact index. */
function makeChunk(
  r: () => number,
  n: number,
  from: number,
  span: number,
  ids: string[],
  who: Int32Array,
): EventRow[] {
  const out: EventRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    let t = 0;
    while (t < CUM.length - 1 && u > CUM[t] * CUM[CUM.length - 1]) t++;
    const type = TYPES[t][0];
    const path = PATHS[Math.floor(r() * PATHS.length)];
    const web = type === "page_view" || type === "chat";
    who[i] = Math.floor(r() * ids.length);
    out[i] = {
      contact_id: ids[who[i]],
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

function starterConfig(): ScoringConfig {
  const starter = JSON.parse(Deno.readTextFileSync(`${root}data/configs/starter.json`));
  starter.rules = starter.rules.filter((r: { id: string }) => r.id !== "purchase-online");
  return parseConfig(starter).config;
}

/** Runs one case `job.repeats` times in this process. */
async function measure(job: Job): Promise<Measured> {
  const config = starterConfig();
  // An earlier revision may lack finishCsvBytes.
  type Scorer = Omit<BatchScorer, "finishCsvBytes"> & Partial<Pick<BatchScorer, "finishCsvBytes">>;
  type Create = (config: ScoringConfig, options?: BatchScorerOptions) => Scorer;
  let create: Create | null = null;
  if (job.impl !== "floor") {
    const dir = job.impl === "tree" ? `${root}src/` : `${job.impl}/src/`;
    create = (await import(`${dir}engine/create_batch_scorer.ts`)).createBatchScorer;
  }
  const r = rng(42);
  const nContacts = job.contacts;
  const ids = Array.from(
    { length: nContacts },
    (_, i) => String(i * 7919 % 10_000_000).padStart(7, "0"),
  );
  // One block of up to 500k events is generated once and fed again with its times and its
  // contacts moved on (outside the timing), so sizes beyond memory-friendly arrays still
  // cover a year and every contact.
  const block = Math.min(job.events, 500_000);
  const passes = Math.ceil(job.events / block);
  const span = 365 * DAY / passes;
  const who = new Int32Array(block);
  let chunk = makeChunk(r, block, START, span, ids, who);
  // "time": a stream in time order, contacts interleaved; "contact": a file that lists each
  // contact's events together (as CRM exports and the sample data do).
  if (job.order === "contact") {
    const idx = Array.from({ length: block }, (_, i) => i);
    idx.sort((a, b) => who[a] - who[b] || a - b);
    // Fresh copies lie in memory in the order they are read, as rows from a loader would.
    chunk = idx.map((i) => ({ ...chunk[i] }));
    const w2 = Int32Array.from(idx, (i) => who[i]);
    who.set(w2);
  }
  const baseTs = Float64Array.from(chunk, (e) => e.ts);
  const place = (p: number) => {
    // Pass p: times moved on by p spans, contact k becomes k + p * 104729 (a prime), so the
    // passes together reach nearly every contact.
    const shift = p * 104_729 % nContacts;
    for (let i = 0; i < block; i++) {
      const e = chunk[i];
      e.ts = baseTs[i] + p * span;
      let k = who[i] + shift;
      if (k >= nContacts) k -= nContacts;
      e.contact_id = ids[k];
    }
  };
  const asOf = [Date.UTC(2024, 9, 1), Date.UTC(2024, 10, 1), Date.UTC(2025, 0, 1)];
  if (create) {
    // Warm the JIT on a throwaway scorer, as a long-running process would be.
    const warm = create(config, { asOf });
    for (let i = 0; i < Math.min(block, 200_000); i++) warm.add(chunk[i]);
    await (warm.finishCsvBytes
      ? warm.finishCsvBytes(asOf, () => {})
      : warm.finishCsv(asOf, () => {}));
  }
  const out: Measured = {
    addMs: [],
    finishMs: [],
    matches: 0,
    dropped: 0,
    rows: 0,
    contactsSeen: 0,
    csvChars: 0,
    peakRssKb: 0,
  };
  for (let rep = 0; rep < job.repeats; rep++) {
    let addCpu = 0;
    if (!create) {
      // Floor: the contact id lookup alone, in a Map (counts per contact).
      const counts = new Map<string, number>();
      for (let p = 0; p < passes; p++) {
        place(p);
        const c0 = cpuMs();
        for (let i = 0; i < block; i++) {
          const id = chunk[i].contact_id;
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        addCpu += cpuMs() - c0;
      }
      out.addMs.push(addCpu);
      out.finishMs.push(0);
      out.contactsSeen = counts.size;
      continue;
    }
    // The instants are declared up front, as the CLI does: matches outside every window are
    // dropped as they arrive.
    const scorer = create(config, { asOf });
    for (let p = 0; p < passes; p++) {
      place(p);
      const c0 = cpuMs();
      for (let i = 0; i < block; i++) scorer.add(chunk[i]);
      addCpu += cpuMs() - c0;
    }
    const c1 = cpuMs();
    // Rows go straight from typed arrays to scores.csv, as `score` writes them: bytes where
    // the engine writes bytes (an earlier revision may write text only).
    let csvChars = 0;
    const result = scorer.finishCsvBytes
      ? await scorer.finishCsvBytes(asOf, (bytes) => {
        csvChars += bytes.length;
      })
      : await scorer.finishCsv(asOf, (text) => {
        csvChars += text.length;
      });
    out.finishMs.push(cpuMs() - c1);
    out.addMs.push(addCpu);
    out.matches = scorer.matchCount;
    out.dropped = scorer.droppedEvents ?? 0;
    out.rows = result.rows;
    out.contactsSeen = result.summaries[0].contacts;
    out.csvChars = csvChars;
  }
  out.peakRssKb = resourceUsage().maxRSS;
  return out;
}

async function runChild(job: Job): Promise<Measured> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--max-old-space-size=8192",
      new URL(import.meta.url).pathname,
      "--child",
      JSON.stringify(job),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (out.code !== 0) throw new Error(`Bench case ${JSON.stringify(job)} failed:\n${text}`);
  return JSON.parse(text.slice(text.lastIndexOf("\n") + 1));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Checks out `src/` of revision `rev` under `.cache/bench_ref/`, returns its folder. */
async function checkout(rev: string): Promise<string> {
  const git = async (args: string[]) => {
    const o = await new Deno.Command("git", { args, cwd: root, stdout: "piped", stderr: "piped" })
      .output();
    if (o.code !== 0) {
      throw new Error(`git ${args.join(" ")} failed: ${new TextDecoder().decode(o.stderr)}`);
    }
    return new TextDecoder().decode(o.stdout).trim();
  };
  const hash = await git(["rev-parse", "--short", rev]);
  const dir = `${root}.cache/bench_ref/${hash}`;
  try {
    await Deno.stat(`${dir}/src`);
  } catch {
    await Deno.mkdir(dir, { recursive: true });
    const tar = `${dir}.tar`;
    await git(["archive", "--format=tar", "-o", tar, hash, "src"]);
    const o = await new Deno.Command("tar", { args: ["-xf", tar, "-C", dir] }).output();
    if (o.code !== 0) throw new Error(`Cannot unpack src/ of ${rev}`);
    await Deno.remove(tar);
  }
  return dir;
}

if (values.child) {
  const job = JSON.parse(values.child) as Job;
  console.log(JSON.stringify(await measure(job)));
  Deno.exit(0);
}

const parseList = (s: string) => s.split(",").map(Number).filter((n) => n > 0);
const quick = Deno.env.get("SCOREBENCH_BENCH_QUICK") === "1";
const e2eEvents = Number(values.e2e ?? (quick ? 0 : 10_000_000));
const repeats = Number(values.repeats ?? 3);
const orders = (values.order ?? "time,contact").split(",") as Job["order"][];
const eventsList = values.events ?? values.sizes;
const cases: [number, number][] = eventsList !== undefined || values.contacts !== undefined
  ? parseList(eventsList ?? "10000000").flatMap((e) =>
    parseList(values.contacts ?? "1000000").map((k) => [e, k] as [number, number])
  )
  : (values.cases ?? "1000000x25000,10000000x1000000").split(",").map((s) =>
    s.split("x").map(Number) as [number, number]
  );
const config = starterConfig();
console.log(
  `config: ${config.rules.length} event rules, window ${config.window.lookbackDays} d, half-life ${config.window.halfLifeDays} d; 3 instants; ${repeats} repeats a case, CPU time of this process`,
);
const impls: [string, string][] = [["this tree", "tree"]];
if (values.against) impls.push([values.against, await checkout(values.against)]);
impls.push(["floor: Map count per event", "floor"]);

const fmtM = (x: number) => `${x.toFixed(2)}M`;
for (const [events, contacts] of cases) {
  for (const order of orders) {
    console.log(
      `${events.toLocaleString("en")} events, ${
        contacts.toLocaleString("en")
      } contacts, ${order} order:`,
    );
    for (const [label, impl] of impls) {
      const m = await runChild({
        events,
        contacts,
        order,
        repeats: impl === "floor" ? 1 : repeats,
        impl,
      });
      const total = m.addMs.map((a, i) => a + m.finishMs[i]);
      const rate = (ms: number) => events / (ms / 1000) / 1e6;
      if (impl === "floor") {
        console.log(
          `  ${label}: ${fmtM(rate(total[0]))} events per CPU-second (${
            (total[0] / 1000).toFixed(2)
          } s; ${m.contactsSeen.toLocaleString("en")} contacts); peak RSS ${
            mb(m.peakRssKb * 1024)
          }`,
        );
        continue;
      }
      const minT = Math.min(...total), medT = median(total);
      console.log(
        [
          `  ${label}: add + finish ${fmtM(rate(minT))} events per CPU-second at best,`,
          `${fmtM(rate(medT))} median (${(minT / 1000).toFixed(2)} / ${
            (medT / 1000).toFixed(2)
          } s CPU; target >= 2M at 10M events / 1M contacts);`,
          `add ${(Math.min(...m.addMs) / 1000).toFixed(2)} / ${
            (median(m.addMs) / 1000).toFixed(2)
          } s (${fmtM(rate(Math.min(...m.addMs)))}/s at best),`,
          `finishCsv ${(Math.min(...m.finishMs) / 1000).toFixed(2)} / ${
            (median(m.finishMs) / 1000).toFixed(2)
          } s (min / median);`,
          `${m.matches.toLocaleString("en")} matches kept, ${
            m.dropped.toLocaleString("en")
          } events outside every window, ${m.contactsSeen.toLocaleString("en")} contacts scored,`,
          `${m.rows.toLocaleString("en")} rows, ${mb(m.csvChars)} of scores.csv;`,
          `peak RSS ${mb(m.peakRssKb * 1024)} (with the in-memory events)`,
        ].join(" "),
      );
    }
  }
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
