/**
 * The SQL path in DuckDB-WASM: a realistic 20-rule config compiled by `compileToSql`, run
 * on generated events (1M and 10M by default; `deno run -A bench/sql_bench.ts 200000` for
 * other sizes). Prints load time, query time and peak memory for each size; on sizes up to
 * 2M it also scores with the engine and reports the largest difference between the two.
 */
import { toScoringConfig } from "../src/config/mod.ts";
import type { ScoringConfigSpec } from "../src/config/types.ts";
import type { EventRow } from "../src/data/types.ts";
import { type ColumnData, insertColumns, openDuckDB, tableColumns } from "../src/db/mod.ts";
import { createBatchScorer } from "../src/engine/mod.ts";
import { compileToSql } from "../src/sql/mod.ts";
import { seededRng as seededRandom } from "../src/metrics/seeded_rng.ts";
import { DAY_MS as DAY } from "../src/tables/mod.ts";

const T = Date.UTC(2024, 2, 31);

export const SPEC: ScoringConfigSpec = {
  format: "scorebench.config/v1",
  name: "Benchmark, 20 rules",
  window: { lookbackDays: 90, halfLifeDays: 30 },
  rules: [
    {
      id: "pricing",
      on: "page_view",
      where: { url: { glob: "*/pricing*" } },
      points: 8,
      maxPerDay: 1,
    },
    {
      id: "product-a",
      on: "page_view",
      where: { url: { prefix: "https://shop.example/a/" } },
      points: 3,
      scopes: ["global", { tag: "product-a" }],
    },
    {
      id: "product-b",
      on: "page_view",
      where: { url: { prefix: "https://shop.example/b/" } },
      points: 3,
      scopes: ["global", { tag: "product-b" }],
    },
    {
      id: "blog",
      on: "page_view",
      where: { url: { contains: "/blog/" } },
      points: 1,
      maxCount: 10,
    },
    { id: "careers", on: "page_view", where: { url: { contains: "/careers" } }, points: -5 },
    {
      id: "calculator",
      on: "page_view",
      where: { url: { glob: "*/calc?lator*" } },
      points: 6,
      maxPerDay: 2,
    },
    { id: "open", on: "email_open", points: 0.5, maxPerDay: 3, maxCount: 20 },
    { id: "click", on: "email_click", points: 5, maxCount: 4 },
    {
      id: "click-offer",
      on: "email_click",
      where: { email_id: { in: ["offer-1", "offer-2", "offer-3"] } },
      points: 4,
    },
    { id: "unsub", on: "email_unsubscribe", points: -20 },
    { id: "form", on: "form_submit", points: 25 },
    { id: "form-partner", on: "form_submit", where: { source: { eq: "partner" } }, points: 5 },
    {
      id: "call-long",
      on: "call",
      where: { value: { gte: 120 } },
      points: 15,
      scopes: ["global", "stage"],
    },
    { id: "call-short", on: "call", where: { value: { lt: 120 } }, points: 2 },
    { id: "search-brand", on: "search", where: { phrase: { contains: "brand" } }, points: 7 },
    {
      id: "search-loan",
      on: "search",
      where: { phrase: { glob: "*loan*" } },
      points: 5,
      maxPerDay: 1,
    },
    {
      id: "store",
      on: "purchase",
      where: { channel: { eq: "offline" } },
      points: 30,
      scopes: ["stage"],
    },
    { id: "online", on: "purchase", where: { channel: { neq: "offline" } }, points: 20 },
    { id: "chat", on: "chat", where: { tag: { exists: true } }, points: 4, maxPerDay: 1 },
    {
      id: "webinar",
      on: "webinar",
      where: { value: { between: [30, 600] } },
      points: 10,
      maxCount: 2,
    },
  ],
  attributes: [
    { id: "age-25-44", field: "age", where: { between: [25, 44] }, points: 10 },
    { id: "loans", field: "interests", where: { in: ["loans"] }, points: 5 },
    { id: "lost", field: "stage", where: { eq: "lost" }, points: -10 },
  ],
  tiers: { high: 60, medium: 25 },
  verification: { mode: "demote", factor: 0.5 },
};

const TYPES: [string, number][] = [
  ["page_view", 0.5],
  ["email_open", 0.15],
  ["email_click", 0.08],
  ["email_unsubscribe", 0.01],
  ["form_submit", 0.02],
  ["call", 0.06],
  ["search", 0.08],
  ["purchase", 0.02],
  ["chat", 0.04],
  ["webinar", 0.04],
];
const URLS = [
  ...Array.from({ length: 40 }, (_, i) => `https://shop.example/a/item-${i}`),
  ...Array.from({ length: 40 }, (_, i) => `https://shop.example/b/item-${i}`),
  ...Array.from({ length: 60 }, (_, i) => `https://www.example/blog/post_${i}`),
  "https://www.example/pricing",
  "https://www.example/pricing?plan=pro",
  "https://www.example/calculator",
  "https://www.example/careers",
  "https://www.example/",
  "https://www.example/about%20us",
];
const STAGES = ["lead", "qualified", "won", "lost"];

/** Generated events as columns (no object per row), contacts and verification. */
export function generate(nEvents: number, seed = 42) {
  const rnd = seededRandom(seed);
  const nContacts = Math.max(100, Math.round(nEvents / 20));
  const ids = Array.from({ length: nContacts }, (_, i) => String(i).padStart(8, "0"));
  const cumulative: number[] = [];
  let acc = 0;
  for (const [, w] of TYPES) cumulative.push(acc += w);
  const pickType = () => {
    const r = rnd() * acc;
    let k = 0;
    while (cumulative[k] < r) k++;
    return TYPES[k][0];
  };
  const contact: string[] = new Array(nEvents);
  const ts = new Float64Array(nEvents);
  const type: string[] = new Array(nEvents);
  const url: (string | null)[] = new Array(nEvents);
  const emailId: (string | null)[] = new Array(nEvents);
  const source: (string | null)[] = new Array(nEvents);
  const phrase: (string | null)[] = new Array(nEvents);
  const tag: (string | null)[] = new Array(nEvents);
  const stage: (string | null)[] = new Array(nEvents);
  const channel: (string | null)[] = new Array(nEvents);
  const value = new Float64Array(nEvents);
  const seq = new Float64Array(nEvents);
  for (let i = 0; i < nEvents; i++) {
    // Skewed activity: a few contacts produce many events.
    contact[i] = ids[Math.floor(nContacts * rnd() ** 2)];
    ts[i] = T - Math.floor(rnd() * 120 * DAY);
    const t = pickType();
    type[i] = t;
    url[i] = t === "page_view" ? URLS[Math.floor(rnd() * URLS.length)] : null;
    emailId[i] = t.startsWith("email") ? `offer-${1 + Math.floor(rnd() * 8)}` : null;
    source[i] = t === "form_submit" ? (rnd() < 0.3 ? "partner" : "site") : null;
    phrase[i] = t === "search"
      ? ["brand name", "cheap loan", "loan rates", "mortgage"][Math.floor(rnd() * 4)]
      : null;
    tag[i] = t === "chat" && rnd() < 0.7 ? "support" : null;
    stage[i] = rnd() < 0.1 ? STAGES[Math.floor(rnd() * STAGES.length)] : null;
    channel[i] = t === "purchase" ? (rnd() < 0.4 ? "offline" : "online") : null;
    value[i] = t === "call" || t === "webinar" ? Math.floor(rnd() * 900) : NaN;
    seq[i] = i;
  }
  const contacts = {
    contact_id: { type: "VARCHAR", values: ids },
    age: { type: "DOUBLE", values: Float64Array.from(ids, () => 18 + Math.floor(rnd() * 60)) },
    interests: {
      type: "VARCHAR[]",
      values: ids.map(() => ["loans", "cards", "deposits"].filter(() => rnd() < 0.3)),
    },
    stage: { type: "VARCHAR", values: ids.map(() => STAGES[Math.floor(rnd() * STAGES.length)]) },
    phone: { type: "VARCHAR", values: ids.map((id) => `7916${id.slice(1)}`) },
  } satisfies Record<string, ColumnData>;
  const verified = ids.filter(() => rnd() < 0.02);
  const verification = {
    contact_id: { type: "VARCHAR", values: verified },
  } satisfies Record<string, ColumnData>;
  const events = {
    contact_id: { type: "VARCHAR", values: contact },
    ts: { type: "DOUBLE", values: ts },
    type: { type: "VARCHAR", values: type },
    url: { type: "VARCHAR", values: url },
    email_id: { type: "VARCHAR", values: emailId },
    source: { type: "VARCHAR", values: source },
    phrase: { type: "VARCHAR", values: phrase },
    tag: { type: "VARCHAR", values: tag },
    stage: { type: "VARCHAR", values: stage },
    channel: { type: "VARCHAR", values: channel },
    // NaN marks "no value" in the generator; the table gets NULL.
    value: { type: "DOUBLE", values: Array.from(value, (v) => Number.isNaN(v) ? null : v) },
    seq: { type: "DOUBLE", values: seq },
  } satisfies Record<string, ColumnData>;
  return { events, contacts, verification, nContacts };
}

function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** CPU seconds used by this process so far (user + system), from /proc/self/stat. */
function cpuSeconds(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function run(nEvents: number): Promise<void> {
  let sampled = 0;
  const sample = () => (sampled = Math.max(sampled, Deno.memoryUsage().rss));
  const t0 = performance.now();
  const data = generate(nEvents);
  const tGen = performance.now() - t0;
  sample();
  const { conn } = await openDuckDB();
  const t1 = performance.now();
  const c1 = cpuSeconds();
  // Events go in 1M-row slices so the Arrow buffers of one slice are the most held at once.
  const SLICE = 1_000_000;
  for (let start = 0; start < nEvents; start += SLICE) {
    const end = Math.min(nEvents, start + SLICE);
    const slice: Record<string, ColumnData> = {};
    for (const [name, col] of Object.entries(data.events)) {
      slice[name] = {
        type: col.type,
        values: Array.prototype.slice.call(col.values, start, end) as unknown[],
      };
    }
    insertColumns(conn, "events", slice, { append: start > 0 });
    sample();
  }
  insertColumns(conn, "contacts", data.contacts);
  insertColumns(conn, "verification", data.verification);
  const tLoad = performance.now() - t1;
  const cLoad = cpuSeconds() - c1;
  sample();

  console.log(
    `${nEvents.toLocaleString("en")} events, ${
      data.nContacts.toLocaleString("en")
    } contacts, 20 rules + 3 attributes:`,
  );
  console.log(`  generate       ${(tGen / 1000).toFixed(2)} s`);
  // The machine is shared: CPU seconds show the work, wall seconds include waiting.
  console.log(
    `  load (Arrow)   ${(tLoad / 1000).toFixed(2)} s wall, ${cLoad.toFixed(2)} s CPU`,
  );

  const config = toScoringConfig(SPEC);
  const columns = {
    events: tableColumns(conn, "events")!,
    contacts: tableColumns(conn, "contacts")!,
    verification: tableColumns(conn, "verification")!,
  };
  // Times one query (or one per contact bucket); null when DuckDB runs out of memory.
  const timed = (label: string, asOf: number[], buckets = 1) => {
    const t = performance.now();
    const c = cpuSeconds();
    let rows = 0;
    let first: ReturnType<typeof conn.query> | null = null;
    try {
      for (let index = 0; index < buckets; index++) {
        const partition = buckets > 1 ? { count: buckets, index } : undefined;
        const result = conn.query(compileToSql(config, { asOf, columns, partition }));
        rows += result.numRows;
        first ??= result;
        sample();
      }
    } catch (err) {
      console.log(`  ${label} failed: ${(err as Error).message.split("\n")[0]}`);
      return null;
    }
    console.log(
      `  ${label} ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${
        (cpuSeconds() - c).toFixed(2)
      } s CPU -> ${rows.toLocaleString("en")} rows`,
    );
    return first;
  };
  // DuckDB-WASM has a 32-bit address space: a query that runs out of memory is run again
  // over contact buckets (`partition`), whose rows together are the same result.
  const buckets = Math.max(2, Math.ceil(nEvents / 2_500_000));
  const measure = (label: string, asOf: number[]) => {
    const whole = timed(label, asOf);
    if (whole === null) timed(`${label} in ${buckets} contact buckets`, asOf, buckets);
    return whole;
  };
  // The first query of a process also pays for warming DuckDB-WASM up.
  const result = measure("query, 1 as-of      ", [T]);
  measure("query, 1 as-of again", [T]);
  measure("query, 3 as-of      ", [T - 60 * DAY, T - 30 * DAY, T]);
  console.log(
    `  peak rss       ${mb(sampled).toFixed(0)} MB sampled, ${
      peakRssMb().toFixed(0)
    } MB high-water mark`,
  );

  if (nEvents <= 2_000_000 && result !== null) {
    // The engine on the same events, and the largest disagreement with the SQL.
    const t4 = performance.now();
    const c4 = cpuSeconds();
    const scorer = createBatchScorer(config, {
      contacts: data.contacts.contact_id.values.map((id, i) => ({
        contact_id: id,
        age: data.contacts.age.values[i],
        interests: data.contacts.interests.values[i],
        stage: data.contacts.stage.values[i],
        phone: data.contacts.phone.values[i],
      })),
      verification: data.verification.contact_id.values.map((id) => ({ contact_id: id })),
    });
    const cols = Object.entries(data.events);
    for (let i = 0; i < nEvents; i++) {
      const e: Record<string, unknown> = {};
      for (const [name, col] of cols) e[name] = col.values[i];
      scorer.add(e as EventRow);
    }
    const engine = scorer.finish([T]);
    const tEngine = performance.now() - t4;
    const cEngine = cpuSeconds() - c4;
    const sqlRows = result.toArray().map((r) => r.toJSON());
    let worst = 0, mismatches = 0;
    engine.rows.forEach((e, i) => {
      const s = sqlRows[i];
      const rel = Math.abs(e.score - s.score) /
        Math.max(1e-300, Math.abs(e.score), Math.abs(s.score));
      if (e.score !== s.score) worst = Math.max(worst, rel);
      if (
        e.contactId !== s.contact_id || e.tier !== s.tier || e.matchedEvents !== s.matched_events
      ) {
        mismatches++;
      }
    });
    console.log(
      `  engine         ${(tEngine / 1000).toFixed(2)} s wall, ${
        cEngine.toFixed(2)
      } s CPU (createBatchScorer, same events)`,
    );
    console.log(
      `  agreement      ${engine.rows.length} rows, ${mismatches} differing in id/tier/matched_events, largest score difference ${
        worst.toExponential(2)
      } relative`,
    );
  }
  conn.close();
}

const sizes = Deno.args.length > 0 ? Deno.args.map(Number) : [1_000_000, 10_000_000];
for (const n of import.meta.main ? sizes : []) {
  // Each size in its own process so that peak memory is its own.
  if (sizes.length > 1) {
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--max-old-space-size=8192",
        new URL(import.meta.url).pathname,
        String(n),
      ],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) console.log(`  ${n} events: the run exited with status ${code}`);
  } else {
    await run(n);
  }
}
