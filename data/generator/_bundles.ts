/**
 * The simulation: one contact at a time, its attributes, a year of events, the purchases the
 * temporal truth draws from them and its verification rows. Both `generateDataset` and
 * `writeDataset` consume this one stream, so memory and files hold the same rows.
 */
import {
  type ContactRow,
  DAY_MS,
  type EventRow,
  formatInstant,
  type PurchaseRow,
  type VerificationRow,
} from "../../src/tables/mod.ts";
import {
  ACTIVITY_SIGMA,
  ageBand,
  DOMAINS,
  EVENT_SOURCE_SHARE,
  EVENT_SOURCES,
  EVENT_TYPES,
  type EventType,
  FIRST_NAMES,
  INTEREST_RHO,
  INTEREST_SIGMA,
  INTERESTS,
  LAST_NAMES,
  LEAD_SOURCE_SHARE,
  LEAD_SOURCES,
  MAX_LEVEL,
  MONTHLY_RATE,
  OPERATOR_CODES,
  PRICING_SHARE,
  PRICING_URL,
  SNAPSHOT_EFFECTS,
  SNAPSHOT_INTERCEPT,
  STAGE_SHARE,
  STAGES,
  TAGS,
  TASTE_SIGMA,
  TEMPORAL_INTERCEPT,
  TEMPORAL_WEIGHTS,
} from "./model.ts";
import type { ResolvedOptions } from "./resolve_options.ts";
import { Rng, sigmoid } from "./_rng.ts";
import { contactId, formatPhone, mixCase, PHONE_STYLES } from "./_contact_text.ts";
import { type EventContext, makeEvent } from "./_make_event.ts";

/** One contact with everything it owns, plus the text the CSV files show for it. */
export interface ContactBundle {
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

/** The base as a stream of contacts, in id order, until `contacts` or `eventsTarget`. */
export function* bundles(r: ResolvedOptions): Generator<ContactBundle> {
  const rng = new Rng(r.seed);
  const types = EVENT_TYPES;
  const emailTypes = new Set<EventType>(["email_open", "email_click", "email_unsubscribe"]);
  // Campaigns are monthly: `cmp-2024-03-2` is the second mailing of March 2024.
  const campaignPrefix = r.monthStarts.map((ms) => `cmp-${formatInstant(ms).slice(0, 7)}-`);
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
