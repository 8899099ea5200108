/**
 * A notebook in another language: its prose replaced by a translation, its code kept, so the
 * pages in every language run the same cells. A translation file holds the notebook's prose
 * cells in order, separated by lines `<!-- next -->`.
 */
import type { Notebook } from "./parse_notebook.ts";

/** The line between two prose cells in a translation file. */
export const NEXT_CELL = "<!-- next -->";

/**
 * `notebook` with each prose cell replaced by the matching block of `translation`, and the
 * title by the translation's first `# ` heading. Throws `SyntaxError` naming `file` when the
 * translation has another number of prose cells than the notebook.
 */
export function translateNotebook(
  notebook: Notebook,
  translation: string,
  file = "translation",
): Notebook {
  const blocks = translation.split(/^<!-- next -->\s*$/m).map((b) => b.trim());
  const prose = notebook.cells.filter((c) => c.kind === "md").length;
  if (blocks.length !== prose) {
    throw new SyntaxError(
      `${file}: ${blocks.length} prose block(s) separated by "${NEXT_CELL}", but the notebook has ${prose} prose cell(s); translate each one, in order`,
    );
  }
  let k = 0;
  const cells = notebook.cells.map((c) => (c.kind === "md" ? { ...c, source: blocks[k++] } : c));
  const heading = /^#\s+(.+)$/m.exec(blocks[0] ?? "");
  return { title: heading ? heading[1].trim() : notebook.title, cells };
}
