import assert from "node:assert/strict";
import { label, labelTable, versionName } from "../../src/i18n/labels.ts";

Deno.test("label() translates cell words and keeps unknown ones", () => {
  assert.equal(label("ru", "Held-out metrics"), "Метрики на отложенных периодах");
  assert.equal(label("en", "Held-out metrics"), "Held-out metrics");
  assert.equal(label("ru", "a word nobody translated"), "a word nobody translated");
  assert.equal(label(null, "contacts"), "contacts");
  assert.equal(label("xx", "contacts"), "contacts");
  assert.equal(
    label("ru", "rows {from}–{to} of {n}", { from: 1, to: 50, n: 120 }),
    "строки 1–50 из 120",
  );
  assert.equal(label("en", "{n} rows", { n: 3 }), "3 rows");
});

Deno.test("labelTable() translations are Russian and keep the placeholders", () => {
  const ru = labelTable("ru");
  assert.ok(Object.keys(ru).length > 100);
  for (const [en, text] of Object.entries(ru)) {
    assert.ok(text.trim().length > 0, en);
    const holes = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(holes(text), holes(en), en);
    // Codes and metric names (AUC, PSI, L2) may stay Latin; words must be Cyrillic.
    if (/[a-z]{4,}/.test(en.replace(/\{\w+\}/g, ""))) assert.match(text, /[А-Яа-яЁё]/, en);
  }
});

Deno.test("versionName() shows the names the workbench gives in Russian, others as written", () => {
  const cases: [string, string][] = [
    [
      "Calibrated: monthly, look-back 90 days, horizon 30 days",
      "Калибровка: по месяцам, история 90 дней, горизонт 30 дней",
    ],
    [
      "Calibrated: weekly, look-back 60 days, horizon 14 days, half-life 30 days, one model per tag, edited",
      "Калибровка: по неделям, история 60 дней, горизонт 14 дней, полураспад 30 дней, модель на каждый тег, с правками",
    ],
    [
      'Calibrated on the contacts column "converted" (segment as categories)',
      "Калибровка по столбцу контактов «converted» (segment как категории)",
    ],
    ["Calibrated in the workbench", "Откалибрована в приложении"],
    ["hand-written.json, edited", "hand-written.json, с правками"],
    ["hand-written.json", "hand-written.json"],
  ];
  for (const [en, ru] of cases) {
    assert.equal(versionName("ru", en), ru);
    assert.equal(versionName("en", en), en);
  }
});
