/**
 * Shared set-up of the scoring-service tests: requests to a handler without a socket, a
 * webhook receiver on loopback, and `scores.csv` parsing.
 *
 * @module
 */
import { signWebhook, WEBHOOK_HEADERS } from "../../src/serve/webhook.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const SAMPLE = `${ROOT}data/sample`;
export const STARTER = `${ROOT}data/configs/starter.json`;

/** One answer: status and the JSON (or text) body. */
export interface Answer {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
  text: string;
}

/** Calls `handler` as `Deno.serve` would, for `METHOD /path`. */
export async function call(
  handler: (req: Request) => Promise<Response>,
  method: string,
  path: string,
  body?: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await handler(
    new Request(`http://127.0.0.1${path}`, { method, body: body ?? null, headers }),
  );
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Metrics are text.
  }
  return { status: res.status, body: parsed, text };
}

/** A firing as the webhook receiver saw it. */
export interface Received {
  key: string;
  // deno-lint-ignore no-explicit-any
  body: any;
  attempt: number;
}

/**
 * A webhook receiver on 127.0.0.1 that refuses the first `failFirst` attempts of each
 * idempotency key (and everything while `state.down`) with a 503, checks every signature, and keeps one accepted delivery per
 * key (a repeat of an accepted key is answered 200 and counted in `repeats`).
 */
export function startReceiver(secret: string, failFirst = 0) {
  const accepted = new Map<string, Received>();
  const order: string[] = [];
  const tries = new Map<string, number>();
  let repeats = 0;
  let badSignatures = 0;
  const state = { down: false };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.text();
    const key = req.headers.get(WEBHOOK_HEADERS.idempotencyKey) ?? "";
    const ts = req.headers.get(WEBHOOK_HEADERS.timestamp) ?? "";
    if (req.headers.get(WEBHOOK_HEADERS.signature) !== await signWebhook(secret, ts, body)) {
      badSignatures++;
      return new Response("bad signature", { status: 401 });
    }
    const n = (tries.get(key) ?? 0) + 1;
    tries.set(key, n);
    if (state.down || n <= failFirst) return new Response("try later", { status: 503 });
    if (accepted.has(key)) repeats++;
    else {
      accepted.set(key, { key, body: JSON.parse(body), attempt: n });
      order.push(key);
    }
    return new Response(null, { status: 204 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    accepted,
    order,
    tries,
    /** While `true`, every request is answered 503. */
    state,
    get repeats() {
      return repeats;
    },
    get badSignatures() {
      return badSignatures;
    },
    close: () => server.shutdown(),
  };
}

/** `scores.csv` rows by contact id (the first instant only). */
export function parseScoresCsv(text: string): Map<string, Record<string, string>> {
  const lines = text.trim().split("\n");
  const header = lines[0].split(",");
  const out = new Map<string, Record<string, string>>();
  for (const line of lines.slice(1)) {
    // Reasons are `id:+1;id:-2` (no comma), ids in the sample have no comma: a plain split.
    const cells = line.split(",");
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    if (!out.has(row.contact_id)) out.set(row.contact_id, row);
  }
  return out;
}

/** Resolves once `check()` holds, polling every 20 ms; throws after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000, what = "") {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting ${ms} ms ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A `cli serve` process and the URL it listens on. */
export interface Server {
  child: Deno.ChildProcess;
  url: string;
  output: Promise<string>;
}

/** Starts `cli serve` with `args` (and `env`) and waits for its "Listening on" line. */
export async function startServer(
  args: string[],
  env: Record<string, string> = {},
): Promise<Server> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}src/cli/main.ts`, "serve", ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let url = "";
  while (!url) {
    const { done, value } = await lines.read();
    if (done) {
      const err = await new Response(child.stderr).text();
      throw new Error(`serve exited before listening: ${seen}${err}`);
    }
    seen += value;
    url = /Listening on (http:\/\/\S+?)\/ /.exec(seen)?.[1] ?? "";
  }
  const output = (async () => {
    for (;;) {
      const { done, value } = await lines.read();
      if (done) break;
      seen += value;
    }
    return seen + await new Response(child.stderr).text();
  })();
  return { child, url, output };
}
