import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { DeliveryError } from "../../src/serve/delivery_queue.ts";
import { createWebhookSender, signWebhook, WEBHOOK_HEADERS } from "../../src/serve/webhook.ts";

const DELIVERY = {
  key: "12-warm",
  contactId: "007",
  url: "http://127.0.0.1:1/hook",
  body: '{"trigger_id":"warm"}',
  firedAt: 0,
};

Deno.test("signWebhook() is the HMAC-SHA256 of timestamp.body that a receiver recomputes", async () => {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode("s3cret"),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const sig = await signWebhook("s3cret", "1700000000", DELIVERY.body);
  assert(/^sha256=[0-9a-f]{64}$/.test(sig), sig);
  const mac = Uint8Array.from(sig.slice(7).match(/../g)!, (h) => parseInt(h, 16));
  const data = new TextEncoder().encode(`1700000000.${DELIVERY.body}`);
  assert(await crypto.subtle.verify("HMAC", key, mac, data));
  assert(sig !== await signWebhook("other", "1700000000", DELIVERY.body));
});

Deno.test("createWebhookSender() posts the body with idempotency key, timestamp and signature", async () => {
  const seen: Request[] = [];
  const send = createWebhookSender({
    secret: "s3cret",
    nowSeconds: () => 1700000000,
    fetch: (input, init) => {
      seen.push(new Request(input, init));
      return Promise.resolve(new Response("ok"));
    },
  });
  await send(DELIVERY, 2);
  const req = seen[0];
  assertEquals(req.method, "POST");
  assertEquals(await req.text(), DELIVERY.body);
  assertEquals(req.headers.get(WEBHOOK_HEADERS.idempotencyKey), "12-warm");
  assertEquals(req.headers.get(WEBHOOK_HEADERS.timestamp), "1700000000");
  assertEquals(req.headers.get(WEBHOOK_HEADERS.attempt), "2");
  assertEquals(
    req.headers.get(WEBHOOK_HEADERS.signature),
    await signWebhook("s3cret", "1700000000", DELIVERY.body),
  );
});

Deno.test("createWebhookSender() retries 5xx, 408, 429 and network errors, not other 4xx", async () => {
  const cases: [number | "network", boolean | null][] = [
    [200, null],
    [204, null],
    [500, false],
    [503, false],
    [408, false],
    [429, false],
    [400, true],
    [410, true],
    ["network", false],
  ];
  for (const [status, permanent] of cases) {
    const send = createWebhookSender({
      secret: null,
      fetch: () =>
        status === "network"
          ? Promise.reject(new TypeError("connection refused"))
          : Promise.resolve(new Response(null, { status })),
    });
    let error: unknown = null;
    try {
      await send(DELIVERY, 1);
    } catch (err) {
      error = err;
    }
    if (permanent === null) assertEquals(error, null, `status ${status}`);
    else {
      assert(error instanceof DeliveryError, `status ${status}`);
      assertEquals(error.permanent, permanent, `status ${status}`);
    }
  }
});
