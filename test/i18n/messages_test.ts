import assert from "node:assert/strict";
import { LANGUAGES, message, messageTables, pluralKey } from "../../src/i18n/messages.ts";

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

Deno.test("pluralKey() words counts of edited rules as each language does", () => {
  const words = (lang: string, n: number) =>
    message(lang, pluralKey(lang, n, "pointsOne", "pointsMany"), { n });
  assert.equal(words("en", 1), "points of 1 rule");
  assert.equal(words("en", 2), "points of 2 rules");
  assert.equal(words("en", 21), "points of 21 rules");
  assert.equal(words("ru", 1), "баллы 1 правила");
  assert.equal(words("ru", 21), "баллы 21 правила");
  assert.equal(words("ru", 11), "баллы 11 правил");
  assert.equal(words("ru", 3), "баллы 3 правил");
});
