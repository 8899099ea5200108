/**
 * Runs a compiled notebook on `@observablehq/runtime`: each cell is a variable, so a change
 * re-runs only the cells that read it, in dependency order.
 */
import { Runtime } from "@observablehq/runtime";
import type { CompiledCell, CompiledNotebook } from "./compile_notebook.ts";

/** Receives a cell's states; the same shape as an Observable Inspector. */
export interface CellObserver {
  pending?(): void;
  fulfilled?(value: unknown): void;
  rejected?(error: unknown): void;
  /** Progress of work the cell waits for, reported through `cellProgress()`. */
  progress?(fraction: number, phase: string): void;
}

/** Reports progress of a cell's long work: fraction done (0 to 1) and a short step label. */
export type CellProgress = (fraction: number, phase: string) => void;

// The cell whose body runs right now. Cell bodies start synchronously, so a built-in called
// from one (before its first `await`) can tell which cell will wait for its result.
let runningCell: CellProgress | undefined;

/**
 * The progress reporter of the cell whose body is running, for a built-in to call as its
 * work advances; `undefined` outside a cell body or after the body's first `await`.
 */
export function cellProgress(): CellProgress | undefined {
  return runningCell;
}

/** An element that publishes its current value and fires `input` when the value changes. */
export interface ViewElement extends EventTarget {
  value: unknown;
}

export interface RunNotebookOptions {
  /** Constant built-ins, e.g. `Plot`, `html`. Functions are passed as values, not called. @default {} */
  builtins?: Record<string, unknown>;
  /** Built-ins whose value changes: each returns an iterator whose values may be promises. @default {} */
  liveBuiltins?: Record<string, () => Iterator<unknown>>;
  /** Observer for a code cell's displayed value (the element, for views). @default none */
  observe?: (cell: CompiledCell, index: number) => CellObserver | undefined;
  /** Builds the element of a `sql` cell. Required when the notebook has one. */
  sqlCell?: (source: string, db: unknown) => ViewElement;
}

export interface NotebookRun {
  /** Replaces a variable's value, as if a cell or built-in `name` now returned `value`. */
  redefine(name: string, value: unknown): void;
  dispose(): void;
}

/**
 * Starts every cell of `notebook`. Cells that are not shown still compute: a runtime variable
 * without an observer never would, and a notebook should never silently skip work.
 */
export function runNotebook(
  notebook: CompiledNotebook,
  options: RunNotebookOptions = {},
): NotebookRun {
  const { builtins = {}, liveBuiltins = {}, observe = () => undefined, sqlCell } = options;
  const runtime = new Runtime();
  const module = runtime.module();
  const silent = {};
  const variables = new Map<string, { define(...args: unknown[]): void }>();
  for (const [name, value] of Object.entries(builtins)) {
    variables.set(name, module.variable(silent).define(name, [], () => value));
  }
  for (const [name, make] of Object.entries(liveBuiltins)) {
    variables.set(name, module.variable(silent).define(name, [], make));
  }
  notebook.cells.forEach((cell, index) => {
    if (cell.kind === "md") return;
    const observer: CellObserver = observe(cell, index) ?? silent;
    let define: (...args: unknown[]) => unknown;
    if (cell.kind === "sql") {
      if (!sqlCell) throw new TypeError(`Cannot run SQL cell "${cell.name}": no sqlCell option`);
      define = (db) => sqlCell(cell.source, db);
    } else if (cell.define) define = cell.define;
    else throw new TypeError(`Cannot run cell "${cell.name ?? index}": it was not compiled`);
    if (observer.progress) {
      const body = define;
      const report: CellProgress = (fraction, phase) => observer.progress?.(fraction, phase);
      define = (...args) => {
        const outer = runningCell;
        runningCell = report;
        try {
          return body(...args);
        } finally {
          runningCell = outer;
        }
      };
    }
    if (!cell.view) {
      const v = module.variable(observer).define(cell.name ?? undefined, cell.inputs, define);
      if (cell.name) variables.set(cell.name, v);
      return;
    }
    const viewName = `viewof ${cell.name}`;
    module.variable(observer).define(viewName, cell.inputs, define);
    variables.set(
      cell.name!,
      module.variable(silent).define(cell.name, [viewName], (el: ViewElement) => inputValues(el)),
    );
  });
  return {
    redefine(name, value) {
      const v = variables.get(name);
      if (!v) throw new RangeError(`Cannot redefine "${name}": the notebook has no such name`);
      v.define(name, [], () => value);
    },
    dispose: () => runtime.dispose(),
  };
}

/**
 * The values of `element`: its current `value`, then each new one after an `input` event.
 * Returned iterators yield promises, which the runtime awaits.
 */
export function inputValues(element: ViewElement): Iterator<unknown> {
  return observeChanges((change) => {
    const listener = () => change(element.value);
    element.addEventListener("input", listener);
    change(element.value);
    return () => element.removeEventListener("input", listener);
  });
}

/** An iterator over the values `initialize` reports through `change`; stops it on `return()`. */
export function observeChanges(
  initialize: (change: (value: unknown) => void) => () => void,
): Iterator<unknown> {
  let stale = false;
  let latest: unknown;
  let resolve: ((value: unknown) => void) | null = null;
  const dispose = initialize((value) => {
    latest = value;
    if (resolve) {
      resolve(value);
      resolve = null;
    } else stale = true;
  });
  return {
    next() {
      if (stale) {
        stale = false;
        return { done: false, value: Promise.resolve(latest) };
      }
      return { done: false, value: new Promise((r) => (resolve = r)) };
    },
    return() {
      dispose();
      return { done: true, value: undefined };
    },
  };
}
