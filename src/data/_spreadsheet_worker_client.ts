/**
 * Runs SheetJS in a child process with a time budget and a heap limit: a workbook that
 * keeps the parser busy past the budget (or fills the heap) is refused and the process
 * killed, so no file can hold or exhaust the caller. A child process, not a `Worker`:
 * Deno cannot stop a worker that is spinning in a loop (`terminate()` leaves its thread
 * running), and SheetJS's inflater loops forever on some corrupt streams.
 */
import { deserialize, serialize } from "node:v8";
import { fileURLToPath as fromFileUrl } from "node:url";
import { LoadError } from "./load_error.ts";
import type { SheetRecords } from "./read_spreadsheet.ts";
import { type ParseReply, parseTimeoutMessage, recordsOfReply } from "./_spreadsheet_budget.ts";

const SCRIPT = new URL("./_spreadsheet_worker.ts", import.meta.url);
const CONFIG = new URL("../../deno.json", import.meta.url);

/** Whether `parseInWorker` can run here (Deno, the sources on disk, subprocesses allowed). */
export function canParseInWorker(): boolean {
  if (typeof Deno === "undefined" || SCRIPT.protocol !== "file:") return false;
  try {
    return Deno.permissions.querySync({ name: "run" }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * `parseSpreadsheet` in a child process; throws `LoadError` past `timeoutMs` or when the
 * parser needs more than `heapMiB` of heap.
 */
export async function parseInWorker(
  bytes: Uint8Array,
  file: string,
  sheet: string | number | undefined,
  timeoutMs: number,
  heapMiB = Math.min(8192, 1024 + 24 * Math.ceil(bytes.length / 1048576)),
): Promise<SheetRecords> {
  const args = [
    "run",
    "--quiet",
    "--no-prompt",
    "--allow-read",
    `--v8-flags=--max-old-space-size=${heapMiB}`,
  ];
  try {
    if (Deno.statSync(CONFIG).isFile) args.push("--config", fromFileUrl(CONFIG));
  } catch {
    // No deno.json beside the sources: the script's imports resolve on their own.
  }
  args.push(fromFileUrl(SCRIPT));
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }, timeoutMs);
  try {
    const writer = child.stdin.getWriter();
    await writer.write(serialize({ bytes, file, sheet })).catch(() => {});
    await writer.close().catch(() => {});
    const { code, stdout, stderr } = await child.output();
    if (timedOut) {
      throw new LoadError(parseTimeoutMessage(file, timeoutMs), { file });
    }
    if (code !== 0 || stdout.length === 0) {
      const text = new TextDecoder().decode(stderr);
      const memory = /out of memory|heap limit/i.test(text);
      throw new LoadError(
        memory
          ? `Refused "${file}": reading the workbook needed over ${heapMiB} MiB and was stopped; export the sheet to CSV`
          : `Cannot read "${file}" as a spreadsheet: the parser stopped (exit ${code})${
            text.trim() ? `: ${text.trim().split("\n").slice(-1)[0].slice(0, 300)}` : ""
          }`,
        { file },
      );
    }
    return recordsOfReply(deserialize(stdout) as ParseReply, file);
  } finally {
    clearTimeout(timer);
  }
}
