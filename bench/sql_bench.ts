/**
 * The compiled SQL against the same scoring written by hand, both in native DuckDB (one
 * thread) on the same tables: a realistic 20-rule config compiled by `compileToSql`, run on
 * generated events (1M by default; `deno run -A --allow-ffi bench/sql_bench.ts 10000000`
 * for other sizes). Each query runs several times; min and median CPU and wall seconds are
 * printed with their ratio, and the two results are compared row by row.
 */
import { toScoringConfig } from "../src/config/mod.ts";
import type { ScoringConfigSpec } from "../src/config/types.ts";
import type { ColumnData } from "../src/db/mod.ts";
import { DuckDBInstance } from "@duckdb/node-api";
import { compileToSql } from "../src/sql/mod.ts";
import { seededRng as seededRandom } from "../src/metrics/seeded_rng.ts";
import { csvField, DAY_MS } from "../src/tables/mod.ts";

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

export const TYPES: [string, number][] = [
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
export const URLS = [
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
export const STAGES = ["lead", "qualified", "won", "lost"];

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
    ts[i] = T - Math.floor(rnd() * 120 * DAY_MS);
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

/** CPU seconds used by this process so far (user + system), from /proc/self/stat. */
export function cpuSeconds(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

type Generated = ReturnType<typeof generate>;

/** One CSV field: missing and NaN empty, lists joined by `;`, quoted as RFC 4180 says. */
function benchCsvField(v: unknown): string {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "";
  return csvField(Array.isArray(v) ? v.join(";") : String(v));
}

/** Writes columns as a CSV file with a header, in slices so no whole-file string is held. */
export async function writeCsv(path: string, columns: Record<string, ColumnData>): Promise<void> {
  const names = Object.keys(columns);
  const cols = names.map((n) => columns[n].values as ArrayLike<unknown>);
  const n = cols[0].length;
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  try {
    await file.write(enc.encode(names.join(",") + "\n"));
    for (let start = 0; start < n; start += 100_000) {
      let text = "";
      for (let i = start; i < Math.min(n, start + 100_000); i++) {
        text += cols.map((c) => benchCsvField(c[i])).join(",") + "\n";
      }
      const bytes = enc.encode(text);
      for (let off = 0; off < bytes.length;) off += await file.write(bytes.subarray(off));
    }
  } finally {
    file.close();
  }
}

/** Writes the generated tables as `events.csv`, `contacts.csv`, `verification.csv` in `dir`. */
export async function writeTables(data: Generated, dir: string): Promise<void> {
  await writeCsv(`${dir}/events.csv`, data.events);
  await writeCsv(`${dir}/contacts.csv`, data.contacts);
  await writeCsv(`${dir}/verification.csv`, data.verification);
}

/** Column types of the bench's tables, as declared to `compileToSql`. */
export const TABLE_TYPES = {
  events: {
    contact_id: "VARCHAR",
    ts: "DOUBLE",
    type: "VARCHAR",
    url: "VARCHAR",
    email_id: "VARCHAR",
    source: "VARCHAR",
    phrase: "VARCHAR",
    tag: "VARCHAR",
    stage: "VARCHAR",
    channel: "VARCHAR",
    value: "DOUBLE",
    seq: "DOUBLE",
  },
  contacts: {
    contact_id: "VARCHAR",
    age: "DOUBLE",
    interests: "VARCHAR[]",
    stage: "VARCHAR",
    phone: "VARCHAR",
  },
  verification: { contact_id: "VARCHAR" },
} as const;

/**
 * The bench config's scoring written by hand as plain DuckDB SQL, as an analyst who knows
 * the data would: one pass over the window, rule indexes by event type, window functions
 * for the limited rules, sums per contact and rule, top three reasons from a sorted list.
 */
export function handWrittenSql(asOf: number): string {
  const lo = asOf - 90 * DAY_MS;
  const hl = 30 * DAY_MS;
  return `
WITH hits AS (
  SELECT contact_id, ts, seq, stage, UNNEST(CASE type
    WHEN 'page_view' THEN [
      CASE WHEN url LIKE '%/pricing%' THEN 0 END,
      CASE WHEN starts_with(url, 'https://shop.example/a/') THEN 1 END,
      CASE WHEN starts_with(url, 'https://shop.example/b/') THEN 2 END,
      CASE WHEN contains(url, '/blog/') THEN 3 END,
      CASE WHEN contains(url, '/careers') THEN 4 END,
      CASE WHEN url LIKE '%/calc_lator%' THEN 5 END]
    WHEN 'email_open' THEN [6]
    WHEN 'email_click' THEN [7, CASE WHEN email_id IN ('offer-1', 'offer-2', 'offer-3') THEN 8 END]
    WHEN 'email_unsubscribe' THEN [9]
    WHEN 'form_submit' THEN [10, CASE WHEN source = 'partner' THEN 11 END]
    WHEN 'call' THEN [CASE WHEN value >= 120 THEN 12 END, CASE WHEN value < 120 THEN 13 END]
    WHEN 'search' THEN [CASE WHEN contains(phrase, 'brand') THEN 14 END, CASE WHEN phrase LIKE '%loan%' THEN 15 END]
    WHEN 'purchase' THEN [CASE WHEN channel = 'offline' THEN 16 ELSE 17 END]
    WHEN 'chat' THEN [CASE WHEN tag <> '' THEN 18 END]
    WHEN 'webinar' THEN [CASE WHEN value BETWEEN 30 AND 600 THEN 19 END]
  END) AS r
  FROM events WHERE ts > ${lo} AND ts <= ${asOf}
),
m AS (SELECT * FROM hits WHERE r IS NOT NULL),
per_day AS (
  SELECT contact_id, ts, seq, stage, r FROM (
    SELECT *, row_number() OVER (PARTITION BY contact_id, r, floor(ts / ${DAY_MS}) ORDER BY ts, seq) AS k
    FROM m WHERE r IN (0, 5, 6, 15, 18)
  ) WHERE k <= CASE r WHEN 5 THEN 2 WHEN 6 THEN 3 ELSE 1 END
),
per_count AS (
  SELECT contact_id, ts, seq, stage, r FROM (
    SELECT *, row_number() OVER (PARTITION BY contact_id, r ORDER BY ts DESC, seq DESC) AS k
    FROM (SELECT * FROM per_day WHERE r = 6 UNION ALL SELECT * FROM m WHERE r IN (3, 7, 19))
  ) WHERE k <= CASE r WHEN 3 THEN 10 WHEN 6 THEN 20 WHEN 7 THEN 4 ELSE 2 END
),
kept AS (
  SELECT * FROM m WHERE r NOT IN (0, 3, 5, 6, 7, 15, 18, 19)
  UNION ALL SELECT * FROM per_day WHERE r <> 6
  UNION ALL SELECT * FROM per_count
),
per_rule AS (
  SELECT contact_id, r, CASE WHEN r IN (12, 16) THEN stage END AS stage,
    sum(([8, 3, 3, 1, -5, 6, 0.5, 5, 4, -20, 25, 5, 15, 2, 7, 5, 30, 20, 4, 10]::DOUBLE[])[r + 1]
      * pow(0.5, (${asOf} - ts) / ${hl})) AS p,
    count(*) AS n
  FROM kept GROUP BY ALL
),
people AS (
  SELECT c.contact_id, c.stage AS c_stage,
    CASE WHEN v.contact_id IS NULL THEN 1.0 ELSE 0.5 END AS factor, v.contact_id IS NOT NULL AS verified,
    CASE WHEN c.age BETWEEN 25 AND 44 THEN 10 ELSE 0 END AS a0,
    CASE WHEN list_contains(c.interests, 'loans') THEN 5 ELSE 0 END AS a1,
    CASE WHEN c.stage = 'lost' THEN -10 ELSE 0 END AS a2
  FROM contacts c LEFT JOIN verification v USING (contact_id)
),
totals AS (
  SELECT contact_id, coalesce(sum(p) FILTER (WHERE r <> 16), 0) AS points, sum(n) AS n,
    list({'i': r, 'p': p} ORDER BY abs(p) DESC, r) FILTER (WHERE r <> 16 AND p <> 0) AS top
  FROM (SELECT contact_id, r, sum(p) AS p, sum(n) AS n FROM per_rule GROUP BY ALL) GROUP BY ALL
),
scopes AS (
  SELECT contact_id, map_from_entries(list({'k': scope, 'v': v})) AS scopes FROM (
    SELECT contact_id, scope, sum(v) AS v FROM (
      SELECT pr.contact_id, 'stage:' || coalesce(pr.stage, pe.c_stage) AS scope, p AS v
      FROM per_rule pr JOIN people pe USING (contact_id)
      WHERE r IN (12, 16) AND coalesce(pr.stage, pe.c_stage) IS NOT NULL
      UNION ALL SELECT contact_id, 'tag:product-a', p FROM per_rule WHERE r = 1
      UNION ALL SELECT contact_id, 'tag:product-b', p FROM per_rule WHERE r = 2
    ) GROUP BY ALL
  ) GROUP BY ALL
)
SELECT '${new Date(asOf).toISOString().replace(".000Z", "Z")}' AS as_of, p.contact_id,
  CASE WHEN coalesce(t.n, 0) = 0 THEN 0 ELSE (t.points + a0 + a1 + a2) * factor END AS score,
  CASE WHEN coalesce(t.n, 0) = 0 THEN 'unscored'
    WHEN (t.points + a0 + a1 + a2) * factor >= 60 THEN 'high'
    WHEN (t.points + a0 + a1 + a2) * factor >= 25 THEN 'medium' ELSE 'low' END AS tier,
  coalesce(t.n, 0) AS matched_events, verified,
  CASE WHEN coalesce(t.n, 0) = 0 THEN '' ELSE array_to_string(list_transform(list_sort(list_concat(
    list_transform(coalesce(t.top, []), lambda x: {'k': -abs(x.p), 'i': x.i, 'p': x.p}),
    CASE WHEN a0 <> 0 THEN [{'k': -10.0, 'i': 20, 'p': 10.0}] ELSE [] END,
    CASE WHEN a1 <> 0 THEN [{'k': -5.0, 'i': 21, 'p': 5.0}] ELSE [] END,
    CASE WHEN a2 <> 0 THEN [{'k': -10.0, 'i': 22, 'p': -10.0}] ELSE [] END))[1:3],
    lambda x: ['pricing', 'product-a', 'product-b', 'blog', 'careers', 'calculator', 'open',
      'click', 'click-offer', 'unsub', 'form', 'form-partner', 'call-long', 'call-short',
      'search-brand', 'search-loan', 'store', 'online', 'chat', 'webinar', 'age-25-44', 'loans',
      'lost'][x.i + 1] || ':' || CASE WHEN x.p > 0 THEN '+' ELSE '' END || CAST(x.p * factor AS VARCHAR)), ';')
  END AS reasons,
  coalesce(s.scopes, MAP([]::VARCHAR[], []::DOUBLE[])) AS scopes
FROM people p LEFT JOIN totals t USING (contact_id) LEFT JOIN scopes s USING (contact_id)
ORDER BY p.contact_id`;
}

/** Loads the CSV tables of `dir` into native DuckDB tables with the bench's types. */
export async function loadDuckDB(
  conn: Awaited<ReturnType<DuckDBInstance["connect"]>>,
  dir: string,
): Promise<void> {
  const types = (t: Record<string, string>) =>
    `{${
      Object.entries(t).map(([k, v]) => `'${k}': '${v === "VARCHAR[]" ? "VARCHAR" : v}'`).join(", ")
    }}`;
  await conn.run(
    `CREATE OR REPLACE TABLE events AS SELECT * FROM read_csv('${dir}/events.csv', header = true, columns = ${
      types(TABLE_TYPES.events)
    })`,
  );
  await conn.run(
    `CREATE OR REPLACE TABLE contacts AS SELECT contact_id, age,
      list_filter(string_split(coalesce(interests, ''), ';'), lambda x: x <> '') AS interests, stage, phone
     FROM read_csv('${dir}/contacts.csv', header = true, columns = ${types(TABLE_TYPES.contacts)})`,
  );
  await conn.run(
    `CREATE OR REPLACE TABLE verification AS SELECT * FROM read_csv('${dir}/verification.csv', header = true, columns = ${
      types(TABLE_TYPES.verification)
    })`,
  );
}

/**
 * How far pairs of scores agree: the largest relative difference where the scores are
 * not about zero, the largest absolute one where they are (sums that cancel to about zero
 * differ by rounding alone), and how many pairs miss the contract's 1e-9 relative.
 */
export function scoreAgreement(pairs: [number, number][]): string {
  let rel = 0, abs = 0, outside = 0;
  for (const [a, b] of pairs) {
    const m = Math.max(Math.abs(a), Math.abs(b));
    if (m >= 1e-9) rel = Math.max(rel, Math.abs(a - b) / m);
    else abs = Math.max(abs, Math.abs(a - b));
    if (Math.abs(a - b) > 1e-9 * m + 1e-12) outside++;
  }
  return `largest score difference ${rel.toExponential(2)} relative (${
    abs.toExponential(2)
  } absolute on scores within 1e-9 of zero), ${outside} beyond 1e-9 relative + 1e-12`;
}

/** Min and median of a list of numbers. */
export function minMedian(xs: number[]): { min: number; median: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor((s.length - 1) / 2)] };
}

async function run(nEvents: number, repeats: number): Promise<void> {
  const t0 = performance.now();
  const data = generate(nEvents);
  const dir = await Deno.makeTempDir({ prefix: "sb_sql_bench_" });
  try {
    await writeTables(data, dir);
    console.log(
      `${nEvents.toLocaleString("en")} events, ${
        data.nContacts.toLocaleString("en")
      } contacts, 20 rules + 3 attributes, native DuckDB, 1 thread:`,
    );
    console.log(`  generate + CSV  ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    const conn = await instance.connect();
    const t1 = performance.now();
    const c1 = cpuSeconds();
    await loadDuckDB(conn, dir);
    console.log(
      `  load (read_csv) ${((performance.now() - t1) / 1000).toFixed(2)} s wall, ${
        (cpuSeconds() - c1).toFixed(2)
      } s CPU`,
    );
    const config = toScoringConfig(SPEC);
    const compiled = compileToSql(config, { asOf: [T], columns: TABLE_TYPES });
    const hand = handWrittenSql(T);
    const time = async (sql: string) => {
      const t = performance.now();
      const c = cpuSeconds();
      const reader = await conn.runAndReadAll(sql);
      return { wall: (performance.now() - t) / 1000, cpu: cpuSeconds() - c, reader };
    };
    const results: Record<string, { wall: number[]; cpu: number[] }> = {
      hand: { wall: [], cpu: [] },
      compiled: { wall: [], cpu: [] },
    };
    let handRows: Record<string, unknown>[] = [];
    let compiledRows: Record<string, unknown>[] = [];
    // Interleaved, so that both see the same state of a shared machine.
    for (let k = 0; k < repeats; k++) {
      const h = await time(hand);
      results.hand.wall.push(h.wall);
      results.hand.cpu.push(h.cpu);
      if (k === 0) handRows = h.reader.getRowObjectsJS();
      const s = await time(compiled);
      results.compiled.wall.push(s.wall);
      results.compiled.cpu.push(s.cpu);
      if (k === 0) compiledRows = s.reader.getRowObjectsJS();
    }
    for (const [label, r] of Object.entries(results)) {
      const cpu = minMedian(r.cpu), wall = minMedian(r.wall);
      console.log(
        `  ${label.padEnd(15)} CPU min ${cpu.min.toFixed(2)} s, median ${
          cpu.median.toFixed(2)
        } s; wall min ${wall.min.toFixed(2)} s, median ${
          wall.median.toFixed(2)
        } s (${repeats} runs)`,
      );
    }
    const ratio = (f: (x: number[]) => number) => f(results.compiled.cpu) / f(results.hand.cpu);
    console.log(
      `  compiled / hand-written CPU: ${ratio((x) => minMedian(x).min).toFixed(2)}x (min), ${
        ratio((x) => minMedian(x).median).toFixed(2)
      }x (median); target <= 1.5x`,
    );
    const byId = new Map(handRows.map((r) => [r.contact_id as string, r]));
    const scores: [number, number][] = [];
    let differing = 0;
    for (const s of compiledRows) {
      const h = byId.get(s.contact_id as string);
      if (!h || h.tier !== s.tier || Number(h.matched_events) !== Number(s.matched_events)) {
        differing++;
        continue;
      }
      scores.push([Number(h.score), Number(s.score)]);
    }
    console.log(
      `  agreement       ${compiledRows.length} rows (hand-written ${handRows.length}), ${differing} differing in id/tier/matched_events; ${
        scoreAgreement(scores)
      }`,
    );
    conn.closeSync();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const sizes = Deno.args.length > 0 ? Deno.args.map(Number) : [1_000_000];
  for (const n of sizes) await run(n, n >= 5_000_000 ? 3 : 5);
}
