import assert from "node:assert/strict";
import { join } from "node:path";
import { labelTable } from "../../src/i18n/labels.ts";

const ROOT = join(import.meta.dirname ?? ".", "..", "..");

/** The literal first arguments of `call(` in `text` ("..." or '...', one line). */
function literals(text: string, call: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`${call.replace(".", "\\.")}\\(\\s*("(?:[^"\\\\]|\\\\.)*"|'[^']*')`, "g");
  for (const m of text.matchAll(re)) {
    out.push(m[1].startsWith("'") ? m[1].slice(1, -1) : JSON.parse(m[1]));
  }
  return out;
}

async function filesIn(dir: string, ext: string): Promise<string[]> {
  const files: string[] = [];
  for await (const e of Deno.readDir(join(ROOT, dir))) {
    if (e.isFile && e.name.endsWith(ext)) files.push(join(ROOT, dir, e.name));
  }
  return files.sort();
}

Deno.test("every word the notebooks and elements translate has its Russian", async () => {
  const ru = labelTable("ru");
  const missing: string[] = [];
  let seen = 0;
  for (const file of await filesIn("notebooks", ".md")) {
    for (const word of literals(await Deno.readTextFile(file), "sb.t")) {
      seen++;
      if (!(word in ru)) missing.push(`${file.slice(ROOT.length + 1)}: ${word}`);
    }
  }
  for (const file of await filesIn("components", ".ts")) {
    for (const word of literals(await Deno.readTextFile(file), "tr")) {
      seen++;
      if (!(word in ru)) missing.push(`${file.slice(ROOT.length + 1)}: ${word}`);
    }
  }
  assert.ok(seen > 100, `words found: ${seen}`);
  assert.deepEqual(missing, []);
});
