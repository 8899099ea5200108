/**
 * Shared set-up of the browser tests: one build, one server on a free port, headless
 * Chromium, and a record of every request so a test can prove nothing left the origin.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { buildApp, serveStatic, type StaticServer } from "../../src/build/mod.ts";

export const CHROMIUM = Deno.env.get("SCOREBENCH_CHROMIUM") ?? "/usr/bin/chromium";
export const SKIP_E2E = Deno.env.get("SCOREBENCH_SKIP_E2E") === "1";
if (SKIP_E2E) console.log("Browser tests skipped: SCOREBENCH_SKIP_E2E=1 is set.");

export const ROOT = join(import.meta.dirname ?? ".", "..", "..");
export const ARTIFACTS = join(ROOT, "artifacts");

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export interface Session {
  server: StaticServer;
  browser: Browser;
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** Console errors and page errors, for failure messages. */
  errors: string[];
  /** Requests to another origin than the server's (must stay empty). */
  foreign(): string[];
  close(): Promise<void>;
}

/** Builds into `outDir` (unminified: readable stack traces in failures). */
export async function buildForTest(outDir: string): Promise<void> {
  await buildApp(outDir, { root: ROOT, minify: false });
}

/** Serves `outDir`, opens Chromium on it and records requests and errors. */
export async function openSession(
  outDir: string,
  options: { path?: string } = {},
): Promise<Session> {
  const server = serveStatic(outDir, { port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1366, height: 900 },
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  // Worker requests (DuckDB's wasm, the loader) go through the context too.
  context.on("request", (r) => {
    if (!requests.includes(r.url())) requests.push(r.url());
  });
  await page.goto(new URL(options.path ?? "", server.url).href);
  const origin = new URL(server.url).origin;
  return {
    server,
    browser,
    page,
    requests,
    errors,
    foreign: () =>
      requests.filter((u) => {
        if (u.startsWith("data:")) return false;
        if (u.startsWith("blob:")) return !u.startsWith(`blob:${origin}/`);
        return new URL(u).origin !== origin;
      }),
    async close() {
      await browser.close();
      await server.shutdown();
    },
  };
}

/** Waits until the shell has opened DuckDB and loaded the data. */
export async function waitReady(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout });
}

/** Saves a full-page screenshot under `artifacts/`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Waits until no cell of the current page is still computing. The runtime marks cells
 * pending on its next frame, so a short pause first keeps a change from looking settled.
 */
export async function settle(page: Page, timeout = 90_000): Promise<void> {
  await page.waitForTimeout(400);
  await page.waitForFunction(
    () => {
      const view = document.querySelector("sb-app-shell")?.shadowRoot?.querySelector(
        "sb-notebook-view",
      )
        ?.shadowRoot;
      if (!view) return false;
      return view.querySelectorAll("section").length > 0 &&
        view.querySelectorAll("section.pending").length === 0;
    },
    null,
    { timeout, polling: 250 },
  );
}

export async function goTo(page: Page, file: string): Promise<void> {
  await page.getByRole("link", { name: file }).click();
  await page.waitForFunction(
    (f) => location.hash === `#${f}`,
    {
      "Data": "10_data.md",
      "Factors": "20_factors.md",
      "Calibrate": "30_calibrate.md",
      "Tiers": "40_tiers.md",
      "Periods": "50_periods.md",
      "Audience": "55_audience.md",
      "Export": "60_export.md",
    }[file],
  );
  // The previous page's sections are replaced: wait for the new page's heading.
  await page.locator("sb-notebook-view h1", { hasText: file }).waitFor();
  await settle(page);
}

/** Opens a page by its notebook file, whatever the language of its title. */
export async function goToFile(page: Page, file: string): Promise<void> {
  await page.evaluate((f) => (location.hash = `#${f}`), file);
  await page.waitForFunction((f) => location.hash === `#${f}`, file);
  await page.waitForTimeout(300);
  await settle(page);
}

/** The cells of one row of a `<sb-data-table>` (negative: from the end), as text. */
export async function tableRow(page: Page, caption: string, row: number): Promise<string[]> {
  const rows = page.locator(`sb-data-table[caption='${caption}'] tbody tr`);
  return await (row < 0 ? rows.nth((await rows.count()) + row) : rows.nth(row)).locator("td")
    .allTextContents();
}

export async function cellErrors(page: Page): Promise<string[]> {
  return await page.locator("sb-notebook-view .error").allTextContents();
}

export async function downloadText(
  page: Page,
  click: () => Promise<void>,
): Promise<{ name: string; bytes: Uint8Array }> {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await Deno.readFile(path) };
}

/** Common English words of the interface: a Russian page showing one of them is untranslated. */
const ENGLISH_WORDS = new Set(
  ("the of and with from for per this these each every to by on in at is are no not or as than " +
    "over into after before when which what who how contacts contact score scores scored points " +
    "tier tiers period periods download load loaded build use fit fitted days rows converters " +
    "conversion share lift config version edited baseline threshold thresholds date month week " +
    "choose chosen all any your file files table column columns value values audience " +
    "verification trigger triggers scope scopes rule rules model models label curve " +
    "over time chart count mean median highest lowest suggested cuts interval")
    .split(" "),
);

/**
 * Visible text of the page (through shadow roots, SVG included; code, SQL cells and form
 * values left out) that reads as English: a word of `ENGLISH_WORDS` outside quotes and
 * identifiers. With `all`, every visible text holding a Latin word of three letters or more.
 */
export async function englishOnScreen(
  page: Page,
  options: { all?: boolean } = {},
): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const skip = new Set(["PRE", "CODE", "TEXTAREA", "SCRIPT", "STYLE", "SB-SQL-CELL"]);
    const found: string[] = [];
    const walk = (root: Node) => {
      for (const node of Array.from(root.childNodes)) {
        if (node.nodeType === Node.TEXT_NODE) {
          const text = (node.textContent ?? "").replace(/\s+/g, " ").trim();
          const parent = node.parentElement;
          if (text && parent && parent.checkVisibility({ checkVisibilityCSS: true })) {
            found.push(text);
          }
          continue;
        }
        if (!(node instanceof Element)) continue;
        if (skip.has(node.tagName)) continue;
        if (node.tagName === "DETAILS" && !(node as HTMLDetailsElement).open) {
          const summary = node.querySelector(":scope > summary");
          if (summary) walk(summary);
          continue;
        }
        if (node.shadowRoot) walk(node.shadowRoot);
        walk(node);
      }
    };
    walk(document.body);
    return found;
  });
  const latin = (t: string) =>
    t
      // Quoted names, identifiers, file names and acronyms are data, not words to translate.
      .replace(/"[^"]*"|«[^»]*»|`[^`]*`/g, " ")
      .split(/\s+/)
      .filter((w) => !/[_./@\d:=]/.test(w))
      .map((w) => w.replace(/^[^A-Za-z]+|[^A-Za-z]+$/g, ""))
      .filter((w) => /^[A-Za-z][a-z]{2,}$/.test(w));
  const unique = [...new Set(texts)];
  return unique.filter((t) =>
    options.all ? /[A-Za-z]{3,}/.test(t) : latin(t).some((w) => ENGLISH_WORDS.has(w.toLowerCase()))
  );
}
