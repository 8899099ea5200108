/**
 * Turns a parsed notebook into a plain ES module at build time, so the browser runs the
 * cells without `eval` and the page keeps a strict Content-Security-Policy.
 */
import { type Notebook, type NotebookCell, referencedNames } from "./parse_notebook.ts";

/** A cell ready for the runtime: its inputs resolved and, for `js` cells, its function. */
export interface CompiledCell extends NotebookCell {
  /** Names of cells and built-ins this cell reads, in the order its function takes them. */
  inputs: string[];
  // deno-lint-ignore no-explicit-any
  define?: (...args: any[]) => unknown;
}

export interface CompiledNotebook {
  title: string;
  cells: CompiledCell[];
}

// deno-lint-ignore no-explicit-any
const AsyncFunction = (async function () {}).constructor as new (...args: string[]) => any;

/**
 * The body of a cell's function: an expression is returned, statements are kept as they are.
 * One trailing `;` still counts as an expression, as `deno fmt` writes it.
 */
export function cellBody(cell: NotebookCell, file = "notebook"): string {
  const expression = `return (\n${cell.source.trimEnd().replace(/;$/, "")}\n);`;
  try {
    new AsyncFunction(expression);
    return expression;
  } catch {
    try {
      new AsyncFunction(cell.source);
      return cell.source;
    } catch (err) {
      throw new SyntaxError(
        `${file}:${cell.line}: cell${cell.name ? ` "${cell.name}"` : ""} does not parse: ${
          (err as Error).message
        }`,
      );
    }
  }
}

/**
 * Resolves every cell's inputs against the other cells' names and `builtins`. Throws
 * `SyntaxError` naming the file and line when a cell reuses a built-in's name or a `js` cell
 * does not parse.
 */
export function resolveNotebook(
  notebook: Notebook,
  builtins: Iterable<string>,
  file = "notebook",
): { title: string; cells: (CompiledCell & { body?: string })[] } {
  const builtinNames = new Set(builtins);
  const known = new Set(builtinNames);
  for (const cell of notebook.cells) {
    if (cell.name === null) continue;
    if (builtinNames.has(cell.name)) {
      throw new SyntaxError(
        `${file}:${cell.line - 1}: cell "${cell.name}" has the name of a built-in; pick another`,
      );
    }
    known.add(cell.name);
  }
  const cells = notebook.cells.map((cell) => {
    if (cell.kind === "md") return { ...cell, inputs: [] };
    if (cell.kind === "sql") return { ...cell, inputs: ["db"] };
    const body = cellBody(cell, file);
    const inputs = [...referencedNames(cell.source)].filter((n) => known.has(n) && n !== cell.name)
      .sort();
    return { ...cell, inputs, body };
  });
  return { title: notebook.title, cells };
}

/** Builds the cells' functions in this process (Deno, tests); the browser uses `notebookModule`. */
export function compileNotebook(
  notebook: Notebook,
  builtins: Iterable<string>,
  file = "notebook",
): CompiledNotebook {
  const resolved = resolveNotebook(notebook, builtins, file);
  return {
    title: resolved.title,
    cells: resolved.cells.map(({ body, ...cell }) =>
      body === undefined ? cell : { ...cell, define: new AsyncFunction(...cell.inputs, body) }
    ),
  };
}

/** The text of an ES module exporting the compiled notebook (`export default {title, cells}`). */
export function notebookModule(
  notebook: Notebook,
  builtins: Iterable<string>,
  file = "notebook",
): string {
  const resolved = resolveNotebook(notebook, builtins, file);
  const cells = resolved.cells.map(({ body, ...cell }) => {
    const data = JSON.stringify(cell);
    if (body === undefined) return `  ${data}`;
    return `  { ...${data}, define: async function (${cell.inputs.join(", ")}) {\n${body}\n} }`;
  });
  return `// Generated from ${file} by the workbench build; edit the notebook, not this file.\n` +
    `export default { title: ${JSON.stringify(resolved.title)}, cells: [\n${
      cells.join(",\n")
    }\n] };\n`;
}
