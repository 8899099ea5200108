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
import { generate, SPEC } from "../../bench/sql_bench.ts";
import {
  type ClickhouseClient,
  loadTables,
  parseScoreRows,
  SERVER_BINARY,
  startServers,
} from "./_clickhouse.ts";
import { compareRows, engineScores, type SqlRow, type Tables } from "./_harness.ts";
import { randomCase } from "./_random_case.ts";
import type { ScoringConfig } from "../../src/config/types.ts";

const CASES = 8;
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
        "the 20-rule bench config on 20,000 generated events, every contact on both shards",
        async () => {
          const data = generate(20_000, 7);
          const ev = data.events;
          const events: EventRow[] = ev.contact_id.values.map((id, i) => {
            const row: Record<string, unknown> = {};
            for (const [name, col] of Object.entries(ev)) {
              if (name === "seq") continue;
              const v = (col.values as ArrayLike<unknown>)[i];
              if (v !== null && !(typeof v === "number" && Number.isNaN(v))) row[name] = v;
            }
            row.contact_id = id;
            return row as unknown as EventRow;
          });
          const c = data.contacts;
          const tables: Tables = {
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
          const config = toScoringConfig(SPEC);
          const T = Date.UTC(2024, 2, 31);
          const asOf = [T - 30 * 86_400_000, T];
          const engine = engineScores(config, tables, asOf);
          const { distributed, sharded } = await bothWays(clients, config, tables, asOf);
          for (const rows of [distributed, sharded]) {
            const diff = compareRows(config, engine, rows);
            if (diff.length > 0) throw new Error(diff.slice(0, 10).join("\n"));
          }
          // Both shards hold contacts: the data was really spread.
          const counts = await Promise.all(
            clients.map(async (cl) => Number(await cl.query("SELECT count() FROM contacts_local"))),
          );
          if (counts.some((n) => n < data.nContacts / 4)) {
            throw new Error(`contacts per shard: ${counts}`);
          }
        },
      );
    } finally {
      await servers.stop();
    }
  },
});
