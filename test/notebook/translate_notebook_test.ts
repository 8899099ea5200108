import assert from "node:assert/strict";
import { parseNotebook, translateNotebook } from "../../src/notebook/mod.ts";

const EN = "# Tiers\n\nWhere should high start?\n\n```js x\n1 + 1;\n```\n\n## Per period\n";

Deno.test("translateNotebook() replaces the prose in order and keeps the code", () => {
  const nb = parseNotebook(EN, "t.md");
  const ru = translateNotebook(nb, "# Уровни\n\nС какого балла?\n<!-- next -->\n## По периодам\n");
  assert.equal(ru.title, "Уровни");
  assert.deepEqual(ru.cells.map((c) => c.kind), nb.cells.map((c) => c.kind));
  assert.equal(ru.cells[0].source, "# Уровни\n\nС какого балла?");
  assert.equal(ru.cells[1], nb.cells[1], "code cells are the same objects");
  assert.equal(ru.cells[2].source, "## По периодам");
  assert.throws(
    () => translateNotebook(nb, "# Уровни", "ru/t.md"),
    /^SyntaxError: ru\/t\.md: 1 prose block\(s\) .* but the notebook has 2 prose cell\(s\)/,
  );
});

Deno.test("every Russian notebook translates every prose cell of its English one", async () => {
  const dir = new URL("../../notebooks/", import.meta.url);
  for await (const entry of Deno.readDir(new URL("ru/", dir))) {
    const en = parseNotebook(await Deno.readTextFile(new URL(entry.name, dir)), entry.name);
    const ru = translateNotebook(
      en,
      await Deno.readTextFile(new URL(`ru/${entry.name}`, dir)),
      `ru/${entry.name}`,
    );
    assert.match(ru.title, /[а-яА-ЯёЁ]/, `${entry.name}: a Russian title`);
  }
});
