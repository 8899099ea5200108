/**
 * `score` on native DuckDB: the compiled SQL's scores.csv agrees with the engine's on the
 * sample data, Parquet input scores as its CSV does, and rejected rows reach --rejects
 * with the path each file took on stderr.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { runCli, tempDirWith } from "../_cli.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SAMPLE = `${ROOT}data/sample/`;
const STARTER = `${ROOT}data/configs/starter.json`;

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
}

/** Differences between two scores.csv texts: numbers to 1e-9 relative, the rest exact. */
function csvDifferences(a: string, b: string): string[] {
  const la = a.trimEnd().split("\n"), lb = b.trimEnd().split("\n");
  const out: string[] = [];
  if (la[0] !== lb[0]) out.push(`header: ${la[0]} | ${lb[0]}`);
  if (la.length !== lb.length) out.push(`lines: ${la.length} vs ${lb.length}`);
  for (let i = 1; i < Math.min(la.length, lb.length); i++) {
    if (la[i] === lb[i]) continue;
    // Fields are split on commas outside the reasons (which the sample never quotes).
    const fa = la[i].split(","), fb = lb[i].split(",");
    const same = fa.length === fb.length && fa.every((x, k) => {
      if (x === fb[k]) return true;
      if (k === 6) {
        const ra = x.split(";"), rb = fb[k].split(";");
        return ra.length === rb.length && ra.every((r, j) => {
          const [ia, pa] = r.split(":"), [ib, pb] = rb[j].split(":");
          return ia === ib && close(Number(pa), Number(pb));
        });
      }
      return x !== "" && fb[k] !== "" && close(Number(x), Number(fb[k]));
    });
    if (!same) out.push(`line ${i + 1}: ${la[i]} | ${lb[i]}`);
  }
  return out;
}

const SCORE_ARGS = [
  "--config",
  STARTER,
  "--contacts",
  `${SAMPLE}contacts.csv`,
  "--verification",
  `${SAMPLE}verification.csv`,
  "--as-of",
  "2024-06-01",
  "--as-of",
  "2024-09-01",
  "--as-of",
  "2024-12-01",
];

Deno.test("score --scorer sql agrees with the engine on the sample data, --scorer engine on DuckDB equals it byte for byte", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sql = await runCli([
      "score",
      ...SCORE_ARGS,
      "--events",
      `${SAMPLE}events.csv`,
      "--out",
      `${dir}/sql.csv`,
      "--triggers",
      `${dir}/sql_triggers.csv`,
    ]);
    assert.equal(sql.code, 0, sql.stderr);
    assert.match(
      sql.stderr,
      /events\.csv: events 197403 read, 197403 loaded, 0 rejected.*; read by DuckDB\n/,
    );
    assert.match(sql.stderr, /contacts\.csv: .*; read by the built-in loader: /);
    assert.match(sql.stdout, /compiled SQL in DuckDB/);
    const engine = await runCli([
      "score",
      ...SCORE_ARGS,
      "--events",
      `${SAMPLE}events.csv`,
      "--out",
      `${dir}/engine.csv`,
      "--triggers",
      `${dir}/engine_triggers.csv`,
      "--reader",
      "loader",
    ]);
    assert.equal(engine.code, 0, engine.stderr);
    const a = await Deno.readTextFile(`${dir}/sql.csv`);
    const b = await Deno.readTextFile(`${dir}/engine.csv`);
    assert.equal(a.split("\n").length, 15002); // header, 3 x 5000 rows, final line break
    assert.deepEqual(csvDifferences(a, b), []);
    assert.equal(
      await Deno.readTextFile(`${dir}/sql_triggers.csv`),
      await Deno.readTextFile(`${dir}/engine_triggers.csv`),
    );
    // The engine fed from DuckDB's reading writes the very bytes of the loader's.
    const fed = await runCli([
      "score",
      ...SCORE_ARGS,
      "--events",
      `${SAMPLE}events.csv`,
      "--out",
      `${dir}/fed.csv`,
      "--scorer",
      "engine",
    ]);
    assert.equal(fed.code, 0, fed.stderr);
    assert.match(fed.stderr, /events\.csv: .*; read by DuckDB/);
    assert.equal(await Deno.readTextFile(`${dir}/fed.csv`), b);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("score reads Parquet events and scores them as their CSV", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    await conn.run(
      `COPY (SELECT * FROM read_csv('${SAMPLE}events.csv', all_varchar = true)) TO '${dir}/events.parquet' (FORMAT parquet)`,
    );
    conn.closeSync();
    instance.closeSync();
    for (const [name, file] of [["csv", "events.csv"], ["parquet", "events.parquet"]]) {
      const r = await runCli([
        "score",
        ...SCORE_ARGS,
        "--events",
        name === "csv" ? `${SAMPLE}${file}` : `${dir}/${file}`,
        "--out",
        `${dir}/${name}.csv`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      if (name === "parquet") {
        assert.match(r.stderr, /events\.parquet: .*read by DuckDB, rows checked/);
      }
    }
    assert.equal(
      await Deno.readTextFile(`${dir}/parquet.csv`),
      await Deno.readTextFile(`${dir}/csv.csv`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("score --rejects lists rows DuckDB refused with file, row, column and reason", async () => {
  const dir = await tempDirWith({
    "config.json": JSON.stringify({
      format: "scorebench.config/v1",
      window: { lookbackDays: 30 },
      rules: [{ id: "visit", on: "visit", points: 5 }],
      tiers: { high: 20, medium: 10 },
    }),
    "events.csv": [
      "contact_id,ts,type,value",
      "1,2024-03-30T10:00:00Z,visit,1",
      "2,2024-02-30,visit,2",
      "3,2024-03-30T10:00:00Z,visit,abc",
      ",2024-03-30T10:00:00Z,visit,4",
      "5,2024-03-30T10:00:00+03:00,visit,5",
    ].join("\n") + "\n",
  });
  try {
    const r = await runCli([
      "score",
      "--config",
      `${dir}/config.json`,
      "--events",
      `${dir}/events.csv`,
      "--as-of",
      "2024-03-31",
      "--out",
      `${dir}/scores.csv`,
      "--rejects",
      `${dir}/rejects.csv`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /events 5 read, 2 loaded, 3 rejected.*; read by DuckDB/);
    const rejects = (await Deno.readTextFile(`${dir}/rejects.csv`)).trim().split("\n");
    assert.equal(rejects[0], "file,row,column,value,reason");
    assert.deepEqual(rejects.slice(1).map((l) => l.split(",").slice(1, 3)), [
      ["3", "ts"],
      ["4", "value"],
      ["5", "contact_id"],
    ]);
    assert.match(rejects[1], /Timestamp ""2024-02-30"" has day 30/);
    assert.equal(
      await Deno.readTextFile(`${dir}/scores.csv`),
      [
        "as_of,contact_id,score,tier,matched_events,verified,reasons",
        "2024-03-31T00:00:00Z,1,5,low,1,false,visit:+5",
        "2024-03-31T00:00:00Z,5,5,low,1,false,visit:+5",
        "",
      ].join("\n"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("score under a small --memory-limit writes the same scores; too small a limit says so", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const args = [
      "score",
      "--config",
      STARTER,
      "--events",
      `${SAMPLE}events.csv`,
      "--as-of",
      "2024-06-01",
      "--as-of",
      "2024-12-01",
    ];
    const plain = await runCli([...args, "--out", `${dir}/plain.csv`]);
    assert.equal(plain.code, 0, plain.stderr);
    const small = await runCli([
      ...args,
      "--out",
      `${dir}/small.csv`,
      "--memory-limit",
      "64MB",
      "--temp-dir",
      `${dir}/spill`,
    ]);
    assert.equal(small.code, 0, small.stderr);
    assert.equal(
      await Deno.readTextFile(`${dir}/small.csv`),
      await Deno.readTextFile(`${dir}/plain.csv`),
    );
    const tiny = await runCli([...args, "--out", `${dir}/tiny.csv`, "--memory-limit", "16MB"]);
    assert.equal(tiny.code, 2);
    assert.match(
      tiny.stderr,
      /DuckDB ran out of memory reading ".*events\.csv" with --memory-limit 16MB/,
    );
    await assert.rejects(Deno.stat(`${dir}/tiny.csv`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
