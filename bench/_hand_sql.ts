/**
 * The reference of `cli_bench.ts`: the bench config's scoring (`SPEC` of `sql_bench.ts`,
 * events only: no contacts, no verification) written by hand as one SQL query for native
 * DuckDB, reading the events CSV itself. `deno run -A bench/_hand_sql.ts EVENTS OUT AS_OF`
 * writes `as_of,contact_id,score,tier,matched_events,reasons` to OUT.
 *
 * The window is cut first; matches are one list per event, unnested only for events that
 * match; limits are window functions on the rules that have them; sums per (contact, rule).
 */
import { DuckDBInstance } from "@duckdb/node-api";

const [events, out, asOfText = "2024-03-31", threads = "1"] = Deno.args;
import { DAY_MS as DAY } from "../src/tables/mod.ts";
const asOf = Date.parse(asOfText);

const RULES: { id: string; on: string; when: string; points: number }[] = [
  { id: "pricing", on: "page_view", when: "url GLOB '*/pricing*'", points: 8 },
  {
    id: "product-a",
    on: "page_view",
    when: "starts_with(url, 'https://shop.example/a/')",
    points: 3,
  },
  {
    id: "product-b",
    on: "page_view",
    when: "starts_with(url, 'https://shop.example/b/')",
    points: 3,
  },
  { id: "blog", on: "page_view", when: "contains(url, '/blog/')", points: 1 },
  { id: "careers", on: "page_view", when: "contains(url, '/careers')", points: -5 },
  { id: "calculator", on: "page_view", when: "url GLOB '*/calc?lator*'", points: 6 },
  { id: "open", on: "email_open", when: "TRUE", points: 0.5 },
  { id: "click", on: "email_click", when: "TRUE", points: 5 },
  {
    id: "click-offer",
    on: "email_click",
    when: "email_id IN ('offer-1', 'offer-2', 'offer-3')",
    points: 4,
  },
  { id: "unsub", on: "email_unsubscribe", when: "TRUE", points: -20 },
  { id: "form", on: "form_submit", when: "TRUE", points: 25 },
  { id: "form-partner", on: "form_submit", when: "source = 'partner'", points: 5 },
  { id: "call-long", on: "call", when: "value >= 120", points: 15 },
  { id: "call-short", on: "call", when: "value < 120", points: 2 },
  { id: "search-brand", on: "search", when: "contains(phrase, 'brand')", points: 7 },
  { id: "search-loan", on: "search", when: "phrase GLOB '*loan*'", points: 5 },
  { id: "store", on: "purchase", when: "channel = 'offline'", points: 30 },
  { id: "online", on: "purchase", when: "channel <> 'offline'", points: 20 },
  { id: "chat", on: "chat", when: "tag IS NOT NULL", points: 4 },
  { id: "webinar", on: "webinar", when: "value BETWEEN 30 AND 600", points: 10 },
];
// Rule 16 (store) counts only in its stage scope; 12 also in it.
const PER_DAY: Record<number, number> = { 0: 1, 5: 2, 6: 3, 15: 1, 18: 1 };
const MAX_COUNT: Record<number, number> = { 3: 10, 6: 20, 7: 4, 19: 2 };

const list = `[${
  RULES.map((r, i) => `CASE WHEN type = '${r.on}' AND ${r.when} THEN ${i} END`).join(", ")
}]`;
const caseOf = (m: Record<number, number>) =>
  `CASE r ${Object.entries(m).map(([r, n]) => `WHEN ${r} THEN ${n}`).join(" ")} END`;
const types = [...new Set(RULES.map((r) => `'${r.on}'`))].join(", ");
const sql = `
COPY (
WITH ev AS MATERIALIZED (
  SELECT contact_id, ts, type, url, email_id, source, phrase, tag, stage, channel, value,
    row_number() OVER () AS seq
  FROM read_csv('${events}', header = true, auto_detect = false, delim = ',', quote = '"',
    columns = {'contact_id': 'VARCHAR', 'ts': 'TIMESTAMP', 'type': 'VARCHAR', 'channel': 'VARCHAR',
      'url': 'VARCHAR', 'email_id': 'VARCHAR', 'source': 'VARCHAR', 'phrase': 'VARCHAR',
      'tag': 'VARCHAR', 'stage': 'VARCHAR', 'value': 'DOUBLE'})
),
m AS (
  SELECT contact_id, epoch_ms(ts) AS t, seq, stage,
    unnest(list_filter(${list}, x -> x IS NOT NULL)) AS r
  FROM ev
  WHERE type IN (${types}) AND epoch_ms(ts) > ${asOf - 90 * DAY} AND epoch_ms(ts) <= ${asOf}
),
day_kept AS (
  SELECT * FROM m WHERE r IN (${Object.keys(PER_DAY)})
  QUALIFY row_number() OVER (PARTITION BY contact_id, r, t // ${DAY} ORDER BY t, seq) <= ${
  caseOf(PER_DAY)
}
),
limited AS (
  SELECT * FROM (
    SELECT * FROM day_kept
    UNION ALL SELECT * FROM m WHERE r IN (${Object.keys(MAX_COUNT).filter((r) => !(r in PER_DAY))})
  )
  QUALIFY r NOT IN (${Object.keys(MAX_COUNT)}) OR
    row_number() OVER (PARTITION BY contact_id, r ORDER BY t DESC, seq DESC) <= ${caseOf(MAX_COUNT)}
),
kept AS (
  SELECT contact_id, t, stage, r FROM m
  WHERE r NOT IN (${[...new Set([...Object.keys(PER_DAY), ...Object.keys(MAX_COUNT)])]})
  UNION ALL SELECT contact_id, t, stage, r FROM limited
),
val AS (
  SELECT contact_id, r, stage,
    [${RULES.map((r) => r.points).join(", ")}][r + 1] * pow(0.5, (${asOf} - t) / ${30 * DAY}) AS v
  FROM kept
),
per_rule AS (SELECT contact_id, r, sum(v) AS p, count(*) AS n FROM val GROUP BY contact_id, r),
totals AS (
  SELECT contact_id, sum(CASE WHEN r <> 16 THEN p ELSE 0 END) AS score, sum(n) AS matched,
    list({'r': r, 'p': p} ORDER BY abs(p) DESC, r) FILTER (WHERE r <> 16 AND p <> 0) AS contrib
  FROM per_rule GROUP BY contact_id
),
ids AS (SELECT DISTINCT contact_id FROM ev)
SELECT '${new Date(asOf).toISOString().replace(".000Z", "Z")}' AS as_of, i.contact_id,
  COALESCE(t.score, 0) AS score,
  CASE WHEN t.matched IS NULL THEN 'unscored' WHEN t.score >= 60 THEN 'high'
    WHEN t.score >= 25 THEN 'medium' ELSE 'low' END AS tier,
  COALESCE(t.matched, 0) AS matched_events,
  COALESCE(array_to_string(list_transform(t.contrib[1:3], x -> [${
  RULES.map((r) => `'${r.id}'`).join(", ")
}][x.r + 1] || ':' || CASE WHEN x.p > 0 THEN '+' ELSE '' END || x.p::VARCHAR), ';'), '') AS reasons
FROM ids AS i LEFT JOIN totals AS t USING (contact_id)
ORDER BY i.contact_id
) TO '${out}' (HEADER, DELIMITER ',')`;

const instance = await DuckDBInstance.create(":memory:", { threads });
const conn = await instance.connect();
await conn.run(sql);
conn.closeSync();
instance.closeSync();
