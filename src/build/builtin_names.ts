/**
 * Names every notebook can read without defining them. The build resolves cell inputs
 * against this list; the page provides the values (see `app/app_shell.ts`).
 *
 * - `Plot`: Observable Plot; `aq`: Arquero, for reshaping query results as Observable users do;
 *   `html`: a tagged template returning a DOM element (Lit syntax)
 * - `sb`: the workbench library (`app/library.ts`): engine, config, metrics, charts, exports,
 *   and `sb.run(task, args)`, which runs a task of `app/worker/worker_tasks.ts` in the data worker
 * - `workspace`: the workspace (files, settings, configs); `db`: the DuckDB connection
 * - `data`: the loaded tables, updated after each load; `configs`: the current, calibrated and
 *   production configs; `versions`: every config version and the current one (both updated on
 *   each change)
 */
export const BUILTIN_NAMES = [
  "Plot",
  "aq",
  "html",
  "sb",
  "workspace",
  "db",
  "data",
  "configs",
  "versions",
] as const;
