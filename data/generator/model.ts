/**
 * The parameters of the synthetic base: the two true models a calibration must recover
 * (published in `ground_truth.json`) and the behaviour that drives the draws (event rates,
 * spreads, vocabularies). The model is described in `data/README.md`.
 *
 * @module
 */

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
/** One of `EVENT_TYPES`. */
export type EventType = typeof EVENT_TYPES[number];

/** The page whose views carry a weight of their own in the temporal truth. */
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
/** Log-odds of a purchase in the horizon for a contact with no events in the lookback. */
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
/** Log-odds of `converted` at the reference levels. */
export const SNAPSHOT_INTERCEPT = -2.2;

/** Age bands of the snapshot truth, inclusive whole years; `to: null` is open-ended. */
export const AGE_BANDS: readonly { band: string; from: number; to: number | null }[] = [
  { band: "18-24", from: 18, to: 24 },
  { band: "25-34", from: 25, to: 34 },
  { band: "35-44", from: 35, to: 44 },
  { band: "45-54", from: 45, to: 54 },
  { band: "55+", from: 55, to: null },
];

/** Mean monthly count of each type for a contact of average activity. */
export const MONTHLY_RATE: Readonly<Record<EventType, number>> = {
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
export const PRICING_SHARE = 0.12;
/** Spread of the per-contact activity level (lognormal with mean 1). */
export const ACTIVITY_SIGMA = 0.9;
/** Month-to-month interest: log-AR(1) with this persistence and innovation spread. */
export const INTEREST_RHO = 0.6;
export const INTEREST_SIGMA = 0.6;
/** Ceiling of a contact's monthly activity, in multiples of the average contact's. */
export const MAX_LEVEL = 4;
/** Spread of each contact's taste for each type (lognormal with mean 1). */
export const TASTE_SIGMA = 0.5;
/** Days before a cutoff whose events the temporal truth counts. */
export const LOOKBACK_DAYS = 90;
/** Days after a cutoff in which the temporal truth's purchases fall. */
export const HORIZON_DAYS = 30;

export const LEAD_SOURCES = ["Google", "Yandex", "Facebook", "Direct", "Referral", "Email"];
export const LEAD_SOURCE_SHARE = [0.3, 0.25, 0.12, 0.13, 0.08, 0.12];
export const INTERESTS = ["loans", "deposits", "cards", "insurance", "mortgage"];
export const STAGES = ["lead", "mql", "sql", "customer", "lost"];
export const STAGE_SHARE = [0.45, 0.2, 0.1, 0.15, 0.1];
export const TAGS = ["product-a", "product-b", "product-c"];
export const EVENT_SOURCES = ["google", "yandex", "facebook", "vk", "direct", "email"];
export const EVENT_SOURCE_SHARE = [0.3, 0.3, 0.1, 0.1, 0.15, 0.05];
/** Search phrases; one holds a comma, so the CSV must quote it. */
export const PHRASES = [
  "кредит наличными",
  "ипотека, ставки",
  "вклад под высокий процент",
  "кредитная карта кэшбэк",
  "страхование квартиры",
  "loan calculator",
  "credit card cashback",
  "shop example pricing",
];
export const OPERATOR_CODES = [
  "916",
  "903",
  "925",
  "926",
  "977",
  "985",
  "999",
  "912",
  "921",
  "950",
];
export const FIRST_NAMES = ["anna", "ivan", "olga", "petr", "maria", "sergey", "elena", "dmitry"];
export const LAST_NAMES = ["ivanova", "petrov", "smirnova", "kuznetsov", "popova", "sokolov"];
export const DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "example.org", "inbox.ru"];
/** Paths on `https://shop.example` that page views and clicks land on. */
export const PATHS = [
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

/** The band of `AGE_BANDS` holding a whole-year `age`, or `"missing"`. */
export function ageBand(age: number | null): string {
  if (age === null) return "missing";
  return (AGE_BANDS.find((b) => b.to === null || age <= b.to) ?? AGE_BANDS[0]).band;
}

/** Events per contact before the activity cap and unsubscribes trim them: an upper estimate. */
export function expectedEventsPerContact(months = 12): number {
  return months * EVENT_TYPES.reduce((s, t) => s + MONTHLY_RATE[t], 0);
}
