/**
 * The workbench's calibration and config controls in headless Chromium: the points against
 * the plain regression, the chosen penalty and window with their curves, code columns
 * declared categorical for a snapshot fit, rolling recalibration with both AUC lines, rule
 * scopes set in the page, and results marked out of date when the config version changes.
 * Then CDNOW (when `../shared/data/real/cdnow` is present), loaded through the Data page as
 * generated CSV files: the period settings follow the data into 1997-1998.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildForTest,
  cellErrors,
  goTo,
  openSession,
  ROOT,
  screenshot,
  type Session,
  settle,
  SKIP_E2E,
  tableRow,
  waitReady,
} from "./_harness.ts";
import { realDataPresent } from "../_real_data.ts";
import { cdnow } from "../recipes/cdnow.ts";
import { REAL_DATA_DIR } from "../recipes/mod.ts";

const CDNOW_DIR = join(REAL_DATA_DIR, "cdnow");
const HAVE_CDNOW = SKIP_E2E ? false : await realDataPresent("the CDNOW browser test", CDNOW_DIR);

/** Numbers of a table's cells (thousands separators and signs kept). */
const numbers = (cells: string[]) => cells.map((c) => Number(c.replace(/[^\d.eE+-]/g, "")));

/** A test's steps stop at the first failure instead of piling up more. */
function stepper(t: Deno.TestContext) {
  return async (name: string, body: () => Promise<void> | void) => {
    if (!(await t.step(name, body))) throw new Error(`Step failed: ${name}`);
  };
}

/** Runs `body` in a fresh build and browser; on failure adds the browser's errors. */
async function withSession(shot: string, body: (s: Session) => Promise<void>): Promise<void> {
  const out = await Deno.makeTempDir({ prefix: "scorebench-e2e-" });
  await buildForTest(out);
  const session = await openSession(out);
  try {
    await waitReady(session.page, 90_000);
    await body(session);
    assert.deepEqual(session.foreign(), [], "no request left the page's origin");
  } catch (err) {
    await screenshot(session.page, shot).catch(() => "");
    throw new Error(
      `${(err as Error).message}\nbrowser errors: ${session.errors.join("\n") || "none"}`,
      { cause: err },
    );
  } finally {
    await session.close();
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test({
  name: "workbench controls: baseline, penalty and window, categorical codes, rolling, scopes",
  ignore: SKIP_E2E,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const step = stepper(t);
    await withSession("e2e_controls_failure.png", async ({ page }) => {
      await step("contacts with a code column load over the sample's", async () => {
        // The sample's contacts plus `segment`, a customer-type code 1-7.
        const text = await Deno.readTextFile(join(ROOT, "data", "sample", "contacts.csv"));
        const lines = text.trimEnd().split(/\r?\n/);
        const withCodes = [
          `${lines[0]},segment`,
          ...lines.slice(1).map((l, i) => `${l},${(i * 5) % 7 + 1}`),
        ].join("\n");
        const dir = await Deno.makeTempDir();
        const path = join(dir, "contacts.csv");
        await Deno.writeTextFile(path, withCodes + "\n");
        await settle(page);
        await page.locator("#files").setInputFiles(path);
        await page.locator("sb-file-loader li", { hasText: "loaded" }).waitFor({ timeout: 60_000 });
        await settle(page);
        await Deno.remove(dir, { recursive: true });
      });

      await step("Factors offers the code column as categorical and fits on it", async () => {
        await goTo(page, "Factors");
        assert.deepEqual(await cellErrors(page), []);
        await page.getByLabel("label of the attribute factors").selectOption("converted");
        await settle(page);
        const box = page.getByLabel("segment is categorical");
        await box.check();
        await settle(page);
        await page.locator("#fit-snapshot").click();
        await page.locator("#fit-snapshot", { hasText: "Saved as version" }).waitFor({
          timeout: 120_000,
        });
        const table = "Snapshot calibration on the hold-out";
        const auc = numbers(await tableRow(page, table, 0));
        const top = numbers(await tableRow(page, table, 1));
        // Whole points, exact fit, plain regression: three AUCs and three buyer counts.
        for (const a of auc.slice(1)) assert.ok(a > 0.5 && a <= 1, `AUC ${auc}`);
        for (const b of top.slice(1)) assert.ok(b > 0, `top-20 % buyers ${top}`);
        await page.locator("sb-plot-figure[label='snapshot cross-validation curve'] svg").first()
          .waitFor();
        await page.locator("sb-config-bar", { hasText: "segment as categories" }).waitFor();
        await screenshot(page, "e2e_controls_01_categorical.png");
      });

      await step(
        "Calibrate sets the points beside the exact fit and the plain regression",
        async () => {
          await goTo(page, "Calibrate");
          assert.deepEqual(await cellErrors(page), []);
          const table = "Points against the plain regression";
          const auc = await tableRow(page, table, 0);
          const top = await tableRow(page, table, 1);
          assert.equal(auc[0], "AUC");
          assert.equal(top[0], "buyers in top 20 %");
          for (const a of numbers(auc.slice(1))) assert.ok(a > 0.5 && a <= 1, auc.join(", "));
          for (const b of numbers(top.slice(1))) assert.ok(b > 0, top.join(", "));
          const choice = await page.locator("#model-choice").textContent() ?? "";
          assert.match(choice, /L2 penalty \d/);
          assert.match(choice, /chosen by \d+ time-ordered folds/);
          const curve = page.locator("sb-plot-figure[label^='cross-validation curve']");
          assert.ok(await curve.locator("path").count() > 0, "the curve is drawn");
          await page.locator("#held-out-stamp [data-stale=false]", { hasText: "Computed for v" })
            .waitFor();
        },
      );

      await step(
        "a result is marked out of date when another version becomes current",
        async () => {
          // The stamp's words live in its shadow root: read its paragraph.
          const stamp = page.locator("#held-out-stamp p");
          const before = await stamp.textContent() ?? "";
          const id = /Computed for (v\d+)/.exec(before)?.[1];
          assert.ok(id, `the stamp names the version: "${before}"`);
          await page.evaluate(() =>
            (globalThis as unknown as {
              scorebench: { workspace: { setConfig(n: string, s: unknown): Promise<void> } };
            }).scorebench.workspace.setConfig("other.json", {
              format: "scorebench.config/v1",
              rules: [{ id: "call", on: "call", points: 5 }],
              tiers: { high: 10, medium: 5 },
            })
          );
          await page.locator("#held-out-stamp [data-stale=true]", {
            hasText: `Out of date: computed for ${id}`,
          }).waitFor();
          assert.match(
            await stamp.textContent() ?? "",
            /the current config is now another version/,
          );
          await page.evaluate((v) =>
            (globalThis as unknown as {
              scorebench: { workspace: { selectConfig(id: string): Promise<void> } };
            }).scorebench.workspace.selectConfig(v), id);
          await page.locator("#held-out-stamp [data-stale=false]").waitFor();
        },
      );

      await step("Calibrate fits one model per product tag, shown per tag", async () => {
        // A fixed penalty: each product's fit skips the cross-validation (four fits of five
        // folds each would dominate the test's time).
        await page.locator("sb-settings-form input[name=penalty]").fill("1");
        await page.getByRole("button", { name: "Fit", exact: true }).click();
        await settle(page, 180_000);
        const started = performance.now();
        await page.locator("#run-per-tag").click();
        const caption = "Per-tag models on the held-out periods";
        await page.locator(`sb-data-table[caption='${caption}'] tbody tr`).first().waitFor({
          timeout: 180_000,
        });
        console.log(`per-tag fit in the page: ${Math.round(performance.now() - started)} ms`);
        const tags = await page.locator(
          `sb-data-table[caption='${caption}'] tbody tr td:first-child`,
        ).allTextContents();
        // The sample's purchases carry product-a, product-b and product-c.
        assert.deepEqual([...tags].sort(), ["product-a", "product-b", "product-c"]);
        const head = await page.locator(`sb-data-table[caption='${caption}'] thead th`)
          .allTextContents();
        for (const tag of tags) {
          const row = await tableRow(page, caption, tags.indexOf(tag));
          const auc = Number(row[head.indexOf("AUC")]);
          assert.ok(auc > 0.5 && auc <= 1, `${tag}: ${row.join(", ")}`);
        }
        await page.locator("sb-config-bar", { hasText: "one model per tag" }).waitFor();
        await page.locator("#per-tag-result").scrollIntoViewIfNeeded();
        await screenshot(page, "e2e_controls_per_tag.png");
      });

      await step("a bad penalty is refused; look-backs to try choose the window", async () => {
        await page.locator("sb-settings-form input[name=penalty]").fill("lots");
        await page.getByRole("button", { name: "Fit", exact: true }).click();
        await page.locator("sb-settings-form .error", { hasText: 'penalty "lots"' }).waitFor();
        await page.locator("sb-settings-form input[name=penalty]").fill("cv");
        await page.locator("sb-settings-form input[name=lookbackGrid]").fill("60, 90");
        await page.getByRole("button", { name: "Fit", exact: true }).click();
        await page.locator("sb-data-table[caption='Window grid'] tbody tr").nth(1).waitFor({
          timeout: 180_000,
        });
        await settle(page, 180_000);
        assert.deepEqual(await cellErrors(page), []);
        const grid = await page.locator("sb-data-table[caption='Window grid'] tbody tr").count();
        assert.equal(grid, 2, "two look-backs, one half-life");
        assert.match(await page.locator("#model-choice").textContent() ?? "", /from 2 windows/);
        await screenshot(page, "e2e_controls_02_calibrate.png");
      });

      await step("Periods recalibrates before each period and draws both lines", async () => {
        await goTo(page, "Periods");
        assert.deepEqual(await cellErrors(page), []);
        await page.locator("sb-result-stamp [data-stale=false]").first().waitFor();
        await page.getByRole("button", { name: "Recalibrate" }).click();
        await page.locator("#rolling-result").waitFor({ timeout: 240_000 });
        await settle(page, 240_000);
        const caption = "Recalibration per period";
        const rows = await page.locator(`sb-data-table[caption='${caption}'] tbody tr`).count();
        assert.ok(rows >= 2, `periods: ${rows}`);
        const head = await page.locator(`sb-data-table[caption='${caption}'] thead th`)
          .allTextContents();
        const first = await tableRow(page, caption, 0);
        const fixed = Number(first[head.indexOf("AUC fitted once")]);
        const refitted = Number(first[head.indexOf("AUC refitted")]);
        assert.ok(fixed > 0.5 && refitted > 0.5, first.join(", "));
        const chart = page.locator("#rolling-result sb-plot-figure");
        assert.ok(await chart.locator("path").count() >= 2, "two lines");
        await chart.locator("text=AUC refitted").first().waitFor();
        await screenshot(page, "e2e_controls_03_rolling.png");
      });

      await step("Audience sets rule scopes, checked as the parser checks them", async () => {
        await goTo(page, "Audience");
        assert.deepEqual(await cellErrors(page), []);
        const scopes = page.locator("sb-rule-scopes");
        // A rule on a common event, so some contacts have points in each scope.
        const rows = await scopes.locator("tbody tr").evaluateAll((trs) =>
          trs.map((tr) => ({
            id: tr.getAttribute("data-rule")!,
            on: tr.querySelectorAll("td")[1]?.textContent ?? "",
          }))
        );
        const rule = (rows.find((r) => r.on === "page_view") ?? rows[0]).id;
        assert.ok(rule);
        // Nothing at all: refused, naming the rule's JSON path.
        await scopes.getByLabel(`${rule} adds to the global score`, { exact: true }).uncheck();
        await page.locator("#apply-scopes").click();
        await scopes.locator(".error", { hasText: "needs at least one scope" }).waitFor();
        await scopes.getByLabel(`${rule} adds to the global score`, { exact: true }).check();
        await scopes.getByLabel(`${rule} adds to a sum per deal stage`, { exact: true }).check();
        await scopes.getByLabel(`${rule} tags`, { exact: true }).fill("loans, deposits");
        await page.locator("#apply-scopes").click();
        await page.locator("sb-config-bar", { hasText: "scopes" }).waitFor();
        await settle(page);
        const saved = await page.evaluate((id) =>
          (globalThis as unknown as {
            scorebench: {
              workspace: { currentConfig: { rules: { id: string; scopes?: unknown }[] } };
            };
          }).scorebench.workspace.currentConfig.rules.find((r) => r.id === id)!.scopes, rule);
        assert.deepEqual(saved, ["global", "stage", { tag: "loans" }, { tag: "deposits" }]);
        // Scores per scope: the two tags and at least one stage.
        const names = await page.locator(
          "sb-data-table[caption='Scores per scope'] tbody tr td:first-child",
        ).allTextContents();
        assert.ok(names.includes("tag loans") && names.includes("tag deposits"), names.join(", "));
        assert.ok(names.some((n) => n.startsWith("stage ")), names.join(", "));
        await page.locator("sb-result-stamp [data-stale=false]").first().waitFor();
        await screenshot(page, "e2e_controls_04_scopes.png");
      });
    });
  },
});

Deno.test({
  name: "workbench loads CDNOW through the Data page and the settings follow the data",
  ignore: SKIP_E2E || !HAVE_CDNOW,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const step = stepper(t);
    // The real file is read where it lies and written as the page's CSV formats in a temp
    // folder (never into the project).
    const { contacts, events, purchases } = await cdnow();
    const dir = await Deno.makeTempDir({ prefix: "scorebench-cdnow-" });
    const iso = (ms: number) => new Date(ms).toISOString();
    const files = {
      "contacts.csv": [
        "contact_id,created_at",
        ...contacts.map((c) => `${c.contact_id},${iso(c.created_at as number)}`),
      ],
      "events.csv": [
        "contact_id,ts,type,value,cds",
        ...events.map((e) => `${e.contact_id},${iso(e.ts)},${e.type},${e.value},${e.cds}`),
      ],
      "purchases.csv": [
        "contact_id,ts,amount",
        ...purchases.map((p) => `${p.contact_id},${iso(p.ts)},${p.amount}`),
      ],
    };
    for (const [name, lines] of Object.entries(files)) {
      await Deno.writeTextFile(join(dir, name), lines.join("\n") + "\n");
    }
    try {
      await withSession("e2e_cdnow_failure.png", async ({ page }) => {
        await step("the three CDNOW files load through the Data page", async () => {
          await settle(page);
          await page.locator("#files").setInputFiles(
            Object.keys(files).map((name) => join(dir, name)),
          );
          // Files load one after another: wait for each table's own count.
          for (const [kind, n] of [["events", events.length], ["purchases", purchases.length]]) {
            await page.locator(`sb-load-summary tr[data-kind=${kind}] td`, {
              hasText: new RegExp(`^${n}$`),
            }).first().waitFor({ timeout: 120_000 });
          }
          await settle(page, 120_000);
          const loaded = Number(
            await page.locator("sb-load-summary tr[data-kind=contacts] td").nth(3).textContent(),
          );
          assert.equal(loaded, contacts.length);
        });

        await step("Calibrate's cutoffs follow the data into 1997-1998", async () => {
          await goTo(page, "Calibrate");
          await settle(page, 240_000);
          assert.deepEqual(await cellErrors(page), []);
          const dates = await page.locator("sb-settings-form input[type=date]").evaluateAll(
            (inputs) => inputs.map((i) => (i as HTMLInputElement).value),
          );
          assert.equal(dates.length, 2, dates.join(", "));
          for (const d of dates) assert.match(d, /^199[78]-\d{2}-01$/, dates.join(", "));
          assert.ok(dates[0] < dates[1], dates.join(", "));
          const summary = await page.locator("#fit-summary").textContent() ?? "";
          assert.match(summary, /Fitted on [\d,]+ contact-periods/);
          const auc = numbers(await tableRow(page, "Points against the plain regression", 0));
          for (const a of auc.slice(1)) assert.ok(a > 0.6 && a <= 1, `CDNOW AUC ${auc}`);
          await screenshot(page, "e2e_cdnow_calibrate.png");
        });

        await step("Periods replays the 1997-1998 cutoffs without an error", async () => {
          await goTo(page, "Periods");
          await settle(page, 240_000);
          assert.deepEqual(await cellErrors(page), []);
          const first = (await tableRow(page, "Periods", 0))[0];
          const last = (await tableRow(page, "Periods", -1))[0];
          assert.match(first, /^1997-/);
          assert.match(last, /^199[78]-/);
          await screenshot(page, "e2e_cdnow_periods.png");
        });
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
