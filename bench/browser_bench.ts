/**
 * Browser benchmark of the workbench in headless Chromium: DuckDB-WASM instantiation, a
 * 1M-row events CSV loaded by DuckDB and by the workbench's own loader, re-tiering a million
 * scores when a threshold moves (with the redraw), and peak JS heap of the page.
 *
 * `deno task bench browser` (about a minute). `--rows N` changes the size.
 */
import { chromium } from "playwright-core";
import { join } from "node:path";
import { buildApp, serveStatic } from "../src/app/mod.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../test/e2e/_harness.ts";

const rowsArg = Deno.args.indexOf("--rows");
const ROWS = rowsArg >= 0 ? Number(Deno.args[rowsArg + 1]) : 1_000_000;
const root = join(import.meta.dirname ?? ".", "..");

/** A seeded events CSV of `n` rows over 20 000 contacts in 2024. */
function eventsCsv(n: number): Uint8Array {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const types = ["page_view", "email_open", "email_click", "form_submit", "call", "chat"];
  const start = Date.UTC(2024, 0, 1);
  const parts: string[] = ["contact_id,ts,type,channel,url,value\n"];
  let chunk = "";
  for (let i = 0; i < n; i++) {
    const id = String(Math.floor(rand() * 20000)).padStart(6, "0");
    const ts = new Date(start + Math.floor(rand() * 366 * 86_400_000)).toISOString().replace(
      ".000",
      "",
    );
    const type = types[Math.floor(rand() * rand() * types.length)];
    chunk += `${id},${ts},${type},web,https://shop.example/p/${Math.floor(rand() * 50)},${
      (rand() * 100).toFixed(2)
    }\n`;
    if (chunk.length > 1 << 20) {
      parts.push(chunk);
      chunk = "";
    }
  }
  parts.push(chunk);
  return new TextEncoder().encode(parts.join(""));
}

const out = await Deno.makeTempDir({ prefix: "scorebench-bench-" });
const t0 = performance.now();
await buildApp(out, { root });
const csv = eventsCsv(ROWS);
await Deno.mkdir(join(out, "bench"));
await Deno.writeFile(join(out, "bench", "events.csv"), csv);
console.log(
  `build ${((performance.now() - t0) / 1000).toFixed(1)} s; events CSV ${ROWS} rows, ${
    (csv.length / 1e6).toFixed(1)
  } MB`,
);

const server = serveStatic(out, { port: 0 });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [...CHROMIUM_ARGS, "--enable-precise-memory-info"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  let peakHeap = 0;
  const sampler = setInterval(async () => {
    try {
      const { metrics } = await cdp.send("Performance.getMetrics");
      const used = metrics.find((m: { name: string }) => m.name === "JSHeapUsedSize")?.value ?? 0;
      peakHeap = Math.max(peakHeap, used);
    } catch { /* page closing */ }
  }, 50);

  const loadStart = performance.now();
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, {
    timeout: 120_000,
  });
  const pageReady = performance.now() - loadStart;

  const figures = await page.evaluate(async (rows) => {
    // deno-lint-ignore no-explicit-any
    const sb = (globalThis as any).scorebench;
    const ms = (t: number) => performance.now() - t;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const result: Record<string, number> = { appDuckdbMs: sb.duckdbMs };

    let t = performance.now();
    const fresh = await sb.openBrowserDuckDB(new URL(".", location.href));
    result.duckdbInstantiateMs = ms(t);

    t = performance.now();
    const bytes = new Uint8Array(await (await fetch("bench/events.csv")).arrayBuffer());
    result.fetchMs = ms(t);
    t = performance.now();
    await fresh.db.registerFileBuffer("events.csv", bytes.slice());
    await fresh.conn.query(
      "CREATE TABLE events AS SELECT * FROM read_csv('events.csv', header=true, types={'contact_id': 'VARCHAR'})",
    );
    result.duckdbLoadCsvMs = ms(t);
    result.duckdbRows = Number(
      (await fresh.conn.query("SELECT count(*) AS n FROM events")).getChildAt(0).get(0),
    );
    t = performance.now();
    await fresh.conn.query("SELECT type, count(*), avg(value) FROM events GROUP BY type");
    result.duckdbGroupByMs = ms(t);
    await fresh.db.terminate();

    // The workbench's own path: the data worker parses and validates, DuckDB gets the rows.
    t = performance.now();
    const table = await sb.workspace.load({
      kind: "events",
      name: "events_1m.csv",
      bytes,
      options: {},
    });
    result.workbenchLoadMs = ms(t);
    result.workbenchRowsLoaded = table.summary.rowsLoaded;

    // Re-tiering a million scores: index once (sort), then every move is binary searches.
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const scores = new Float64Array(rows);
    const converted = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      scores[i] = Math.round(-Math.log(1 - rand()) * 200) / 10;
      converted[i] = rand() < scores[i] / 150 ? 1 : 0;
    }
    t = performance.now();
    const index = sb.createTierIndex(scores, converted);
    result.tierIndexBuildMs = ms(t);

    const tuner = document.createElement("sb-tier-tuner");
    document.body.append(tuner);
    // deno-lint-ignore no-explicit-any
    const el = tuner as any;
    el.index = index;
    el.value = { high: 40, medium: 15 };
    await el.updateComplete;
    await new Promise((r) => requestAnimationFrame(r));
    const retier: number[] = [];
    const redraw: number[] = [];
    const frames: number[] = [];
    for (let k = 0; k < 25; k++) {
      const start = performance.now();
      el.move("high", 30 + k);
      await el.updateComplete;
      await el.renderRoot.querySelector("sb-plot-figure").updateComplete;
      redraw.push(performance.now() - start);
      retier.push(el.timings.retierMs);
      // Until the next frame is painted: what the analyst sees.
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      frames.push(performance.now() - start);
    }
    result.retierMedianMs = median(retier);
    result.retierMaxMs = Math.max(...retier);
    result.moveAndRedrawMedianMs = median(redraw);
    result.moveAndRedrawMaxMs = Math.max(...redraw);
    result.moveToFrameMedianMs = median(frames);
    result.moveToFrameMaxMs = Math.max(...frames);
    // A full tier assignment of every contact (for exports), not needed per move.
    t = performance.now();
    index.codes({ high: 40, medium: 15 });
    result.fullCodesMs = ms(t);
    // deno-lint-ignore no-explicit-any
    const memory = (performance as any).memory;
    result.pageHeapUsedMB = memory ? memory.usedJSHeapSize / 1e6 : NaN;
    return result;
  }, ROWS);
  clearInterval(sampler);
  const { metrics } = await cdp.send("Performance.getMetrics");
  peakHeap = Math.max(
    peakHeap,
    metrics.find((m: { name: string }) => m.name === "JSHeapUsedSize")?.value ?? 0,
    figures.pageHeapUsedMB * 1e6 || 0,
  );

  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : String(x));
  console.log(
    `page ready (DuckDB + sample data): ${f(pageReady)} ms (DuckDB open inside it: ${
      f(figures.appDuckdbMs)
    } ms)`,
  );
  console.log(`DuckDB instantiate (fresh): ${f(figures.duckdbInstantiateMs)} ms`);
  console.log(
    `DuckDB load ${figures.duckdbRows}-row CSV (read_csv): ${
      f(figures.duckdbLoadCsvMs)
    } ms; GROUP BY: ${f(figures.duckdbGroupByMs)} ms`,
  );
  console.log(
    `workbench load ${figures.workbenchRowsLoaded} rows (worker parse + DuckDB): ${
      f(figures.workbenchLoadMs)
    } ms`,
  );
  console.log(
    `tier index build (sort ${ROWS}): ${f(figures.tierIndexBuildMs)} ms; full tier codes: ${
      f(figures.fullCodesMs)
    } ms`,
  );
  console.log(
    `re-tier ${ROWS} on a threshold move: median ${f(figures.retierMedianMs)} ms, max ${
      f(figures.retierMaxMs)
    } ms`,
  );
  console.log(
    `move + re-render table and chart: median ${f(figures.moveAndRedrawMedianMs)} ms, max ${
      f(figures.moveAndRedrawMaxMs)
    } ms`,
  );
  console.log(
    `move to next painted frame: median ${f(figures.moveToFrameMedianMs)} ms, max ${
      f(figures.moveToFrameMaxMs)
    } ms`,
  );
  console.log(
    `peak JS heap of the page (CDP, 50 ms samples; workers not included): ${
      f(peakHeap / 1e6)
    } MB; at end: ${f(figures.pageHeapUsedMB)} MB`,
  );
} finally {
  await browser.close();
  await server.shutdown();
  await Deno.remove(out, { recursive: true });
}
