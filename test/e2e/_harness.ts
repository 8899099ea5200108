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
