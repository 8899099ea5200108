/**
 * `deno task cli sql --config F --dialect duckdb`: prints the one SQL query that computes
 * the rows of `scores.csv` in a database (tables and columns: `src/sql/compile_to_sql.ts`).
 */
import { readConfigFile } from "../config/mod.ts";
import { clickhouseSchema } from "../sql/clickhouse_schema.ts";
import { shardScoringSql } from "../sql/clickhouse_cluster.ts";
import type { ColumnType } from "../sql/column_type.ts";
import { CANONICAL_COLUMNS, compileToSql } from "../sql/compile_to_sql.ts";
import { SQL_DIALECTS, sqlDialect } from "../sql/dialects/mod.ts";
import {
  type FlagSpec,
  helpText,
  instantFlag,
  parseFlags,
  runCommand,
  UsageError,
} from "./_args.ts";
import { checkOutputs, writeFileAtomic } from "./_io.ts";

const SUMMARY = [
  "Prints the SQL that computes `score` in a database: the rows of scores.csv, with the scope",
  "sums in one `scopes` map column. The query reads the tables as scorebench loads them",
  "(docs/formats.md): events (contact_id, ts as a UTC TIMESTAMP, type, seq = input order,",
  "and the columns the rules test), contacts (unless --no-contacts), verification (when",
  "the config has a verification block) and as_of (column as_of, unless --as-of is given).",
  "With --dialect clickhouse, the tables --schema prints (ts in Float64 epoch milliseconds);",
  "with --cluster, the query each shard runs over its own tables (docs/scale-out.md).",
].join("\n");

const FLAGS: Record<string, FlagSpec> = {
  config: { help: "Scoring config (scorebench.config/v1 JSON); not needed with --schema." },
  dialect: {
    help: `Target SQL: ${Object.keys(SQL_DIALECTS).join(", ")} (default duckdb).`,
  },
  "as-of": {
    help:
      "Instant to score as of (ISO 8601, UTC without offset), written into the query; repeat for several. Without it the query reads table as_of (column as_of).",
    multiple: true,
  },
  timestamps: {
    help:
      "How ts and as_of are stored: timestamp (TIMESTAMP, UTC; default for duckdb) or epoch_ms (number; default for clickhouse).",
  },
  "no-contacts": {
    help: "There is no contacts table: score every contact seen in the events.",
    boolean: true,
  },
  partition: {
    help:
      "Score only contact bucket I of N, written I/N (0/4, 1/4, ...): run once per bucket and concatenate, when one query needs more memory than the database has.",
  },
  schema: {
    help:
      "Print the CREATE TABLE statements of events, contacts and verification (clickhouse only): MergeTree ordered by contact_id and ts.",
    boolean: true,
  },
  cluster: {
    help:
      "ClickHouse cluster name: with --schema, <table>_local MergeTree tables plus Distributed tables sharded by cityHash64(contact_id); without, the query each shard runs over its own tables.",
  },
  out: { help: "Write the SQL to this file instead of printing it." },
};

export function run(args: string[]): Promise<number> {
  return runCommand(async () => {
    const flags = parseFlags("sql", SUMMARY, FLAGS, args);
    if (flags === null) return 0;
    const name = String(flags.dialect ?? "duckdb");
    if (!Object.hasOwn(SQL_DIALECTS, name)) {
      throw new UsageError(
        `--dialect "${name}" is not supported; supported dialects: ${
          Object.keys(SQL_DIALECTS).join(", ")
        }`,
      );
    }
    const dialect = sqlDialect(name);
    // ClickHouse 18.16 keeps whole seconds in a DateTime: its tables hold epoch ms.
    const timestamps = String(
      flags.timestamps ?? (name === "clickhouse" ? "epoch_ms" : "timestamp"),
    );
    if (timestamps !== "epoch_ms" && timestamps !== "timestamp") {
      throw new UsageError(
        `--timestamps must be "epoch_ms" or "timestamp", got "${timestamps}"`,
      );
    }
    const asOfTexts = (flags["as-of"] as string[] | undefined) ?? [];
    const asOf = asOfTexts.map((text) => instantFlag("as-of", text));
    let partition: { count: number; index: number } | undefined;
    if (typeof flags.partition === "string") {
      const m = /^(\d+)\/(\d+)$/.exec(flags.partition);
      if (!m || Number(m[1]) >= Number(m[2])) {
        throw new UsageError(
          `--partition must be I/N with 0 <= I < N (such as 0/4), got "${flags.partition}"`,
        );
      }
      partition = { index: Number(m[1]), count: Number(m[2]) };
    }
    if (typeof flags.out === "string") {
      await checkOutputs([{ flag: "out", path: flags.out }], { config: String(flags.config) });
    }
    const clickhouse = dialect.name === "clickhouse";
    const cluster = typeof flags.cluster === "string" ? flags.cluster : undefined;
    if ((flags.schema || cluster !== undefined) && !clickhouse) {
      throw new UsageError("--schema and --cluster go with --dialect clickhouse");
    }
    // The tables as the product's loaders write them (any other column as text), with
    // instants as --timestamps says.
    const instant: ColumnType = timestamps === "timestamp" ? "TIMESTAMP" : "DOUBLE";
    const assumed: Record<"events" | "contacts" | "verification", Record<string, ColumnType>> = {
      events: { ...CANONICAL_COLUMNS.events, ts: instant },
      contacts: { ...CANONICAL_COLUMNS.contacts, created_at: instant },
      verification: { ...CANONICAL_COLUMNS.verification },
    };
    if (flags.schema) {
      const text = clickhouseSchema(assumed, { cluster }).join(";\n\n") + ";\n";
      if (typeof flags.out === "string") {
        await writeFileAtomic(flags.out, text);
        console.log(`Wrote the ClickHouse tables to ${flags.out}`);
      } else {
        console.log(text);
      }
      return 0;
    }
    if (typeof flags.config !== "string") {
      throw new UsageError(`Missing required flag --config.\n\n${helpText("sql", SUMMARY, FLAGS)}`);
    }
    const configPath = flags.config;
    const { config, warnings } = await readConfigFile(configPath);
    for (const w of warnings) console.error(`Warning: ${w}`);
    const common = {
      asOf: asOf.length > 0 ? asOf : undefined,
      timestamps: timestamps as "epoch_ms" | "timestamp",
      partition,
      assumedColumns: assumed,
    };
    const sql = cluster !== undefined
      ? shardScoringSql(config, { ...common, contacts: !flags["no-contacts"] })
      : compileToSql(config, {
        ...common,
        dialect,
        tables: flags["no-contacts"] ? { contacts: null } : {},
      });
    const what = `${config.rules.length} event rules, ${config.attributes.length} attribute rules`;
    if (typeof flags.out === "string") {
      await writeFileAtomic(flags.out, sql);
      console.log(`Wrote the ${dialect.name} SQL of "${config.name}" (${what}) to ${flags.out}`);
    } else {
      console.log(sql);
      console.error(`Printed the ${dialect.name} SQL of "${config.name}" (${what})`);
    }
    return 0;
  });
}
