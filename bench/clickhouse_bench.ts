/**
 * The bench config's compiled SQL on ClickHouse (Debian's clickhouse-server 18.16, one
 * thread per server): one server, and a two-shard cluster on loopback where every shard
 * scores its own contacts, against native DuckDB (one thread) on the same generated
 * events, same machine, same run. 1M events by default
 * (`deno run -A bench/clickhouse_bench.ts 10000000` for other sizes). Prints wall and CPU
 * seconds (the servers' CPU read from /proc) with their ratios, and checks that every
 * result agrees with DuckDB's.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { toScoringConfig } from "../src/config/mod.ts";
import { compileToSql, shardScoringSql } from "../src/sql/mod.ts";
import {
  type ClickhouseClient,
  loadColumns,
  parseScoreRows,
  processCpu,
  SERVER_BINARY,
  type Servers,
  startServers,
} from "../test/sql/_clickhouse.ts";
import type { SqlRow } from "../test/sql/_harness.ts";
import {
  generate,
  loadDuckDB,
  minMedian,
  scoreAgreement,
  SPEC,
  TABLE_TYPES,
  writeTables,
} from "./sql_bench.ts";

const T = Date.UTC(2024, 2, 31);
type Generated = ReturnType<typeof generate>;

async function load(clients: ClickhouseClient[], data: Generated, cluster?: string) {
  const columns = {
    events: { ...TABLE_TYPES.events, seq: "BIGINT" as const },
    contacts: TABLE_TYPES.contacts,
    verification: TABLE_TYPES.verification,
  };
  // One streamed INSERT a table, through the Distributed tables on a cluster.
  await loadColumns(clients, {
    events: { columns: data.events, types: columns.events },
    contacts: { columns: data.contacts, types: columns.contacts },
    verification: { columns: data.verification, types: columns.verification },
  }, { cluster });
  return columns;
}

interface Timing {
  wall: number[];
  cpu: number[];
  rows: SqlRow[];
}

async function repeat(times: number, once: () => Promise<SqlRow[]>, pids: () => number[]) {
  const out: Timing = { wall: [], cpu: [], rows: [] };
  for (let k = 0; k < times; k++) {
    const t = performance.now();
    const c = processCpu(pids());
    out.rows = await once();
    out.wall.push((performance.now() - t) / 1000);
    out.cpu.push(processCpu(pids()) - c);
  }
  return out;
}

function describe(label: string, t: Timing) {
  const cpu = minMedian(t.cpu), wall = minMedian(t.wall);
  console.log(
    `  ${label.padEnd(34)} wall min ${wall.min.toFixed(2)} s, median ${
      wall.median.toFixed(2)
    } s; CPU min ${cpu.min.toFixed(2)} s, median ${cpu.median.toFixed(2)} s -> ${
      t.rows.length.toLocaleString("en")
    } rows`,
  );
}

function agreement(label: string, reference: SqlRow[], rows: SqlRow[]) {
  const byId = new Map(reference.map((r) => [`${r.as_of}|${r.contact_id}`, r]));
  const scores: [number, number][] = [];
  let differing = 0;
  for (const r of rows) {
    const s = byId.get(`${r.as_of}|${r.contact_id}`);
    if (!s || s.tier !== r.tier || Number(s.matched_events) !== r.matched_events) {
      differing++;
      continue;
    }
    scores.push([Number(s.score), r.score]);
  }
  console.log(
    `  agreement with DuckDB, ${label}: ${rows.length} rows (DuckDB ${reference.length}), ${differing} differing in tier/matched_events; ${
      scoreAgreement(scores)
    }`,
  );
}

async function run(nEvents: number, repeats: number) {
  const data = generate(nEvents);
  const config = toScoringConfig(SPEC);
  console.log(
    `${nEvents.toLocaleString("en")} events, ${
      data.nContacts.toLocaleString("en")
    } contacts, 20 rules + 3 attributes, one instant, one thread per engine:`,
  );

  // Native DuckDB, the reference.
  const dir = await Deno.makeTempDir({ prefix: "sb_ch_bench_" });
  let duck: Timing;
  try {
    await writeTables(data, dir);
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    const conn = await instance.connect();
    await loadDuckDB(conn, dir);
    const sql = compileToSql(config, { asOf: [T], columns: TABLE_TYPES });
    duck = await repeat(repeats, async () => {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJS().map((r) => ({
        ...r,
        matched_events: Number(r.matched_events),
      })) as unknown as SqlRow[];
    }, () => [Deno.pid]);
    conn.closeSync();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  describe("native DuckDB (compiled SQL)", duck);

  const withServers = async (count: number, body: (s: Servers) => Promise<void>) => {
    // One 18.16 server needs more than 3.7 GiB for one query over 10M events.
    const servers = await startServers(count, { basePort: 19700, maxMemory: 12_000_000_000 });
    if ("why" in servers) throw new Error(servers.why);
    try {
      await body(servers);
    } finally {
      await servers.stop();
    }
  };
  let one: Timing | null = null;
  await withServers(1, async (s) => {
    const t = performance.now();
    const columns = await load(s.clients, data);
    console.log(
      `  load, one server                   ${((performance.now() - t) / 1000).toFixed(2)} s wall`,
    );
    const sql = compileToSql(config, { dialect: "clickhouse", asOf: [T], columns });
    one = await repeat(
      repeats,
      async () => parseScoreRows(await s.clients[0].query(`${sql}\nFORMAT TabSeparated`)),
      () => s.pids,
    );
    describe("ClickHouse, one server", one);
  });
  let sharded: Timing | null = null;
  let distributed: Timing | null = null;
  await withServers(2, async (s) => {
    const t = performance.now();
    const columns = await load(s.clients, data, "sb");
    console.log(
      `  load, two shards (Distributed)     ${((performance.now() - t) / 1000).toFixed(2)} s wall`,
    );
    const perShard = shardScoringSql(config, { asOf: [T], columns });
    sharded = await repeat(repeats, async () => {
      const parts = await Promise.all(
        s.clients.map((c) => c.query(`${perShard}\nFORMAT TabSeparated`)),
      );
      return parts.flatMap(parseScoreRows);
    }, () => s.pids);
    describe("ClickHouse, two shards, per shard", sharded);
    const whole = compileToSql(config, { dialect: "clickhouse", asOf: [T], columns });
    distributed = await repeat(
      1,
      async () => parseScoreRows(await s.clients[0].query(`${whole}\nFORMAT TabSeparated`)),
      () => s.pids,
    );
    describe("ClickHouse, two shards, Distributed", distributed);
  });
  const m = (t: Timing | null, pick: "wall" | "cpu") => (t ? minMedian(t[pick]).min : NaN);
  const ratio = (a: Timing | null, b: Timing | null, pick: "wall" | "cpu") =>
    (m(a, pick) / m(b, pick)).toFixed(2);
  console.log(
    `  ratios (min): one server / DuckDB wall ${ratio(one, duck, "wall")}x, CPU ${
      ratio(one, duck, "cpu")
    }x; two shards / one server wall ${ratio(sharded, one, "wall")}x, CPU ${
      ratio(sharded, one, "cpu")
    }x; two shards / DuckDB wall ${ratio(sharded, duck, "wall")}x`,
  );
  if (one) agreement("one server", duck.rows, (one as Timing).rows);
  if (sharded) agreement("two shards", duck.rows, (sharded as Timing).rows);
  if (distributed) agreement("Distributed", duck.rows, (distributed as Timing).rows);
}

function serverPresent(): boolean {
  try {
    Deno.statSync(SERVER_BINARY);
    return true;
  } catch {
    return false;
  }
}

if (import.meta.main) {
  if (!serverPresent()) {
    console.log(`Skipped: ${SERVER_BINARY} is absent (apt-get install clickhouse-server)`);
  } else {
    const sizes = Deno.args.length > 0 ? Deno.args.map(Number) : [1_000_000];
    for (const n of sizes) await run(n, n >= 5_000_000 ? 1 : 3);
  }
}
