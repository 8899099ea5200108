import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import {
  backoffDelay,
  type Delivery,
  DeliveryError,
  DeliveryQueue,
} from "../../src/serve/delivery_queue.ts";

function delivery(key: string, contactId: string): Delivery {
  return { key, contactId, url: "http://127.0.0.1/hook", body: "{}", firedAt: 0 };
}

Deno.test("backoffDelay() doubles from the base, caps at the max and jitters in the upper half", () => {
  assertEquals(backoffDelay(1, 100, 10_000, () => 0), 50);
  assertEquals(backoffDelay(1, 100, 10_000, () => 1), 100);
  assertEquals(backoffDelay(3, 100, 10_000, () => 0.5), 300);
  assertEquals(backoffDelay(20, 100, 10_000, () => 1), 10_000);
  assertEquals(backoffDelay(20, 100, 10_000, () => 0), 5_000);
});

Deno.test("DeliveryQueue keeps each contact's order through retries and gives up after maxAttempts", async () => {
  const attempts = new Map<string, number>();
  const sent: string[] = [];
  const dead: string[] = [];
  const retries: number[] = [];
  const q = new DeliveryQueue({
    send: (d, attempt) => {
      attempts.set(d.key, attempt);
      // a1 fails twice, b1 always fails, everything else succeeds at once.
      if ((d.key === "a1" && attempt < 3) || d.key === "b1") {
        return Promise.reject(new DeliveryError("503"));
      }
      sent.push(d.key);
      return Promise.resolve();
    },
    onDead: (d, n, error) => dead.push(`${d.key}:${n}:${error}`),
    onRetry: (_d, _n, delay) => retries.push(delay),
    maxAttempts: 4,
    baseDelayMs: 2,
    maxDelayMs: 8,
  });
  for (const k of ["a1", "a2", "a3"]) q.enqueue(delivery(k, "a"));
  for (const k of ["b1", "b2"]) q.enqueue(delivery(k, "b"));
  q.enqueue(delivery("c1", "c"));
  assertEquals(q.length, 6);
  await q.idle();
  assertEquals(q.length, 0);
  // Per contact, a later firing never overtakes an earlier one still being retried.
  assertEquals(sent.filter((k) => k.startsWith("a")), ["a1", "a2", "a3"]);
  assertEquals(sent.filter((k) => k.startsWith("b")), ["b2"]);
  assertEquals(dead, ["b1:4:503"]);
  assertEquals(attempts.get("a1"), 3);
  assertEquals(retries.length, 2 + 3);
  assert(retries.every((d) => d >= 1 && d <= 8), `delays ${retries}`);
});

Deno.test("DeliveryQueue does not retry a permanent refusal and bounds requests in flight", async () => {
  let inFlight = 0;
  let most = 0;
  const dead: string[] = [];
  const q = new DeliveryQueue({
    send: async (d) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (d.key === "gone") throw new DeliveryError("410", true);
    },
    onDead: (d, n) => dead.push(`${d.key}:${n}`),
    concurrency: 3,
    baseDelayMs: 1,
    maxDelayMs: 1,
  });
  q.enqueue(delivery("gone", "x"));
  for (let i = 0; i < 20; i++) q.enqueue(delivery(`k${i}`, `c${i}`));
  await q.idle();
  assertEquals(dead, ["gone:1"]);
  assertEquals(most, 3);
});

Deno.test("DeliveryQueue checks its options", () => {
  const send = () => Promise.resolve();
  for (
    const bad of [{ maxAttempts: 0 }, { concurrency: 0 }, { baseDelayMs: 10, maxDelayMs: 5 }]
  ) {
    let threw = false;
    try {
      new DeliveryQueue({ send, ...bad });
    } catch (err) {
      threw = err instanceof RangeError;
    }
    assert(threw, JSON.stringify(bad));
  }
});
