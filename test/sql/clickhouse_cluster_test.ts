/**
 * The `clickhouse` dialect on a real two-shard cluster of Debian's clickhouse-server 18.16
 * on loopback: data loaded through Distributed tables sharded by `cityHash64(contact_id)`,
 * the compiled SQL run against the Distributed tables and, shard by shard, over each
 * shard's own tables (`shardScoringSql`); both compared with the engine per contact and
 * instant.
 */
import { toScoringConfig } from "../../src/config/mod.ts";
import type { EventRow } from "../../src/data/types.ts";
import { compileToSql, shardScoringSql } from "../../src/sql/mod.ts";
import { cpuSeconds, generate, SPEC, TABLE_TYPES } from "../../bench/sql_bench.ts";
import {
  type ClickhouseClient,
  loadColumns,
  loadTables,
  parseScoreRows,
  processCpu,
  SERVER_BINARY,
  startServers,
} from "./_clickhouse.ts";
import { compareRows, engineScores, type SqlRow, type Tables } from "./_harness.ts";
import { randomCase } from "./_random_case.ts";
import type { ScoringConfig } from "../../src/config/types.ts";

const CASES = 8;
/** Events of the generated set scored on the cluster (SB_CLUSTER_EVENTS to change it). */
const EVENTS = Number(Deno.env.get("SB_CLUSTER_EVENTS") ?? 1_000_000);
let present = true;
try {
  Deno.statSync(SERVER_BINARY);
} catch {
  present = false;
  console.log(
    `Skipping the ClickHouse cluster tests: ${SERVER_BINARY} is absent (.ci/run installs it)`,
  );
}

/**
 * Loads `tables` through the Distributed tables, then scores twice: the compiled SQL sent
 * to one server against the Distributed tables, and every shard scoring its own contacts
 * over its own tables (rows merged).
 */
async function bothWays(
  clients: ClickhouseClient[],
  config: ScoringConfig,
  tables: Tables,
  asOf: number[],
): Promise<{ distributed: SqlRow[]; sharded: SqlRow[] }> {
  const columns = await loadTables(clients, tables, { cluster: "sb" });
  const present = {
    contacts: columns.contacts ? "contacts" : null,
    verification: columns.verification ? "verification" : null,
  };
  const whole = compileToSql(config, { dialect: "clickhouse", asOf, columns, tables: present });
  const distributed = parseScoreRows(await clients[0].query(`${whole}\nFORMAT TabSeparated`));
  const sql = shardScoringSql(config, {
    asOf,
    columns,
    contacts: present.contacts !== null,
    verification: present.verification !== null,
  });
  const parts = await Promise.all(clients.map((c) => c.query(`${sql}\nFORMAT TabSeparated`)));
  return { distributed, sharded: parts.flatMap(parseScoreRows) };
}

/** The generated columns as the engine's rows. */
function eventTables(data: ReturnType<typeof generate>): Tables {
  const ev = data.events;
  const names = Object.keys(ev).filter((n) => n !== "seq");
  const events: EventRow[] = ev.contact_id.values.map((_, i) => {
    const row: Record<string, unknown> = {};
    for (const name of names) {
      const v = (ev[name as keyof typeof ev].values as ArrayLike<unknown>)[i];
      if (v !== null && !(typeof v === "number" && Number.isNaN(v))) row[name] = v;
    }
    return row as unknown as EventRow;
  });
  const c = data.contacts;
  return {
    events,
    contacts: c.contact_id.values.map((id, i) => ({
      contact_id: id,
      age: c.age.values[i],
      interests: c.interests.values[i],
      stage: c.stage.values[i],
      phone: c.phone.values[i],
    })),
    verification: data.verification.contact_id.values.map((id) => ({
      contact_id: id,
      phone: null,
      email: null,
    })),
  };
}

Deno.test({
  name:
    "compileToSql() in the clickhouse dialect agrees with the engine on a two-shard 18.16 cluster",
  ignore: !present,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const servers = await startServers(2);
    if ("why" in servers) throw new Error(servers.why);
    const { clients } = servers;
    try {
      await t.step(
        "random configs, through the Distributed tables and shard by shard",
        async () => {
          const failures: string[] = [];
          let compared = 0;
          for (let seed = 1; seed <= CASES; seed++) {
            const c = randomCase(seed);
            const config = toScoringConfig(c.spec);
            const engine = engineScores(config, c.tables, c.asOf);
            const { distributed, sharded } = await bothWays(clients, config, c.tables, c.asOf);
            compared += engine.length;
            for (
              const [how, got] of [["distributed", distributed], ["per shard", sharded]] as const
            ) {
              const diff = compareRows(config, engine, got);
              if (diff.length > 0) {
                failures.push(`seed ${seed} ${how}:\n  ${diff.slice(0, 5).join("\n  ")}`);
              }
            }
            if (failures.length >= 4) break;
          }
          if (failures.length > 0) throw new Error(failures.join("\n"));
          if (compared < CASES * 3) throw new Error(`only ${compared} rows compared`);
        },
      );

      await t.step(
        `the 20-rule bench config on ${
          EVENTS.toLocaleString("en")
        } generated events, every contact and instant`,
        async () => {
          const started = performance.now();
          const lap = (() => {
            let last = started;
            const parts: string[] = [];
            return (what?: string) => {
              const now = performance.now();
              if (what) parts.push(`${what} ${((now - last) / 1000).toFixed(1)} s`);
              last = now;
              return parts;
            };
          })();
          const data = generate(EVENTS, 7);
          const types = {
            events: { ...TABLE_TYPES.events, seq: "BIGINT" as const },
            contacts: TABLE_TYPES.contacts,
            verification: TABLE_TYPES.verification,
          };
          lap("generate");
          const loads = await loadColumns(clients, {
            events: { columns: data.events, types: types.events },
            contacts: { columns: data.contacts, types: types.contacts },
            verification: { columns: data.verification, types: types.verification },
          }, { cluster: "sb" });
          lap(`load through Distributed (events ${loads.events.toFixed(1)} s)`);
          const config = toScoringConfig(SPEC);
          const T = Date.UTC(2024, 2, 31);
          const asOf = [T - 30 * 86_400_000, T];
          const whole = compileToSql(config, {
            dialect: "clickhouse",
            asOf,
            columns: types,
          });
          // The query through the Distributed tables, as the users run it; the
          // per-shard form is compared on the random configs above.
          const cpu = processCpu(servers.pids);
          const distributed = parseScoreRows(
            await clients[0].query(`${whole}\nFORMAT TabSeparated`),
          );
          const serverCpu = processCpu(servers.pids) - cpu;
          lap(`score through Distributed (servers' CPU ${serverCpu.toFixed(1)} s)`);
          const engine = engineScores(config, eventTables(data), asOf);
          lap("score with the engine");
          const diff = compareRows(config, engine, distributed);
          if (diff.length > 0) throw new Error(diff.slice(0, 10).join("\n"));
          if (engine.length !== data.nContacts * asOf.length) {
            throw new Error(`${engine.length} rows for ${data.nContacts} contacts`);
          }
          // Both shards hold contacts and events: the data was really spread.
          for (const table of ["contacts_local", "events_local"]) {
            const counts = await Promise.all(
              clients.map(async (cl) => Number(await cl.query(`SELECT count() FROM ${table}`))),
            );
            const total = counts.reduce((a, b) => a + b, 0);
            const expected = table === "events_local" ? EVENTS : data.nContacts;
            if (total !== expected || counts.some((n) => n < expected / 4)) {
              throw new Error(`${table} per shard: ${counts} (expected ${expected} in all)`);
            }
          }
          lap("compare");
          console.log(
            `  ${EVENTS.toLocaleString("en")} events, ${engine.length} rows compared in ${
              ((performance.now() - started) / 1000).toFixed(1)
            } s wall (this process ${cpuSeconds().toFixed(1)} s CPU in all): ${lap().join(", ")}`,
          );
        },
      );
    } finally {
      await servers.stop();
    }
  },
});
