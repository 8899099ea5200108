/**
 * The HTTP face of `ScoringService`, with web APIs only (`Request` in, `Response` out), so
 * it runs under `Deno.serve` and in tests without a socket.
 *
 * Routes: `POST /events`, `GET /contacts/{id}[?as_of=]`, `PUT /config[?dry_run=1&as_of=]`,
 * `GET /health`, `GET /metrics`. Every refusal is a JSON `{ "error": ... }` with a 4xx
 * status (5xx only when the service itself cannot go on).
 */
import { parseConfigDate } from "../config/parse_config.ts";
import { type ScoringService, ServeError } from "./scoring_service.ts";

/** Access and limits of `createServeHandler`. */
export interface ServeHandlerOptions {
  /** Bearer token required on every route but `GET /health`; `null` for none. @default null */
  token?: string | null;
  /** Largest request body, in bytes. @default 4_194_304 */
  maxBodyBytes?: number;
  /** Most events in one `POST /events`. @default 10_000 */
  maxEvents?: number;
}

const ROUTES = ["events", "contacts", "config", "health", "metrics", "other"] as const;
type Route = typeof ROUTES[number];

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body, null, 2) + "\n", {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

function refuse(status: number, message: string, extra: Record<string, unknown> = {}): Response {
  return json(status, { error: message, ...extra });
}

/** Compares two strings in time that depends on their lengths only. */
function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** The body, refused with 413 past `limit` bytes (counted as they arrive, not trusted). */
async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    throw new ServeError(413, `The body of ${declared} bytes is over the limit of ${limit} bytes`);
  }
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new ServeError(413, `The body is over the limit of ${limit} bytes`);
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) out.set(p, o), o += p.length;
  return out;
}

function instantParam(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null) return undefined;
  const t = parseConfigDate(text.trim());
  if (t === null) {
    throw new ServeError(
      400,
      `Query parameter ${name}="${text}" is not a date "YYYY-MM-DD" or an ISO 8601 instant`,
    );
  }
  return t;
}

/** A `Deno.serve` handler for `service`. */
export function createServeHandler(
  service: ScoringService,
  options: ServeHandlerOptions = {},
): (req: Request) => Promise<Response> {
  const { token = null, maxBodyBytes = 4_194_304, maxEvents = 10_000 } = options;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new RangeError(`maxBodyBytes "${maxBodyBytes}" must be a positive integer`);
  }
  if (!Number.isInteger(maxEvents) || maxEvents < 1) {
    throw new RangeError(`maxEvents "${maxEvents}" must be a positive integer`);
  }
  const requests = service.metrics.counter(
    "scorebench_http_requests_total",
    "HTTP requests, by route and status.",
  );
  const latency = service.metrics.histogram(
    "scorebench_events_request_seconds",
    "POST /events, from the request to the answer.",
  );

  async function route(req: Request, url: URL): Promise<[Route, Response]> {
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const parts = path.split("/").slice(1);
    const name = (ROUTES as readonly string[]).includes(parts[0]) ? parts[0] as Route : "other";
    const allow = (methods: string[]): Response | null =>
      methods.includes(req.method) ? null : refuse(
        405,
        `${req.method} is not allowed on ${path} (allowed: ${methods.join(", ")})`,
        {},
      );
    if (name === "health" && parts.length === 1) {
      const bad = allow(["GET", "HEAD"]);
      if (bad) return [name, bad];
      return [name, json(service.healthy ? 200 : 503, service.health())];
    }
    if (token !== null) {
      const auth = req.headers.get("authorization") ?? "";
      const m = /^Bearer\s+(.+)$/i.exec(auth);
      if (!m || !sameText(m[1].trim(), token)) {
        return [
          name,
          refuse(401, "A bearer token is required (Authorization: Bearer <token>)", {}),
        ];
      }
    }
    if (name === "events" && parts.length === 1) {
      const bad = allow(["POST"]);
      if (bad) return [name, bad];
      const t0 = performance.now();
      const body = await readBody(req, maxBodyBytes);
      const r = await service.ingest(body, req.headers.get("content-type"), { maxEvents });
      latency.observe((performance.now() - t0) / 1000);
      const answer = {
        accepted: r.accepted,
        rejected: r.rejected,
        first_seq: r.firstSeq,
        last_seq: r.lastSeq,
        ...(r.warnings.length ? { warnings: r.warnings } : {}),
      };
      if (r.accepted === 0) {
        return [name, json(422, { error: "No event of the request was accepted", ...answer })];
      }
      return [name, json(200, answer)];
    }
    if (name === "contacts" && parts.length === 2 && parts[1] !== "") {
      const bad = allow(["GET", "HEAD"]);
      if (bad) return [name, bad];
      let id: string;
      try {
        id = decodeURIComponent(parts[1]);
      } catch {
        throw new ServeError(400, `The contact id in "${path}" is not valid percent-encoding`);
      }
      return [name, json(200, service.contact(id, instantParam(url, "as_of")))];
    }
    if (name === "config" && parts.length === 1) {
      const bad = allow(["PUT"]);
      if (bad) return [name, bad];
      const body = await readBody(req, maxBodyBytes);
      let spec: unknown;
      try {
        spec = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
      } catch (err) {
        throw new ServeError(400, `The config is not valid JSON: ${(err as Error).message}`);
      }
      const dry = url.searchParams.get("dry_run");
      const answer = await service.changeConfig(spec, {
        asOf: instantParam(url, "as_of"),
        dryRun: dry !== null && dry !== "0" && dry !== "false",
      });
      return [name, json(200, answer)];
    }
    if (name === "metrics" && parts.length === 1) {
      const bad = allow(["GET"]);
      if (bad) return [name, bad];
      return [
        name,
        new Response(service.metrics.render(), {
          headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
        }),
      ];
    }
    return [
      "other",
      refuse(404, `No route ${req.method} ${path}`, {
        routes: [
          "POST /events",
          "GET /contacts/{id}?as_of=",
          "PUT /config?dry_run=1&as_of=",
          "GET /health",
          "GET /metrics",
        ],
      }),
    ];
  }

  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    let name: Route = "other";
    let res: Response;
    try {
      [name, res] = await route(req, url);
    } catch (err) {
      if (err instanceof ServeError) {
        res = refuse(err.status, err.message, (err.details ?? {}) as Record<string, unknown>);
      } else {
        res = refuse(500, `Internal error: ${(err as Error).message}`);
      }
      const first = url.pathname.split("/")[1];
      name = (ROUTES as readonly string[]).includes(first) ? first as Route : "other";
    }
    requests.inc({ route: name, status: String(res.status) });
    return res;
  };
}
