import assert from "node:assert/strict";
import { join } from "node:path";
import {
  COLUMNS,
  type Dataset,
  EVENT_TYPES,
  generateDataset,
  type GroundTruth,
  PRICING_URL,
  SNAPSHOT_EFFECTS,
  TEMPORAL_WEIGHTS,
  writeDataset,
} from "../../data/generator/mod.ts";
import type { ContactRow, EventRow, PurchaseRow, VerificationRow } from "../../src/data/types.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

const GENERATE = new URL("../../data/generate.ts", import.meta.url).pathname;

// One mid-sized base shared by the statistical tests: big enough for tight estimates,
// small enough to generate in a fraction of a second.
let shared: Dataset | undefined;
const base = () => shared ??= generateDataset({ contacts: 3000, seed: 11 });

/** Minimal RFC 4180 reader: enough for what the generator writes (quotes, commas, UTF-8). */
function readCsv(path: string): Record<string, string>[] {
  const text = Deno.readTextFileSync(path);
  const rows: string[][] = [];
  let row: string[] = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') field += '"', i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), field = "";
    else if (ch === "\n") row.push(field), rows.push(row), row = [], field = "";
    else field += ch;
  }
  assert.equal(field + row.join(""), "", `${path} must end with a newline`);
  const [header, ...body] = rows;
  return body.map((r, i) => {
    assert.equal(r.length, header.length, `${path} row ${i + 2}: ${r.length} cells`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]]));
  });
}

const orNull = (s: string) => s === "" ? null : s;
const normPhone = (s: string) => s === "" ? null : s.replace(/\D/g, "").replace(/^8/, "7");
const normEmail = (s: string) => s.trim() === "" ? null : s.trim().toLowerCase();
const list = (s: string) => s === "" ? null : s.split(";");

function groupBy<T extends { contact_id?: string | null }>(rows: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = r.contact_id as string;
    const a = m.get(k);
    if (a) a.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** Newton-Raphson logistic regression with an intercept column; returns coefficients and SEs. */
function fitLogit(x: number[][], y: number[]): { coef: number[]; se: number[] } {
  const p = x[0].length;
  let coef = new Array(p).fill(0);
  let info: number[][] = [];
  for (let iter = 0; iter < 50; iter++) {
    const grad = new Array(p).fill(0);
    info = Array.from({ length: p }, () => new Array(p).fill(0));
    for (let i = 0; i < x.length; i++) {
      let z = 0;
      for (let j = 0; j < p; j++) z += x[i][j] * coef[j];
      const mu = 1 / (1 + Math.exp(-z)), w = mu * (1 - mu);
      for (let j = 0; j < p; j++) {
        if (x[i][j] === 0) continue;
        grad[j] += x[i][j] * (y[i] - mu);
        for (let k = 0; k < p; k++) info[j][k] += w * x[i][j] * x[i][k];
      }
    }
    const step = solve(info, grad);
    coef = coef.map((c, j) => c + step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  const se = coef.map((_, j) => Math.sqrt(solve(info, info.map((_, k) => k === j ? 1 : 0))[j]));
  return { coef, se };
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    [m[c], m[piv]] = [m[piv], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((r, i) => r[n] / r[i]);
}

/** Window counts per ground-truth feature, straight from the window rule of `docs/rules.md`. */
function features(events: EventRow[], cutoff: number, names: string[], lookbackDays: number) {
  const row = names.map(() => 0);
  for (const e of events) {
    if (e.ts <= cutoff - lookbackDays * DAY || e.ts > cutoff) continue;
    row[names.indexOf(`type:${e.type}`)]++;
    if (e.url === PRICING_URL) row[names.indexOf(`url:${PRICING_URL}`)]++;
  }
  return row;
}

function temporalDesign(d: Dataset) {
  const t = d.groundTruth.temporal;
  const names = Object.keys(t.weights);
  const cutoffs = t.cutoffs.map(Date.parse);
  const events = groupBy(d.events), purchases = groupBy(d.purchases);
  const x: number[][] = [], y: number[] = [];
  for (const c of d.contacts) {
    const ev = events.get(c.contact_id) ?? [], pu = purchases.get(c.contact_id) ?? [];
    for (const cut of cutoffs) {
      x.push(features(ev, cut, names, t.lookbackDays));
      y.push(pu.some((p) => p.ts > cut && p.ts <= cut + t.horizonDays * DAY) ? 1 : 0);
    }
  }
  return { names, x, y };
}

Deno.test("generateDataset() gives the same base for the same seed and another for another", () => {
  const a = generateDataset({ contacts: 200, seed: 5 });
  const b = generateDataset({ contacts: 200, seed: 5 });
  const c = generateDataset({ contacts: 200, seed: 6 });
  assert.deepEqual(a, b);
  assert.ok(a.events.length > 1000, `only ${a.events.length} events`);
  assert.notDeepEqual(a.events.slice(0, 50), c.events.slice(0, 50));
  assert.notDeepEqual(a.contacts.map((r) => r.email), c.contacts.map((r) => r.email));
});

Deno.test("generateDataset() refuses bad options, quoting the value", () => {
  const cases: {
    options: Parameters<typeof generateDataset>[0];
    error: ErrorConstructor;
    text: string;
  }[] = [
    { options: { contacts: 0 }, error: RangeError, text: 'contacts "0"' },
    { options: { contacts: 2.5 }, error: RangeError, text: 'contacts "2.5"' },
    { options: { seed: 1.5 }, error: TypeError, text: 'seed "1.5"' },
    { options: { months: 3 }, error: RangeError, text: 'months "3"' },
    { options: { start: "2024-01-15" }, error: SyntaxError, text: 'start "2024-01-15"' },
    { options: { eventsTarget: -5 }, error: RangeError, text: 'events target "-5"' },
  ];
  for (const { options, error, text } of cases) {
    assert.throws(() => generateDataset(options), (err: Error) => {
      assert.ok(err instanceof error, `${JSON.stringify(options)}: ${err.name}`);
      assert.ok(err.message.includes(text), err.message);
      return true;
    });
  }
});

Deno.test("generateDataset() stops at the contact that reaches eventsTarget", () => {
  const d = generateDataset({ eventsTarget: 20_000, seed: 3 });
  const last = d.contacts[d.contacts.length - 1].contact_id;
  const lastEvents = d.events.filter((e) => e.contact_id === last).length;
  assert.ok(d.events.length >= 20_000, `${d.events.length} events`);
  assert.ok(d.events.length - lastEvents < 20_000, `${d.events.length} - ${lastEvents} events`);
  assert.equal(d.groundTruth.contacts, d.contacts.length);
  // The same stream as a base of that many contacts (ids as wide at this size), cut short.
  assert.deepEqual(generateDataset({ contacts: d.contacts.length, seed: 3 }).events, d.events);
});

Deno.test("generateDataset() contacts follow the documented schema", () => {
  const { contacts, groundTruth } = base();
  const start = Date.parse(groundTruth.start);
  const ids = new Set<string>(), phones = new Set<string>(), emails = new Set<string>();
  let leadingZero = 0, noAge = 0, noGender = 0;
  for (const c of contacts) {
    assert.match(c.contact_id, /^\d{6}$/);
    if (c.contact_id.startsWith("0")) leadingZero++;
    ids.add(c.contact_id);
    if (c.phone) assert.match(c.phone, /^79\d{9}$/), phones.add(c.phone);
    if (c.email) assert.match(c.email, /^[a-z]+\.[a-z]+\d+@[a-z.]+$/), emails.add(c.email);
    assert.ok(c.phone || c.email, `contact ${c.contact_id} has neither phone nor e-mail`);
    assert.ok(c.gender === null || c.gender === "f" || c.gender === "m");
    if (c.gender === null) noGender++;
    if (c.age === null) noAge++;
    else assert.ok(Number.isInteger(c.age) && c.age! >= 18 && c.age! <= 75, `age ${c.age}`);
    for (const i of c.interests ?? []) {
      assert.ok(["loans", "deposits", "cards", "insurance", "mortgage"].includes(i));
    }
    for (const t of c.tags ?? []) assert.ok(["product-a", "product-b", "product-c"].includes(t));
    assert.ok(["lead", "mql", "sql", "customer", "lost"].includes(c.stage!));
    assert.ok(
      ["Google", "Yandex", "Facebook", "Direct", "Referral", "Email"].includes(
        c.lead_source as string,
      ),
    );
    assert.ok(c.converted === 0 || c.converted === 1);
    assert.ok(c.created_at! < start, `created_at ${c.created_at} not before ${start}`);
  }
  assert.equal(ids.size, contacts.length);
  assert.equal(phones.size, contacts.filter((c) => c.phone).length);
  assert.equal(emails.size, contacts.filter((c) => c.email).length);
  assert.ok(leadingZero > 100, `${leadingZero} ids with a leading zero`);
  assert.ok(noAge > 100 && noGender > 100, `${noAge} without age, ${noGender} without gender`);
});

Deno.test("generateDataset() events follow the documented schema", () => {
  const { events, contacts, groundTruth } = base();
  const start = Date.parse(groundTruth.start), end = Date.parse(groundTruth.end);
  const ids = new Set(contacts.map((c) => c.contact_id));
  const seen = new Map<string, number>();
  let phrases = 0;
  for (const [i, e] of events.entries()) {
    assert.ok(ids.has(e.contact_id), `event ${i} of unknown contact ${e.contact_id}`);
    assert.ok(e.ts >= start && e.ts < end && e.ts % 1000 === 0, `event ${i} ts ${e.ts}`);
    if (i > 0 && events[i - 1].contact_id === e.contact_id) assert.ok(events[i - 1].ts <= e.ts);
    seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
    if (e.url !== null) assert.match(e.url!, /^https:\/\/shop\.example\//);
    if (e.phrase !== null) phrases++;
    if (e.type === "page_view") {
      assert.equal(e.channel, "web");
      assert.ok(["google", "yandex", "facebook", "vk", "direct", "email"].includes(e.source!));
      if (e.phrase !== null) assert.ok(e.source === "google" || e.source === "yandex");
    }
    if (e.type.startsWith("email_")) assert.match(e.email_id!, /^cmp-\d{4}-\d{2}-\d$/);
    if (e.type === "call" || e.type === "cart_abandon") assert.ok(e.value! > 0);
    else assert.equal(e.value, null);
  }
  assert.deepEqual([...seen.keys()].sort(), [...EVENT_TYPES].sort());
  assert.ok(phrases > 100, `${phrases} phrases`);
  assert.ok(events.some((e) => e.url === PRICING_URL));
  assert.ok(events.some((e) => e.url?.startsWith("https://shop.example/a/")));
  assert.ok(events.some((e) => e.url?.startsWith("https://shop.example/b/")));
  assert.ok(events.some((e) => e.url?.startsWith("https://shop.example/blog/")));
  assert.ok(events.some((e) => e.url === "https://shop.example/contacts"));
});

Deno.test("generateDataset() sends no e-mail after an unsubscribe", () => {
  for (const evs of groupBy(base().events).values()) {
    const unsub = evs.find((e) => e.type === "email_unsubscribe");
    if (!unsub) continue;
    const later = evs.filter((e) => e.ts > unsub.ts && e.type.startsWith("email_"));
    assert.deepEqual(later, [], `contact ${unsub.contact_id}`);
  }
});

Deno.test("generateDataset() ground truth names every feature and matches the draw", () => {
  const d = base();
  const t = d.groundTruth.temporal;
  assert.deepEqual(
    t.cutoffs,
    [4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => `2024-${String(m).padStart(2, "0")}-01T00:00:00Z`),
  );
  assert.equal(t.lookbackDays, 90);
  assert.equal(t.horizonDays, 30);
  assert.deepEqual(
    Object.keys(t.weights).sort(),
    [...EVENT_TYPES.map((x) => `type:${x}`), `url:${PRICING_URL}`].sort(),
  );
  assert.deepEqual(t.weights, TEMPORAL_WEIGHTS);
  assert.ok(t.weights["type:email_unsubscribe"] < 0 && t.weights["type:webinar"] > 0);
  assert.deepEqual(d.groundTruth.snapshot.effects, SNAPSHOT_EFFECTS);

  // Every purchase lies in exactly one horizon, and the per-cutoff converters add up.
  const cutoffs = t.cutoffs.map(Date.parse);
  const converters = cutoffs.map(() => new Set<string>());
  for (const p of d.purchases) {
    const k = cutoffs.findIndex((c) => p.ts > c && p.ts <= c + t.horizonDays * DAY);
    assert.ok(
      k >= 0,
      `purchase of ${p.contact_id} at ${new Date(p.ts).toISOString()} is outside every horizon`,
    );
    converters[k].add(p.contact_id);
  }
  for (const [k, r] of t.realized.entries()) {
    assert.equal(r.contacts, d.contacts.length);
    assert.equal(r.converters, converters[k].size, `cutoff ${r.cutoff}`);
    const rate = r.converters / r.contacts;
    assert.ok(rate > 0.04 && rate < 0.12, `rate ${rate} at ${r.cutoff}`);
  }
  assert.equal(
    d.groundTruth.snapshot.realized.converters,
    d.contacts.filter((c) => c.converted === 1).length,
  );
});

Deno.test("generateDataset() conversion moves with the sign of each strong weight", () => {
  const { names, x, y } = temporalDesign(base());
  const rate = (pred: (row: number[]) => boolean) => {
    let n = 0, k = 0;
    x.forEach((row, i) => {
      if (pred(row)) n++, k += y[i];
    });
    return k / n;
  };
  for (const f of ["type:webinar", "type:call", "type:form_submit", `url:${PRICING_URL}`]) {
    const j = names.indexOf(f);
    const hi = rate((r) => r[j] >= 2), lo = rate((r) => r[j] === 0);
    assert.ok(hi > 2 * lo, `${f}: ${hi} with 2+ vs ${lo} with none`);
  }
  // Unsubscribers are busier than most, so compare them with what the model gives them had
  // their unsubscribe counted for nothing: they must convert clearly less than that.
  const t = base().groundTruth.temporal;
  const u = names.indexOf("type:email_unsubscribe");
  let observed = 0, expectedWithout = 0;
  x.forEach((row, i) => {
    if (row[u] === 0) return;
    const logit = row.reduce((s, v, j) => s + v * t.weights[names[j]], t.intercept);
    observed += y[i];
    expectedWithout += 1 / (1 + Math.exp(-(logit - row[u] * t.weights[names[u]])));
  });
  assert.ok(observed < 0.7 * expectedWithout, `unsubscribed: ${observed} vs ${expectedWithout}`);
});

Deno.test("generateDataset() temporal weights are recovered by logistic regression", () => {
  const { names, x, y } = temporalDesign(base());
  const { coef, se } = fitLogit(x.map((r) => [1, ...r]), y);
  const truth = [base().groundTruth.temporal.intercept, ...names.map((n) => TEMPORAL_WEIGHTS[n])];
  const labels = ["intercept", ...names];
  const z = coef.map((c, j) => (c - truth[j]) / se[j]);
  // 15 coefficients: a |z| over 4.5 happens by chance about once in 10,000 bases.
  for (const [j, v] of z.entries()) {
    assert.ok(Math.abs(v) < 4.5, `${labels[j]}: fitted ${coef[j]} truth ${truth[j]} se ${se[j]}`);
  }
  // And the fit is tight enough that a wrong model would show.
  assert.ok(se[names.indexOf("type:call") + 1] < 0.06);
});

Deno.test("generateDataset() snapshot effects are recovered by logistic regression", () => {
  const { contacts, groundTruth } = base();
  const effects = groundTruth.snapshot.effects;
  // Dummy-code every non-reference level (reference levels have effect 0).
  const levels = Object.keys(effects).filter((k) => effects[k] !== 0 || k === "interests:loans");
  const band = (age: number | null | undefined) => {
    if (age === null || age === undefined) return "missing";
    const b = groundTruth.snapshot.ageBands.find((b) =>
      age >= b.from && (b.to === null || age <= b.to)
    );
    return b!.band;
  };
  const x = contacts.map((c) => {
    const on = new Set([
      `lead_source:${c.lead_source}`,
      `age:${band(c.age)}`,
      `gender:${c.gender ?? "missing"}`,
      ...(c.interests?.includes("loans") ? ["interests:loans"] : []),
    ]);
    return [1, ...levels.map((l) => on.has(l) ? 1 : 0)];
  });
  const y = contacts.map((c) => c.converted as number);
  const { coef, se } = fitLogit(x, y);
  const truth = [groundTruth.snapshot.intercept, ...levels.map((l) => effects[l])];
  for (const [j, c] of coef.entries()) {
    assert.ok(
      Math.abs(c - truth[j]) / se[j] < 4.5,
      `${["intercept", ...levels][j]}: ${c} vs ${truth[j]}`,
    );
  }
});

Deno.test("writeDataset() writes the rows of generateDataset() in the documented text formats", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const options = { contacts: 250, seed: 9 };
    const summary = writeDataset(dir, options);
    const mem = generateDataset(options);
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["contacts.csv", "events.csv", "ground_truth.json", "purchases.csv", "verification.csv"],
    );
    for (const [table, cols] of Object.entries(COLUMNS)) {
      const header = Deno.readTextFileSync(join(dir, `${table}.csv`)).split("\n", 1)[0];
      assert.equal(header, cols.join(","));
    }

    const contacts = readCsv(join(dir, "contacts.csv"));
    const contactRows: ContactRow[] = contacts.map((r) => ({
      contact_id: r.contact_id,
      phone: normPhone(r.phone),
      email: normEmail(r.email),
      gender: orNull(r.gender),
      age: r.age === "" ? null : Number(r.age),
      interests: list(r.interests),
      stage: r.stage,
      tags: list(r.tags),
      created_at: Date.parse(r.created_at),
      lead_source: r.lead_source,
      converted: Number(r.converted),
    }));
    assert.deepEqual(contactRows, mem.contacts);
    // Phones come in several spellings; ids keep their zeros.
    const styles = new Set(contacts.map((r) => r.phone.replace(/\d/g, "9")).filter((s) => s));
    assert.ok(styles.size >= 5, [...styles].join(" | "));
    assert.ok(contacts.some((r) => r.email !== r.email.toLowerCase()));

    const events = readCsv(join(dir, "events.csv"));
    for (const r of events) assert.match(r.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const eventRows: EventRow[] = events.map((r) => ({
      contact_id: r.contact_id,
      ts: Date.parse(r.ts),
      type: r.type,
      channel: orNull(r.channel),
      url: orNull(r.url),
      email_id: orNull(r.email_id),
      source: orNull(r.source),
      phrase: orNull(r.phrase),
      tag: orNull(r.tag),
      stage: orNull(r.stage),
      value: r.value === "" ? null : Number(r.value),
    }));
    assert.deepEqual(eventRows, mem.events);
    assert.ok(events.some((r) => r.phrase.includes(",")), "a quoted phrase with a comma");

    const purchaseRows: PurchaseRow[] = readCsv(join(dir, "purchases.csv")).map((r) => ({
      contact_id: r.contact_id,
      ts: Date.parse(r.ts),
      amount: Number(r.amount),
      channel: r.channel,
      tag: r.tag,
    }));
    assert.deepEqual(purchaseRows, mem.purchases);

    const verification = readCsv(join(dir, "verification.csv"));
    const verificationRows: VerificationRow[] = verification.map((r) => ({
      contact_id: orNull(r.contact_id),
      phone: normPhone(r.phone),
      email: normEmail(r.email),
    }));
    assert.deepEqual(verificationRows, mem.verification);

    const truth: GroundTruth = JSON.parse(Deno.readTextFileSync(join(dir, "ground_truth.json")));
    assert.deepEqual(truth, mem.groundTruth);
    assert.deepEqual(
      [summary.contacts, summary.events, summary.purchases, summary.verification],
      [mem.contacts.length, mem.events.length, mem.purchases.length, mem.verification.length],
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("writeDataset() lists verified contacts in another spelling than contacts.csv", () => {
  const dir = Deno.makeTempDirSync();
  try {
    writeDataset(dir, { contacts: 2000, seed: 4 });
    const contacts = readCsv(join(dir, "contacts.csv"));
    const verification = readCsv(join(dir, "verification.csv"));
    const share = verification.length / contacts.length;
    assert.ok(share > 0.015 && share < 0.05, `${verification.length} of ${contacts.length}`);
    const byPhone = new Map(contacts.filter((c) => c.phone).map((c) => [normPhone(c.phone), c]));
    const byEmail = new Map(contacts.filter((c) => c.email).map((c) => [normEmail(c.email), c]));
    const ids = new Set(contacts.map((c) => c.contact_id));
    const kinds = new Set<string>();
    for (const [i, v] of verification.entries()) {
      const filled = [v.contact_id, v.phone, v.email].filter((s) => s !== "");
      assert.equal(filled.length, 1, `verification row ${i + 2}`);
      if (v.phone) {
        const c = byPhone.get(normPhone(v.phone));
        assert.ok(c, `row ${i + 2}: phone ${v.phone} matches no contact`);
        assert.notEqual(v.phone, c.phone);
        kinds.add("phone");
      } else if (v.email) {
        const c = byEmail.get(normEmail(v.email));
        assert.ok(c, `row ${i + 2}: e-mail ${v.email} matches no contact`);
        assert.notEqual(v.email, c.email);
        kinds.add("email");
      } else {
        assert.ok(ids.has(v.contact_id), `row ${i + 2}: id ${v.contact_id}`);
        kinds.add("id");
      }
    }
    assert.deepEqual([...kinds].sort(), ["email", "id", "phone"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("generate.ts script writes a base and rejects a bad flag without a stack trace", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const run = (...args: string[]) =>
      new Deno.Command(Deno.execPath(), { args: ["run", "-A", GENERATE, ...args] }).output();
    const ok = await run("--contacts", "40", "--seed", "2", "--out", dir);
    const out = new TextDecoder().decode(ok.stdout);
    assert.equal(ok.code, 0, new TextDecoder().decode(ok.stderr));
    assert.match(out, /^Wrote 40 contacts, \d+ events/);
    assert.equal(readCsv(join(dir, "contacts.csv")).length, 40);

    const bad = await run("--contacts", "many", "--out", dir);
    const err = new TextDecoder().decode(bad.stderr);
    assert.equal(bad.code, 1);
    assert.match(err, /--contacts: "many" is not a number/);
    assert.doesNotMatch(err, /\s+at /);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("data/sample is what generate.ts writes for its documented command", () => {
  const sample = new URL("../../data/sample/", import.meta.url).pathname;
  const dir = Deno.makeTempDirSync();
  try {
    writeDataset(dir, { contacts: 5000, seed: 1 });
    for (const name of [...Object.keys(COLUMNS).map((t) => `${t}.csv`), "ground_truth.json"]) {
      const fresh = Deno.readTextFileSync(join(dir, name));
      const committed = Deno.readTextFileSync(join(sample, name));
      assert.ok(
        fresh === committed,
        `data/sample/${name} differs from a fresh run: regenerate it (see data/README.md)`,
      );
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
