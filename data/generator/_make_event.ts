/** One event of a given type with the columns its channel fills. */
import type { EventRow } from "../../src/tables/mod.ts";
import {
  EVENT_SOURCE_SHARE,
  EVENT_SOURCES,
  type EventType,
  PATHS,
  PHRASES,
  TAGS,
} from "./model.ts";
import type { Rng } from "./_rng.ts";

/** What a contact's events share: its habits and this month's campaign. */
export interface EventContext {
  pricingShare: number;
  favouriteSource: string;
  tags: string[];
  stage: string;
  campaign: string;
}

/** An event of contact `id` at `ts`; draws from `rng` in a fixed order per type. */
export function makeEvent(
  rng: Rng,
  id: string,
  ts: number,
  type: EventType,
  cx: EventContext,
): EventRow {
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
