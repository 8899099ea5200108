/**
 * Browser benchmark of the workbench in headless Chromium, in two parts.
 *
 * 1. Building blocks: DuckDB-WASM instantiation, a 1M-row events CSV loaded by DuckDB and by
 *    the workbench's own loader, re-tiering a million synthetic scores when a threshold moves
 *    (with the redraw), and peak JS heap of the page.
 * 2. The workbench at scale: a generated base of 1M contacts and 10M events (`data/generate.ts`,
 *    written to a temporary folder) chosen through the Data page's own file input, one file at
 *    a time. Per file: load time; main-thread responsiveness during the load (long tasks over
 *    50 ms, and the longest gap between animation frames); peak memory of the whole browser
 *    (RSS and PSS of every Chromium process, from `/proc`, plus the page's JS heap). Then the
 *    contacts are scored in the data worker and a threshold move re-tiers them and redraws.
 *
 * `deno task bench browser` (a few minutes). Flags: `--rows N` (part 1 size), `--contacts N`,
 * `--events N` (part 2 sizes), `--data DIR` (keep the generated files there and reuse them),
 * `--part 1` or `--part 2` (one part only).
 */
import { chromium, type Page } from "playwright-core";
import { parseArgs } from "node:util";
import { join } from "node:path";
import { buildApp, serveStatic } from "../src/build/mod.ts";
import { CHROMIUM, CHROMIUM_ARGS } from "../test/e2e/_harness.ts";
import { sampleChromiumMemory } from "./_process_memory.ts";
import { DAY_MS } from "../src/tables/mod.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    rows: { type: "string" },
    contacts: { type: "string" },
    events: { type: "string" },
    data: { type: "string" },
    part: { type: "string" },
    "skip-worker": { type: "boolean" },
  },
});
const ROWS = Number(flags.rows ?? 1_000_000);
const CONTACTS = Number(flags.contacts ?? 1_000_000);
const EVENTS = Number(flags.events ?? 10_000_000);
const root = join(import.meta.dirname ?? ".", "..");

/** `bytes` in whole MB. */
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
/** A figure to one decimal (`NaN` and infinities as they are). */
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : String(x));
/** The machine's load average, for the reader to judge the figures by. */
const load = () => Deno.loadavg().map((x) => x.toFixed(2)).join(" ");

/** The browser's memory sampler (`sampleChromiumMemory`). */
type ChromiumMemory = ReturnType<typeof sampleChromiumMemory>;

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
    const ts = new Date(start + Math.floor(rand() * 366 * DAY_MS)).toISOString().replace(
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

/** Part 1 in the page: DuckDB's raw read, the workbench's load and re-tiering `rows` scores. */
function measurePrimitives(page: Page, rows: number): Promise<Record<string, number>> {
  return page.evaluate(async (rows) => {
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
    result.workbenchReadByDuckDB = table.reader === "duckdb" ? 1 : 0;
    for (const [step, stepMs] of Object.entries(table.readerTimings ?? {})) {
      result[`step_${step}`] = Number(stepMs);
    }

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
  }, rows);
}

/** Prints the figures of part 1. */
function printPrimitives(
  figures: Record<string, number>,
  pageReady: number,
  peakHeap: number,
): void {
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
    `workbench load ${figures.workbenchRowsLoaded} rows (${
      figures.workbenchReadByDuckDB ? "DuckDB read_csv under the table policy" : "the loader"
    }): ${f(figures.workbenchLoadMs)} ms, ${
      f(figures.workbenchLoadMs / figures.duckdbLoadCsvMs)
    }x the raw read_csv above (${
      Object.entries(figures).filter(([k]) => k.startsWith("step_")).map(([k, v]) =>
        `${k.slice(5)} ${f(v)} ms`
      ).join(", ")
    })`,
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
}

async function benchPrimitives(): Promise<void> {
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

    const figures = await measurePrimitives(page, ROWS);
    clearInterval(sampler);
    const { metrics } = await cdp.send("Performance.getMetrics");
    peakHeap = Math.max(
      peakHeap,
      metrics.find((m: { name: string }) => m.name === "JSHeapUsedSize")?.value ?? 0,
      figures.pageHeapUsedMB * 1e6 || 0,
    );

    printPrimitives(figures, pageReady, peakHeap);
  } finally {
    await browser.close();
    await server.shutdown();
    await Deno.remove(out, { recursive: true });
  }
}

/** Sizes and paths of the base part 2 loads. */
interface Base {
  contactsPath: string;
  eventsPath: string;
  contacts: number;
  events: number;
}

/**
 * Copies the first `lines` lines of `from` to `to` (the generator writes no line breaks inside
 * quoted cells); returns the number copied.
 */
async function copyLines(from: string, to: string, lines: number): Promise<number> {
  const input = await Deno.open(from, { read: true });
  const output = await Deno.open(to, { write: true, create: true, truncate: true });
  let copied = 0;
  try {
    const buf = new Uint8Array(1 << 22);
    while (copied < lines) {
      const n = await input.read(buf);
      if (n === null) break;
      let end = n;
      for (let i = 0; i < n; i++) {
        if (buf[i] === 10 && ++copied === lines) {
          end = i + 1;
          break;
        }
      }
      let o = 0;
      while (o < end) o += await output.write(buf.subarray(o, end));
    }
  } finally {
    input.close();
    output.close();
  }
  return copied;
}

/**
 * A generated base in `dir`: `contacts` contacts and the first `events` of their events
 * (grouped by contact, so later contacts have none), reused when `dir` already holds it.
 */
async function generatedBase(dir: string, contacts: number, events: number): Promise<Base> {
  const contactsPath = join(dir, "contacts.csv");
  const eventsPath = join(dir, "events.csv");
  const marker = join(dir, "base.json");
  try {
    const kept = JSON.parse(await Deno.readTextFile(marker));
    if (kept.asked?.contacts === contacts && kept.asked?.events === events) {
      return { contactsPath, eventsPath, contacts: kept.contacts, events: kept.events };
    }
  } catch { /* not generated yet */ }
  // About 3.3 events per contact and month: enough months to reach `events`.
  const months = Math.min(120, Math.max(5, Math.ceil(events / contacts / 3)));
  const full = join(dir, "full");
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(root, "data", "generate.ts"),
      ...["--contacts", String(contacts), "--months", String(months), "--seed", "1"],
      ...["--out", full],
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`Cannot generate the base: ${new TextDecoder().decode(stderr).slice(-500)}`);
  }
  await Deno.rename(join(full, "contacts.csv"), contactsPath);
  const written = (await copyLines(join(full, "events.csv"), eventsPath, events + 1)) - 1;
  await Deno.remove(full, { recursive: true });
  const base = { contactsPath, eventsPath, contacts, events: written };
  await Deno.writeTextFile(marker, JSON.stringify({ ...base, asked: { contacts, events } }));
  return base;
}

/** Installed in the page before its scripts: long tasks and gaps between animation frames. */
function watchResponsiveness() {
  const state = { tasks: [] as number[], frames: 0, maxGap: 0, slow: 0, last: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.tasks.push(e.duration);
  }).observe({ type: "longtask" });
  const tick = (t: number) => {
    if (state.last) {
      const gap = t - state.last;
      state.maxGap = Math.max(state.maxGap, gap);
      if (gap > 100) state.slow++;
    }
    state.last = t;
    state.frames++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  (globalThis as Record<string, unknown>).__sbResponsiveness = {
    reset() {
      Object.assign(state, { tasks: [], frames: 0, maxGap: 0, slow: 0 });
    },
    read() {
      return {
        longTasks: state.tasks.length,
        longestTaskMs: state.tasks.reduce((a, b) => Math.max(a, b), 0),
        longTaskTotalMs: state.tasks.reduce((a, b) => a + b, 0),
        frames: state.frames,
        maxFrameGapMs: state.maxGap,
        framesOver100Ms: state.slow,
      };
    },
  };
}

function readResponsiveness(page: Page) {
  return page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    (globalThis as any).__sbResponsiveness.read() as {
      longTasks: number;
      longestTaskMs: number;
      longTaskTotalMs: number;
      frames: number;
      maxFrameGapMs: number;
      framesOver100Ms: number;
    }
  );
}

/** Resolves with "loaded", the error the file loader shows, "crashed" or "timed out". */
async function fileOutcome(page: Page, name: string, timeoutMs: number): Promise<string> {
  const item = page.locator("sb-file-loader li", { hasText: name });
  const never = new Promise<string>(() => {});
  const or = (p: Promise<string>) => p.catch(() => never);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      or(
        item.getByText("loaded", { exact: true }).waitFor({ timeout: timeoutMs }).then(() =>
          "loaded"
        ),
      ),
      or(
        item.locator(".error").waitFor({ timeout: timeoutMs }).then(async () =>
          `failed: ${await item.locator(".error").textContent()}`
        ),
      ),
      new Promise<string>((r) => page.once("crash", () => r("crashed (the page's process died)"))),
      new Promise<string>((r) => (timer = setTimeout(() => r("timed out"), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The reference, in the same browser before the workbench loads anything: DuckDB-WASM's own
 * read_csv of the events file, handed over by reference, in a fresh instance.
 */
async function readReference(
  page: Page,
  eventsPath: string,
  memory: ChromiumMemory,
): Promise<void> {
  memory.mark();
  await page.evaluate(() => {
    const input = document.createElement("input");
    input.type = "file";
    input.id = "sb-reference";
    document.body.append(input);
  });
  await page.locator("#sb-reference").setInputFiles(eventsPath);
  const reference = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const sb = (globalThis as any).scorebench;
    const input = document.querySelector("#sb-reference") as HTMLInputElement;
    const file = input.files![0];
    const fresh = await sb.openBrowserDuckDB(new URL(".", location.href));
    const t = performance.now();
    await fresh.db.registerFileHandle("reference.csv", file, 2, true);
    await fresh.conn.query(
      "CREATE TABLE events AS SELECT * FROM read_csv('reference.csv', header=true, types={'contact_id': 'VARCHAR'})",
    );
    const ms = performance.now() - t;
    const rows = Number(
      (await fresh.conn.query("SELECT count(*) AS n FROM events")).getChildAt(0).get(0),
    );
    await fresh.db.terminate();
    input.remove();
    return { ms, rows };
  });
  const referencePeak = memory.phase();
  console.log(
    `reference: DuckDB-WASM's raw read_csv of ${
      eventsPath.split("/").pop()
    } (${reference.rows} rows, types sniffed, no checks) in a fresh instance: ${
      f(reference.ms / 1000)
    } s; browser peak RSS ${mb(referencePeak.rss)}, PSS ${mb(referencePeak.pss)}`,
  );
}

/**
 * Loads the contacts, then the events, through the Data page's file input, printing time,
 * responsiveness and memory of each; false when one did not load.
 */
async function loadThroughFileInput(
  page: Page,
  base: Base,
  memory: ChromiumMemory,
  heap: { phase: number },
): Promise<boolean> {
  let ok = true;
  for (
    const [path, rows] of [[base.contactsPath, base.contacts], [
      base.eventsPath,
      base.events,
    ]] as const
  ) {
    const name = path.split("/").pop()!;
    memory.mark();
    heap.phase = 0;
    await page.evaluate(() =>
      // deno-lint-ignore no-explicit-any
      (globalThis as any).__sbResponsiveness.reset()
    );
    const t0 = performance.now();
    await page.locator("sb-file-loader #files").setInputFiles(path);
    const outcome = await fileOutcome(page, name, 15 * 60_000);
    const ms = performance.now() - t0;
    const peak = memory.phase();
    if (outcome === "crashed (the page's process died)") {
      console.log(
        `${name} (${rows} rows): ${outcome} after ${f(ms / 1000)} s; browser peak RSS ${
          mb(peak.rss)
        }, PSS ${mb(peak.pss)}`,
      );
      ok = false;
      break;
    }
    const r = await readResponsiveness(page);
    // The exact duplicate rows are counted after the table is in use.
    const counted = await page.evaluate(async () => {
      const t = performance.now();
      // deno-lint-ignore no-explicit-any
      await (globalThis as any).scorebench.workspace.duplicatesCounted();
      return performance.now() - t;
    });
    const countedPeak = memory.phase();
    console.log(
      `${name} (${rows} rows) through the file input: ${outcome} in ${
        f(ms / 1000)
      } s; main thread: ${r.longTasks} long tasks (> 50 ms), longest ${f(r.longestTaskMs)} ms, ${
        f(r.longTaskTotalMs)
      } ms in all; longest gap between frames ${
        f(r.maxFrameGapMs)
      } ms (${r.framesOver100Ms} gaps > 100 ms, ${r.frames} frames); browser peak RSS ${
        mb(peak.rss)
      }, PSS ${mb(peak.pss)} (${peak.processes} processes); page JS heap peak ${
        mb(heap.phase)
      }; load average ${load()}; duplicate rows counted ${
        f(counted / 1000)
      } s after it (browser peak until then RSS ${mb(countedPeak.rss)}, PSS ${
        mb(countedPeak.pss)
      })`,
    );
    if (outcome !== "loaded") {
      ok = false;
      break;
    }
  }
  return ok;
}

/** One line per loaded table: who read it, rows loaded and rejected, warnings. */
function describeLoaded(page: Page): Promise<string[]> {
  return page.evaluate(() => { // deno-lint-ignore no-explicit-any
    const data = (globalThis as any).scorebench.workspace.data;
    return ["contacts", "events"].filter((k) => data[k]).map((k) =>
      `${k}: read by ${data[k].reader}${data[k].readerNote ? ` (${data[k].readerNote})` : ""}${
        data[k].readerTimings
          ? ` (${
            Object.entries(data[k].readerTimings).map(([s, ms]) =>
              `${s} ${(Number(ms) / 1000).toFixed(1)} s`
            ).join(", ")
          })`
          : ""
      }; ${data[k].summary.rowsLoaded} rows loaded, ${data[k].summary.rowsRejected} rejected${
        data[k].summary.warnings.length ? `; ${data[k].summary.warnings.join("; ")}` : ""
      }`
    );
  });
}

/**
 * Save workspace at this size, before any task. First as into a file the analyst picked
 * (`showSaveFilePicker`): its writable stream is the same kind as a file of the origin's
 * private file system, used here because a headless browser shows no picker. Then as the
 * download fallback: the file as a Blob of chunks.
 */
async function saveWorkspace(page: Page, memory: ChromiumMemory): Promise<void> {
  memory.mark();
  const written = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const sb = (globalThis as any).scorebench;
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle("bench-workspace.json", { create: true });
    const t = performance.now();
    const writable = await handle.createWritable();
    await sb.workspace.writeFile(writable);
    await writable.close();
    const ms = performance.now() - t;
    const bytes = (await handle.getFile()).size;
    await root.removeEntry("bench-workspace.json");
    return { ms, bytes };
  });
  let peak = memory.phase();
  console.log(
    `save workspace into a chosen file (writable stream): ${mb(written.bytes)} written in ${
      f(written.ms / 1000)
    } s; browser peak RSS ${mb(peak.rss)}, PSS ${mb(peak.pss)}`,
  );
  memory.mark();
  const saved = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const sb = (globalThis as any).scorebench;
    const t = performance.now();
    const blob = await sb.workspace.fileBlob();
    return { ms: performance.now() - t, bytes: blob.size };
  });
  peak = memory.phase();
  console.log(
    `save workspace as a download (Blob of chunks): ${mb(saved.bytes)} file written in ${
      f(saved.ms / 1000)
    } s; browser peak RSS ${mb(peak.rss)}, PSS ${mb(peak.pss)}`,
  );
}

/**
 * Scores the loaded contacts by the compiled SQL in DuckDB and by the engine in the data
 * worker (they must agree), then times threshold moves on the result.
 */
async function scoreAndRetier(
  page: Page,
  base: Base,
  memory: ChromiumMemory,
  skipWorker: boolean,
): Promise<void> {
  const starter = JSON.parse(
    await Deno.readTextFile(join(root, "data", "configs", "starter.json")),
  );
  // The base has no purchase events: the starter's purchase rule has nothing to match.
  starter.rules = starter.rules.filter((r: { id: string }) => r.id !== "purchase-online");
  // The engine in the data worker first, on its own: the tables sent from DuckDB as Arrow
  // batches and the events read from them a row at a time.
  memory.mark();
  const worker = await page.evaluate(async ([spec, skip]) => {
    // deno-lint-ignore no-explicit-any
    const sb = (globalThis as any).scorebench;
    if (skip) return { ms: NaN, error: "skipped (--skip-worker)" };
    const asOf = sb.workspace.data.events.summary.maxTs;
    const t = performance.now();
    try {
      // deno-lint-ignore no-explicit-any
      (globalThis as any).__sbEngine = await sb.worker.run("score", [spec, asOf]);
      return { ms: performance.now() - t, error: "" };
    } catch (err) {
      return { ms: NaN, error: String((err as Error).message ?? err) };
    }
  }, [starter, skipWorker] as const);
  const workerPeak = memory.phase();
  console.log(
    `the engine in the data worker, fed from DuckDB (tables sent, then scored): ${
      worker.error ? `failed (${worker.error})` : `${f(worker.ms / 1000)} s`
    }; browser peak RSS ${mb(workerPeak.rss)}, PSS ${mb(workerPeak.pss)}`,
  );
  memory.mark();
  const figures = await page.evaluate(async ([spec, workerMs, error]) => {
    let workerError = error;
    // deno-lint-ignore no-explicit-any
    const sb = (globalThis as any).scorebench;
    const ms = (t: number) => performance.now() - t;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const asOf = sb.workspace.data.events.summary.maxTs;
    // Scored where the data is: the compiled SQL in DuckDB, answered as columns.
    let t = performance.now();
    const scored = await sb.workspace.scoreWithSql(spec, asOf);
    const scoreMs = ms(t);
    // The same scores by the engine in the data worker, its rows built from DuckDB's
    // Arrow batches for the task: the two must agree.
    let maxDiff = NaN;
    try {
      // deno-lint-ignore no-explicit-any
      const engine = (globalThis as any).__sbEngine;
      if (!engine) throw new Error(workerError);
      const at = new Map<string, number>();
      scored.ids.forEach((id: string, i: number) => at.set(id, i));
      maxDiff = engine.ids.length === scored.ids.length ? 0 : Infinity;
      engine.ids.forEach((id: string, i: number) => {
        const j = at.get(id);
        const d = j === undefined ? Infinity : Math.abs(engine.scores[i] - scored.scores[j]);
        if (d > maxDiff) maxDiff = d;
      });
    } catch (err) {
      workerError = String((err as Error).message ?? err);
    }
    // Labels from the contacts table, in the order of the scores.
    const table = await sb.conn.query("SELECT contact_id, converted FROM contacts");
    const ids = table.getChild("contact_id").toArray();
    const labels = table.getChild("converted").toArray();
    const byId = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) byId.set(ids[i], Number(labels[i]));
    const converted = new Uint8Array(scored.ids.length);
    for (let i = 0; i < converted.length; i++) converted[i] = byId.get(scored.ids[i]) ?? 0;
    t = performance.now();
    const index = sb.createTierIndex(scored.scores, converted);
    const indexMs = ms(t);
    const tuner = document.createElement("sb-tier-tuner");
    document.body.append(tuner);
    // deno-lint-ignore no-explicit-any
    const el = tuner as any;
    el.index = index;
    const hi = index.quantile(0.9);
    el.value = { high: hi, medium: index.quantile(0.6) };
    await el.updateComplete;
    await new Promise((r) => requestAnimationFrame(r));
    const retier: number[] = [];
    const redraw: number[] = [];
    const frames: number[] = [];
    for (let k = 0; k < 25; k++) {
      const start = performance.now();
      el.move("high", hi + (k % 5) - 2 + k / 100);
      await el.updateComplete;
      await el.renderRoot.querySelector("sb-plot-figure").updateComplete;
      redraw.push(performance.now() - start);
      retier.push(el.timings.retierMs);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      frames.push(performance.now() - start);
    }
    tuner.remove();
    return {
      contacts: scored.ids.length,
      scoreMs,
      buckets: scored.buckets,
      workerMs,
      workerError,
      maxDiff,
      indexMs,
      retierMedianMs: median(retier),
      retierMaxMs: Math.max(...retier),
      redrawMedianMs: median(redraw),
      redrawMaxMs: Math.max(...redraw),
      frameMedianMs: median(frames),
      frameMaxMs: Math.max(...frames),
    };
  }, [starter, worker.ms, worker.error] as const);
  const peak = memory.phase();
  console.log(
    `scoring ${figures.contacts} contacts over ${base.events} events by the compiled SQL in DuckDB (${figures.buckets} bucket(s)): ${
      f(figures.scoreMs / 1000)
    } s; the engine in the data worker, fed from DuckDB: ${
      figures.workerError ? `failed (${figures.workerError})` : `${f(figures.workerMs / 1000)} s`
    }; largest score difference ${figures.maxDiff}; tier index build ${
      f(figures.indexMs)
    } ms; browser peak RSS ${mb(peak.rss)}, PSS ${mb(peak.pss)}`,
  );
  console.log(
    `threshold move with ${figures.contacts} contacts loaded: re-tier median ${
      f(figures.retierMedianMs)
    } ms (max ${f(figures.retierMaxMs)}); re-tier + redraw median ${
      f(figures.redrawMedianMs)
    } ms (max ${f(figures.redrawMaxMs)}); to the next painted frame median ${
      f(figures.frameMedianMs)
    } ms (max ${f(figures.frameMaxMs)}); load average ${load()}`,
  );
}

async function benchAtScale(): Promise<void> {
  const dataDir = flags.data ?? await Deno.makeTempDir({ prefix: "scorebench-base-" });
  await Deno.mkdir(dataDir, { recursive: true });
  const out = await Deno.makeTempDir({ prefix: "scorebench-bench-" });
  const t0 = performance.now();
  const base = await generatedBase(dataDir, CONTACTS, EVENTS);
  const size = async (p: string) => (await Deno.stat(p)).size;
  console.log(
    `base: ${base.contacts} contacts (${
      mb(await size(base.contactsPath))
    }), ${base.events} events (${mb(await size(base.eventsPath))}) in ${dataDir}, ready in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
  await buildApp(out, { root });
  const server = serveStatic(out, { port: 0 });
  const memory = sampleChromiumMemory(250);
  // A profile on disk, as an analyst's browser has: an off-the-record context (a plain
  // `newPage`) keeps Blobs and the origin's files in memory, which is not what a saved
  // workspace or a kept input costs in a real browser.
  const profile = await Deno.makeTempDir({ prefix: "scorebench-profile-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, "--enable-precise-memory-info"],
    viewport: { width: 1366, height: 900 },
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.addInitScript(watchResponsiveness);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    let heapPeak = 0;
    const heap = { phase: 0 };
    let busy = false;
    const heapTimer = setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        const { metrics } = await cdp.send("Performance.getMetrics");
        const used = metrics.find((m: { name: string }) => m.name === "JSHeapUsedSize")?.value ??
          0;
        heapPeak = Math.max(heapPeak, used);
        heap.phase = Math.max(heap.phase, used);
      } catch { /* page gone */ }
      busy = false;
    }, 250);
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, {
      timeout: 120_000,
    });
    const idle = memory.now();
    console.log(
      `browser with the workbench open (sample data): ${idle.processes} processes, RSS ${
        mb(idle.rss)
      }, PSS ${mb(idle.pss)}; load average ${load()}`,
    );

    await readReference(page, base.eventsPath, memory);

    const ok = await loadThroughFileInput(page, base, memory, heap);
    for (const line of await describeLoaded(page)) console.log(line);
    if (ok) await saveWorkspace(page, memory);
    if (ok) await scoreAndRetier(page, base, memory, flags["skip-worker"] ?? false);
    clearInterval(heapTimer);
    const peak = memory.peak();
    console.log(
      `whole run: browser peak RSS ${
        mb(peak.rss)
      } (sum over processes, shared pages counted in each), PSS ${
        mb(peak.pss)
      } (${peak.processes} processes); page JS heap peak ${mb(heapPeak)}`,
    );
    if (errors.length) console.log(`page errors: ${errors.join("; ")}`);
  } finally {
    memory.stop();
    await browser.close();
    await Deno.remove(profile, { recursive: true });
    await server.shutdown();
    await Deno.remove(out, { recursive: true });
    if (!flags.data) await Deno.remove(dataDir, { recursive: true });
  }
}

if (flags.part !== "2") await benchPrimitives();
if (flags.part !== "1") await benchAtScale();
