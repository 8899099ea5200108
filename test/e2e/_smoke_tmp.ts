import { openSession, waitReady, screenshot } from "./_harness.ts";
const s = await openSession("/work/main/dist");
try {
  await waitReady(s.page, 60000);
  for (const page of ["20_factors.md", "30_calibrate.md", "40_tiers.md", "50_periods.md", "60_export.md"]) {
    const t = performance.now();
    await s.page.goto(s.server.url + "#" + page);
    if (page === "30_calibrate.md") {
      await s.page.locator("#fit-summary").waitFor({ timeout: 60000 });
      await s.page.waitForTimeout(2000);
      await s.page.locator("#use-config").click();
    } else await s.page.waitForTimeout(page === "20_factors.md" ? 12000 : 8000);
    console.log(page, performance.now() - t, await screenshot(s.page, "smoke_" + page.replace(".md", ".png")));
    const errs = await s.page.locator(".error").allTextContents();
    console.log("errors on page:", errs);
  }
} catch (e) { console.log("ERR", (e as Error).message); }
console.log(s.errors.join("\n"));
console.log("foreign", s.foreign());
await s.close();
