/**
 * ClickHouse for the tests and benches: chdb (ClickHouse 26.x in process, from the npm
 * package installed into `.cache/chdb` by `.ci/run`) and real `clickhouse-server`
 * processes (Debian's 18.16) started on loopback with their own ports and data folders,
 * one or two of them as a two-shard cluster.
 */
import { createRequire } from "node:module";
import type { ScoringConfig } from "../../src/config/types.ts";
import {
  clickhouseSchema,
  type ColumnType,
  compileToSql,
  type CompileToSqlOptions,
} from "../../src/sql/mod.ts";
import type { SqlRow, Tables } from "./_harness.ts";

const ROOT = new URL("../../", import.meta.url);
const CHDB_DIR = new URL(".cache/chdb/", ROOT);
/** Where Debian puts the server (a symlink to the one `clickhouse` binary). */
export const SERVER_BINARY = "/usr/sbin/clickhouse-server";

/**
 * Anything that runs a ClickHouse query and returns its text output. `data` follows the
 * query (an INSERT's rows): a string, or pieces of text sent as they come.
 */
export interface ClickhouseClient {
  readonly label: string;
  query(sql: string, data?: string | Iterable<string>): Promise<string>;
}

interface ChdbSession {
  query(sql: string, format?: string): string;
  cleanup(): void;
}

/** chdb's module, or the reason it cannot be loaded (to skip with). */
export function loadChdb():
  | { ok: true; Session: new (path?: string) => ChdbSession }
  | { ok: false; why: string } {
  try {
    Deno.statSync(new URL("node_modules/chdb/package.json", CHDB_DIR));
  } catch {
    return {
      ok: false,
      why:
        "chdb is not installed: run `npm install --prefix .cache/chdb chdb@3.4.0` (.ci/run does)",
    };
  }
  const require = createRequire(CHDB_DIR.href);
  return { ok: true, Session: require("chdb").Session };
}

/** A chdb session in a temporary folder. */
export function chdbClient(
  Session: new (path?: string) => ChdbSession,
): ClickhouseClient & { close(): void } {
  const dir = Deno.makeTempDirSync({ prefix: "sb_chdb_" });
  const session = new Session(dir);
  // Test tables are tiny: one thread, and no JIT compiling of expressions, which would
  // cost more than the query.
  session.query(
    "SET max_threads = 1, compile_expressions = 0, compile_aggregate_expressions = 0, compile_sort_description = 0",
  );
  return {
    label: "chdb",
    query(sql, data) {
      try {
        const rows = data === undefined || typeof data === "string" ? data : [...data].join("");
        return Promise.resolve(session.query(rows === undefined ? sql : `${sql}\n${rows}`, "TSV"));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    close() {
      session.cleanup();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/** A client of a server's HTTP port. */
export function httpClient(port: number, label = `127.0.0.1:${port}`): ClickhouseClient {
  return {
    label,
    async query(sql, data) {
      let res: Response;
      if (data === undefined || typeof data === "string") {
        const body = data === undefined ? sql : `${sql}\n${data}`;
        res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body });
      } else {
        // The query in the address, the rows streamed as the body: no whole-table text.
        const encoder = new TextEncoder();
        const pieces = data[Symbol.iterator]();
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            const next = pieces.next();
            if (next.done) controller.close();
            else controller.enqueue(encoder.encode(next.value));
          },
        });
        const params = new URLSearchParams({ query: sql });
        res = await fetch(`http://127.0.0.1:${port}/?${params}`, { method: "POST", body });
      }
      const text = await res.text();
      if (!res.ok) throw new Error(`ClickHouse at ${label}: ${text.slice(0, 2000)}`);
      return text;
    },
  };
}

/** CPU seconds used so far by the processes `pids` (user + system), from /proc. */
export function processCpu(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
    total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

export interface Servers {
  ports: number[];
  /** Process ids of the servers (to read their CPU time). */
  pids: number[];
  clients: ClickhouseClient[];
  stop(): Promise<void>;
}

/**
 * Starts `count` clickhouse-servers on loopback, each with its own ports and temporary
 * folder, all knowing cluster `sb` with one shard per server. `null` with the reason when
 * the binary is absent.
 */
export async function startServers(
  count: number,
  { basePort = 19100, maxThreads = 1, maxMemory = 4_000_000_000 }: {
    basePort?: number;
    maxThreads?: number;
    /** Bytes one query may use. */
    maxMemory?: number;
  } = {},
): Promise<Servers | { why: string }> {
  try {
    Deno.statSync(SERVER_BINARY);
  } catch {
    return {
      why: `${SERVER_BINARY} is absent: install Debian's clickhouse-server (.ci/run does)`,
    };
  }
  const ports = Array.from({ length: count }, (_, i) => basePort + i * 10);
  const shards = ports.map((p) =>
    `<shard><replica><host>127.0.0.1</host><port>${p + 1}</port></replica></shard>`
  ).join("");
  const dirs: string[] = [];
  const children: Deno.ChildProcess[] = [];
  for (const port of ports) {
    const dir = await Deno.makeTempDir({ prefix: "sb_clickhouse_" });
    dirs.push(dir);
    await Deno.writeTextFile(
      `${dir}/users.xml`,
      `<?xml version="1.0"?><yandex><profiles><default><max_threads>${maxThreads}</max_threads>` +
        `<max_memory_usage>${maxMemory}</max_memory_usage>` +
        // 18.16 reads no SETTINGS clause: inserts through a Distributed table land before
        // the INSERT returns, and an IN over a Distributed table inside a distributed read
        // runs on the initiator (GLOBAL IN).
        `<insert_distributed_sync>1</insert_distributed_sync>` +
        `<distributed_product_mode>global</distributed_product_mode></default></profiles>` +
        `<users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>` +
        `<profile>default</profile><quota>default</quota></default></users>` +
        `<quotas><default></default></quotas></yandex>`,
    );
    await Deno.writeTextFile(
      `${dir}/config.xml`,
      `<?xml version="1.0"?><yandex>` +
        `<logger><level>error</level><log>${dir}/log.txt</log><errorlog>${dir}/err.txt</errorlog></logger>` +
        `<http_port>${port}</http_port><tcp_port>${port + 1}</tcp_port>` +
        `<interserver_http_port>${port + 2}</interserver_http_port>` +
        `<listen_host>127.0.0.1</listen_host><path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path>` +
        `<user_files_path>${dir}/user_files/</user_files_path>` +
        `<format_schema_path>${dir}/format_schemas/</format_schema_path>` +
        `<users_config>${dir}/users.xml</users_config><default_profile>default</default_profile>` +
        `<default_database>default</default_database><timezone>UTC</timezone>` +
        `<mark_cache_size>268435456</mark_cache_size>` +
        `<remote_servers><sb>${shards}</sb></remote_servers></yandex>`,
    );
    children.push(
      new Deno.Command(SERVER_BINARY, {
        args: [`--config-file=${dir}/config.xml`],
        stdout: "null",
        stderr: "null",
        stdin: "null",
      }).spawn(),
    );
  }
  const clients = ports.map((p) => httpClient(p));
  const stop = async () => {
    for (const c of children) {
      try {
        c.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    await Promise.all(children.map((c) => c.status));
    for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  };
  // Ready when each answers; a server takes a few seconds to start.
  for (const client of clients) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await client.query("SELECT 1");
        break;
      } catch (err) {
        if (Date.now() > deadline) {
          await stop();
          return { why: `clickhouse-server did not start: ${(err as Error).message}` };
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  return { ports, pids: children.map((c) => c.pid), clients, stop };
}

type Row = Record<string, unknown>;

function typeOf(v: unknown): ColumnType | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return "DOUBLE";
  if (typeof v === "boolean") return "BOOLEAN";
  if (Array.isArray(v)) return "VARCHAR[]";
  return "VARCHAR";
}

/** Column types of rows as the DuckDB loader infers them (the first non-null value's). */
export function inferColumns(rows: Row[]): Record<string, ColumnType> {
  const out: Record<string, ColumnType | null> = { contact_id: "VARCHAR" };
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) if (out[k] == null) out[k] = typeOf(v);
  }
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t ?? "VARCHAR"]));
}

const TSV_SPECIAL = /[\\\t\n\r]/;

function tsvValue(v: unknown, type: ColumnType): string {
  if (typeof v === "string" && !TSV_SPECIAL.test(v)) return v;
  if (v === null || v === undefined) return type === "VARCHAR[]" ? "[]" : "\\N";
  if (type === "VARCHAR[]") {
    const items = (v as string[]).map((s) =>
      `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`
    );
    return `[${items.join(",")}]`;
  }
  if (typeof v === "number") return Number.isNaN(v) ? "nan" : String(v);
  if (typeof v === "boolean") return v ? "1" : "0";
  return String(v).replace(
    /[\\\t\n\r]/g,
    (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!,
  );
}

/** Rows as TabSeparated text in the column order given. */
export function toTsv(
  rows: Row[],
  columns: Record<string, ColumnType>,
  extra?: (i: number) => Row,
): string {
  const names = Object.keys(columns);
  return rows.map((r, i) => {
    const row = extra ? { ...r, ...extra(i) } : r;
    return names.map((n) => tsvValue(row[n], columns[n])).join("\t");
  }).join("\n") + "\n";
}

/**
 * Columns (as the bench generator makes them) as TabSeparated text, `rows` lines a piece,
 * in the order of `types`; a column missing from `columns` is NULL.
 */
export function* columnsTsv(
  columns: Record<string, { values: ArrayLike<unknown> }>,
  types: Record<string, ColumnType>,
  rows = 100_000,
): Generator<string> {
  const names = Object.keys(types);
  const cols = names.map((n) => columns[n]?.values);
  const n = Object.values(columns)[0]?.values.length ?? 0;
  const last = names.length - 1;
  for (let start = 0; start < n; start += rows) {
    // Pieces joined once: much faster than growing a string cell by cell.
    const parts: string[] = [];
    for (let i = start; i < Math.min(n, start + rows); i++) {
      for (let k = 0; k <= last; k++) {
        const v = cols[k]?.[i];
        parts.push(
          typeof v === "string" && !TSV_SPECIAL.test(v)
            ? v
            : tsvValue(typeof v === "number" && Number.isNaN(v) ? null : v, types[names[k]]),
          k === last ? "\n" : "\t",
        );
      }
    }
    yield parts.join("");
  }
}

export interface LoadOptions {
  /** Cluster name: tables made as `_local` on every client plus Distributed ones. */
  cluster?: string;
}

/**
 * Creates the events, contacts and verification tables of `tables` (replacing earlier ones)
 * and loads the rows; returns the column types to compile with.
 */
export async function loadTables(
  clients: ClickhouseClient[],
  tables: Tables,
  { cluster }: LoadOptions = {},
): Promise<
  {
    events: Record<string, ColumnType>;
    contacts?: Record<string, ColumnType>;
    verification?: Record<string, ColumnType>;
  }
> {
  const events = inferColumns(tables.events as unknown as Row[]);
  events.ts = "DOUBLE";
  events.type = "VARCHAR";
  events.seq = "BIGINT";
  const contacts = tables.contacts ? inferColumns(tables.contacts as unknown as Row[]) : undefined;
  const verification = tables.verification
    ? { contact_id: "VARCHAR", phone: "VARCHAR", email: "VARCHAR" } as Record<string, ColumnType>
    : undefined;
  const columns = { events, contacts, verification };
  const drops = ["events", "contacts", "verification"].flatMap((t) => [
    `DROP TABLE IF EXISTS ${t}`,
    `DROP TABLE IF EXISTS ${t}_local`,
  ]);
  const creates = clickhouseSchema(columns, { cluster });
  for (const client of clients) {
    for (const s of drops) await client.query(s);
    for (const s of creates) await client.query(s);
  }
  // Through the Distributed tables of the first server when there is a cluster.
  const into = clients[0];
  const insert = async (
    name: string,
    rows: Row[],
    cols: Record<string, ColumnType>,
    extra?: (i: number) => Row,
  ) => {
    if (rows.length === 0) return;
    await into.query(
      `INSERT INTO ${name} FORMAT TabSeparated`,
      toTsv(rows, cols, extra),
    );
  };
  await insert("events", tables.events as unknown as Row[], events, (i) => ({ seq: i }));
  if (contacts) await insert("contacts", tables.contacts as unknown as Row[], contacts);
  if (verification) {
    await insert("verification", tables.verification as unknown as Row[], verification);
  }
  return columns;
}

/** A table as columns (the bench generator's), with the types to create it with. */
export interface ColumnTable {
  columns: Record<string, { values: ArrayLike<unknown> }>;
  types: Record<string, ColumnType>;
}

/**
 * Creates the events, contacts and verification tables (replacing earlier ones) on every
 * client and loads each with one streamed INSERT into the first client, through the
 * Distributed tables when there is a cluster; returns the seconds each load took.
 */
export async function loadColumns(
  clients: ClickhouseClient[],
  tables: Partial<Record<"events" | "contacts" | "verification", ColumnTable>>,
  { cluster }: LoadOptions = {},
): Promise<Record<string, number>> {
  const creates = clickhouseSchema(
    Object.fromEntries(Object.entries(tables).map(([k, t]) => [k, t.types])),
    { cluster },
  );
  for (const client of clients) {
    for (const t of ["events", "contacts", "verification"]) {
      await client.query(`DROP TABLE IF EXISTS ${t}`);
      await client.query(`DROP TABLE IF EXISTS ${t}_local`);
    }
    for (const s of creates) await client.query(s);
  }
  const seconds: Record<string, number> = {};
  for (const [name, t] of Object.entries(tables)) {
    const started = performance.now();
    await clients[0].query(
      `INSERT INTO ${name} (${Object.keys(t.types).join(", ")}) FORMAT TabSeparated`,
      columnsTsv(t.columns, t.types),
    );
    seconds[name] = (performance.now() - started) / 1000;
  }
  return seconds;
}

/** Parses the compiled query's TSV output (`scopes` a tuple of two arrays). */
export function parseScoreRows(text: string): SqlRow[] {
  const unescape = (s: string) =>
    s.replace(
      /\\(.)/g,
      (_, c) => ({ t: "\t", n: "\n", r: "\r", "0": "\0" } as Record<string, string>)[c] ?? c,
    );
  return text.split("\n").filter((l) => l !== "").map((line) => {
    const [asOf, id, score, tier, matched, verified, reasons, scopes] = line.split("\t");
    // `(['stage:won','tag:a'],[12.5,3])`: quoted names hold no `'` or `,` from the config here.
    const m = /^\(\[(.*)\],\[(.*)\]\)$/.exec(scopes);
    if (!m) throw new Error(`Cannot read scopes "${scopes}"`);
    const names = m[1] === ""
      ? []
      : [...m[1].matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((x) => unescape(x[1]));
    const sums = m[2] === "" ? [] : m[2].split(",").map(Number);
    return {
      as_of: asOf,
      contact_id: unescape(id),
      score: Number(score),
      tier,
      matched_events: Number(matched),
      verified: verified === "1",
      reasons: unescape(reasons),
      scopes: Object.fromEntries(names.map((n, i) => [n, sums[i]])),
    };
  });
}

/** Loads `tables` into ClickHouse and runs the compiled query there. */
export async function clickhouseScores(
  client: ClickhouseClient,
  config: ScoringConfig,
  tables: Tables,
  asOf: number[],
  options: CompileToSqlOptions & {
    loadInto?: ClickhouseClient[];
    cluster?: string;
    settings?: string;
  } = {},
): Promise<{ rows: SqlRow[]; sql: string }> {
  const { loadInto = [client], cluster, settings = "", ...compile } = options;
  const columns = await loadTables(loadInto, tables, { cluster });
  const sql = compileToSql(config, {
    dialect: "clickhouse",
    asOf,
    tables: {
      contacts: columns.contacts ? "contacts" : null,
      verification: columns.verification ? "verification" : null,
    },
    columns,
    ...compile,
  });
  const text = await client.query(`${sql}${settings}\nFORMAT TabSeparated`);
  return { rows: parseScoreRows(text), sql };
}
