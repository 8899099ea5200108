/**
 * Notebooks are Markdown files: prose, plus fenced cells the workbench runs.
 *
 * ````md
 * ```js total
 * rows.length * 2
 * ```
 * ```js viewof threshold
 * html`<input type=range>`
 * ```
 * ```sql by_type
 * SELECT type, count(*) AS n FROM events GROUP BY type
 * ```
 * ````
 *
 * The fence info names the cell: `js NAME` defines `NAME`, `js viewof NAME` shows an input
 * element and defines `NAME` as its current value, `sql NAME` shows an editable query whose
 * result rows are `NAME`; `js` alone is an anonymous display cell. A cell's inputs are not
 * declared: they are the names of other cells and built-ins its code mentions (see
 * `referencedNames`). A cell body is one expression, or statements ending in `return`.
 */

export type CellKind = "md" | "js" | "sql";

export interface NotebookCell {
  kind: CellKind;
  /** Defined name; `null` for prose and anonymous cells. */
  name: string | null;
  /** The cell shows an element and `name` is the element's `value`. */
  view: boolean;
  /** Cell text without the fences. */
  source: string;
  /** 1-based line of the cell's first body line in the notebook file. */
  line: number;
}

export interface Notebook {
  /** First `# ` heading, or `""`. */
  title: string;
  cells: NotebookCell[];
}

const FENCE = /^(`{3,}|~{3,})\s*([A-Za-z]*)\s*(.*)$/;
const NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * Splits notebook text into prose and code cells. Throws `SyntaxError` naming the file and
 * line for an unclosed fence, a bad cell name or a name defined twice.
 */
export function parseNotebook(text: string, file = "notebook"): Notebook {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const cells: NotebookCell[] = [];
  const seen = new Map<string, number>();
  let prose: string[] = [];
  let proseLine = 1;
  const flushProse = () => {
    const source = prose.join("\n").trim();
    if (source) cells.push({ kind: "md", name: null, view: false, source, line: proseLine });
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const match = FENCE.exec(lines[i]);
    const lang = match?.[2].toLowerCase();
    if (!match || (lang !== "js" && lang !== "sql")) {
      if (!prose.length) proseLine = i + 1;
      // A fence of another language is prose; copy it through to its closing fence.
      if (match) {
        const close = findClose(lines, i, match[1]);
        prose.push(...lines.slice(i, close + 1));
        i = close;
      } else prose.push(lines[i]);
      continue;
    }
    flushProse();
    const close = findClose(lines, i, match[1]);
    if (close === lines.length) {
      throw new SyntaxError(`${file}:${i + 1}: cell fence "${lines[i]}" is never closed`);
    }
    const words = match[3].trim().split(/\s+/).filter(Boolean);
    const view = words[0] === "viewof";
    if (view) words.shift();
    if (words.length > 1 || (words[0] !== undefined && !NAME.test(words[0]))) {
      throw new SyntaxError(
        `${file}:${i + 1}: cell name "${
          match[3].trim()
        }" is not one identifier (expected \`${lang} NAME\`)`,
      );
    }
    const name = words[0] ?? null;
    if ((view || lang === "sql") && !name) {
      throw new SyntaxError(`${file}:${i + 1}: a ${view ? "viewof" : "sql"} cell needs a name`);
    }
    if (name !== null) {
      if (seen.has(name)) {
        throw new SyntaxError(
          `${file}:${i + 1}: cell "${name}" is already defined on line ${seen.get(name)}`,
        );
      }
      seen.set(name, i + 1);
    }
    cells.push({
      kind: lang,
      name,
      view: view || lang === "sql",
      source: lines.slice(i + 1, close).join("\n"),
      line: i + 2,
    });
    i = close;
  }
  flushProse();
  const heading = /^#\s+(.+)$/m.exec(text);
  return { title: heading ? heading[1].trim() : "", cells };
}

function findClose(lines: string[], open: number, fence: string): number {
  for (let j = open + 1; j < lines.length; j++) {
    if (lines[j].trim().startsWith(fence) && lines[j].trim().replace(/[`~]/g, "") === "") return j;
  }
  return lines.length;
}

/**
 * The identifiers `code` mentions outside strings, comments and template text, except
 * property names after a `.`. Inside `${...}` of a template literal they count. This is the
 * whole dependency analysis: a local variable that shares a cell's name adds a harmless
 * extra input, so give locals other names.
 */
export function referencedNames(code: string): Set<string> {
  const names = new Set<string>();
  // Stack of open template literals: each entry is the `{` depth at which its `${` opened.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const n = code.length;
  const skipTemplateText = () => {
    while (i < n) {
      const c = code[i];
      if (c === "\\") i += 2;
      else if (c === "`") {
        i++;
        templates.pop();
        return;
      } else if (c === "$" && code[i + 1] === "{") {
        i += 2;
        depth++;
        return;
      } else i++;
    }
  };
  while (i < n) {
    const c = code[i];
    if (c === "/" && code[i + 1] === "/") {
      while (i < n && code[i] !== "\n") i++;
    } else if (c === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"') {
      i++;
      while (i < n && code[i] !== c && code[i] !== "\n") i += code[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "`") {
      i++;
      templates.push(depth);
      skipTemplateText();
    } else if (c === "{") {
      depth++;
      i++;
    } else if (c === "}") {
      depth--;
      i++;
      if (templates.length && templates[templates.length - 1] === depth) skipTemplateText();
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(code[j])) j++;
      let k = i - 1;
      while (k >= 0 && (code[k] === " " || code[k] === "\t")) k--;
      const member = code[k] === "." && code[k - 1] !== ".";
      if (!member) names.add(code.slice(i, j));
      i = j;
    } else if (/[0-9]/.test(c)) {
      while (i < n && /[\w.]/.test(code[i])) i++;
    } else i++;
  }
  return names;
}
