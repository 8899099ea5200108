/** A failure reported by the workbench's data worker: a whole-file load error or a task's error. */
export class WorkerError extends Error {
  constructor(
    message: string,
    /** Error class in the worker, e.g. `LoadError`, `ConfigError`, `RangeError`. */
    readonly kind: string,
    readonly details: {
      file?: string;
      /** The missing or bad column, when the problem is one column. */
      column?: string;
      /** The columns the file has, when known: what a column mapper offers. */
      columns?: string[];
      /** File columns that look like the missing one. */
      candidates?: string[];
    } = {},
  ) {
    super(message);
    this.name = kind;
  }
}
