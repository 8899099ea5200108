/**
 * Seeded random configs and data for the property test: small enough to run hundreds of
 * cases in seconds, shaped to hit the edges (window bounds, UTC midnight, ties on `ts`,
 * `%`/`_` in values, missing values of every kind, numbers written as text).
 */
import type { Predicate, Scalar, ScoringConfigSpec } from "../../src/config/types.ts";
import type { ContactRow, EventRow, VerificationRow } from "../../src/data/types.ts";
import type { Tables } from "./_harness.ts";

/** Seeded generator for reproducible test data. */
import { seededRng as seededRandom } from "../../src/metrics/seeded_rng.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";
export { seededRandom };

const TYPES = ["page_view", "email_click", "purchase", "call"];
const URLS = [
  "https://shop.example/a/1",
  "https://shop.example/a/pricing",
  "https://x.example/pricing?x=1",
  "https://x.example/100%_off",
  "https://x.example/100xyoff",
  "https://пример.рф/цены",
  "",
  null,
];
const CHANNELS = ["offline", "online", "Offline", "", null];
const STAGES = ["lead", "won", "lost", "", null];
const TEXT_NUMBERS = ["5", " 7 ", "12.5", "abc", "", "-3", "1e1", null];
const GENDERS = ["f", "m", "", null];
const INTERESTS = ["loans", "cards", "deposits"];

export interface RandomCase {
  spec: ScoringConfigSpec;
  tables: Tables;
  asOf: number[];
}

export function randomCase(seed: number): RandomCase {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const chance = (p: number) => rnd() < p;

  const T0 = Date.UTC(2024, 2, 31, int(0, 1) * 12);
  const asOf = chance(0.6)
    ? [T0]
    : [T0, T0 - int(1, 20) * DAY, T0 + int(1, 5) * DAY + int(0, 1000)];
  const lookbackDays = chance(0.2) ? int(10, 40) + 0.5 : int(5, 40);
  const halfLifeDays = chance(0.4) ? undefined : chance(0.3) ? int(1, 20) + 0.25 : int(1, 30);

  // Contacts: ids with leading zeros and `+` kept as text.
  const ids = Array.from(
    { length: int(3, 10) },
    (_, i) => pick(["c", "0", "+"]) + String(i).padStart(2, "0"),
  );
  const contacts: ContactRow[] = ids.map((id) => {
    const row: ContactRow = { contact_id: id };
    if (chance(0.8)) row.stage = pick(STAGES);
    if (chance(0.8)) row.gender = pick(GENDERS);
    if (chance(0.8)) row.age = chance(0.1) ? NaN : chance(0.1) ? null : int(18, 70);
    if (chance(0.7)) row.interests = INTERESTS.filter(() => chance(0.4));
    if (chance(0.5)) row.phone = chance(0.5) ? `7916${int(1000000, 1000100)}` : null;
    if (chance(0.5)) row.email = chance(0.8) ? `u${int(1, 6)}@x.example` : "";
    if (chance(0.5)) row.segment = pick(["5", "7", "a", "", null]);
    return row;
  });

  // Events of known and unknown contacts, clustered so limits and ties bite.
  const events: EventRow[] = [];
  const nEvents = int(0, 70);
  for (let i = 0; i < nEvents; i++) {
    const base = pick(asOf);
    let ts: number;
    const shape = rnd();
    if (shape < 0.1) ts = base - lookbackDays * DAY; // on the excluded bound
    else if (shape < 0.15) ts = base; // on the included bound
    else if (shape < 0.2) ts = base + int(1, 3 * DAY); // after the instant
    else if (shape < 0.35) ts = Date.UTC(2024, 2, int(1, 31)) - int(0, 1); // around UTC midnight
    else if (shape < 0.45 && events.length > 0) ts = events[events.length - 1].ts; // a tie
    else ts = base - int(0, Math.ceil(lookbackDays * 1.2) * DAY);
    const e: EventRow = {
      contact_id: chance(0.93) ? pick(ids) : "stranger",
      ts,
      type: pick(TYPES),
    };
    if (chance(0.8)) e.url = pick(URLS);
    if (chance(0.7)) e.channel = pick(CHANNELS);
    if (chance(0.6)) e.stage = pick(STAGES);
    if (chance(0.6)) e.value = chance(0.1) ? NaN : chance(0.1) ? null : int(-5, 50) / 2;
    if (chance(0.6)) e.amount_text = pick(TEXT_NUMBERS);
    events.push(e);
  }

  const textPredicate = (): Predicate => {
    const op = pick(["eq", "neq", "in", "notIn", "prefix", "contains", "glob", "exists", "gt"]);
    switch (op) {
      case "eq":
        return { eq: pick(["offline", "online", "https://shop.example/a/1"]) };
      case "neq":
        return { neq: pick(["offline", "online"]) };
      case "in":
        return { in: ["offline", pick(["Offline", "online", "x"])] };
      case "notIn":
        return { notIn: [pick(["offline", "online"])] };
      case "prefix":
        return { prefix: pick(["https://shop.example/a/", "https://x.", "https://пример"]) };
      case "contains":
        return { contains: pick(["pricing", "100%_", "%", "_", "/a/"]) };
      case "glob":
        return {
          glob: pick(["*/pricing*", "*100%_off", "*100?_off", "https://пример.рф/?ены", "*", "?*"]),
        };
      case "exists":
        return { exists: chance(0.5) };
      default:
        return { gt: pick(["https://x", "m"]) };
    }
  };
  const numberPredicate = (): Predicate => {
    const op = pick(["eq", "gt", "gte", "lt", "lte", "between", "neq", "in", "exists", "eqText"]);
    switch (op) {
      case "eq":
        return { eq: int(0, 10) };
      case "eqText":
        return { eq: pick(["5", " 7", "x"]) };
      case "gt":
        return { gt: int(0, 20) };
      case "gte":
        return { gte: int(0, 20) / 2 };
      case "lt":
        return { lt: int(0, 20) };
      case "lte":
        return { lte: int(0, 20) };
      case "between":
        return { between: [int(-2, 5), int(5, 25)] };
      case "neq":
        return { neq: int(0, 10) };
      case "in":
        return { in: [int(0, 10), int(0, 10), "5"] };
      default:
        return { exists: chance(0.5) };
    }
  };
  const textNumberPredicate = (): Predicate =>
    pick<Predicate>([{ eq: 5 }, { gt: 4 }, { between: [0, 10] }, { eq: "5" }, { in: [7, "abc"] }, {
      lt: "b",
    }, { notIn: [12.5] }]);

  const rules: NonNullable<ScoringConfigSpec["rules"]> = [];
  const nRules = chance(0.1) ? 0 : int(1, 6);
  for (let i = 0; i < nRules; i++) {
    const where: Record<string, Predicate> = {};
    for (let k = int(0, 2); k > 0; k--) {
      const column = pick(["url", "channel", "value", "amount_text", "stage", "missing_col"]);
      where[column] = column === "value"
        ? numberPredicate()
        : column === "amount_text"
        ? textNumberPredicate()
        : column === "missing_col"
        ? pick<Predicate>([{ exists: false }, { neq: "x" }, { eq: "x" }])
        : textPredicate();
      if (chance(0.15)) Object.assign(where[column], { exists: true });
    }
    const scopes: NonNullable<NonNullable<ScoringConfigSpec["rules"]>[number]["scopes"]> = [];
    if (chance(0.8)) scopes.push("global");
    if (chance(0.3)) scopes.push("stage");
    if (chance(0.3)) scopes.push({ tag: pick(["a", "b"]) });
    rules.push({
      id: `r${i}`,
      on: chance(0.9) ? pick(TYPES) : "never_seen",
      ...(Object.keys(where).length > 0 || chance(0.5) ? { where } : {}),
      points: chance(0.7) ? int(-20, 30) : Math.round((rnd() * 40 - 10) * 1000) / 1000,
      ...(chance(0.35) ? { maxPerDay: int(1, 3) } : {}),
      ...(chance(0.35) ? { maxCount: int(1, 4) } : {}),
      ...(scopes.length > 0 && chance(0.8) ? { scopes } : {}),
    });
  }

  const attributes: NonNullable<ScoringConfigSpec["attributes"]> = [];
  for (let i = int(0, 3); i > 0; i--) {
    const field = pick(["age", "gender", "interests", "stage", "segment", "nope"]);
    const where: Predicate = field === "age"
      ? pick<Predicate>([{ between: [25, 44] }, { gte: 50 }, { exists: false }, { eq: "30" }])
      : field === "interests"
      ? pick<Predicate>([{ in: ["loans"] }, { eq: "cards" }, { notIn: ["deposits"] }, {
        exists: true,
      }])
      : field === "segment"
      ? pick<Predicate>([{ eq: 5 }, { gt: 6 }, { eq: "a" }, { exists: false }])
      : pick<Predicate>([{ eq: "f" }, { in: ["lead", "won"] }, { neq: "m" }, { exists: true }]);
    attributes.push({ id: `a${i}`, field, where, points: int(-10, 15) });
  }

  const high = int(10, 60);
  const spec: ScoringConfigSpec = {
    format: "scorebench.config/v1",
    window: { lookbackDays, ...(halfLifeDays !== undefined ? { halfLifeDays } : {}) },
    rules,
    attributes,
    tiers: { high, medium: int(0, high) },
  };
  if (chance(0.25)) {
    const audience: NonNullable<ScoringConfigSpec["audience"]> = {};
    if (chance(0.4)) audience.gender = ["f", ...(chance(0.5) ? ["m"] : [])];
    if (chance(0.4)) audience.age = [int(18, 30), int(30, 70)];
    if (chance(0.3)) audience.interests = [pick(INTERESTS)];
    if (chance(0.3)) audience.stage = ["lead", "lost"];
    if (chance(0.4)) {
      audience.touched = {
        from: pick(["2024-03-01", "2024-03-20"]),
        to: pick(["2024-03-25", "2024-03-31", "2024-04-02T12:00:00Z"]),
        ...(chance(0.5) ? { types: [pick(TYPES)] } : {}),
      };
    }
    spec.audience = audience;
  }
  let verification: VerificationRow[] | undefined;
  if (chance(0.5)) {
    verification = [];
    for (let i = int(0, 4); i > 0; i--) {
      const by = pick(["id", "phone", "email"]);
      verification.push(
        by === "id"
          ? { contact_id: pick(ids), phone: null, email: null }
          : by === "phone"
          ? { contact_id: null, phone: `8 916 ${int(1000000, 1000100)}`, email: null }
          : { contact_id: null, phone: null, email: ` U${int(1, 6)}@X.example ` },
      );
    }
    if (chance(0.8)) {
      spec.verification = {
        mode: pick(["exclude", "demote", "flag"] as const),
        factor: pick([0.5, 0.3, 1, 0]),
      };
    }
  }
  const withContacts = chance(0.8);
  const scalarOnly = (e: EventRow) => e as Record<string, Scalar | null | undefined> as EventRow;
  return {
    spec,
    tables: {
      events: events.map(scalarOnly),
      contacts: withContacts ? contacts : undefined,
      verification,
    },
    asOf,
  };
}
