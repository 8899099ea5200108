/**
 * The scoring service (`cli serve`) measured on loopback.
 *
 *   deno task bench serve
 *   deno run -A bench/serve_bench.ts [--clients 1,10,100] [--seconds 5] [--batch 100]
 *     [--memory-contacts 1000000] [--log-events 10000000] [--only ingest,memory,restart]
 *
 * `SCOREBENCH_BENCH_QUICK=1` shrinks every part (2 s per level, 200k contacts, 1M-event log).
 *
 * 1. Ingestion over HTTP: `cli serve` in a subprocess, 1, 10 and 100 concurrent clients
 *    posting NDJSON batches for a fixed time each; events/s and request latency p50/p99.
 *    References in the same run: the engine alone (`add` in this process, on the same
 *    batches) and the disk's append+fdatasync rate, which bound what the service can do.
 * 2. Trigger delivery: a webhook receiver in this process; time from the request carrying
 *    the crossing event to the webhook's arrival, p50/p99.
 * 3. Memory per 1M contacts: the service fed in-process (3 events a contact), heap and RSS
 *    after a forced GC, against the bare incremental engine fed the same events.
 * 4. Restart: a log of N events (10M by default) over a year, written straight to a data
 *    folder in 64 MiB segments, then `cli serve` started on it, timed to "Listening": first
 *    replaying the whole log (it then saves the engine state), then from that saved state
 *    with every segment kept (`--retain-days all`), then with the default retention (the
 *    config's 90-day lookback: that start compacts the log), then once more on the compacted
 *    log. The reference is reading and parsing the log alone.
 */
import { parseArgs } from "node:util";
import { parseConfig } from "../src/config/mod.ts";
import type { EventRow } from "../src/data/types.ts";
import { createIncrementalScorer } from "../src/engine/create_incremental_scorer.ts";
import { seededRng } from "../src/metrics/seeded_rng.ts";
import { ScoringService } from "../src/serve/scoring_service.ts";
import { DAY_MS as DAY } from "../src/tables/mod.ts";
import { NdjsonAppender } from "../src/serve/ndjson_file.ts";
import { listSegments, logLines, segmentName } from "../src/serve/segmented_log.ts";
import { toConfigSpec } from "../src/config/serialize_config.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const quick = Deno.env.get("SCOREBENCH_BENCH_QUICK") === "1";
const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string" },
    seconds: { type: "string" },
    batch: { type: "string" },
    "memory-contacts": { type: "string" },
    "log-events": { type: "string" },
    part: { type: "string" },
    only: { type: "string" },
    mode: { type: "string" },
  },
});
const clientLevels = (values.clients ?? "1,10,100").split(",").map(Number);
const seconds = Number(values.seconds ?? (quick ? 2 : 5));
const batchSize = Number(values.batch ?? 100);
const memoryContacts = Number(values["memory-contacts"] ?? (quick ? 200_000 : 1_000_000));
const logEvents = Number(values["log-events"] ?? (quick ? 1_000_000 : 10_000_000));
const SECRET = "bench-secret";
const parts = new Set((values.only ?? "ingest,memory,restart").split(","));

const starter = JSON.parse(await Deno.readTextFile(`${ROOT}data/configs/starter.json`));
const TYPES = ["page_view", "page_view", "page_view", "email_open", "email_click", "form_submit"];
const PATHS = ["/", "/pricing", "/a/loan", "/b/card", "/blog/x", "/careers"];

/** `n` events of `contacts` contacts in time order over `span` ms ending at `end`. */
function makeEvents(seed: number, n: number, contacts: number, end: number, span: number) {
  const r = seededRng(seed);
  const out: EventRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const type = TYPES[Math.floor(r() * TYPES.length)];
    const path = PATHS[Math.floor(r() * PATHS.length)];
    const row: EventRow = {
      contact_id: `c${Math.floor(r() * contacts)}`,
      ts: Math.floor(end - span + (i / n) * span),
      type,
    };
    if (type === "page_view") {
      row.url = `https://shop.example${path}`;
      if (path.startsWith("/a/")) row.tag = "product-a";
    }
    out[i] = row;
  }
  return out;
}

function ndjson(rows: EventRow[]): string {
  return rows.map((r) => JSON.stringify({ ...r, ts: new Date(r.ts).toISOString() })).join("\n");
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function startServe(args: string[], env: Record<string, string> = {}) {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--max-old-space-size=8192",
      `${ROOT}src/cli/main.ts`,
      "serve",
      ...args,
    ],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let url = "";
  while (!url) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`serve exited: ${seen}${await new Response(child.stderr).text()}`);
    seen += value;
    url = /Listening on (http:\/\/\S+?)\/ /.exec(seen)?.[1] ?? "";
  }
  const startSeconds = (performance.now() - t0) / 1000;
  const drained = (async () => {
    while (!(await reader.read()).done) { /* keep the pipe flowing */ }
    await new Response(child.stderr).text();
  })();
  return {
    url,
    startSeconds,
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await drained;
    },
  };
}

/** Peak RSS of a pid from /proc (VmHWM), bytes. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return m ? Number(m[1]) * 1024 : NaN;
}

// ---- part 3 runs in its own process, so that heaps do not mix -------------------------
if (values.part === "memory") {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --v8-flags=--expose-gc");
  const { config } = parseConfig({ ...starter, triggers: [] });
  const events = makeEvents(3, memoryContacts * 3, memoryContacts, Date.now() - DAY, 300 * DAY);
  // Every contact gets at least one event: the first `memoryContacts` events name them in order.
  for (let i = 0; i < memoryContacts; i++) events[i].contact_id = `c${i}`;
  gc();
  const heap0 = Deno.memoryUsage().heapUsed;
  const rss0 = Deno.memoryUsage().rss;
  let keep: unknown;
  const dir = await Deno.makeTempDir();
  if (values.mode === "engine") {
    const s = createIncrementalScorer(config);
    for (const e of events) s.add(e);
    keep = s;
  } else {
    const s = await ScoringService.open({ dataDir: dir, config, onNotice: () => {} });
    for (let i = 0; i < events.length; i += 10_000) await s.ingestRows(events.slice(i, i + 10_000));
    keep = s;
  }
  events.length = 0;
  gc();
  const heap = Deno.memoryUsage().heapUsed - heap0;
  const rss = Deno.memoryUsage().rss - rss0;
  console.log(JSON.stringify({ heap, rss, alive: keep !== null }));
  await Deno.remove(dir, { recursive: true });
  Deno.exit(0);
}

console.log(
  `serve bench: ${seconds} s per level, batches of ${batchSize} events, clients ${
    clientLevels.join("/")
  }, memory at ${memoryContacts} contacts, restart with ${logEvents} logged events${
    quick ? " (quick)" : ""
  }`,
);

// ---- reference: the disk's fsync rate ------------------------------------------------
{
  const dir = await Deno.makeTempDir();
  const f = NdjsonAppender.open(`${dir}/x.ndjson`);
  const line = "x".repeat(batchSize * 110);
  let n = 0;
  const t1 = performance.now();
  while (performance.now() - t1 < 1000) {
    f.append([line]);
    await f.sync();
    n++;
  }
  f.close();
  const per = (performance.now() - t1) / n;
  console.log(
    `reference: append+fdatasync of a ${(line.length / 1024).toFixed(0)} KB line: ${
      (1000 / per).toFixed(0)
    }/s (${ms(per)} each)`,
  );
  await Deno.remove(dir, { recursive: true });
}

// ---- parts 1 and 2: ingestion and delivery over HTTP ------------------------------------
if (parts.has("ingest")) {
  const received: { seq: number; at: number }[] = [];
  const receiver = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const body = JSON.parse(await req.text());
      received.push({ seq: body.seq, at: performance.now() });
      return new Response(null, { status: 204 });
    },
  );
  const spec = {
    ...starter,
    triggers: [{
      id: "warm",
      reaches: "medium",
      action: { type: "webhook", url: `http://127.0.0.1:${receiver.addr.port}/hook` },
    }, { id: "call", reaches: "high", action: { type: "crm-task" } }],
  };
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(spec));
  const server = await startServe(
    [
      "--config",
      `${dir}/config.json`,
      "--data",
      `${dir}/data`,
      "--port",
      "0",
      "--max-events",
      String(batchSize),
    ],
    { SCOREBENCH_WEBHOOK_SECRET: SECRET },
  );
  // Sent ranges: [firstSeq, lastSeq, request start], to time each firing from its request.
  const sent: [number, number, number][] = [];
  let seed = 100;
  const end = Date.now() - DAY;
  for (const clients of clientLevels) {
    // Bodies made in advance, reused. Few enough contacts that many reach a trigger's tier.
    const contacts = 2_000 * clients;
    const batches = Array.from(
      { length: Math.max(30, 3 * clients) },
      () => makeEvents(seed++, batchSize, contacts, end, 60 * DAY),
    );
    const bodies = batches.map(ndjson);
    const lat: number[] = [];
    let events = 0;
    let errors = 0;
    let k = 0;
    const stopAt = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: clients }, async () => {
      while (performance.now() < stopAt) {
        const body = bodies[k++ % bodies.length];
        const t0 = performance.now();
        const res = await fetch(`${server.url}/events`, {
          method: "POST",
          body,
          headers: { "content-type": "application/x-ndjson" },
        });
        const answer = await res.json();
        const t1 = performance.now();
        if (res.status !== 200) {
          errors++;
          continue;
        }
        lat.push(t1 - t0);
        events += answer.accepted;
        sent.push([answer.first_seq, answer.last_seq, t0]);
      }
    }));
    // Reference: a fresh engine in this process fed the same batches in the same order.
    const { config } = parseConfig(spec);
    const alone = createIncrementalScorer(config);
    const t2 = performance.now();
    for (let i = 0; i < k; i++) for (const e of batches[i % batches.length]) alone.add(e);
    const aloneRate = (k * batchSize) / ((performance.now() - t2) / 1000);
    console.log(
      `ingest, ${String(clients).padStart(3)} client(s): ${
        (events / seconds / 1e3).toFixed(1)
      }k events/s, ${(lat.length / seconds).toFixed(0)} requests/s, latency p50 ${
        ms(quantile(lat, 0.5))
      } p99 ${ms(quantile(lat, 0.99))}${
        errors ? `, ${errors} errors` : ""
      }; engine alone on the same batches ${(aloneRate / 1e3).toFixed(0)}k events/s`,
    );
  }
  // Let the webhooks drain, then time each from the request that caused it.
  const t0 = performance.now();
  for (;;) {
    const h = await (await fetch(`${server.url}/health`)).json();
    if (h.deliveries.waiting === 0 || performance.now() - t0 > 30_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  sent.sort((a, b) => a[0] - b[0]);
  const delays = received.map(({ seq, at }) => {
    let lo = 0, hi = sent.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sent[mid][0] <= seq) lo = mid;
      else hi = mid - 1;
    }
    return at - sent[lo][2];
  });
  console.log(
    `trigger delivery: ${received.length} webhooks, request-to-webhook p50 ${
      ms(quantile(delays, 0.5))
    } p99 ${ms(quantile(delays, 0.99))}; serve peak RSS ${mb(peakRss(server.pid))}`,
  );
  // A config switch (PUT /config) while 10 clients keep posting: how long it takes, and the
  // request latency during it against the second before it.
  {
    const bodies = Array.from(
      { length: 30 },
      () => ndjson(makeEvents(seed++, batchSize, 20_000, end, 60 * DAY)),
    );
    const before: number[] = [];
    const during: number[] = [];
    let phase: "before" | "during" | "after" = "before";
    let k = 0;
    let errors = 0;
    let duringEvents = 0;
    const clients = Array.from({ length: 10 }, async () => {
      while (phase !== "after") {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/events`, {
          method: "POST",
          body: bodies[k++ % bodies.length],
        });
        const answer = await res.json();
        if (res.status !== 200) errors++;
        const t = performance.now() - t0;
        if (phase === "before") before.push(t);
        else if (phase === "during") during.push(t), duringEvents += answer.accepted ?? 0;
      }
    });
    await new Promise((r) => setTimeout(r, 1000));
    const logged = (await (await fetch(`${server.url}/health`)).json()).events;
    phase = "during";
    const t0 = performance.now();
    const res = await fetch(`${server.url}/config`, {
      method: "PUT",
      body: JSON.stringify({ ...spec, name: "Lower cuts", tiers: { high: 40, medium: 15 } }),
    });
    const answer = await res.json();
    const took = (performance.now() - t0) / 1000;
    phase = "after";
    await Promise.all(clients);
    console.log(
      `config switch with ${logged} events logged, 10 clients posting: PUT /config ${res.status} (version ${answer.version}) in ${
        took.toFixed(1)
      } s; during it ${during.length} requests (${
        (duringEvents / took / 1e3).toFixed(1)
      }k events/s) p50 ${ms(quantile(during, 0.5))} p99 ${ms(quantile(during, 0.99))} max ${
        ms(Math.max(...during))
      }; the second before: p50 ${ms(quantile(before, 0.5))} p99 ${ms(quantile(before, 0.99))}${
        errors ? `; ${errors} errors` : ""
      }`,
    );
  }
  await server.stop();
  await receiver.shutdown();
  await Deno.remove(dir, { recursive: true });
}

// ---- part 3: memory per 1M contacts ------------------------------------------------------
if (parts.has("memory")) {
  const run = async (mode: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--expose-gc,--max-old-space-size=8192",
        new URL(import.meta.url).pathname,
        "--part",
        "memory",
        "--mode",
        mode,
        "--memory-contacts",
        String(memoryContacts),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
  };
  const service = await run("service");
  const engine = await run("engine");
  const per = 1e6 / memoryContacts;
  console.log(
    `memory per 1M contacts (3 events each, ${memoryContacts} measured): service heap ${
      mb(service.heap * per)
    } (RSS +${mb(service.rss * per)}); engine alone heap ${mb(engine.heap * per)} (RSS +${
      mb(engine.rss * per)
    })`,
  );
}

// ---- part 4: restart with a long log -------------------------------------------------------
if (parts.has("restart")) {
  const dir = await Deno.makeTempDir();
  const data = `${dir}/data`;
  await Deno.mkdir(data);
  const { config } = parseConfig(starter);
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(starter));
  const SEGMENT = 64 * 1_048_576;
  let base = 0;
  let log = NdjsonAppender.open(`${data}/${segmentName(base)}`);
  log.append([
    JSON.stringify({
      t: "config",
      version: 1,
      seq: 0,
      at: new Date().toISOString(),
      config: toConfigSpec(config),
    }),
  ]);
  const contacts = Math.max(1000, Math.round(logEvents / 10));
  const chunk = 1_000_000;
  let seq = 1;
  const t0 = performance.now();
  const end = Date.now() - DAY;
  for (let i = 0; i < logEvents; i += chunk) {
    const n = Math.min(chunk, logEvents - i);
    // Each chunk covers its own stretch of the year, so the whole log is in time order.
    const span = 365 * DAY;
    const from = end - span + (i / logEvents) * span;
    const rows = makeEvents(
      7 + i,
      n,
      contacts,
      from + (n / logEvents) * span,
      (n / logEvents) * span,
    );
    const lines: string[] = [];
    for (let j = 0; j < rows.length; j += 1000) {
      const b = rows.slice(j, j + 1000);
      lines.push(JSON.stringify({ t: "events", seq, rows: b }));
      seq += b.length;
    }
    for (let j = 0; j < lines.length; j += 64) {
      log.append(lines.slice(j, j + 64));
      if (log.length >= SEGMENT) {
        await log.sync();
        log.close();
        base += log.length;
        log = NdjsonAppender.open(`${data}/${segmentName(base)}`);
      }
    }
  }
  await log.sync();
  const bytes = base + log.length;
  log.close();
  const logBytes = async () => {
    const segs = await listSegments(data);
    return `${segs.length} segments, ${mb(segs.reduce((a, x) => a + x.size, 0))}`;
  };
  console.log(
    `restart: wrote a log of ${logEvents} events over ${contacts} contacts (${mb(bytes)}) in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
  const t1 = performance.now();
  let parsed = 0;
  for (const { value } of logLines(await listSegments(data))) {
    parsed += (value as { rows?: unknown[] }).rows?.length ?? 0;
  }
  console.log(
    `reference: reading and parsing the log alone: ${
      ((performance.now() - t1) / 1000).toFixed(1)
    } s (${parsed} events)`,
  );
  for (
    const [label, retain] of [
      ["first start (no snapshot: the whole log replayed, then the engine state saved)", "all"],
      ["second start (saved engine state, every segment kept)", "all"],
      ["third start (saved engine state; default retention: this start compacts the log)", null],
      ["fourth start (on the compacted log)", null],
    ] as const
  ) {
    const before = await logBytes();
    const s = await startServe([
      "--config",
      `${dir}/config.json`,
      "--data",
      data,
      "--port",
      "0",
      ...(retain ? ["--retain-days", retain] : []),
    ]);
    const rss = peakRss(s.pid);
    await s.stop();
    console.log(
      `restart, ${label}: listening after ${s.startSeconds.toFixed(1)} s, peak RSS ${
        mb(rss)
      }; log before: ${before}, after: ${await logBytes()}`,
    );
    for await (const e of Deno.readDir(data)) {
      if (/^engine-state.*\.bin$/.test(e.name)) {
        console.log(`  ${e.name}: ${mb((await Deno.stat(`${data}/${e.name}`)).size)}`);
      }
    }
  }
  await Deno.remove(dir, { recursive: true });
}
