/** A small static file server for the built workbench: correct MIME types and the CSP header. */
import { extname, join, normalize, sep } from "node:path";
import { CONTENT_SECURITY_POLICY } from "./content_security_policy.ts";

/** MIME types of every file kind the build writes; `application/wasm` lets DuckDB stream-compile. */
export const MIME_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".md": "text/markdown; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".arrow": "application/vnd.apache.arrow.file",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

export interface ServeStaticOptions {
  /** Port to listen on; 0 picks a free one. @default 8000 */
  port?: number;
  /** Interface to listen on; the workbench is for this machine only. @default "127.0.0.1" */
  hostname?: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
}

export interface StaticServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  port: number;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

/** Answers one request from files under `root`; exported for tests without a socket. */
export async function serveFile(root: string, request: Request): Promise<Response> {
  const headers = new Headers({
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  });
  if (request.method !== "GET" && request.method !== "HEAD") {
    headers.set("allow", "GET, HEAD");
    return new Response("Method not allowed\n", { status: 405, headers });
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return new Response("Bad request\n", { status: 400, headers });
  }
  if (path.endsWith("/")) path += "index.html";
  const file = normalize(join(root, path));
  // A path with `..` must never reach outside the build folder.
  if (file !== normalize(root) && !file.startsWith(normalize(root) + sep)) {
    return new Response("Not found\n", { status: 404, headers });
  }
  let data: Uint8Array<ArrayBuffer>;
  try {
    data = await Deno.readFile(file);
  } catch {
    return new Response("Not found\n", { status: 404, headers });
  }
  headers.set(
    "content-type",
    MIME_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
  );
  headers.set("content-length", String(data.byteLength));
  return new Response(request.method === "HEAD" ? null : data, { status: 200, headers });
}

/** Serves `root` over HTTP until `shutdown()` or the signal aborts. */
export function serveStatic(root: string, options: ServeStaticOptions = {}): StaticServer {
  const { port = 8000, hostname = "127.0.0.1", signal } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Cannot serve the workbench: port "${port}" is not in 0..65535`);
  }
  const server = Deno.serve(
    { port, hostname, signal, onListen: () => {} },
    (request) => serveFile(root, request),
  );
  const bound = (server.addr as Deno.NetAddr).port;
  return {
    url: `http://${hostname}:${bound}/`,
    port: bound,
    finished: server.finished,
    shutdown: () => server.shutdown(),
  };
}
