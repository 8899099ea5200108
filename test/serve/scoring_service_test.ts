import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/to_scoring_config.ts";
import type { ScoringConfig, ScoringConfigSpec } from "../../src/config/types.ts";
import { loadTable } from "../../src/data/load_table.ts";
import type { ContactRow, EventRow, VerificationRow } from "../../src/data/types.ts";
import { createIncrementalScorer } from "../../src/engine/create_incremental_scorer.ts";
import {
  createServeHandler,
  firingKey,
  ScoringService,
  type ScoringServiceOptions,
} from "../../src/serve/mod.ts";
import { readNdjsonFile } from "../../src/serve/ndjson_file.ts";
import { runCli } from "../_cli.ts";
import { call, parseScoresCsv, SAMPLE, STARTER, startReceiver } from "./_helpers.ts";

const starterSpec: ScoringConfigSpec = JSON.parse(await Deno.readTextFile(STARTER));
const contacts = (await loadTable("contacts", `${SAMPLE}/contacts.csv`)).rows;
const verification = (await loadTable("verification", `${SAMPLE}/verification.csv`)).rows;
const allEvents = (await loadTable("events", `${SAMPLE}/events.csv`)).rows;
const SECRET = "test-secret";

/** The starter config with verification demotion and an audience, so both are exercised. */
const SPEC: ScoringConfigSpec = {
  ...starterSpec,
  verification: { mode: "demote", factor: 0.5 },
  audience: { age: [18, 70] },
};

function ndjson(rows: EventRow[]): string {
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (v !== null && v !== undefined) o[k] = v;
    o.ts = new Date(r.ts).toISOString();
    return JSON.stringify(o);
  }).join("\n") + "\n";
}

async function withService(
  options: Partial<ScoringServiceOptions> & { config: ScoringConfig },
  fn: (s: ScoringService, dir: string) => Promise<void>,
  dir?: string,
): Promise<void> {
  const own = dir === undefined;
  const data = dir ?? await Deno.makeTempDir();
  const s = await ScoringService.open({ dataDir: data, onNotice: () => {}, ...options });
  try {
    await fn(s, data);
  } finally {
    await s.close();
    if (own) await Deno.remove(data, { recursive: true });
  }
}

async function post(
  handler: (req: Request) => Promise<Response>,
  rows: EventRow[],
  batch: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    const r = await call(handler, "POST", "/events", ndjson(rows.slice(i, i + batch)), {
      "content-type": "application/x-ndjson",
    });
    assertEquals(r.status, 200, r.text);
    assertEquals(r.body.rejected, []);
  }
}

Deno.test("ScoringService scores equal cli score at the same instant (1e-9), also after a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const events = allEvents.slice(0, 12_000);
    const asOf = "2024-10-15T12:00:00Z";
    await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(SPEC));
    const lines = (await Deno.readTextFile(`${SAMPLE}/events.csv`)).split("\n");
    await Deno.writeTextFile(`${dir}/events.csv`, lines.slice(0, 12_001).join("\n") + "\n");
    const cli = runCli([
      "score",
      "--config",
      `${dir}/config.json`,
      "--events",
      `${dir}/events.csv`,
      "--contacts",
      `${SAMPLE}/contacts.csv`,
      "--verification",
      `${SAMPLE}/verification.csv`,
      "--as-of",
      asOf,
      "--out",
      `${dir}/scores.csv`,
    ]);
    const config = toScoringConfig(SPEC);
    const options = { config, contacts, verification };
    const compare = async (handler: (req: Request) => Promise<Response>) => {
      const expected = parseScoresCsv(await Deno.readTextFile(`${dir}/scores.csv`));
      assert(expected.size > 1000, `${expected.size} rows`);
      let compared = 0;
      for (const c of contacts) {
        const r = await call(
          handler,
          "GET",
          `/contacts/${encodeURIComponent(c.contact_id)}?as_of=${asOf}`,
        );
        assertEquals(r.status, 200, r.text);
        const e = expected.get(c.contact_id);
        assertEquals(r.body.included, e !== undefined, c.contact_id);
        if (!e) continue;
        const tol = 1e-9 * Math.max(1, Math.abs(Number(e.score)));
        assert(
          Math.abs(r.body.score - Number(e.score)) <= tol,
          `${c.contact_id}: ${r.body.score} vs ${e.score}`,
        );
        assertEquals(r.body.tier, e.tier);
        assertEquals(String(r.body.matched_events), e.matched_events);
        assertEquals(String(r.body.verified), e.verified);
        // Reasons: the same rules in the same order, points equal to 1e-9 (cli score may sum
        // in DuckDB, in another order than the engine).
        const got = r.body.reasons as { rule_id: string; points: number }[];
        const want = (e.reasons ?? "").split(";").filter((x) => x !== "").map((x) => {
          const at = x.lastIndexOf(":");
          return { rule_id: x.slice(0, at), points: Number(x.slice(at + 1)) };
        });
        assertEquals(got.map((x) => x.rule_id), want.map((x) => x.rule_id), c.contact_id);
        got.forEach((x, k) =>
          assert(
            Math.abs(x.points - want[k].points) <= 1e-9 * Math.max(1, Math.abs(want[k].points)),
            `${c.contact_id} ${x.rule_id}: ${x.points} vs ${want[k].points}`,
          )
        );
        for (const [k, v] of Object.entries(e)) {
          if (!k.startsWith("tag:") && !k.startsWith("stage:")) continue;
          const got = r.body.scopes[k] ?? 0;
          assert(Math.abs(got - Number(v)) <= 1e-9 * Math.max(1, Math.abs(Number(v))), `${k}`);
        }
        compared++;
      }
      assertEquals(compared, expected.size);
    };
    const data = `${dir}/data`;
    await withService(options, async (s) => {
      const handler = createServeHandler(s);
      await post(handler, events, 2_000);
      assertEquals(s.eventCount, 12_000);
      const res = await cli;
      assertEquals(res.code, 0, res.stderr);
      await compare(handler);
    }, data);
    // A restart rebuilds the same state from the engine state saved at the stop.
    await withService(options, async (s) => {
      assertEquals(s.eventCount, 12_000);
      assertEquals([s.startup.fromEngineState, s.startup.replayed], [12_000, 0]);
      await compare(createServeHandler(s));
    }, data);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ScoringService refuses hostile requests with a clear 4xx and changes nothing", async () => {
  const config = toScoringConfig(starterSpec);
  await withService({ config, contacts }, async (s, dir) => {
    const handler = createServeHandler(s, { token: "t0k", maxBodyBytes: 20_000, maxEvents: 5 });
    const auth = { authorization: "Bearer t0k" };
    const logBefore = await Deno.readTextFile(`${dir}/events-0000000000000000.ndjson`);
    const good = {
      contact_id: contacts[0].contact_id,
      ts: "2024-05-01T10:00:00Z",
      type: "page_view",
    };
    const big = JSON.stringify(Array.from({ length: 400 }, () => good));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(" ".repeat(5_000)));
        c.close();
      },
    });
    const webhookConfig = {
      ...starterSpec,
      triggers: [{
        id: "t",
        reaches: "high",
        action: { type: "webhook", url: "http://127.0.0.1:1/" },
      }],
    };
    const cases: [
      string,
      string,
      string | undefined,
      Record<string, string>,
      number,
      string,
    ][] = [
      ["POST", "/events", JSON.stringify([good]), {}, 401, "bearer token"],
      [
        "POST",
        "/events",
        JSON.stringify([good]),
        { authorization: "Bearer wrong" },
        401,
        "bearer token",
      ],
      ["GET", "/metrics", undefined, {}, 401, "bearer token"],
      ["POST", "/events", '[{"contact_id": "1",', auth, 400, "JSON"],
      ["POST", "/events", "hello", auth, 400, "JSON array"],
      ["POST", "/events", "", auth, 400, "empty"],
      ["POST", "/events", "[]", auth, 400, "no row objects"],
      ["POST", "/events", '[{"foo": 1}]', auth, 400, "contact_id"],
      ["POST", "/events", JSON.stringify([{ ...good, ts: true }]), auth, 422, "timestamp"],
      ["POST", "/events", JSON.stringify([{ ...good, value: "abc" }]), auth, 422, "not a number"],
      [
        "POST",
        "/events",
        JSON.stringify([{ ...good, contact_id: "nobody" }]),
        auth,
        422,
        "Unknown contact",
      ],
      ["POST", "/events", JSON.stringify([{ ...good, ts: "2199-01-01" }]), auth, 422, "future"],
      ["POST", "/events", "[1, null]", auth, 400, "required columns"],
      ["POST", "/events", big, auth, 413, "limit of 20000 bytes"],
      ["POST", "/events", JSON.stringify(Array(6).fill(good)), auth, 413, "limit of 5"],
      ["DELETE", "/events", undefined, auth, 405, "allowed: POST"],
      ["GET", "/nowhere", undefined, auth, 404, "No route"],
      ["GET", "/contacts/nobody", undefined, auth, 404, "Unknown contact"],
      ["GET", `/contacts/${contacts[0].contact_id}?as_of=yesterday`, undefined, auth, 400, "as_of"],
      ["GET", "/contacts/%E0%A4%A", undefined, auth, 400, "percent-encoding"],
      ["PUT", "/config", "{not json", auth, 400, "not valid JSON"],
      [
        "PUT",
        "/config",
        JSON.stringify({ format: "scorebench.config/v1", rules: [{ id: 1 }] }),
        auth,
        400,
        "rules[0].on",
      ],
      ["PUT", "/config", JSON.stringify(webhookConfig), auth, 400, "secret"],
    ];
    for (const [method, path, body, headers, status, says] of cases) {
      const r = await call(handler, method, path, body, headers);
      assertEquals(r.status, status, `${method} ${path} ${String(body).slice(0, 40)}: ${r.text}`);
      assert(r.text.includes(says), `${method} ${path}: "${says}" not in ${r.text}`);
      assert(typeof r.body.error === "string", r.text);
    }
    // A body streamed without a length is counted as it arrives.
    const res = await handler(
      new Request("http://127.0.0.1/events", { method: "POST", body: stream, headers: auth }),
    );
    assertEquals(res.status, 413);
    await res.body?.cancel();
    assertEquals(s.eventCount, 0);
    assertEquals(s.configVersion, 1);
    assertEquals(await Deno.readTextFile(`${dir}/events-0000000000000000.ndjson`), logBefore);
    // The rejected index points at the element; good ones in the same request go through.
    const mixed = await call(
      handler,
      "POST",
      "/events",
      JSON.stringify([good, { ...good, ts: "bad" }, good]),
      auth,
    );
    assertEquals(mixed.status, 200, mixed.text);
    assertEquals(mixed.body.accepted, 2);
    assertEquals(
      mixed.body.rejected.map((x: { index: number; column: string }) => [x.index, x.column]),
      [[1, "ts"]],
    );
    const health = await call(handler, "GET", "/health");
    assertEquals(health.status, 200);
    const metrics = await call(handler, "GET", "/metrics", undefined, auth);
    assert(metrics.text.includes("scorebench_events_accepted_total 2"), metrics.text);
    assert(metrics.text.includes('scorebench_events_rejected_total{reason="unknown_contact"} 1'));
  });
});

/** The firings the incremental engine makes on `rows` in order, as idempotency keys. */
function expectedKeys(
  config: ScoringConfig,
  rows: EventRow[],
  c?: ContactRow[],
  v?: VerificationRow[],
) {
  const scorer = createIncrementalScorer(config, { contacts: c, verification: v });
  const keys = new Map<string, string[]>();
  let seq = 0;
  scorer.onTrigger((f) => {
    const list = keys.get(f.triggerId) ?? [];
    list.push(firingKey(seq, f.triggerId));
    keys.set(f.triggerId, list);
  });
  for (const r of rows) {
    seq++;
    scorer.add(r);
  }
  return keys;
}

Deno.test("ScoringService: a flaky webhook receiver sees every trigger exactly once, in order per contact", async () => {
  const receiver = startReceiver(SECRET, 2);
  try {
    const config = toScoringConfig({
      ...starterSpec,
      triggers: [
        { id: "warm", reaches: "medium", action: { type: "webhook", url: receiver.url } },
        // Nobody listens on port 1: every attempt fails, so these end as dead letters.
        { id: "hot", reaches: "high", action: { type: "webhook", url: "http://127.0.0.1:1/hook" } },
        { id: "call", reaches: "high", action: { type: "crm-task", queue: "sales" } },
      ],
    });
    const events = allEvents.slice(0, 6_000);
    const expected = expectedKeys(config, events);
    assert((expected.get("warm")?.length ?? 0) > 20, "the sample must fire the trigger");
    await withService({
      config,
      webhookSecret: SECRET,
      delivery: { baseDelayMs: 2, maxDelayMs: 10, maxAttempts: 4 },
    }, async (s, dir) => {
      const handler = createServeHandler(s);
      await post(handler, events, 1_000);
      await s.deliveriesIdle();
      assertEquals([...receiver.accepted.keys()].sort(), [...expected.get("warm")!].sort());
      assertEquals(receiver.repeats, 0);
      assertEquals(receiver.badSignatures, 0);
      for (const n of receiver.tries.values()) assertEquals(n, 3);
      // Per contact, deliveries arrive in firing order.
      const last = new Map<string, number>();
      for (const key of receiver.order) {
        const b = receiver.accepted.get(key)!.body;
        assert((last.get(b.contact_id) ?? 0) < b.seq, `${key} overtook an earlier firing`);
        last.set(b.contact_id, b.seq);
        assertEquals(b.trigger_id, "warm");
        assert(
          ["medium", "high"].includes(b.to) && typeof b.score === "number" && b.reasons.length > 0,
        );
      }
      const dead: string[] = [];
      readNdjsonFile(`${dir}/dead-letter.ndjson`, (v) => dead.push((v as { key: string }).key));
      assertEquals(dead.sort(), [...expected.get("hot")!].sort());
      const outbox: string[] = [];
      readNdjsonFile(`${dir}/outbox.ndjson`, (v) => outbox.push((v as { key: string }).key));
      assertEquals(outbox, expected.get("call"));
      const m = await call(handler, "GET", "/metrics");
      const warm = expected.get("warm")!.length;
      assert(m.text.includes(`scorebench_webhooks_delivered_total ${warm}`), m.text);
      assert(m.text.includes(`scorebench_webhooks_dead_total ${expected.get("hot")!.length}`));
      assert(
        m.text.includes(
          `scorebench_webhook_retries_total ${2 * warm + 3 * expected.get("hot")!.length}`,
        ),
      );
    });
  } finally {
    await receiver.close();
  }
});

Deno.test("ScoringService re-sends owed webhooks after a restart and writes no outbox line twice", async () => {
  const data = await Deno.makeTempDir();
  const receiver = startReceiver(SECRET);
  try {
    const spec = (hook: string): ScoringConfigSpec => ({
      ...starterSpec,
      triggers: [
        { id: "warm", reaches: "medium", action: { type: "webhook", url: hook } },
        { id: "mail", reaches: "medium", action: { type: "email", campaign: "nurture" } },
      ],
    });
    const config = toScoringConfig(spec(receiver.url));
    const events = allEvents.slice(0, 3_000);
    const expected = expectedKeys(config, events);
    const warm = expected.get("warm")!;
    // First run: the receiver is down and the next attempt is a minute away at shutdown.
    receiver.state.down = true;
    await withService({
      config,
      webhookSecret: SECRET,
      delivery: { baseDelayMs: 60_000, maxDelayMs: 60_000 },
    }, async (s) => {
      await post(createServeHandler(s), events, 500);
      assertEquals(s.queueLength, warm.length);
    }, data);
    assertEquals(receiver.accepted.size, 0);
    // Without the secret they would go out unsigned: the start is refused.
    let refused = "";
    try {
      const quiet = toScoringConfig({ ...starterSpec, triggers: [] });
      await ScoringService.open({ dataDir: data, config: quiet, onNotice: () => {} });
    } catch (err) {
      refused = (err as Error).message;
    }
    assert(refused.includes(`${warm.length} webhook(s) are still owed`), refused);
    // Second run: the owed webhooks come back from the snapshot and are delivered once each.
    receiver.state.down = false;
    await withService({ config, webhookSecret: SECRET }, async (s) => {
      assertEquals(s.eventCount, 3_000);
      await s.deliveriesIdle();
    }, data);
    assertEquals([...receiver.accepted.keys()].sort(), [...warm].sort());
    assertEquals(receiver.repeats, 0);
    const outbox: string[] = [];
    readNdjsonFile(`${data}/outbox.ndjson`, (v) => outbox.push((v as { key: string }).key));
    assertEquals(outbox, expected.get("mail"));
    // A third start with another config switches silently: past crossings do not fire again.
    const other = toScoringConfig({ ...spec(receiver.url), tiers: { high: 30, medium: 10 } });
    await withService({ config: other, webhookSecret: SECRET }, async (s) => {
      assertEquals(s.configVersion, 2);
      await new Promise((r) => setTimeout(r, 50));
      assertEquals(s.queueLength, 0);
    }, data);
    assertEquals(receiver.accepted.size, warm.length);
    const outboxAfter: string[] = [];
    readNdjsonFile(`${data}/outbox.ndjson`, (v) => outboxAfter.push((v as { key: string }).key));
    assertEquals(outboxAfter, expected.get("mail"));
  } finally {
    await receiver.close();
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("ScoringService: PUT /config previews the impact, switches atomically and survives a restart", async () => {
  const data = await Deno.makeTempDir();
  try {
    const config = toScoringConfig(starterSpec);
    const events = allEvents.slice(0, 4_000);
    const asOf = "2024-06-01T00:00:00Z";
    const lower = { ...starterSpec, name: "Lower cuts", tiers: { high: 20, medium: 8 } };
    let before: Record<string, string> = {};
    await withService({ config }, async (s) => {
      const handler = createServeHandler(s);
      await post(handler, events, 2_000);
      const ids = [...new Set(events.map((e) => e.contact_id))];
      for (const id of ids) {
        before[id] = (await call(handler, "GET", `/contacts/${id}?as_of=${asOf}`)).body.tier;
      }
      const dry = await call(
        handler,
        "PUT",
        `/config?dry_run=1&as_of=${asOf}`,
        JSON.stringify(lower),
      );
      assertEquals(dry.status, 200, dry.text);
      assertEquals(dry.body.switched, false);
      assertEquals(dry.body.version, 1);
      assert(dry.body.moved.count > 0, dry.text);
      // The preview's matrix and the moved list agree.
      let off = 0;
      for (const [from, row] of Object.entries(dry.body.tier_change)) {
        for (const [to, n] of Object.entries(row as Record<string, number>)) {
          if (from !== to) off += n;
        }
      }
      assertEquals(off, dry.body.moved.count);
      for (const m of dry.body.moved.contacts) assertEquals(before[m.contact_id], m.from);
      const sw = await call(handler, "PUT", `/config?as_of=${asOf}`, JSON.stringify(lower));
      assertEquals(sw.status, 200, sw.text);
      assertEquals([sw.body.switched, sw.body.version], [true, 2]);
      for (const m of sw.body.moved.contacts) {
        const r = await call(handler, "GET", `/contacts/${m.contact_id}?as_of=${asOf}`);
        assertEquals([r.body.tier, r.body.config_version], [m.to, 2]);
      }
      before = {};
      for (const id of ids) {
        before[id] = (await call(handler, "GET", `/contacts/${id}?as_of=${asOf}`)).body.tier;
      }
    }, data);
    // Restarted with the same new config: version 2 kept, same tiers.
    await withService({ config: toScoringConfig(lower) }, async (s) => {
      assertEquals(s.configVersion, 2);
      const handler = createServeHandler(s);
      for (const [id, tier] of Object.entries(before)) {
        assertEquals(
          (await call(handler, "GET", `/contacts/${id}?as_of=${asOf}`)).body.tier,
          tier,
          id,
        );
      }
    }, data);
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("ScoringService recovers from a crash state: torn log line cut, missing outbox lines written once", async () => {
  const data = await Deno.makeTempDir();
  try {
    const config = toScoringConfig({
      ...starterSpec,
      triggers: [{ id: "mail", reaches: "medium", action: { type: "email" } }],
    });
    const events = allEvents.slice(0, 6_000);
    const expected = expectedKeys(config, events).get("mail")!;
    assert(expected.length > 10, `${expected.length} firings`);
    let early = "";
    await withService({ config, snapshotEveryEvents: 1_000 }, async (s) => {
      const handler = createServeHandler(s);
      await post(handler, events.slice(0, 1_000), 1_000);
      early = await Deno.readTextFile(`${data}/snapshot.json`);
      await post(handler, events.slice(1_000), 500);
    }, data);
    // The state a crash can leave: an older snapshot, the outbox cut back to it, and half a
    // batch at the end of the log that was never acknowledged.
    await Deno.writeTextFile(`${data}/snapshot.json`, early);
    const { outboxOffset } = JSON.parse(early);
    const outbox = await Deno.readFile(`${data}/outbox.ndjson`);
    assert(outbox.length > outboxOffset, "the outbox grew after the early snapshot");
    await Deno.writeFile(`${data}/outbox.ndjson`, outbox.subarray(0, outboxOffset));
    const logSize = (await Deno.stat(`${data}/events-0000000000000000.ndjson`)).size;
    await Deno.writeTextFile(
      `${data}/events-0000000000000000.ndjson`,
      '{"t":"events","seq":6001,"rows":[{"contact_id":"104729","ts":17',
      { append: true },
    );
    const notices: string[] = [];
    await withService({ config, onNotice: (m) => notices.push(m) }, (s) => {
      assertEquals(s.eventCount, 6_000);
      return Promise.resolve();
    }, data);
    assert(notices.some((m) => m.includes("never acknowledged")), notices.join("\n"));
    assertEquals((await Deno.stat(`${data}/events-0000000000000000.ndjson`)).size, logSize);
    const keys: string[] = [];
    readNdjsonFile(`${data}/outbox.ndjson`, (v) => keys.push((v as { key: string }).key));
    assertEquals(keys, expected);
  } finally {
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("ScoringService: a webhook receiver that does not answer never holds up ingestion", async () => {
  const release = Promise.withResolvers<void>();
  let arrived = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    arrived++;
    await req.text();
    await release.promise;
    return new Response(null, { status: 204 });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/hook`;
    const config = toScoringConfig({
      ...starterSpec,
      triggers: [{ id: "warm", reaches: "medium", action: { type: "webhook", url } }],
    });
    const events = allEvents.slice(0, 6_000);
    const fired = expectedKeys(config, events).get("warm")!.length;
    await withService(
      { config, webhookSecret: SECRET, delivery: { concurrency: 4 } },
      async (s) => {
        const handler = createServeHandler(s);
        // Every batch is answered while the receiver holds the first deliveries unanswered.
        await post(handler, events, 500);
        assertEquals(s.eventCount, 6_000);
        assertEquals(s.queueLength, fired);
        const health = (await call(handler, "GET", "/health")).body;
        assertEquals(health.deliveries.in_flight, 4);
        release.resolve();
        await s.deliveriesIdle();
        assertEquals(arrived, fired);
      },
    );
  } finally {
    release.resolve();
    await server.shutdown();
  }
});

Deno.test("ScoringService restarts from a copy of its running data folder: saved engine state plus the log tail", async () => {
  const data = await Deno.makeTempDir();
  const copy = await Deno.makeTempDir();
  try {
    const config = toScoringConfig({
      ...starterSpec,
      triggers: [{ id: "mail", reaches: "medium", action: { type: "email" } }],
    });
    const events = allEvents.slice(0, 6_000);
    const expected = expectedKeys(config, events).get("mail")!;
    const asOf = "2024-06-15T00:00:00Z";
    const ids = [...new Set(events.map((e) => e.contact_id))];
    const scores = new Map<string, number>();
    const options = { config, snapshotEveryEvents: 1_000, engineStateEveryEvents: 2_000 };
    await withService(options, async (s) => {
      const handler = createServeHandler(s);
      await post(handler, events, 500);
      for (const id of ids) {
        scores.set(id, (await call(handler, "GET", `/contacts/${id}?as_of=${asOf}`)).body.score);
      }
      // The files as a crash would leave them: no stop, no last snapshot.
      for await (const f of Deno.readDir(data)) {
        if (f.isFile) await Deno.copyFile(`${data}/${f.name}`, `${copy}/${f.name}`);
      }
    }, data);
    const snapshot = JSON.parse(await Deno.readTextFile(`${copy}/snapshot.json`));
    assert(
      snapshot.engineState && snapshot.engineState.seq < 6_000,
      JSON.stringify(snapshot.engineState),
    );
    await withService(options, async (s) => {
      assertEquals(s.eventCount, 6_000);
      const { fromEngineState, replayed } = s.startup;
      assertEquals([fromEngineState, fromEngineState + replayed], [
        snapshot.engineState.seq,
        6_000,
      ]);
      assert(replayed > 0);
      const handler = createServeHandler(s);
      for (const id of ids) {
        const r = await call(handler, "GET", `/contacts/${id}?as_of=${asOf}`);
        assertEquals(r.body.score, scores.get(id), id);
      }
    }, copy);
    const keys: string[] = [];
    readNdjsonFile(`${copy}/outbox.ndjson`, (v) => keys.push((v as { key: string }).key));
    assertEquals(keys, expected);
  } finally {
    await Deno.remove(data, { recursive: true });
    await Deno.remove(copy, { recursive: true });
  }
});
