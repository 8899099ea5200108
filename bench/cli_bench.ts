/**
 * `cli score` on native DuckDB against the same scoring written by hand as SQL
 * (`_hand_sql.ts`) reading the same CSV in native DuckDB with one thread: generated events
 * (`--events N`, default 2,000,000; contacts one per ten events), the 20-rule config of
 * `sql_bench.ts`, one instant. Each side runs in its own process under `/usr/bin/time`,
 * `--repeat` times (default 2): min and median wall and CPU seconds, peak RSS. Also checks
 * that both wrote the same scores (to 1e-9).
 *
 * `deno task bench cli --events 10000000` for the size (705 MB of CSV). The generated
 * file is kept in `.cache/cli_bench/` and reused by later runs of the same size.
 */
import { parseArgs } from "node:util";
import { SPEC, STAGES, TYPES, URLS } from "./sql_bench.ts";
import { seededRng } from "../src/metrics/seeded_rng.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const { values } = parseArgs({
  args: Deno.args,
  options: {
    events: { type: "string", default: "2000000" },
    repeat: { type: "string", default: "2" },
    "memory-limit": { type: "string", default: "400MB" },
    keep: { type: "string" },
  },
});
const N = Number(values.events);
const REPEAT = Number(values.repeat);
import { DAY_MS as DAY } from "../src/tables/mod.ts";
const AS_OF = Date.UTC(2024, 2, 31);

/** Writes `n` events over `n / 10` contacts to `path`, 120 days before the instant. */
async function writeEvents(path: string, n: number): Promise<number> {
  const rnd = seededRng(7);
  const nContacts = Math.max(100, Math.round(n / 10));
  const cumulative: number[] = [];
  let acc = 0;
  for (const [, w] of TYPES) cumulative.push(acc += w);
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let text = "contact_id,ts,type,channel,url,email_id,source,phrase,tag,stage,value\n";
  for (let i = 0; i < n; i++) {
    const r = rnd() * acc;
    let k = 0;
    while (cumulative[k] < r) k++;
    const t = TYPES[k][0];
    const id = String(Math.floor(nContacts * rnd() ** 2)).padStart(8, "0");
    const ts = new Date(AS_OF - Math.floor(rnd() * 120 * DAY)).toISOString().replace(
      ".000Z",
      "Z",
    );
    const url = t === "page_view" ? URLS[Math.floor(rnd() * URLS.length)] : "";
    const email = t.startsWith("email") ? `offer-${1 + Math.floor(rnd() * 8)}` : "";
    const source = t === "form_submit" ? (rnd() < 0.3 ? "partner" : "site") : "";
    const phrase = t === "search"
      ? ["brand name", "cheap loan", "loan rates", "mortgage"][Math.floor(rnd() * 4)]
      : "";
    const tag = t === "chat" && rnd() < 0.7 ? "support" : "";
    const stage = rnd() < 0.1 ? STAGES[Math.floor(rnd() * STAGES.length)] : "";
    const channel = t === "purchase" ? (rnd() < 0.4 ? "offline" : "online") : "";
    const value = t === "call" || t === "webinar" ? String(Math.floor(rnd() * 900)) : "";
    text +=
      `${id},${ts},${t},${channel},${url},${email},${source},${phrase},${tag},${stage},${value}\n`;
    if (text.length > 1 << 20) {
      const b = enc.encode(text);
      for (let o = 0; o < b.length;) o += await file.write(b.subarray(o));
      text = "";
    }
  }
  const b = enc.encode(text);
  for (let o = 0; o < b.length;) o += await file.write(b.subarray(o));
  return nContacts;
}

interface Run {
  wall: number;
  cpu: number;
  rssMb: number;
}

/** Runs `deno run -A ...args` under GNU time; wall and CPU seconds, peak RSS. */
async function timed(args: string[]): Promise<Run> {
  const t0 = performance.now();
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-v", Deno.execPath(), "run", "-A", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wall = (performance.now() - t0) / 1000;
  const err = new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`${args.join(" ")} failed:\n${err}`);
  const num = (re: RegExp) => Number(re.exec(err)?.[1] ?? NaN);
  return {
    wall,
    cpu: num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/),
    rssMb: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
  };
}

function stats(runs: Run[]) {
  const sorted = (k: keyof Run) => runs.map((r) => r[k]).sort((a, b) => a - b);
  const med = (a: number[]) => a[Math.floor((a.length - 1) / 2)];
  return {
    wallMin: sorted("wall")[0],
    wallMed: med(sorted("wall")),
    cpuMin: sorted("cpu")[0],
    cpuMed: med(sorted("cpu")),
    rssMb: Math.max(...runs.map((r) => r.rssMb)),
  };
}

/** Largest relative score difference, and rows whose tier or matched count differ. */
async function compare(cliCsv: string, handCsv: string) {
  const read = async (p: string) => {
    const lines = (await Deno.readTextFile(p)).trimEnd().split("\n").slice(1);
    return new Map(lines.map((l) => {
      const f = l.split(",");
      return [f[1], { score: Number(f[2]), tier: f[3], matched: f[4] }] as const;
    }));
  };
  const a = await read(cliCsv), b = await read(handCsv);
  let worst = 0, other = 0;
  for (const [id, x] of a) {
    const y = b.get(id);
    if (!y || y.tier !== x.tier || y.matched !== x.matched) {
      other++;
      continue;
    }
    const d = Math.abs(x.score - y.score) / Math.max(1e-12, Math.abs(x.score), Math.abs(y.score));
    if (d > worst) worst = d;
  }
  return { rows: a.size, handRows: b.size, worst, other };
}

const dir = values.keep ?? await Deno.makeTempDir({ prefix: "scorebench-cli-bench-" });
await Deno.mkdir(dir, { recursive: true });
try {
  // The generated events are kept under .cache/ (git-ignored) for the next run.
  const cache = `${ROOT}.cache/cli_bench`;
  await Deno.mkdir(cache, { recursive: true });
  const events = values.keep === undefined ? `${cache}/events_${N}.csv` : `${dir}/events_${N}.csv`;
  let nContacts = Math.max(100, Math.round(N / 10));
  try {
    await Deno.stat(events);
  } catch {
    const t0 = performance.now();
    nContacts = await writeEvents(events, N);
    console.log(
      `generated ${N} events over ${nContacts} contacts in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s`,
    );
  }
  const size = (await Deno.stat(events)).size;
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(SPEC));
  console.log(
    `cli score vs hand-written SQL: ${N} events (${
      (size / 1e6).toFixed(0)
    } MB CSV), ${nContacts} contacts, 20 rules, 1 instant; native DuckDB 1 thread, memory limit ${
      values["memory-limit"]
    }; ${REPEAT} run(s) each`,
  );
  const cliRuns: Run[] = [], handRuns: Run[] = [];
  for (let k = 0; k < REPEAT; k++) {
    handRuns.push(await timed([`${ROOT}bench/_hand_sql.ts`, events, `${dir}/hand.csv`]));
    cliRuns.push(
      await timed([
        `${ROOT}src/cli/main.ts`,
        "score",
        "--config",
        `${dir}/config.json`,
        "--events",
        events,
        "--as-of",
        "2024-03-31",
        "--out",
        `${dir}/cli.csv`,
        "--memory-limit",
        values["memory-limit"]!,
        "--temp-dir",
        `${dir}/spill`,
      ]),
    );
  }
  const c = stats(cliRuns), h = stats(handRuns);
  const row = (name: string, s: ReturnType<typeof stats>) =>
    `${name.padEnd(18)} wall min ${s.wallMin.toFixed(1)} s, median ${
      s.wallMed.toFixed(1)
    } s; CPU min ${s.cpuMin.toFixed(1)} s, median ${s.cpuMed.toFixed(1)} s; peak RSS ${
      s.rssMb.toFixed(0)
    } MB`;
  console.log(row("hand-written SQL", h));
  console.log(row("cli score", c));
  console.log(
    `ratio cli/hand: CPU ${(c.cpuMin / h.cpuMin).toFixed(2)}x (min), ${
      (c.cpuMed / h.cpuMed).toFixed(2)
    }x (median); wall ${
      (c.wallMin / h.wallMin).toFixed(2)
    }x (min). Targets: <= 2x, peak <= 1024 MB`,
  );
  const cmp = await compare(`${dir}/cli.csv`, `${dir}/hand.csv`);
  console.log(
    `same scores: ${cmp.rows} rows (hand ${cmp.handRows}), largest relative score difference ${
      cmp.worst.toExponential(1)
    }, ${cmp.other} rows with another tier or match count`,
  );
} finally {
  if (values.keep === undefined) await Deno.remove(dir, { recursive: true });
}
