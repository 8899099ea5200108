/**
 * Runs a config both ways, through `compileToSql` in DuckDB-WASM and through the engine's
 * `scoreContacts`, and compares the rows field by field.
 */
import type { ScoringConfig } from "../../src/config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../../src/data/types.ts";
import { type ColumnType, type DuckDBConnection, insertRows } from "../../src/db/mod.ts";
import { formatInstant, scoreContacts } from "../../src/engine/mod.ts";
import type { ScoreRow } from "../../src/engine/types.ts";
import { compileToSql, type CompileToSqlOptions } from "../../src/sql/mod.ts";

export interface Tables {
  events: EventRow[];
  /** Without it the query runs with no contacts table. */
  contacts?: ContactRow[];
  verification?: VerificationRow[];
}

/** One output row of the SQL, with `scopes` as a plain object. */
export interface SqlRow {
  as_of: string;
  contact_id: string;
  score: number;
  tier: string;
  matched_events: number;
  verified: boolean;
  reasons: string;
  scopes: Record<string, number>;
}

function typesOf(summary: { columns: { name: string; type: ColumnType }[] }) {
  return Object.fromEntries(summary.columns.map((c) => [c.name, c.type]));
}

const EVENT_TYPES: Record<string, ColumnType> = {
  contact_id: "VARCHAR",
  ts: "DOUBLE",
  type: "VARCHAR",
};

/** Loads `tables` into DuckDB (replacing earlier ones) and runs the compiled query. */
export function sqlScores(
  conn: DuckDBConnection,
  config: ScoringConfig,
  tables: Tables,
  asOf: number[],
  options: CompileToSqlOptions = {},
): { rows: SqlRow[]; sql: string } {
  const keys = new Set(["contact_id", "ts", "type"]);
  for (const e of tables.events) for (const k of Object.keys(e)) keys.add(k);
  const events = insertRows(conn, "events", tables.events as Record<string, unknown>[], {
    columns: [...keys],
    types: EVENT_TYPES,
    seqColumn: "seq",
  });
  const contacts = tables.contacts
    ? insertRows(conn, "contacts", tables.contacts as Record<string, unknown>[], {
      columns: [...new Set(["contact_id", ...tables.contacts.flatMap((c) => Object.keys(c))])],
      types: { contact_id: "VARCHAR" },
    })
    : null;
  const verification = tables.verification
    ? insertRows(conn, "verification", tables.verification as Record<string, unknown>[], {
      columns: ["contact_id", "phone", "email"],
      types: { contact_id: "VARCHAR", phone: "VARCHAR", email: "VARCHAR" },
    })
    : null;
  const sql = compileToSql(config, {
    asOf,
    tables: {
      contacts: contacts ? "contacts" : null,
      verification: verification ? "verification" : null,
    },
    columns: {
      events: typesOf(events),
      contacts: contacts ? typesOf(contacts) : undefined,
      verification: verification ? typesOf(verification) : undefined,
    },
    ...options,
  });
  const rows = conn.query(sql).toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    const scopes = o.scopes as { toJSON(): Record<string, number> } | null;
    return { ...o, scopes: scopes ? { ...scopes.toJSON() } : {} } as SqlRow;
  });
  return { rows, sql };
}

/** The engine's rows for the same input. */
export function engineScores(config: ScoringConfig, tables: Tables, asOf: number[]): ScoreRow[] {
  return scoreContacts(config, {
    events: tables.events,
    contacts: tables.contacts,
    verification: tables.verification,
  }, { asOf }).rows;
}

/** Equal to 1e-9 relative (with a 1e-12 floor for sums that cancel to about zero). */
export function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}

function parseReasons(text: string): { id: string; points: number }[] {
  if (text === "") return [];
  return text.split(";").map((part) => {
    const at = part.lastIndexOf(":");
    return { id: part.slice(0, at), points: Number(part.slice(at + 1)) };
  });
}

/**
 * Differences between the engine's rows and the SQL rows, as readable lines (empty when
 * they agree). A tier or reason order may differ only where the values are within the
 * tolerance of a threshold or of each other.
 */
export function compareRows(
  config: ScoringConfig,
  engine: ScoreRow[],
  sql: SqlRow[],
): string[] {
  const out: string[] = [];
  const key = (asOf: string, id: string) => `${asOf}|${id}`;
  const byKey = new Map(sql.map((r) => [key(r.as_of, r.contact_id), r]));
  if (engine.length !== sql.length) {
    out.push(`row count: engine ${engine.length}, sql ${sql.length}`);
  }
  for (const e of engine) {
    const k = key(formatInstant(e.asOf), e.contactId);
    const s = byKey.get(k);
    if (!s) {
      out.push(`${k}: missing from the SQL rows`);
      continue;
    }
    byKey.delete(k);
    const where = `${k}`;
    if (!close(e.score, s.score)) out.push(`${where}: score engine ${e.score}, sql ${s.score}`);
    if (e.tier !== s.tier) {
      const nearThreshold = [config.tiers.high, config.tiers.medium].some((t) => close(e.score, t));
      if (!nearThreshold) out.push(`${where}: tier engine ${e.tier}, sql ${s.tier}`);
    }
    if (e.matchedEvents !== s.matched_events) {
      out.push(`${where}: matched_events engine ${e.matchedEvents}, sql ${s.matched_events}`);
    }
    if (e.verified !== s.verified) {
      out.push(`${where}: verified engine ${e.verified}, sql ${s.verified}`);
    }
    const sr = parseReasons(s.reasons);
    const er = e.reasons;
    if (sr.length !== er.length) {
      out.push(`${where}: reasons engine ${JSON.stringify(er)}, sql "${s.reasons}"`);
    } else {
      for (let i = 0; i < er.length; i++) {
        const same = er[i].ruleId === sr[i].id && close(er[i].points, sr[i].points);
        const tie = !same && close(Math.abs(er[i].points), Math.abs(sr[i].points));
        if (!same && !tie) {
          out.push(`${where}: reasons engine ${JSON.stringify(er)}, sql "${s.reasons}"`);
          break;
        }
      }
    }
    const ek = Object.keys(e.scopes).sort(), sk = Object.keys(s.scopes).sort();
    if (ek.join("|") !== sk.join("|")) {
      out.push(
        `${where}: scopes engine ${JSON.stringify(e.scopes)}, sql ${JSON.stringify(s.scopes)}`,
      );
    } else {
      for (const name of ek) {
        if (!close(e.scopes[name], s.scopes[name])) {
          out.push(`${where}: scope ${name} engine ${e.scopes[name]}, sql ${s.scopes[name]}`);
        }
      }
    }
  }
  for (const k of byKey.keys()) out.push(`${k}: in the SQL rows only`);
  return out;
}
