import assert from "node:assert/strict";
import { join } from "node:path";
import { CONTENT_SECURITY_POLICY, serveFile, serveStatic } from "../../src/build/mod.ts";

async function fixture(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "scorebench-serve-" });
  await Deno.writeTextFile(join(dir, "index.html"), "<!doctype html><p>hi</p>");
  await Deno.mkdir(join(dir, "duckdb"));
  await Deno.writeFile(join(dir, "duckdb", "duckdb-eh.wasm"), Uint8Array.of(0, 97, 115, 109));
  await Deno.writeTextFile(join(dir, "main.js"), "export {};");
  return dir;
}

Deno.test("serveFile() answers with MIME types and the CSP header", async () => {
  const dir = await fixture();
  try {
    const cases = [
      { path: "/", status: 200, type: "text/html; charset=utf-8" },
      { path: "/duckdb/duckdb-eh.wasm", status: 200, type: "application/wasm" },
      { path: "/main.js", status: 200, type: "text/javascript; charset=utf-8" },
      { path: "/missing.js", status: 404, type: null },
      { path: "/../../etc/passwd", status: 404, type: null },
      { path: "/%2e%2e/%2e%2e/etc/passwd", status: 404, type: null },
    ];
    for (const { path, status, type } of cases) {
      const response = await serveFile(dir, new Request(`http://127.0.0.1${path}`));
      assert.equal(response.status, status, path);
      if (type) assert.equal(response.headers.get("content-type"), type, path);
      assert.equal(response.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY, path);
      await response.body?.cancel();
    }
    const post = await serveFile(dir, new Request("http://127.0.0.1/", { method: "POST" }));
    assert.equal(post.status, 405);
    await post.body?.cancel();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serveStatic() serves on a free port and shuts down", async () => {
  const dir = await fixture();
  const server = serveStatic(dir, { port: 0 });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(new URL("duckdb/duckdb-eh.wasm", server.url));
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), Uint8Array.of(0, 97, 115, 109));
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(() => serveStatic(dir, { port: 70000 }), /port "70000" is not in 0\.\.65535/);
});

Deno.test("CONTENT_SECURITY_POLICY allows only the page's own origin", () => {
  for (const directive of CONTENT_SECURITY_POLICY.split("; ")) {
    const sources = directive.split(" ").slice(1);
    for (const s of sources) {
      assert.ok(
        ["'self'", "'none'", "'wasm-unsafe-eval'", "blob:", "data:"].includes(s),
        `${directive}: "${s}" would let the page reach elsewhere`,
      );
    }
  }
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /'unsafe-eval'|'unsafe-inline'/);
});
