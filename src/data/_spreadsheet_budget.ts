/**
 * The time budget of a spreadsheet parse, shared by the two places a workbook is parsed
 * apart from the caller: a child process in Deno (`_spreadsheet_worker_client.ts`) and a
 * dedicated worker in the browser (`parseInBrowserWorker`). Both send one request, get one
 * reply (`answerParseRequest`), and past the budget stop the parser and refuse the file
 * with the same message. In the browser `terminate()` stops a worker even mid-loop.
 */
import { LoadError } from "./load_error.ts";
import type { SheetRecords } from "./read_spreadsheet.ts";

/** What the parser is asked: the workbook's bytes, its name for messages, the sheet. */
export interface ParseRequest {
  bytes: Uint8Array;
  file: string;
  sheet?: string | number;
}

/** What the parser answers: the records, or the error's name, message and columns. */
export interface ParseReply {
  ok?: SheetRecords;
  error?: { name: string; message: string; columns?: string[] };
}

/**
 * The part of a `Worker` the budget uses, so a test can stand in for one. A worker started
 * for `parseInBrowserWorker` answers one `ParseRequest` message with one `ParseReply`.
 */
export interface ParseWorker {
  /** Set to receive the worker's one reply (`event.data`, a `ParseReply`). */
  onmessage: ((event: MessageEvent) => unknown) | null;
  /** Set to hear of the worker failing (an uncaught error, a script that did not load). */
  onerror: ((event: ErrorEvent) => unknown) | null;
  /** Sends the `ParseRequest`, its bytes' buffer transferred. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** Stops the worker, even in the middle of a loop. */
  terminate(): void;
}

/** The message of a workbook refused for running past its budget, wherever it ran. */
export function parseTimeoutMessage(file: string, timeoutMs: number): string {
  return `Refused "${file}": reading the workbook took over ${
    (timeoutMs / 1000).toFixed(1)
  } s and was stopped (a damaged or hostile file?); export the sheet to CSV`;
}

/** The records of a reply, or the `LoadError` its error stands for. */
export function recordsOfReply(reply: ParseReply, file: string): SheetRecords {
  if (reply.ok) return reply.ok;
  if (!reply.error) {
    throw new LoadError(`Cannot read "${file}" as a spreadsheet: the parser gave no answer`, {
      file,
    });
  }
  const { name, message, columns } = reply.error;
  throw name === "LoadError"
    ? new LoadError(message, { file, columns })
    : new LoadError(`Cannot read "${file}" as a spreadsheet: ${message}`, { file });
}

/**
 * `parseSpreadsheet` in the worker `start` returns (one per workbook, terminated when done):
 * past `timeoutMs` the worker is terminated and `LoadError` thrown with
 * `parseTimeoutMessage`; a worker that fails to start or dies is a `LoadError` too.
 */
export function parseInBrowserWorker(
  start: () => ParseWorker,
  bytes: Uint8Array,
  file: string,
  sheet: string | number | undefined,
  timeoutMs: number,
): Promise<SheetRecords> {
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs ${timeoutMs} must be a number > 0`);
  return new Promise<SheetRecords>((resolve, reject) => {
    let worker: ParseWorker;
    try {
      worker = start();
    } catch (err) {
      reject(
        new LoadError(
          `Cannot read "${file}" as a spreadsheet: the parsing worker did not start (${
            (err as Error)?.message ?? err
          })`,
          { file, cause: err },
        ),
      );
      return;
    }
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.onmessage = worker.onerror = null;
      worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () => settle(() => reject(new LoadError(parseTimeoutMessage(file, timeoutMs), { file }))),
      timeoutMs,
    );
    worker.onmessage = (event) =>
      settle(() => {
        try {
          resolve(recordsOfReply(event.data as ParseReply, file));
        } catch (err) {
          reject(err);
        }
      });
    worker.onerror = (event) => {
      event.preventDefault?.();
      settle(() =>
        reject(
          new LoadError(
            `Cannot read "${file}" as a spreadsheet: the parser stopped${
              event.message ? `: ${event.message.slice(0, 300)}` : ""
            }`,
            { file },
          ),
        )
      );
    };
    // A copy goes to the worker: the caller's bytes stay usable.
    const copy = bytes.slice();
    worker.postMessage({ bytes: copy, file, sheet } satisfies ParseRequest, [copy.buffer]);
  });
}
