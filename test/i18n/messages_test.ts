import assert from "node:assert/strict";
import { LANGUAGES, message, messageTables } from "../../src/i18n/messages.ts";

Deno.test("message() has every key in every language, with the same placeholders", () => {
  const tables = messageTables();
  const keys = Object.keys(tables.en);
  for (const lang of LANGUAGES) {
    assert.deepEqual(Object.keys(tables[lang]).sort(), [...keys].sort(), lang);
    for (const key of keys) {
      const text = tables[lang][key as keyof typeof tables.en];
      assert.ok(text.trim().length > 0, `${lang}.${key} is empty`);
      const holes = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(
        holes(text),
        holes(tables.en[key as keyof typeof tables.en]),
        `${lang}.${key}`,
      );
    }
  }
});

Deno.test("message() fills placeholders and falls back to English", () => {
  assert.equal(message("ru", "undo"), "Отменить");
  assert.equal(message("xx", "undo"), "Undo");
  assert.match(
    message("ru", "confirmOpen", { file: "w.json", n: 3 }),
    /^Открыть w\.json\? .*\(3 версий\)/,
  );
});
