/**
 * The workbench end to end in headless Chromium: load the sample, calibrate, move the
 * thresholds, compare periods, export the config, the XLSX report and an audience file,
 * read the downloads back, reload and find the work still there. Fails if any request
 * leaves the page's origin. Screenshots go to `artifacts/`.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import * as XLSX from "xlsx";
import { decodeWorkspace } from "../../src/workspace/workspace_file.ts";
import {
  buildForTest,
  cellErrors,
  downloadText,
  englishOnScreen,
  goTo,
  goToFile,
  openSession,
  screenshot,
  type Session,
  settle,
  SKIP_E2E,
  tableRow,
  waitReady,
} from "./_harness.ts";

Deno.test({
  name: "workbench runs the whole flow in the browser without leaving the machine",
  ignore: SKIP_E2E,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    // Each step needs the one before: stop at the first failure instead of piling up more.
    const step = async (name: string, body: () => Promise<void> | void) => {
      if (!(await t.step(name, body))) throw new Error(`Step failed: ${name}`);
    };
    const out = await Deno.makeTempDir({ prefix: "scorebench-e2e-" });
    await buildForTest(out);
    const session: Session = await openSession(out);
    const { page } = session;
    const shots: string[] = [];
    try {
      await waitReady(page, 90_000);

      await step("Data page shows the load summary and answers SQL", async () => {
        await settle(page);
        const events = page.locator("sb-load-summary tr[data-kind=events] td");
        // Columns: table, file, read, loaded, rejected, ...
        const loaded = Number(await events.nth(3).textContent());
        assert.ok(loaded > 1000, `events loaded: ${loaded}`);
        // Events and purchases are read by DuckDB itself; contacts go through the loader.
        const readers = await page.locator("sb-load-summary li[data-reader]").evaluateAll((lis) =>
          lis.map((li) => `${li.textContent?.split(":")[0]} ${li.getAttribute("data-reader")}`)
        );
        assert.ok(readers.includes("events.csv duckdb"), readers.join("; "));
        assert.ok(readers.includes("purchases.csv duckdb"), readers.join("; "));
        assert.ok(readers.includes("contacts.csv loader"), readers.join("; "));
        const tables = await page.evaluate(async () => {
          // deno-lint-ignore no-explicit-any
          const conn = (globalThis as any).scorebench.conn;
          const t = await conn.query(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name",
          );
          return t.toArray().map((r: { table_name: string }) => r.table_name);
        });
        assert.deepEqual(
          tables.filter((t: string) => !t.startsWith("sb_")),
          tables,
          "no staging table is left behind",
        );
        await page.locator("sb-sql-cell").first().locator("text=rows in").waitFor();
        const types = await page.locator("sb-sql-cell").first().locator("tbody tr").count();
        assert.ok(types >= 5, `event types in the SQL answer: ${types}`);
        // Edit the query and run it with Ctrl+Enter.
        const editor = page.locator("sb-sql-cell").nth(1).locator("textarea");
        await editor.fill("SELECT count(*) AS n FROM purchases");
        await editor.press("Control+Enter");
        await page.locator("sb-sql-cell").nth(1).locator("text=1 rows in").waitFor();
        const n = Number(
          await page.locator("sb-sql-cell").nth(1).locator("tbody td").first().textContent(),
        );
        assert.ok(n > 100, `purchases counted: ${n}`);
        shots.push(await screenshot(page, "e2e_01_data.png"));
      });

      await step("Calibrate fits points, takes a hand edit and saves the config", async () => {
        await goTo(page, "Calibrate");
        assert.deepEqual(await cellErrors(page), []);
        const summary = await page.locator("#fit-summary").textContent();
        assert.match(summary ?? "", /Fitted on \d+ contact-periods[\s\S]*?\d+ rules/);
        // The fit reported its steps to the cell's progress bar, the last one before the result.
        const progress = page.locator("section[data-cell=calibration] .progress");
        assert.equal(
          await progress.locator("progress").evaluate((p) => (p as HTMLProgressElement).value),
          1,
        );
        assert.match(await progress.locator(".phase").textContent() ?? "", /100 %/);
        // The worker reports labelled steps before it answers.
        const heard = await page.evaluate(async () => {
          const { worker } = (globalThis as unknown as {
            scorebench: {
              worker: {
                run(task: string, args: unknown[], p: (f: number, s: string) => void): Promise<
                  { eventsTo: number }
                >;
              };
            };
          }).scorebench;
          const span = await worker.run("span", [], () => {});
          const log: string[] = [];
          const day = 86_400_000;
          await worker.run("calibrate", [{
            cutoffs: [span.eventsTo - 150 * day, span.eventsTo - 90 * day],
            holdout: null,
          }], (f, phase) => log.push(`${f.toFixed(2)} ${phase}`));
          log.push("result");
          return log;
        });
        assert.ok(heard.length >= 3, heard.join("; "));
        assert.ok(heard.some((h) => h.endsWith(" fitting")), heard.join("; "));
        assert.equal(heard.at(-1), "result");
        // Rows: exact points, whole points, plain regression and the config with your edits.
        // Nothing edited yet: the edited config's metrics are the whole points', every column.
        await page.locator("sb-data-table[caption='Held-out metrics'] tbody tr").nth(3).waitFor();
        const names = await page.locator(
          "sb-data-table[caption='Held-out metrics'] tbody tr td:first-child",
        ).allTextContents();
        assert.deepEqual(names, [
          "exact points",
          "whole points",
          "plain regression",
          "with your edits",
        ]);
        const whole = await tableRow(page, "Held-out metrics", 1);
        const mine = await tableRow(page, "Held-out metrics", 3);
        assert.deepEqual(mine.slice(1), whole.slice(1), `${whole} vs ${mine}`);
        assert.equal(whole.length, 10, "fit, contacts, converters, six metrics, top-20 % buyers");
        // Every row judges the same held-out rows.
        const plain = await tableRow(page, "Held-out metrics", 2);
        assert.deepEqual(plain.slice(1, 3), mine.slice(1, 3));
        const first = page.locator("sb-points-editor input").first();
        const before = Number(await first.inputValue());
        await first.fill(String(before + 5));
        await first.press("Enter");
        await first.blur();
        await page.locator("sb-points-editor tr.edited").first().waitFor();
        await settle(page);
        await page.locator("#use-config").click();
        await page.locator("#use-config", { hasText: "Saved" }).waitFor();
        const saved = await page.evaluate(() =>
          (globalThis as unknown as {
            scorebench: { workspace: { configs: Record<string, { rules: { points: number }[] }> } };
          })
            .scorebench.workspace.configs.current.rules[0].points
        );
        assert.equal(saved, before + 5, "the saved config carries the hand edit");
        await page.locator("sb-config-bar", { hasText: "edited" }).waitFor();
        shots.push(await screenshot(page, "e2e_02_calibrate.png"));
      });

      await step("the hand edit survives navigation, shown on every page", async () => {
        await goTo(page, "Tiers");
        assert.deepEqual(await cellErrors(page), []);
        await page.locator("sb-config-bar", { hasText: "edited: points of 1 rule" }).waitFor();
        await goTo(page, "Calibrate");
        const first = page.locator("sb-points-editor input").first();
        const edited = Number(await first.inputValue());
        assert.equal(await page.locator("sb-points-editor tr.edited").count(), 1);
        // With the edit, the last row differs from the fit's.
        const whole = await tableRow(page, "Held-out metrics", 1);
        const mine = await tableRow(page, "Held-out metrics", 3);
        assert.notDeepEqual(mine.slice(3), whole.slice(3), "the edit moves the metrics");
        assert.ok(Number.isFinite(edited));
      });

      await step("Factors lists candidate factors by information value", async () => {
        await goTo(page, "Factors");
        assert.deepEqual(await cellErrors(page), []);
        const rows = await page.locator("sb-data-table[caption='All candidate factors'] tbody tr")
          .count();
        assert.ok(rows > 3, `factor rows: ${rows}`);
        shots.push(await screenshot(page, "e2e_03_factors.png"));
      });

      await step("Tiers re-tier live when a threshold moves", async () => {
        await goTo(page, "Tiers");
        assert.deepEqual(await cellErrors(page), []);
        const highCount = async () =>
          Number(await page.locator("sb-tier-tuner tr[data-tier=high] td").nth(1).textContent());
        const input = page.getByLabel("high threshold value");
        const start = Number(await input.inputValue());
        const before = await highCount();
        await input.fill(String(start + 10));
        await input.press("Enter");
        await page.waitForFunction(
          (b) => {
            const tuner = document.querySelector("sb-app-shell")!.shadowRoot!.querySelector(
              "sb-notebook-view",
            )!
              .shadowRoot!.querySelector("sb-tier-tuner")!;
            const cell = tuner.shadowRoot!.querySelector("tr[data-tier=high] td:nth-child(2)");
            return Number(cell?.textContent) !== b;
          },
          before,
        );
        const after = await highCount();
        assert.ok(
          after < before,
          `raising "high" from ${start} to ${start + 10} shrank the tier: ${before} -> ${after}`,
        );
        // Keyboard: the slider moves by one point per arrow key.
        const slider = page.getByLabel("medium threshold", { exact: true });
        await slider.focus();
        const medium = Number(await slider.inputValue());
        await slider.press("ArrowLeft");
        assert.equal(Number(await slider.inputValue()), medium - 1);
        await page.locator("#tier-summary", { hasText: `high from ${start + 10}` }).waitFor();
        // Moving a threshold edits the version the replay was computed for: the replay still
        // holds (thresholds do not change scores), so its stamp follows the edit.
        await settle(page);
        await page.locator("sb-result-stamp [data-stale=false]").first().waitFor();
        shots.push(await screenshot(page, "e2e_04_tiers.png"));
      });

      await step("Periods compares periods and window settings", async () => {
        await goTo(page, "Periods");
        assert.deepEqual(await cellErrors(page), []);
        const periods = await page.locator("sb-data-table[caption='Periods'] tbody tr").count();
        assert.ok(periods >= 2, `periods: ${periods}`);
        // One contact's score over time: pick the second contact of the list.
        const select = page.getByLabel("contact", { exact: true });
        const second = await select.locator("option").nth(1).getAttribute("value") ??
          await select.locator("option").nth(1).evaluate((o) => (o as HTMLOptionElement).value);
        await select.selectOption({ index: 1 });
        const figure = page.locator(`sb-plot-figure[label="score of contact ${second} over time"]`);
        await figure.waitFor();
        assert.ok(await figure.locator("path").count() > 0, "the contact's score is drawn");
        await page.locator("#window-evidence").waitFor();
        assert.ok(((await page.locator("#window-evidence").textContent()) ?? "").length > 10);
        shots.push(await screenshot(page, "e2e_05_periods.png"));
      });

      let thresholds = { high: NaN, medium: NaN };
      let audienceLines = 0;
      await step("Export downloads the config, the XLSX report and an audience file", async () => {
        await goTo(page, "Export");
        assert.deepEqual(await cellErrors(page), []);
        await page.locator("#config-check", { hasText: "passes the schema" }).waitFor();
        const config = await downloadText(page, () => page.locator("#download-config").click());
        assert.equal(config.name, "config.json");
        const json = JSON.parse(new TextDecoder().decode(config.bytes));
        assert.equal(json.format, "scorebench.config/v1");
        assert.ok(json.rules.length > 0);
        thresholds = json.tiers;
        assert.ok(thresholds.high > thresholds.medium, JSON.stringify(thresholds));

        const report = await downloadText(page, () => page.locator("#download-xlsx").click());
        assert.equal(report.name, "scorebench-report.xlsx");
        const workbook = XLSX.read(report.bytes, { type: "array" });
        assert.ok(workbook.SheetNames.includes("Config"), workbook.SheetNames.join(", "));
        const rules = XLSX.utils.sheet_to_json<Record<string, unknown>>(workbook.Sheets["Config"]);
        assert.equal(rules.length, json.rules.length);
        assert.deepEqual(rules.map((r) => r.id), json.rules.map((r: { id: string }) => r.id));
        // The CLI's report: formatted dates and numbers, a filtered header, charts as pictures.
        assert.ok(workbook.SheetNames.includes("Charts"), workbook.SheetNames.join(", "));
        const styled = XLSX.read(report.bytes, {
          type: "array",
          cellStyles: true,
          cellDates: true,
        });
        const byPeriod = styled.Sheets["Tiers by period"];
        assert.ok(byPeriod.A2.v instanceof Date, "as_of is a date cell");
        assert.equal(byPeriod.A2.z, "yyyy-mm-dd");
        assert.ok(byPeriod["!autofilter"]?.ref.startsWith("A1:"));
        const zip = XLSX.CFB.read(report.bytes, { type: "array" });
        const pictures = (zip.FullPaths as string[]).filter((f) =>
          /xl\/media\/image\d+\.png$/.test(f)
        );
        assert.ok(pictures.length >= 3, `pictures: ${pictures.join(", ")}`);
        const dynamics = XLSX.utils.sheet_to_json<string[]>(styled.Sheets["Interest dynamics"], {
          header: 1,
        })[0];
        assert.ok(dynamics.includes("phone") && dynamics.includes("email"), dynamics.join(", "));
        // Why each contact has its score in the last period, as the engine says.
        assert.equal(dynamics.at(-1), "reasons", dynamics.join(", "));
        const perContact = XLSX.utils.sheet_to_json<Record<string, unknown>>(
          styled.Sheets["Interest dynamics"],
        );
        const explained = perContact.filter((r) => typeof r.reasons === "string" && r.reasons);
        assert.ok(explained.length > 0, "some contacts have reasons");
        assert.match(
          String(explained[0].reasons),
          /^\S+ [+-]?\d+(\.\d+)?(; \S+ [+-]?\d+(\.\d+)?)*$/,
        );

        await page.getByRole("button", { name: "Build audience file" }).click();
        await page.locator("#audience-summary").waitFor({ timeout: 60_000 });
        const audience = await downloadText(page, () => page.locator("#download-audience").click());
        assert.equal(audience.name, "audience-high.csv");
        const lines = new TextDecoder().decode(audience.bytes).trim().split(/\r?\n/);
        audienceLines = lines.length;
        assert.match(lines[0], /phone|email/);
        assert.ok(lines.length > 1, "audience has data lines");
        // SHA-256 was chosen: every value is 64 hex digits or empty.
        for (const cell of lines[1].split(",")) assert.match(cell, /^([0-9a-f]{64})?$/);
        shots.push(await screenshot(page, "e2e_06_export.png"));
      });

      await step("a reload keeps the data, the config and the thresholds", async () => {
        // Files are written to the browser's storage in the background after a load.
        // deno-lint-ignore no-explicit-any
        await page.evaluate(() => (globalThis as any).scorebench.workspace.kept());
        await page.reload();
        await waitReady(page, 90_000);
        await settle(page);
        await page.locator("#config-check", {
          hasText: `high from ${thresholds.high}, medium from ${thresholds.medium}`,
        })
          .waitFor();
      });

      await step("the hand edit is still there after the reload", async () => {
        await goTo(page, "Calibrate");
        assert.equal(await page.locator("sb-points-editor tr.edited").count(), 1);
      });

      await step(
        "audience and verification set in the page reach the exported config",
        async () => {
          await goTo(page, "Audience");
          assert.deepEqual(await cellErrors(page), []);
          const kept = async () =>
            Number((await tableRow(page, "Contacts", 1))[1].replace(/[^\d-]/g, ""));
          const all = Number((await tableRow(page, "Contacts", 0))[1].replace(/[^\d-]/g, ""));
          assert.equal(await kept(), all, "no audience: everyone is kept");
          await page.getByLabel("age from").fill("30");
          await page.getByLabel("age to").fill("50");
          await page.getByLabel("verification mode").selectOption("demote");
          await page.getByLabel("score multiplier (0 to 1)").fill("0.5");
          // A trigger: reaching "medium" sends the contact to the CRM.
          await page.getByRole("button", { name: "Add a trigger" }).click();
          await page.getByLabel("trigger 1 tier").selectOption("medium");
          await page.getByLabel("trigger 1 action").fill("send_to_crm");
          await page.locator("#apply-blocks").click();
          await page.locator("sb-config-bar", { hasText: "audience" }).waitFor();
          await settle(page);
          const narrowed = await kept();
          assert.ok(narrowed < all && narrowed > 0, `age 30-50 keeps ${narrowed} of ${all}`);
          // A bad value is refused as the config parser refuses it, naming the field.
          await page.getByLabel("score multiplier (0 to 1)").fill("2");
          await page.locator("#apply-blocks").click();
          await page.locator("sb-config-blocks .error", { hasText: "verification.factor" })
            .waitFor();
          await page.getByLabel("score multiplier (0 to 1)").fill("0.5");
          shots.push(await screenshot(page, "e2e_09_audience.png"));
          await goTo(page, "Export");
          assert.deepEqual(await cellErrors(page), []);
          const config = await downloadText(page, () => page.locator("#download-config").click());
          const json = JSON.parse(new TextDecoder().decode(config.bytes));
          assert.deepEqual(json.audience, { age: [30, 50] });
          assert.deepEqual(json.verification, { mode: "demote", factor: 0.5 });
          assert.equal(json.triggers?.length, 1, JSON.stringify(json.triggers));
          assert.equal(json.triggers[0].reaches, "medium");
          assert.match(JSON.stringify(json.triggers[0].action), /send_to_crm/);
          await page.getByRole("button", { name: "Build audience file" }).click();
          await page.locator("#audience-summary").waitFor({ timeout: 60_000 });
          // The audience file follows: only contacts aged 30-50, demoted when verified.
          const narrowedFile = await downloadText(
            page,
            () => page.locator("#download-audience").click(),
          );
          const narrowedLines = new TextDecoder().decode(narrowedFile.bytes).trim().split(/\r?\n/)
            .length;
          assert.ok(
            narrowedLines > 1 && narrowedLines < audienceLines,
            `audience file: ${narrowedLines} lines with the audience set, ${audienceLines} before`,
          );
        },
      );

      await step("a hand-written config opens as the current version", async () => {
        const path = join(await Deno.makeTempDir(), "hand-written.json");
        await Deno.writeTextFile(
          path,
          JSON.stringify({
            format: "scorebench.config/v1",
            name: "hand-written",
            window: { lookbackDays: 60 },
            rules: [{ id: "pricing", on: "page_view", points: 7 }],
            tiers: { high: 14, medium: 7 },
          }),
        );
        await page.locator("#open-config").setInputFiles(path);
        await page.locator("sb-config-bar", { hasText: "hand-written.json" }).waitFor();
        await settle(page);
        await page.locator("#config-check", { hasText: "high from 14, medium from 7" }).waitFor();
        shots.push(await screenshot(page, "e2e_10_open_config.png"));
        // Back to the edited calibration for the steps that follow.
        const versions = page.getByLabel("config version");
        const options = await versions.locator("option").allTextContents();
        const edited = options.find((o) => /edited/.test(o))!;
        await versions.selectOption({ label: edited });
        await page.locator("sb-config-bar", { hasText: "edited" }).waitFor();
      });

      await step("every page at 1280 px in English and Russian", async () => {
        await page.setViewportSize({ width: 1280, height: 900 });
        const files = [
          "10_data.md",
          "20_factors.md",
          "30_calibrate.md",
          "40_tiers.md",
          "50_periods.md",
          "55_audience.md",
          "60_export.md",
        ];
        for (const lang of ["en", "ru"]) {
          await page.locator("#language").selectOption(lang);
          for (const file of files) {
            await goToFile(page, file);
            const heading = await page.locator("sb-notebook-view h1").first().textContent() ?? "";
            if (lang === "ru") {
              assert.match(heading, /[А-Яа-яЁё]/, `${file}: ${heading}`);
              // Prose, labels, buttons, messages and chart words: none left in English.
              assert.deepEqual(await englishOnScreen(page), [], `English on the Russian ${file}`);
            }
            assert.deepEqual(await cellErrors(page), [], `${lang} ${file}`);
            const wide = await page.evaluate(() =>
              document.documentElement.scrollWidth - document.documentElement.clientWidth
            );
            assert.ok(wide <= 0, `${lang} ${file}: the page is ${wide} px wider than 1280`);
            // No table hides a column behind its own scroll bar either.
            const clipped = await page.evaluate(() => {
              const out: string[] = [];
              const walk = (root: Document | ShadowRoot) => {
                for (const el of Array.from(root.querySelectorAll("*"))) {
                  if (el.tagName === "SB-DATA-TABLE" && !el.hasAttribute("raw")) {
                    const box = el.shadowRoot?.querySelector(".scroll");
                    if (box && box.scrollWidth > box.clientWidth + 1) {
                      out.push(
                        `${el.getAttribute("caption")}: ${box.scrollWidth - box.clientWidth} px`,
                      );
                    }
                  }
                  if (el.shadowRoot) walk(el.shadowRoot);
                }
              };
              walk(document);
              return out;
            });
            assert.deepEqual(clipped, [], `${lang} ${file}: tables wider than their place`);
            if (file === "50_periods.md") {
              // Column names in plain words, in the page's language; dates as dates.
              const heads = await page.locator("sb-data-table[caption='Periods'] thead th")
                .allTextContents();
              for (const h of heads) assert.doesNotMatch(h, /_|[a-z][A-Z]/, `${lang}: ${h}`);
              assert.ok(heads.includes(lang === "ru" ? "на дату" : "as of"), heads.join(", "));
              const first = await tableRow(page, "Periods", 0);
              assert.match(first[0], /^\d{4}-\d{2}-\d{2}$/, "as of is a date");
              if (lang === "ru") {
                assert.equal(
                  await page.locator("sb-data-table[caption='Periods'] caption").textContent(),
                  "Периоды",
                );
              }
            }
            if (file === "30_calibrate.md" && lang === "ru") {
              // Form labels, table captions and the elements' words in Russian too.
              await page.locator("sb-settings-form label", { hasText: "первый срез" }).first()
                .waitFor();
              assert.equal(
                await page.locator("sb-data-table[caption='Held-out metrics'] caption")
                  .textContent(),
                "Метрики на отложенных периодах",
              );
              await page.locator("sb-points-editor th", { hasText: "коэффициент" }).waitFor();
              await page.locator("#held-out-stamp p", { hasText: "Рассчитано для v" }).waitFor();
            }
            if (file === "30_calibrate.md") {
              // The audience set on the Audience page does not empty the edited config's metrics.
              const auc = Number((await tableRow(page, "Held-out metrics", -1))[3]);
              assert.ok(auc > 0.7, `edited config's hold-out AUC ${auc}`);
            }
            shots.push(await screenshot(page, `e2e_${lang}_${file.replace(/\.md$/, "")}.png`));
          }
        }
        assert.equal(
          await page.getByRole("button", { name: "Сохранить работу" }).count(),
          1,
          "the header speaks Russian",
        );
        await page.locator("#language").selectOption("en");
        await page.setViewportSize({ width: 1366, height: 900 });
      });

      await step("a file with unknown columns is mapped by hand, its bad rows listed", async () => {
        await goTo(page, "Data");
        await page.locator("#files").setInputFiles({
          name: "verification_crm.csv",
          mimeType: "text/csv",
          // A Node Buffer: playwright base64-encodes it with Buffer's toString.
          buffer: Buffer.from("client_key,note\n001,a\n,b\n002,c\n"),
        });
        await page.locator("sb-file-loader .error", {
          hasText: 'needs one of the columns "contact_id"',
        })
          .waitFor();
        await page.getByLabel("file column for contact_id").selectOption("client_key");
        await page.getByRole("button", { name: "Load with this mapping" }).click();
        // It would replace the sample's verification file: the page asks first.
        await page.locator("sb-file-loader [role=alertdialog]", {
          hasText: "Replace verification.csv",
        })
          .waitFor();
        await page.locator("sb-file-loader button[data-answer=yes]").click();
        await page.locator("sb-file-loader li", { hasText: "loaded" }).waitFor();
        const cells = page.locator("sb-load-summary tr[data-kind=verification] td");
        await page.locator("sb-load-summary tr[data-kind=verification] td", {
          hasText: "verification_crm.csv",
        })
          .waitFor();
        assert.deepEqual(
          [await cells.nth(3).textContent(), await cells.nth(4).textContent()],
          ["2", "1"],
        );
        await page.locator("sb-load-summary sb-data-table", {
          hasText: "Row has none of contact_id",
        })
          .waitFor();
        shots.push(await screenshot(page, "e2e_07_mapping.png"));
      });

      await step("the workspace saves to a file and opens again", async () => {
        const saved = await downloadText(
          page,
          () => page.getByRole("button", { name: "Save workspace" }).click(),
        );
        assert.match(saved.name, /^scorebench-workspace-\d{4}-\d{2}-\d{2}\.json$/);
        const snapshot = decodeWorkspace(new TextDecoder().decode(saved.bytes), saved.name);
        assert.deepEqual(
          snapshot.inputs.map((f) => f.kind).sort(),
          ["contacts", "events", "purchases", "verification"],
        );
        const crm = snapshot.inputs.find((f) => f.kind === "verification")!;
        assert.equal(crm.name, "verification_crm.csv");
        assert.deepEqual(crm.options.mapping, { contact_id: "client_key" });
        assert.ok(snapshot.configs.current, "the working config is in the file");
        // Open it again: everything is read back from the file.
        const path = join(await Deno.makeTempDir(), saved.name);
        await Deno.writeFile(path, saved.bytes);
        await page.evaluate(() =>
          (globalThis as unknown as { scorebench: { workspace: { data: { version: number } } } })
            .scorebench.workspace
            .data.version
        ).then(async (version) => {
          await page.locator("#open").setInputFiles(path);
          // Opening replaces the work: the page asks first.
          await page.locator("#confirm-yes", { hasText: "Open workspace" }).click();
          await page.waitForFunction(
            (v) =>
              (globalThis as unknown as {
                scorebench: { workspace: { data: { version: number } } };
              }).scorebench
                .workspace.data.version >= v + 8,
            version,
            { timeout: 60_000 },
          );
        });
        await settle(page);
        await page.locator("sb-load-summary tr[data-kind=verification] td", {
          hasText: "verification_crm.csv",
        })
          .waitFor();
      });

      await step("a loaded file is remapped from the load summary, by keyboard", async () => {
        await goTo(page, "Data");
        const summary = page.locator("sb-load-summary");
        const types = summary.locator("tr[data-kind=events] td").nth(8);
        assert.match(await types.textContent() ?? "", /page_view \d+/);
        const remap = summary.locator("tr[data-kind=events] button", { hasText: "Remap columns…" });
        await remap.focus();
        await page.keyboard.press("Enter");
        assert.equal(await remap.getAttribute("aria-expanded"), "true");
        // The mapper opens on the mapping in use, with the focus on its first choice.
        const mapper = summary.locator("sb-column-mapper");
        const typeChoice = mapper.getByLabel("file column for type");
        assert.equal(await typeChoice.inputValue(), "type");
        assert.equal(
          await mapper.evaluate((m) => m.shadowRoot!.activeElement?.getAttribute("aria-label")),
          "file column for contact_id",
        );
        await typeChoice.focus();
        await typeChoice.selectOption("channel");
        await mapper.getByRole("button", { name: "Load with this mapping" }).focus();
        await page.keyboard.press("Enter");
        await page.locator("sb-load-summary tr[data-kind=events] td", { hasText: /^web \d+/ })
          .waitFor();
        const after = await page.locator("sb-load-summary tr[data-kind=events] td").nth(8)
          .textContent();
        assert.doesNotMatch(after ?? "", /page_view/);
        // The SQL cells ran again on the new table: event types are now the channels.
        await page.locator("sb-sql-cell").first().locator("tbody td", { hasText: /^web$/ }).first()
          .waitFor();
        assert.equal(
          await page.locator("sb-sql-cell").first().locator("tbody td", { hasText: /^page_view$/ })
            .count(),
          0,
          "no SQL cell still shows the previous table",
        );
        const mapping = await page.evaluate(() =>
          (globalThis as unknown as {
            scorebench: {
              workspace: { inputs: Map<string, { options: { mapping?: Record<string, string> } }> };
            };
          }).scorebench.workspace.inputs.get("events")!.options.mapping
        );
        assert.equal(mapping?.type, "channel");
        assert.equal(await page.locator("sb-load-summary sb-column-mapper").count(), 0);
        // The focus is back on the table's button, in the summary drawn after the reload.
        await page.waitForFunction(() =>
          document.querySelector("sb-app-shell")?.shadowRoot
            ?.querySelector("sb-notebook-view")?.shadowRoot
            ?.querySelector("sb-load-summary")?.shadowRoot?.activeElement
            ?.getAttribute("data-remap") === "events"
        );
        shots.push(await screenshot(page, "e2e_08_remap.png"));
      });

      await step("an XLSX file loads through the page's spreadsheet worker", async () => {
        await goTo(page, "Data");
        const sheet = XLSX.utils.aoa_to_sheet([["contact_id", "note"], ["001", "a"], ["", "b"]]);
        const book = XLSX.utils.book_new();
        XLSX.utils.book_append_sheet(book, sheet, "Verified");
        const bytes = XLSX.write(book, { type: "array", bookType: "xlsx" }) as ArrayBuffer;
        const workers = page.context().waitForEvent("request", {
          predicate: (r) => r.url().endsWith("/spreadsheet_worker.js"),
        });
        await page.locator("#files").setInputFiles({
          name: "verification_sheet.xlsx",
          mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          buffer: Buffer.from(bytes),
        });
        await page.locator("sb-file-loader [role=alertdialog]", {
          hasText: "Replace",
        })
          .waitFor();
        await page.locator("sb-file-loader button[data-answer=yes]").click();
        await workers;
        const cells = page.locator("sb-load-summary tr[data-kind=verification] td");
        await page.locator("sb-load-summary tr[data-kind=verification] td", {
          hasText: "verification_sheet.xlsx",
        })
          .waitFor();
        assert.deepEqual(
          [await cells.nth(3).textContent(), await cells.nth(4).textContent()],
          ["1", "1"],
        );
      });

      await step("no request left the page's origin", () => {
        assert.deepEqual(session.foreign(), []);
        assert.ok(
          session.requests.some((u) => u.endsWith(".wasm")),
          "DuckDB wasm came from the origin",
        );
      });
      assert.deepEqual(session.errors.filter((e) => !/favicon/.test(e)), []);
    } catch (err) {
      shots.push(await screenshot(page, "e2e_failure.png").catch(() => ""));
      throw new Error(
        `${(err as Error).message}\nbrowser errors: ${session.errors.join("\n") || "none"}`,
        { cause: err },
      );
    } finally {
      console.log(
        `screenshots: ${shots.map((s) => join("artifacts", s.split("/").pop()!)).join(", ")}`,
      );
      await session.close();
      await Deno.remove(out, { recursive: true });
    }
  },
});
