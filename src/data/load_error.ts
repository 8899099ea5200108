/** The one error a loader throws for a whole-file failure; rows with problems are rejected instead. */

export interface LoadErrorDetails {
  /** The file as the caller named it. */
  file: string;
  /** The column concerned, when the problem is one column. */
  column?: string;
  /** The columns the file has, when known. */
  columns?: string[];
  /** File columns that look like the missing one. */
  candidates?: string[];
  /** The error that caused this one, if any. */
  cause?: unknown;
}

/**
 * A file that cannot be loaded at all: unreadable, empty, an unsupported format, a
 * required column missing, a spreadsheet over the safety limits. The message names the
 * file (and column) and says what to do; callers show it without a stack trace.
 */
export class LoadError extends Error {
  /** Always `"LoadError"`. */
  override name = "LoadError";
  /** The file that could not be loaded. */
  file: string;
  /** The column concerned, when the problem is one column. */
  column?: string;
  /** The columns the file has, when known. */
  columns?: string[];
  /** File columns that look like the missing one. */
  candidates?: string[];

  /** A load failure with its message and where it happened. */
  constructor(message: string, details: LoadErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.file = details.file;
    this.column = details.column;
    this.columns = details.columns;
    this.candidates = details.candidates;
  }
}
