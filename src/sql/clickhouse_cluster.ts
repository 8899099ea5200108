/**
 * Scoring on a ClickHouse cluster without cross-shard traffic. Events and contacts are
 * sharded by `cityHash64(contact_id)` (`clickhouseSchema(..., { cluster })`), so each
 * contact's rows all sit on one shard: the compiled query, run on every shard over that
 * shard's own `<table>_local` tables, scores that shard's contacts completely, and the
 * shards' rows together (merged by `as_of`, `contact_id`) are the whole result. Only the
 * small verification table is read whole, through its `Distributed` table, as phone and
 * e-mail matches need every row.
 */
import type { ScoringConfig } from "../config/types.ts";
import { compileToSql, type CompileToSqlOptions } from "./compile_to_sql.ts";

/** What `compileToSql` takes, less the dialect and tables, plus which tables exist. */
export interface ShardScoringOptions extends Omit<CompileToSqlOptions, "dialect" | "tables"> {
  /** Whether there is a contacts table. @default true */
  contacts?: boolean;
  /** Whether there is a verification table. @default true when the config has a verification block */
  verification?: boolean;
}

/** The query to send to every shard of the cluster (ClickHouse dialect, local tables). */
export function shardScoringSql(config: ScoringConfig, options: ShardScoringOptions = {}): string {
  const { contacts = true, verification = config.verification !== undefined, ...compile } = options;
  return compileToSql(config, {
    ...compile,
    dialect: "clickhouse",
    tables: {
      events: "events_local",
      contacts: contacts ? "contacts_local" : null,
      verification: verification ? "verification" : null,
    },
  });
}
