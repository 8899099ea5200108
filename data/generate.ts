/**
 * Seeded synthetic lead base with a known ground truth: contacts, a year of multi-channel
 * events, purchases that follow a logistic model of the event counts, and a verification
 * list. Calibration must recover the weights written to `ground_truth.json`.
 *
 * In memory: `generateDataset({ contacts: 2000, seed: 7 })`. As files, streamed row by row:
 *
 * ```sh
 * deno run -A data/generate.ts --contacts 5000 --seed 1 --out data/sample
 * deno run -A data/generate.ts --events-target 10000000 --seed 1 --out /tmp/x
 * ```
 *
 * The model is described in `data/README.md`.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { ContactRow, EventRow, PurchaseRow, VerificationRow } from "../src/data/types.ts";
import { seededRng as mulberry32 } from "../src/metrics/seeded_rng.ts";
import { DAY_MS } from "../src/tables/mod.ts";

/** The event types of the base, in the order of `ground_truth.json`. */
export const EVENT_TYPES = [
  "page_view",
  "email_open",
  "email_click",
  "email_unsubscribe",
  "form_submit",
  "call",
  "chat",
  "webinar",
  "sms_click",
  "app_install",
  "social_like",
  "social_comment",
  "cart_abandon",
] as const;
export type EventType = typeof EVENT_TYPES[number];

export const PRICING_URL = "https://shop.example/pricing";

/**
 * Weights of the temporal truth on the log-odds scale, per 1 event in the lookback window.
 * `type:page_view` counts every page view, the pricing page included, so a pricing view
 * adds `0.03 + 0.35` in total.
 */
export const TEMPORAL_WEIGHTS: Readonly<Record<string, number>> = {
  "type:page_view": 0.03,
  [`url:${PRICING_URL}`]: 0.35,
  "type:email_open": 0.05,
  "type:email_click": 0.25,
  "type:email_unsubscribe": -1.2,
  "type:form_submit": 0.4,
  "type:call": 0.5,
  "type:chat": 0.2,
  "type:webinar": 0.6,
  "type:sms_click": 0.15,
  "type:app_install": 0.45,
  "type:social_like": 0,
  "type:social_comment": 0.1,
  "type:cart_abandon": 0.3,
};
export const TEMPORAL_INTERCEPT = -4;

/**
 * Snapshot truth: log-odds of `converted` on contacts. Reference levels carry 0 and are
 * listed so every level a contact can have appears once.
 */
export const SNAPSHOT_EFFECTS: Readonly<Record<string, number>> = {
  "lead_source:Google": 0,
  "lead_source:Yandex": 0.2,
  "lead_source:Facebook": -0.4,
  "lead_source:Direct": 0.5,
  "lead_source:Referral": 0.9,
  "lead_source:Email": 0.3,
  "age:18-24": -0.5,
  "age:25-34": 0,
  "age:35-44": 0.4,
  "age:45-54": 0.2,
  "age:55+": -0.3,
  "age:missing": -0.2,
  "gender:f": 0.3,
  "gender:m": 0,
  "gender:missing": -0.1,
  "interests:loans": 0.7,
};
export const SNAPSHOT_INTERCEPT = -2.2;

/** Mean monthly count of each type for a contact of average activity. */
const MONTHLY_RATE: Record<EventType, number> = {
  page_view: 1.8,
  email_open: 1.0,
  email_click: 0.25,
  email_unsubscribe: 0.008,
  form_submit: 0.08,
  call: 0.07,
  chat: 0.1,
  webinar: 0.04,
  sms_click: 0.08,
  app_install: 0.01,
  social_like: 0.25,
  social_comment: 0.06,
  cart_abandon: 0.06,
};
/** Share of page views that land on the pricing page. */
const PRICING_SHARE = 0.12;
/** Spread of the per-contact activity level (lognormal with mean 1). */
const ACTIVITY_SIGMA = 0.9;
/** Month-to-month interest: log-AR(1) with this persistence and innovation spread. */
const INTEREST_RHO = 0.6;
const INTEREST_SIGMA = 0.6;
/** Ceiling of a contact's monthly activity, in multiples of the average contact's. */
const MAX_LEVEL = 4;
/** Spread of each contact's taste for each type (lognormal with mean 1). */
const TASTE_SIGMA = 0.5;

const LEAD_SOURCES = ["Google", "Yandex", "Facebook", "Direct", "Referral", "Email"];
const LEAD_SOURCE_SHARE = [0.3, 0.25, 0.12, 0.13, 0.08, 0.12];
const INTERESTS = ["loans", "deposits", "cards", "insurance", "mortgage"];
const STAGES = ["lead", "mql", "sql", "customer", "lost"];
const STAGE_SHARE = [0.45, 0.2, 0.1, 0.15, 0.1];
const TAGS = ["product-a", "product-b", "product-c"];
const EVENT_SOURCES = ["google", "yandex", "facebook", "vk", "direct", "email"];
const EVENT_SOURCE_SHARE = [0.3, 0.3, 0.1, 0.1, 0.15, 0.05];
const PHRASES = [
  "кредит наличными",
  "ипотека, ставки",
  "вклад под высокий процент",
  "кредитная карта кэшбэк",
  "страхование квартиры",
  "loan calculator",
  "credit card cashback",
  "shop example pricing",
];
const OPERATOR_CODES = ["916", "903", "925", "926", "977", "985", "999", "912", "921", "950"];
const FIRST_NAMES = ["anna", "ivan", "olga", "petr", "maria", "sergey", "elena", "dmitry"];
const LAST_NAMES = ["ivanova", "petrov", "smirnova", "kuznetsov", "popova", "sokolov"];
const DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "example.org", "inbox.ru"];
const PATHS = [
  "/",
  "/a/overview",
  "/a/rates",
  "/a/apply",
  "/b/overview",
  "/b/compare",
  "/c/overview",
  "/blog/how-to-choose",
  "/blog/rates-2024",
  "/blog/faq",
  "/contacts",
];

export interface GenerateOptions {
  /** Number of contacts. @default 5000 */
  contacts?: number;
  /** Seed of the random stream; the same seed gives the same base. @default 1 */
  seed?: number;
  /** Months of events, from `start`. @default 12 */
  months?: number;
  /** First day of the events, `YYYY-MM-DD`, UTC. @default "2024-01-01" */
  start?: string;
  /**
   * Events wanted; when set, contacts are drawn until their events reach it (the last contact
   * is kept whole) and `contacts` is ignored. The per-contact model is the same, so is the
   * ground truth; ids may be a digit wider than in a base of that many contacts.
   * @default undefined
   */
  eventsTarget?: number;
}

/** The models that produced the base, as written to `ground_truth.json`. */
export interface GroundTruth {
  format: "scorebench.ground-truth/v1";
  seed: number;
  contacts: number;
  start: string;
  end: string;
  temporal: {
    cutoffs: string[];
    lookbackDays: number;
    horizonDays: number;
    intercept: number;
    weights: Record<string, number>;
    /** The feature names and the label in words, for whoever reads the file alone. */
    definitions: Record<string, string>;
    /** What the draw gave at each cutoff: every contact is in every cutoff. */
    realized: { cutoff: string; contacts: number; converters: number }[];
  };
  snapshot: {
    label: "converted";
    intercept: number;
    effects: Record<string, number>;
    ageBands: { band: string; from: number; to: number | null }[];
    realized: { contacts: number; converters: number };
  };
}

export interface Dataset {
  contacts: ContactRow[];
  events: EventRow[];
  purchases: PurchaseRow[];
  verification: VerificationRow[];
  groundTruth: GroundTruth;
}

/** One contact with everything it owns, plus the text the CSV files show for it. */
interface ContactBundle {
  contact: ContactRow;
  converted: 0 | 1;
  leadSource: string;
  phoneText: string;
  emailText: string;
  events: EventRow[];
  purchases: PurchaseRow[];
  /** Verification rows as the CSV shows them (phones and e-mails in another format). */
  verification: VerificationRow[];
  /** Label at each cutoff, in cutoff order. */
  labels: (0 | 1)[];
}

interface Resolved {
  /** Contacts to generate, or the most to generate when `eventsTarget` is set. */
  contacts: number;
  /** Stop after the contact that brings the events to this many. */
  eventsTarget: number;
  /** Digits of a contact id. */
  idWidth: number;
  seed: number;
  months: number;
  startMs: number;
  endMs: number;
  monthStarts: number[];
  cutoffs: number[];
  lookbackDays: number;
  horizonDays: number;
}

/** Events per contact before the activity cap and unsubscribes trim them: an upper estimate. */
function expectedEventsPerContact(months = 12): number {
  return months * EVENT_TYPES.reduce((s, t) => s + MONTHLY_RATE[t], 0);
}

function resolve(options: GenerateOptions): Resolved {
  const { seed = 1, months = 12, start = "2024-01-01", eventsTarget } = options;
  let { contacts = 5000 } = options;
  if (!Number.isInteger(seed)) {
    throw new TypeError(`Cannot generate: seed "${seed}" is not an integer`);
  }
  if (!Number.isInteger(months) || months < 5 || months > 120) {
    throw new RangeError(`Cannot generate: months "${months}" must be an integer in 5..120`);
  }
  const m = /^(\d{4})-(\d{2})-01$/.exec(start);
  if (!m) {
    throw new SyntaxError(
      `Cannot generate: start "${start}" must be the 1st of a month, YYYY-MM-01`,
    );
  }
  if (eventsTarget !== undefined) {
    if (!(eventsTarget > 0) || !Number.isFinite(eventsTarget)) {
      throw new RangeError(
        `Cannot generate: events target "${eventsTarget}" must be a positive number`,
      );
    }
    // Room for five times the expected number of contacts: the stream stops at the target.
    contacts = 5 * Math.max(1, Math.round(eventsTarget / expectedEventsPerContact(months)));
  }
  if (!Number.isInteger(contacts) || contacts < 1 || contacts > 50_000_000) {
    throw new RangeError(
      `Cannot generate: contacts "${contacts}" must be an integer in 1..50000000`,
    );
  }
  const y = Number(m[1]), mo = Number(m[2]) - 1;
  const monthStarts: number[] = [];
  for (let k = 0; k <= months; k++) monthStarts.push(Date.UTC(y, mo + k, 1));
  const startMs = monthStarts[0], endMs = monthStarts[months];
  const lookbackDays = 90, horizonDays = 30;
  // A cutoff needs a full lookback inside the data and a full horizon before the end.
  const cutoffs = monthStarts.slice(1, months).filter((c) =>
    c - lookbackDays * DAY_MS >= startMs && c + horizonDays * DAY_MS <= endMs
  );
  return {
    contacts,
    eventsTarget: eventsTarget ?? Infinity,
    idWidth: Math.max(6, String(contacts * 2).length),
    seed,
    months,
    startMs,
    endMs,
    monthStarts,
    cutoffs,
    lookbackDays,
    horizonDays,
  };
}

class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  weighted<T>(xs: readonly T[], shares: readonly number[]): T {
    let u = this.next();
    for (let i = 0; i < xs.length - 1; i++) {
      u -= shares[i];
      if (u < 0) return xs[i];
    }
    return xs[xs.length - 1];
  }
  normal(): number {
    // Box-Muller; 1 - u keeps the log finite.
    const u = 1 - this.next(), v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const l = Math.exp(-lambda);
    let k = 0, p = 1;
    for (;;) {
      p *= this.next();
      if (p <= l) return k;
      k++;
    }
  }
  bernoulli(p: number): 0 | 1 {
    return this.next() < p ? 1 : 0;
  }
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/** `2024-03-01T10:15:00Z`: ISO 8601 UTC, whole seconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/** `isoSeconds` for millions of rows: the date part is formatted once per day. */
function isoFormatter(): (ms: number) => string {
  const days = new Map<number, string>();
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let prefix = days.get(day);
    if (prefix === undefined) days.set(day, prefix = isoSeconds(day * DAY_MS).slice(0, 11));
    const sec = Math.floor((ms - day * DAY_MS) / 1000);
    const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60);
    return `${prefix}${pad2(h)}:${pad2(m)}:${pad2(sec % 60)}Z`;
  };
}

function ageBand(age: number | null): string {
  if (age === null) return "missing";
  if (age < 25) return "18-24";
  if (age < 35) return "25-34";
  if (age < 45) return "35-44";
  if (age < 55) return "45-54";
  return "55+";
}

/** Ten-digit national number to one of the formats people type. */
function formatPhone(digits: string, style: number): string {
  const n = digits.slice(1); // 9161234567
  const [a, b, c, d] = [n.slice(0, 3), n.slice(3, 6), n.slice(6, 8), n.slice(8, 10)];
  switch (style) {
    case 0:
      return `+7 ${a} ${b}-${c}-${d}`;
    case 1:
      return `8(${a})${b}-${c}-${d}`;
    case 2:
      return `7${n}`;
    case 3:
      return `+7${n}`;
    default:
      return `8 ${a} ${b} ${c} ${d}`;
  }
}
const PHONE_STYLES = 5;

function mixCase(rng: Rng, s: string): string {
  const style = rng.int(4);
  if (style === 0) return s;
  if (style === 1) return s.toUpperCase();
  // Capitalised name parts, as mail clients often show them.
  return s.replace(/(^|[.@])([a-z])/g, (_m, p: string, ch: string) => p + ch.toUpperCase());
}

/** Unique, scattered six-digit (or wider) ids, so some start with zeros and none are sequential. */
function contactId(i: number, width: number): string {
  // 7919 is prime and coprime with 10^width, so i -> 7919 i mod 10^width is one-to-one.
  return String((i * 7919 + 104_729) % 10 ** width).padStart(width, "0");
}

function* bundles(r: Resolved): Generator<ContactBundle> {
  const rng = new Rng(r.seed);
  const types = EVENT_TYPES;
  const emailTypes = new Set<EventType>(["email_open", "email_click", "email_unsubscribe"]);
  // Campaigns are monthly: `cmp-2024-03-2` is the second mailing of March 2024.
  const campaignPrefix = r.monthStarts.map((ms) => `cmp-${isoSeconds(ms).slice(0, 7)}-`);
  const weightOf: Record<string, number> = Object.fromEntries(
    types.map((t) => [t, TEMPORAL_WEIGHTS[`type:${t}`]]),
  );
  const pricingWeight = TEMPORAL_WEIGHTS[`url:${PRICING_URL}`];
  const rates = types.map((t) => MONTHLY_RATE[t]);
  const lookbackMs = r.lookbackDays * DAY_MS, horizonMs = r.horizonDays * DAY_MS;

  let eventCount = 0;
  for (let i = 0; i < r.contacts && eventCount < r.eventsTarget; i++) {
    const id = contactId(i, r.idWidth);

    // Attributes.
    const gender = rng.next() < 0.1 ? null : rng.bernoulli(0.55) ? "f" : "m";
    const age = rng.next() < 0.08
      ? null
      : 18 + Math.min(57, Math.floor(-Math.log(1 - rng.next()) * 18));
    const interests = INTERESTS.filter(() => rng.next() < 0.3);
    const stage = rng.weighted(STAGES, STAGE_SHARE);
    const tags = TAGS.filter(() => rng.next() < 0.35);
    const leadSource = rng.weighted(LEAD_SOURCES, LEAD_SOURCE_SHARE);
    // Every contact exists before the events start, so every contact is at risk at every cutoff.
    const createdAt = r.startMs - (1 + rng.int(730)) * DAY_MS + rng.int(86_400) * 1000;
    const op = rng.pick(OPERATOR_CODES);
    const phoneDigits = `7${op}${
      String((i * 7_654_321 + 3_141_592) % 10_000_000).padStart(7, "0")
    }`;
    const hasPhone = rng.next() >= 0.05;
    const hasEmail = !hasPhone || rng.next() >= 0.06;
    const phoneStyle = rng.int(PHONE_STYLES);
    const emailLower = `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}${i}@${rng.pick(DOMAINS)}`;
    const emailText = hasEmail ? mixCase(rng, emailLower) : "";

    let logit = SNAPSHOT_INTERCEPT;
    logit += SNAPSHOT_EFFECTS[`lead_source:${leadSource}`];
    logit += SNAPSHOT_EFFECTS[`age:${ageBand(age)}`];
    logit += SNAPSHOT_EFFECTS[`gender:${gender ?? "missing"}`];
    if (interests.includes("loans")) logit += SNAPSHOT_EFFECTS["interests:loans"];
    const converted = rng.bernoulli(sigmoid(logit));

    // Events, month by month, independent of any purchase.
    const activity = Math.exp(ACTIVITY_SIGMA * rng.normal() - ACTIVITY_SIGMA ** 2 / 2);
    const taste = types.map(() => Math.exp(TASTE_SIGMA * rng.normal() - TASTE_SIGMA ** 2 / 2));
    const pricingShare = Math.min(0.6, PRICING_SHARE * Math.exp(0.6 * rng.normal() - 0.18));
    const favouriteSource = rng.weighted(EVENT_SOURCES, EVENT_SOURCE_SHARE);
    const stationaryVar = INTEREST_SIGMA ** 2 / (1 - INTEREST_RHO ** 2);
    let z = Math.sqrt(stationaryVar) * rng.normal();
    const cx: EventContext = { pricingShare, favouriteSource, tags, stage, campaign: "" };
    const events: EventRow[] = [];
    let unsubscribedAt = Infinity;
    for (let m = 0; m < r.months; m++) {
      if (m > 0) z = INTEREST_RHO * z + INTEREST_SIGMA * rng.normal();
      // Capped so that even the busiest month leaves the purchase odds short of certainty.
      const level = Math.min(MAX_LEVEL, activity * Math.exp(z - stationaryVar / 2));
      const from = r.monthStarts[m], span = r.monthStarts[m + 1] - from;
      const month: EventRow[] = [];
      for (let t = 0; t < types.length; t++) {
        const type = types[t];
        const n = rng.poisson(level * taste[t] * rates[t]);
        for (let k = 0; k < n; k++) {
          // Whole seconds, busier in the daytime (UTC+3 audience).
          const day = rng.int(Math.round(span / DAY_MS));
          const hour = rng.next() < 0.85 ? 5 + rng.int(15) : rng.int(24);
          const ts = from + day * DAY_MS + hour * 3_600_000 + rng.int(3600) * 1000;
          cx.campaign = campaignPrefix[m] + (1 + rng.int(4));
          month.push(makeEvent(rng, id, ts, type, cx));
        }
      }
      month.sort((a, b) => a.ts - b.ts);
      for (const e of month) {
        // After an unsubscribe no more campaign mail reaches the contact.
        if (e.ts > unsubscribedAt && emailTypes.has(e.type as EventType)) continue;
        if (e.type === "email_unsubscribe") unsubscribedAt = e.ts;
        events.push(e);
        eventCount++;
      }
    }

    // Temporal labels: a purchase in the horizon after a cutoff, drawn from the window counts.
    const purchases: PurchaseRow[] = [];
    const labels: (0 | 1)[] = [];
    for (const c of r.cutoffs) {
      let x = TEMPORAL_INTERCEPT;
      for (const e of events) {
        if (e.ts <= c - lookbackMs || e.ts > c) continue;
        x += weightOf[e.type];
        if (e.url === PRICING_URL) x += pricingWeight;
      }
      const y = rng.bernoulli(sigmoid(x));
      labels.push(y);
      if (y) {
        const n = 1 + rng.bernoulli(0.3);
        for (let k = 0; k < n; k++) {
          // In (c, c + horizon], whole seconds.
          const ts = c + (1 + rng.int(horizonMs / 1000)) * 1000;
          purchases.push({
            contact_id: id,
            ts,
            amount: Math.round(Math.exp(8 + 0.8 * rng.normal())) + rng.int(100) / 100,
            channel: rng.next() < 0.7 ? "online" : "offline",
            tag: tags.length > 0 && rng.next() < 0.8 ? rng.pick(tags) : rng.pick(TAGS),
          });
        }
      }
    }
    purchases.sort((a, b) => a.ts - b.ts);

    // About 3% are on the verification list, by another spelling of what we hold.
    const verification: VerificationRow[] = [];
    if (rng.next() < 0.03) {
      const how = rng.int(10);
      if (how < 5 && hasPhone) {
        verification.push({
          phone: formatPhone(
            phoneDigits,
            (phoneStyle + 1 + rng.int(PHONE_STYLES - 1)) % PHONE_STYLES,
          ),
        });
      } else if (how < 8 && hasEmail) {
        const other = emailText === emailLower ? emailLower.toUpperCase() : emailLower;
        verification.push({ email: rng.next() < 0.5 ? ` ${other}` : other });
      } else {
        verification.push({ contact_id: id });
      }
    }

    yield {
      contact: {
        contact_id: id,
        phone: hasPhone ? phoneDigits : null,
        email: hasEmail ? emailLower : null,
        gender,
        age,
        // An empty cell reads as missing, not as an empty list.
        interests: interests.length > 0 ? interests : null,
        stage,
        tags: tags.length > 0 ? tags : null,
        created_at: createdAt,
        lead_source: leadSource,
        converted,
      },
      converted,
      leadSource,
      phoneText: hasPhone ? formatPhone(phoneDigits, phoneStyle) : "",
      emailText,
      events,
      purchases,
      verification,
      labels,
    };
  }
}

interface EventContext {
  pricingShare: number;
  favouriteSource: string;
  tags: string[];
  stage: string;
  campaign: string;
}

function makeEvent(rng: Rng, id: string, ts: number, type: EventType, cx: EventContext): EventRow {
  const e: EventRow = {
    contact_id: id,
    ts,
    type,
    channel: null,
    url: null,
    email_id: null,
    source: null,
    phrase: null,
    tag: null,
    stage: rng.next() < 0.4 ? cx.stage : null,
    value: null,
  };
  const productTag = () =>
    cx.tags.length > 0 && rng.next() < 0.7 ? rng.pick(cx.tags) : rng.pick(TAGS);
  switch (type) {
    case "page_view": {
      e.channel = "web";
      const path = rng.next() < cx.pricingShare ? "/pricing" : rng.pick(PATHS);
      e.url = `https://shop.example${path}`;
      e.source = rng.next() < 0.6
        ? cx.favouriteSource
        : rng.weighted(EVENT_SOURCES, EVENT_SOURCE_SHARE);
      if ((e.source === "google" || e.source === "yandex") && rng.next() < 0.5) {
        e.phrase = rng.pick(PHRASES);
      }
      if (path.startsWith("/a/")) e.tag = "product-a";
      else if (path.startsWith("/b/")) e.tag = "product-b";
      else if (path.startsWith("/c/")) e.tag = "product-c";
      break;
    }
    case "email_open":
    case "email_unsubscribe":
      e.channel = "email";
      e.source = "email";
      e.email_id = cx.campaign;
      break;
    case "email_click":
      e.channel = "email";
      e.source = "email";
      e.email_id = cx.campaign;
      e.url = `https://shop.example${rng.pick(PATHS)}?utm_source=email`;
      break;
    case "form_submit":
      e.channel = "web";
      e.url = rng.next() < 0.5 ? "https://shop.example/contacts" : "https://shop.example/a/apply";
      e.tag = productTag();
      break;
    case "call":
      e.channel = "phone";
      e.value = 20 + rng.int(900);
      break;
    case "chat":
      e.channel = "web";
      e.url = `https://shop.example${rng.pick(PATHS)}`;
      break;
    case "webinar":
      e.channel = "webinar";
      e.tag = productTag();
      break;
    case "sms_click":
      e.channel = "sms";
      e.url = `https://shop.example${rng.pick(PATHS)}?utm_source=sms`;
      break;
    case "app_install":
      e.channel = "app";
      e.source = rng.weighted(EVENT_SOURCES, EVENT_SOURCE_SHARE);
      break;
    case "social_like":
    case "social_comment":
      e.channel = "social";
      e.source = rng.next() < 0.5 ? "facebook" : "vk";
      break;
    case "cart_abandon":
      e.channel = "web";
      e.url = "https://shop.example/cart";
      e.tag = productTag();
      e.value = Math.round(Math.exp(8 + 0.7 * rng.normal()));
      break;
  }
  return e;
}

function truthShell(r: Resolved): GroundTruth {
  return {
    format: "scorebench.ground-truth/v1",
    seed: r.seed,
    contacts: 0,
    start: isoSeconds(r.startMs),
    end: isoSeconds(r.endMs),
    temporal: {
      cutoffs: r.cutoffs.map(isoSeconds),
      lookbackDays: r.lookbackDays,
      horizonDays: r.horizonDays,
      intercept: TEMPORAL_INTERCEPT,
      weights: { ...TEMPORAL_WEIGHTS },
      definitions: {
        "type:<type>": "count of the contact's events of that type with T - lookbackDays < ts <= T",
        "url:<url>":
          "count of the contact's page_view events with url exactly <url> in that window",
        label: "1 when the contact has a purchase with T < ts <= T + horizonDays, else 0; " +
          "P(1) = 1 / (1 + exp(-(intercept + sum of weight * feature)))",
      },
      realized: r.cutoffs.map((c) => ({ cutoff: isoSeconds(c), contacts: 0, converters: 0 })),
    },
    snapshot: {
      label: "converted",
      intercept: SNAPSHOT_INTERCEPT,
      effects: { ...SNAPSHOT_EFFECTS },
      ageBands: [
        { band: "18-24", from: 18, to: 24 },
        { band: "25-34", from: 25, to: 34 },
        { band: "35-44", from: 35, to: 44 },
        { band: "45-54", from: 45, to: 54 },
        { band: "55+", from: 55, to: null },
      ],
      realized: { contacts: 0, converters: 0 },
    },
  };
}

function tally(truth: GroundTruth, b: ContactBundle): void {
  truth.contacts++;
  truth.snapshot.realized.contacts++;
  truth.snapshot.realized.converters += b.converted;
  b.labels.forEach((y, k) => {
    truth.temporal.realized[k].contacts++;
    truth.temporal.realized[k].converters += y;
  });
}

/**
 * Generates the base in memory as canonical rows (phones as digits, e-mails lower-case, as a
 * loader returns them) with the models that produced it. For large sizes use `writeDataset`.
 */
export function generateDataset(options: GenerateOptions = {}): Dataset {
  const r = resolve(options);
  const truth = truthShell(r);
  const out: Dataset = {
    contacts: [],
    events: [],
    purchases: [],
    verification: [],
    groundTruth: truth,
  };
  for (const b of bundles(r)) {
    tally(truth, b);
    out.contacts.push(b.contact);
    for (const e of b.events) out.events.push(e);
    for (const p of b.purchases) out.purchases.push(p);
    for (const v of b.verification) {
      out.verification.push({
        contact_id: v.contact_id ?? null,
        phone: v.phone ? v.phone.replace(/\D/g, "").replace(/^8/, "7") : null,
        email: v.email ? v.email.trim().toLowerCase() : null,
      });
    }
  }
  return out;
}

/** Column order of each CSV file. */
export const COLUMNS = {
  contacts: [
    "contact_id",
    "phone",
    "email",
    "gender",
    "age",
    "interests",
    "stage",
    "tags",
    "created_at",
    "lead_source",
    "converted",
  ],
  events: [
    "contact_id",
    "ts",
    "type",
    "channel",
    "url",
    "email_id",
    "source",
    "phrase",
    "tag",
    "stage",
    "value",
  ],
  purchases: ["contact_id", "ts", "amount", "channel", "tag"],
  verification: ["contact_id", "phone", "email"],
} as const;

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Buffered line writer to a temporary file, renamed into place by `close()`. */
class CsvFile {
  #file: Deno.FsFile;
  #tmp: string;
  #path: string;
  #buf: string[] = [];
  #size = 0;
  rows = 0;
  constructor(path: string, header: readonly string[]) {
    this.#path = path;
    this.#tmp = `${path}.${crypto.randomUUID()}.tmp`;
    this.#file = Deno.openSync(this.#tmp, { write: true, create: true, truncate: true });
    this.#push(header.join(","));
  }
  #push(line: string): void {
    this.#buf.push(line);
    this.#size += line.length;
    if (this.#size > 1 << 20) this.flush();
  }
  row(values: unknown[]): void {
    this.line(values.map(cell).join(","));
  }
  /** A line already in CSV form. */
  line(text: string): void {
    this.#push(text);
    this.rows++;
  }
  flush(): void {
    if (this.#buf.length === 0) return;
    const bytes = new TextEncoder().encode(this.#buf.join("\n") + "\n");
    let off = 0;
    while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
    this.#buf = [];
    this.#size = 0;
  }
  close(): void {
    this.flush();
    this.#file.close();
    Deno.renameSync(this.#tmp, this.#path);
  }
  abort(): void {
    try {
      this.#file.close();
    } catch { /* already closed */ }
    try {
      Deno.removeSync(this.#tmp);
    } catch { /* never created */ }
  }
}

export interface WriteOptions extends GenerateOptions {
  /** Called every `progressEvery` contacts with the contacts and events done. @default undefined */
  onProgress?: (contactsDone: number, eventsDone: number) => void;
  /** @default 10000 */
  progressEvery?: number;
}

/** Row counts of the files `writeDataset` wrote. */
export interface WriteSummary {
  contacts: number;
  events: number;
  purchases: number;
  verification: number;
  groundTruth: GroundTruth;
}

/**
 * Streams the base to `dir` (created if needed) as `contacts.csv`, `events.csv`,
 * `purchases.csv`, `verification.csv` and `ground_truth.json`, one contact at a time, so
 * memory stays flat however many events are asked for. Files appear only when complete.
 * The rows are those of `generateDataset` with the same options, in the same order.
 */
export function writeDataset(dir: string, options: WriteOptions = {}): WriteSummary {
  const { onProgress, progressEvery = 10_000 } = options;
  const r = resolve(options);
  const truth = truthShell(r);
  const iso = isoFormatter();
  Deno.mkdirSync(dir, { recursive: true });
  const files = {
    contacts: new CsvFile(join(dir, "contacts.csv"), COLUMNS.contacts),
    events: new CsvFile(join(dir, "events.csv"), COLUMNS.events),
    purchases: new CsvFile(join(dir, "purchases.csv"), COLUMNS.purchases),
    verification: new CsvFile(join(dir, "verification.csv"), COLUMNS.verification),
  };
  try {
    let done = 0;
    for (const b of bundles(r)) {
      tally(truth, b);
      const c = b.contact;
      files.contacts.row([
        c.contact_id,
        b.phoneText,
        b.emailText,
        c.gender,
        c.age,
        (c.interests ?? []).join(";"),
        c.stage,
        (c.tags ?? []).join(";"),
        iso(c.created_at as number),
        b.leadSource,
        b.converted,
      ]);
      for (const e of b.events) {
        // Only `phrase` can hold a comma; every other event column is plain text by design.
        files.events.line(
          `${e.contact_id},${iso(e.ts)},${e.type},${e.channel ?? ""},${e.url ?? ""},` +
            `${e.email_id ?? ""},${e.source ?? ""},${e.phrase === null ? "" : cell(e.phrase)},` +
            `${e.tag ?? ""},${e.stage ?? ""},${e.value ?? ""}`,
        );
      }
      for (const p of b.purchases) {
        files.purchases.row([p.contact_id, iso(p.ts), p.amount, p.channel, p.tag]);
      }
      for (const v of b.verification) files.verification.row([v.contact_id, v.phone, v.email]);
      if (onProgress && ++done % progressEvery === 0) onProgress(done, files.events.rows);
    }
    for (const f of Object.values(files)) f.close();
  } catch (err) {
    for (const f of Object.values(files)) f.abort();
    throw err;
  }
  const json = join(dir, "ground_truth.json");
  const tmp = `${json}.${crypto.randomUUID()}.tmp`;
  Deno.writeTextFileSync(tmp, JSON.stringify(truth, null, 2) + "\n");
  Deno.renameSync(tmp, json);
  return {
    contacts: files.contacts.rows,
    events: files.events.rows,
    purchases: files.purchases.rows,
    verification: files.verification.rows,
    groundTruth: truth,
  };
}

const HELP = `Usage: deno run -A data/generate.ts [flags]

Writes a synthetic lead base with a known ground truth (see data/README.md).

Flags:
  --out <dir> (required)   folder for contacts.csv, events.csv, purchases.csv,
                           verification.csv and ground_truth.json
  --contacts <n>           number of contacts (default 5000)
  --events-target <n>      draw contacts until their events reach n (replaces --contacts)
  --seed <n>               random seed (default 1)
  --months <n>             months of events (default 12)
  --start <YYYY-MM-01>     first day of events (default 2024-01-01)
  --help                   show this help`;

function main(args: string[]): number {
  let v: Record<string, string | boolean | undefined>;
  try {
    v = parseArgs({
      args,
      strict: true,
      options: {
        out: { type: "string" },
        contacts: { type: "string" },
        "events-target": { type: "string" },
        seed: { type: "string" },
        months: { type: "string" },
        start: { type: "string" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (typeof v.out !== "string") {
    console.error(`Missing required flag --out.\n\n${HELP}`);
    return 2;
  }
  const num = (flag: string): number | undefined => {
    const s = v[flag];
    if (typeof s !== "string") return undefined;
    const n = Number(s);
    if (s.trim() === "" || !Number.isFinite(n)) {
      throw new TypeError(`Flag --${flag}: "${s}" is not a number`);
    }
    return n;
  };
  try {
    const t0 = performance.now();
    const summary = writeDataset(v.out, {
      contacts: num("contacts"),
      eventsTarget: num("events-target"),
      seed: num("seed"),
      months: num("months"),
      start: typeof v.start === "string" ? v.start : undefined,
      onProgress: (c, e) => console.error(`  ${c} contacts, ${e} events...`),
      progressEvery: 20_000,
    });
    const s = (performance.now() - t0) / 1000;
    const rows = summary.contacts + summary.events + summary.purchases + summary.verification;
    console.log(
      `Wrote ${summary.contacts} contacts, ${summary.events} events, ${summary.purchases} purchases, ` +
        `${summary.verification} verification rows to ${v.out} in ${s.toFixed(1)} s ` +
        `(${Math.round(summary.events / s)} events/s, ${Math.round(rows / s)} rows/s)`,
    );
    return 0;
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) {
      console.error((err as Error).message);
      return 1;
    }
    throw err;
  }
}

if (import.meta.main) Deno.exit(main(Deno.args));
