/** Text notebooks: parse Markdown with fenced cells, compile them, run them reactively. */
export { parseNotebook, referencedNames } from "./parse_notebook.ts";
export type { CellKind, Notebook, NotebookCell } from "./parse_notebook.ts";
export { cellBody, compileNotebook, notebookModule, resolveNotebook } from "./compile_notebook.ts";
export type { CompiledCell, CompiledNotebook } from "./compile_notebook.ts";
export { cellProgress, inputValues, observeChanges, runNotebook } from "./run_notebook.ts";
export type {
  CellObserver,
  CellProgress,
  NotebookRun,
  RunNotebookOptions,
  ViewElement,
} from "./run_notebook.ts";
export { NEXT_CELL, translateNotebook } from "./translate_notebook.ts";
