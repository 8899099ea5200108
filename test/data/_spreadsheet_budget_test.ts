/**
 * The page's spreadsheet time budget (`parseInBrowserWorker`): a parse that does not answer
 * in time is stopped (the worker terminated) and the file refused with the same message as
 * the CLI's child process; answers and failures of the worker are passed on; the page's
 * own worker script parses a real workbook the same as the loader does in-thread.
 */
import assert from "node:assert/strict";
import { LoadError } from "../../src/data/mod.ts";
import {
  parseInBrowserWorker,
  type ParseReply,
  parseTimeoutMessage,
  type ParseWorker,
} from "../../src/data/_spreadsheet_budget.ts";
import { parseSpreadsheet } from "../../src/data/read_spreadsheet.ts";

const WORKBOOK = new URL("../testdata/handmade.xlsx", import.meta.url);

/** A stand-in worker: records what it is sent and when it is terminated. */
class FakeWorker implements ParseWorker {
  onmessage: ((event: MessageEvent) => unknown) | null = null;
  onerror: ((event: ErrorEvent) => unknown) | null = null;
  sent: unknown[] = [];
  terminated = 0;
  constructor(private readonly act?: (w: FakeWorker) => void) {}
  postMessage(message: unknown): void {
    this.sent.push(message);
    this.act?.(this);
  }
  terminate(): void {
    this.terminated++;
  }
  reply(data: ParseReply): void {
    this.onmessage?.(new MessageEvent("message", { data }));
  }
}

const rejection = (p: Promise<unknown>) => p.then(() => null, (e) => e);

Deno.test("parseInBrowserWorker() terminates a worker past the budget and refuses the file", async () => {
  const worker = new FakeWorker(); // never answers, as a worker stuck in SheetJS
  const started = performance.now();
  const err = await rejection(
    parseInBrowserWorker(() => worker, new Uint8Array([1, 2, 3]), "stuck.xlsx", undefined, 60),
  );
  const waited = performance.now() - started;
  assert.ok(err instanceof LoadError, `expected a LoadError, got ${err}`);
  assert.equal(err.message, parseTimeoutMessage("stuck.xlsx", 60));
  assert.match(err.message, /^Refused "stuck\.xlsx": reading the workbook took over 0\.1 s/);
  assert.equal(err.file, "stuck.xlsx");
  assert.equal(worker.terminated, 1, "the worker is terminated once");
  assert.equal(worker.onmessage, null, "a late answer is ignored");
  assert.ok(waited >= 55, `stopped after the budget, not before (${waited.toFixed(0)} ms)`);
  assert.deepEqual(worker.sent, [
    { bytes: new Uint8Array([1, 2, 3]), file: "stuck.xlsx", sheet: undefined },
  ]);
});

Deno.test("parseInBrowserWorker() passes on the records and the errors the worker answers", async (t) => {
  const records = {
    header: ["contact_id"],
    records: [{ row: 2, cells: ["a"], texts: ["a"] }],
    sheetName: "Sheet1",
    warnings: [],
    formulas: [],
  };
  const cases: {
    name: string;
    act: (w: FakeWorker) => void;
    expected: { records?: unknown; error?: RegExp; columns?: string[] };
  }[] = [
    {
      name: "records",
      act: (w) => w.reply({ ok: records }),
      expected: { records },
    },
    {
      name: "a LoadError, with its columns",
      act: (w) =>
        w.reply({
          error: { name: "LoadError", message: 'Sheet "X" not found', columns: ["a", "b"] },
        }),
      expected: { error: /^Sheet "X" not found$/, columns: ["a", "b"] },
    },
    {
      name: "any other error, named as a spreadsheet read",
      act: (w) => w.reply({ error: { name: "TypeError", message: "bad zip" } }),
      expected: { error: /^Cannot read "f\.xlsx" as a spreadsheet: bad zip$/ },
    },
    {
      name: "a worker that dies",
      act: (w) =>
        w.onerror?.(new ErrorEvent("error", { message: "Uncaught RangeError: out of memory" })),
      expected: { error: /the parser stopped: Uncaught RangeError: out of memory/ },
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const worker = new FakeWorker((w) => queueMicrotask(() => c.act(w)));
      const bytes = new Uint8Array([9]);
      const run = parseInBrowserWorker(() => worker, bytes, "f.xlsx", "Events", 10_000);
      if (c.expected.records) {
        assert.deepEqual(await run, c.expected.records);
      } else {
        const err = await rejection(run);
        assert.ok(err instanceof LoadError, `expected a LoadError, got ${err}`);
        assert.match(err.message, c.expected.error!);
        assert.deepEqual(err.columns, c.expected.columns);
      }
      assert.equal(worker.terminated, 1);
      assert.deepEqual(bytes, new Uint8Array([9]), "the caller's bytes stay usable");
    });
  }
});

Deno.test("parseInBrowserWorker() refuses a worker that cannot start, and a budget of 0", async () => {
  const err = await rejection(
    parseInBrowserWorker(
      () => {
        throw new Error("blocked by policy");
      },
      new Uint8Array(1),
      "f.xlsx",
      undefined,
      1000,
    ),
  );
  assert.ok(err instanceof LoadError);
  assert.match(err.message, /parsing worker did not start \(blocked by policy\)/);
  assert.throws(
    () => parseInBrowserWorker(() => new FakeWorker(), new Uint8Array(1), "f.xlsx", undefined, 0),
    RangeError,
  );
});

Deno.test("app/spreadsheet_worker.ts parses a workbook as the loader does in-thread", async () => {
  const bytes = await Deno.readFile(WORKBOOK);
  const url = new URL("../../app/spreadsheet_worker.ts", import.meta.url);
  const got = await parseInBrowserWorker(
    () => new Worker(url, { type: "module" }),
    bytes,
    "handmade.xlsx",
    undefined,
    60_000,
  );
  assert.deepEqual(got, await parseSpreadsheet(bytes, "handmade.xlsx"));
  assert.ok(got.records.length > 0);
});
