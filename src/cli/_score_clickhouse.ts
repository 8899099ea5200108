/**
 * `score --engine clickhouse`: scores on a running ClickHouse server through its HTTP port.
 * The tables are those already in `--database`, or, when files are given, the files loaded
 * by the project's loaders into a fresh database (dropped afterwards). The result streams
 * from the server into one temporary file per instant (collecting the scope names), then
 * into `scores.csv`; the trigger firings come from merging consecutive instants' files,
 * which are in contact order. No row, and nothing per contact, is held in memory.
 */
import type { ScoringConfig } from "../config/types.ts";
import { formatNumber } from "../engine/format_number.ts";
import { clickhouseSchema, type TableKind } from "../sql/clickhouse_schema.ts";
import type { ColumnType } from "../sql/column_type.ts";
import { CANONICAL_COLUMNS, compileToSql } from "../sql/compile_to_sql.ts";
import type { ParsedFlags } from "./_args.ts";
import { UsageError } from "./_args.ts";
import { withOutputs } from "./_io.ts";
import { loadFromFlags, rejectsFile } from "./_load_flags.ts";
import { formatInstant, textField } from "../engine/format_scores_csv.ts";
import { checkInstants, tierCode, TIERS } from "../tables/mod.ts";
import type { TierOrUnscored } from "../config/types.ts";

const HEADER = ["as_of", "contact_id", "score", "tier", "matched_events", "verified", "reasons"];

/**
 * ClickHouse over HTTP: a query, optionally with a body of data (a file's stream), in
 * database `database` unless `null`.
 */
function server(url: string) {
  const base = url.endsWith("/") ? url : `${url}/`;
  return async (
    query: string,
    { body, database }: { body?: ReadableStream<Uint8Array>; database?: string | null } = {},
  ): Promise<Response> => {
    const params = new URLSearchParams();
    if (database) params.set("database", database);
    let res: Response;
    try {
      if (body === undefined) {
        res = await fetch(`${base}?${params}`, { method: "POST", body: query });
      } else {
        params.set("query", query);
        res = await fetch(`${base}?${params}`, { method: "POST", body });
      }
    } catch (err) {
      throw new UsageError(`--url "${url}": cannot reach ClickHouse (${(err as Error).message})`);
    }
    if (!res.ok) {
      throw new Error(`ClickHouse at ${url} refused a query: ${(await res.text()).slice(0, 1000)}`);
    }
    return res;
  };
}

function tsvCell(v: unknown): string {
  if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) return "\\N";
  if (Array.isArray(v)) {
    return `[${
      v.map((s) => `'${String(s).replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`).join(",")
    }]`;
  }
  if (typeof v === "boolean") return v ? "1" : "0";
  return String(v).replace(
    /[\\\t\n\r]/g,
    (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!,
  );
}

/** Column types of a loaded table: the canonical ones, extra columns by their first value. */
function typesOf(kind: TableKind, first: Record<string, unknown>): Record<string, ColumnType> {
  const out: Record<string, ColumnType> = {};
  const canonical = CANONICAL_COLUMNS[kind as "events"] as Record<string, ColumnType>;
  for (const [name, v] of Object.entries(first)) {
    if (name === "seq") continue;
    const known = canonical[name];
    out[name] = name === "ts" || name === "created_at"
      ? "DOUBLE"
      : known ?? (typeof v === "number" ? "DOUBLE" : Array.isArray(v) ? "VARCHAR[]" : "VARCHAR");
  }
  for (const required of ["contact_id", ...(kind === "events" ? ["ts", "type"] : [])]) {
    out[required] ??= required === "ts" ? "DOUBLE" : "VARCHAR";
  }
  return out;
}

/** Writes rows as TabSeparated lines into a temporary file, one synchronous write a batch. */
class TsvSpool {
  readonly path = Deno.makeTempFileSync({ prefix: "sb_ch_", suffix: ".tsv" });
  #file = Deno.openSync(this.path, { write: true, truncate: true });
  #text = "";
  #encoder = new TextEncoder();
  columns: string[] | null = null;
  first: Record<string, unknown> | null = null;
  count = 0;
  #lists = new Set<string>();
  constructor(readonly kind: TableKind) {}
  add(row: Record<string, unknown>) {
    if (this.columns === null) {
      this.first = row;
      this.columns = Object.keys(row).filter((k) => k !== "seq");
      const types = typesOf(this.kind, row);
      for (const c of this.columns) if (types[c] === "VARCHAR[]") this.#lists.add(c);
    }
    this.#text +=
      this.columns.map((c) => row[c] == null && this.#lists.has(c) ? "[]" : tsvCell(row[c])).join(
        "\t",
      ) + `\t${this.count++}\n`;
    if (this.#text.length > 1 << 20) this.flush();
  }
  flush() {
    const bytes = this.#encoder.encode(this.#text);
    for (let o = 0; o < bytes.length;) o += this.#file.writeSync(bytes.subarray(o));
    this.#text = "";
  }
  close() {
    this.flush();
    this.#file.close();
  }
}

function parseLine(line: string) {
  const unescape = (s: string) =>
    s.replace(
      /\\(.)/g,
      (_, c) => ({ t: "\t", n: "\n", r: "\r", "0": "\0" } as Record<string, string>)[c] ?? c,
    );
  const [asOf, id, score, tier, matched, verified, reasons, scopes] = line.split("\t");
  const m = /^\(\[(.*)\],\[(.*)\]\)$/.exec(scopes);
  if (!m) throw new Error(`Cannot read the scopes "${scopes}" that ClickHouse returned`);
  const names = m[1] === ""
    ? []
    : [...m[1].matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((x) => unescape(x[1]));
  const sums = m[2] === "" ? [] : m[2].split(",").map(Number);
  return {
    asOf,
    id: unescape(id),
    score: Number(score),
    tier,
    matched,
    verified: verified === "1",
    reasons: unescape(reasons),
    scopes: new Map(names.map((n, i) => [n, sums[i]])),
  };
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    const parts = (rest + text).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest !== "") yield rest;
}

/** Lines of a file, read in pieces (for the second pass over the spooled result). */
function* fileLines(path: string): Generator<string> {
  using file = Deno.openSync(path);
  const decoder = new TextDecoder();
  const buf = new Uint8Array(1 << 20);
  let rest = "";
  for (;;) {
    const n = file.readSync(buf);
    if (n === null) break;
    const parts = (rest + decoder.decode(buf.subarray(0, n), { stream: true })).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest !== "") yield rest;
}

/** `scores.csv` from the spooled result: one column per scope, as the engine writes it. */
function* scoresCsv(
  spools: string[],
  scopes: string[],
  counted: { rows: number },
): Generator<string> {
  let text = [...HEADER, ...scopes].map((c) => textField(c)).join(",") + "\n";
  for (const spool of spools) {
    for (const line of fileLines(spool)) {
      if (line === "") continue;
      const r = parseLine(line);
      counted.rows++;
      text += `${r.asOf},${textField(r.id)},${
        formatNumber(r.score)
      },${r.tier},${r.matched},${r.verified},${textField(r.reasons)}${
        scopes.map((s) => `,${formatNumber(r.scopes.get(s) ?? 0)}`).join("")
      }\n`;
      if (text.length > 1 << 20) {
        yield text;
        text = "";
      }
    }
  }
  if (text !== "") yield text;
}

/**
 * Orders strings by code point, which is the byte order of their UTF-8 (ClickHouse's
 * `ORDER BY` on a `String`); plain `<` differs where a surrogate pair meets U+E000-U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800-U+DFFF) stand for code points above U+FFFF: move them past U+FFFF.
    if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
    return x - y;
  }
  return a.length - b.length;
}

/** (contact, tier rank) of a spooled instant's rows, in the file's (contact) order. */
function* tierRanks(spool: string | undefined): Generator<[string, number]> {
  if (spool === undefined) return;
  let last: string | null = null;
  for (const line of fileLines(spool)) {
    if (line === "") continue;
    const r = parseLine(line);
    if (last !== null && compareCodePoints(last, r.id) >= 0) {
      throw new Error(
        `ClickHouse returned contact "${r.id}" after "${last}" at ${r.asOf}: rows must come by contact`,
      );
    }
    last = r.id;
    const rank = TIERS.indexOf(r.tier as TierOrUnscored);
    if (rank < 0) throw new Error(`ClickHouse returned an unknown tier "${r.tier}"`);
    yield [r.id, rank];
  }
}

/**
 * `triggers.csv` from the instants' spooled rows: for each instant and each trigger, the
 * contacts whose tier reaches the trigger's tier from below (or from nowhere, at the first
 * instant or when absent before), found by merging this instant's rows with the previous
 * instant's, both in contact order, as the engine fires them. Returns the number of firings.
 */
async function writeTriggers(
  config: ScoringConfig,
  instants: number[],
  spools: (string | undefined)[],
  write: (text: string) => Promise<void>,
): Promise<number> {
  let text = "trigger_id,contact_id,as_of,from,to\n";
  let firings = 0;
  for (let k = 0; k < instants.length; k++) {
    const asOf = formatInstant(instants[k]);
    for (const trigger of config.triggers) {
      const reach = tierCode(trigger.reaches);
      const before = k === 0 ? tierRanks(undefined) : tierRanks(spools[k - 1]);
      let prev = before.next();
      for (const [id, now] of tierRanks(spools[k])) {
        while (!prev.done && compareCodePoints(prev.value[0], id) < 0) prev = before.next();
        const was = !prev.done && prev.value[0] === id ? prev.value[1] : -1;
        if (now >= reach && was < reach) {
          firings++;
          text += `${textField(trigger.id)},${textField(id)},${asOf},${was < 0 ? "" : TIERS[was]},${
            TIERS[now]
          }\n`;
          if (text.length > 1 << 20) {
            await write(text);
            text = "";
          }
        }
      }
      // Drains the previous instant's file to the end, which checks its order too.
      while (!prev.done) prev = before.next();
    }
  }
  await write(text);
  return firings;
}

/**
 * Scores on ClickHouse and writes `out` as the engine's `scores.csv` and, when
 * `triggersOut` is given, the engine's `triggers.csv` there (with `--rejects`, the load's
 * rejects), all together; returns the numbers of rows and firings.
 */
export async function scoreOnClickhouse(
  config: ScoringConfig,
  asOf: number[],
  out: string,
  triggersOut: string | null,
  flags: ParsedFlags,
): Promise<{ rows: number; triggers: number }> {
  const url = typeof flags.url === "string" ? flags.url : "http://127.0.0.1:8123";
  const query = server(url);
  const paths: Partial<Record<TableKind, string>> = {};
  for (const kind of ["events", "contacts", "verification"] as const) {
    if (typeof flags[kind] === "string") paths[kind] = flags[kind] as string;
  }
  const loading = Object.keys(paths).length > 0;
  const database = loading
    ? `scorebench_${crypto.randomUUID().replaceAll("-", "")}`
    : typeof flags.database === "string"
    ? flags.database
    : "default";
  const dbName = `\`${database.replaceAll("`", "\\`")}\``;
  const inDb = { database };
  const spooled: string[] = [];
  try {
    if (loading) {
      await query(`CREATE DATABASE ${dbName}`);
      for (const [kind, path] of Object.entries(paths) as [TableKind, string][]) {
        const spool = new TsvSpool(kind);
        spooled.push(spool.path);
        // Every table streams from its file into the spool: no row is kept.
        await loadFromFlags(kind, path, flags, {
          onRow: (r) => spool.add(r as unknown as Record<string, unknown>),
        });
        spool.close();
        if (spool.first === null) continue;
        const types = typesOf(kind, spool.first);
        const order = [...spool.columns!, "seq"];
        const columns = Object.fromEntries(
          order.map((c) => [c, c === "seq" ? "BIGINT" : types[c] ?? "VARCHAR"]),
        ) as Record<string, ColumnType>;
        for (const s of clickhouseSchema({ [kind]: columns })) await query(s, inDb);
        const file = await Deno.open(spool.path);
        await query(
          `INSERT INTO ${kind} (${order.map((c) => `\`${c}\``).join(", ")}) FORMAT TabSeparated`,
          { body: file.readable, ...inDb },
        );
      }
    }
    // The tables' columns as the server has them.
    const res = await query(
      `SELECT table, name, type FROM system.columns WHERE database = '${
        database.replaceAll("'", "\\'")
      }' AND table IN ('events', 'contacts', 'verification') FORMAT TabSeparated`,
    );
    const found: Record<string, Record<string, ColumnType>> = {};
    for (const line of (await res.text()).split("\n")) {
      if (line === "") continue;
      const [table, name, raw] = line.split("\t");
      const type = raw.replace(/^Nullable\((.*)\)$/, "$1");
      (found[table] ??= {})[name] = /^(U?Int|Float|Decimal)/.test(type)
        ? "DOUBLE"
        : /^Array\(/.test(type)
        ? "VARCHAR[]"
        : /^DateTime/.test(type)
        ? "TIMESTAMP"
        : "VARCHAR";
    }
    if (config.rules.length > 0 && !found.events) {
      throw new UsageError(`ClickHouse at ${url} has no table ${database}.events`);
    }
    const sql = compileToSql(config, {
      dialect: "clickhouse",
      asOf,
      tables: {
        contacts: found.contacts ? "contacts" : null,
        verification: found.verification ? "verification" : null,
      },
      columns: {
        events: found.events,
        contacts: found.contacts,
        verification: found.verification,
      },
      orderColumn: found.events?.seq ? "seq" : null,
    });
    // First pass: the result streams into one temporary file per instant (rows come by
    // instant, then contact); the scope names are collected.
    const result = await query(`${sql}\nFORMAT TabSeparated`, inDb);
    const instants = checkInstants(asOf);
    const index = new Map(instants.map((t, k) => [formatInstant(t), k]));
    const spools: (string | undefined)[] = instants.map(() => undefined);
    const scopeNames = new Set<string>();
    {
      const encoder = new TextEncoder();
      let file: Deno.FsFile | null = null;
      let current = -1;
      let text = "";
      const flush = async () => {
        if (file === null || text === "") return;
        const bytes = encoder.encode(text);
        for (let o = 0; o < bytes.length;) o += await file.write(bytes.subarray(o));
        text = "";
      };
      try {
        for await (const line of lines(result.body!)) {
          if (line === "") continue;
          const r = parseLine(line);
          const k = index.get(r.asOf);
          if (k === undefined) {
            throw new Error(`ClickHouse returned an instant "${r.asOf}" that was not asked for`);
          }
          if (k !== current) {
            if (k < current || spools[k] !== undefined) {
              throw new Error(`ClickHouse returned instant ${r.asOf} out of order`);
            }
            await flush();
            file?.close();
            const path = await Deno.makeTempFile({ prefix: "sb_scores_", suffix: ".tsv" });
            spooled.push(path);
            spools[k] = path;
            file = await Deno.open(path, { write: true, truncate: true });
            current = k;
          }
          for (const name of r.scopes.keys()) scopeNames.add(name);
          text += line + "\n";
          if (text.length > 1 << 20) await flush();
        }
        await flush();
      } finally {
        file?.close();
      }
    }
    // Second pass: scores.csv with one column per scope, as the engine writes it, the
    // firings and the rejects, all appearing together or not at all.
    const scopes = [...scopeNames].sort();
    return await withOutputs(async (batch) => {
      const counted = { rows: 0 };
      await batch.add(out, scoresCsv(spools.filter((p) => p !== undefined), scopes, counted));
      const triggers = triggersOut === null
        ? 0
        : await batch.addWith(triggersOut, (write) =>
          writeTriggers(config, instants, spools, write));
      for (const f of rejectsFile(flags)) await batch.add(f.path, f.data);
      return { rows: counted.rows, triggers };
    });
  } finally {
    for (const p of spooled) await Deno.remove(p).catch(() => {});
    if (loading) await query(`DROP DATABASE IF EXISTS ${dbName}`).catch(() => {});
  }
}
