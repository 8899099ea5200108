import assert from "node:assert/strict";
import { run } from "../../src/cli/start.ts";

Deno.test("run() refuses a bad --port with a usage message", async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    assert.equal(await run(["--port", "http"]), 2);
    assert.equal(await run(["--colour"]), 2);
  } finally {
    console.error = original;
  }
  assert.match(errors[0], /^Flag --port: "http" is not a port number \(0\.\.65535\)\./);
  assert.match(errors[1], /colour/);
});
