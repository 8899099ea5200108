/**
 * The parsing process of `parseInWorker`: reads one request (`{bytes, file, sheet}`,
 * V8-serialised) from stdin, parses the workbook with SheetJS and writes the records, or
 * the error's name, message and columns, V8-serialised to stdout.
 */
import { deserialize, serialize } from "node:v8";
import { answerParseRequest } from "./read_spreadsheet.ts";
import type { ParseRequest } from "./_spreadsheet_budget.ts";

async function readStdin(): Promise<Uint8Array> {
  return new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
}

async function writeStdout(bytes: Uint8Array): Promise<void> {
  for (let o = 0; o < bytes.length;) o += await Deno.stdout.write(bytes.subarray(o));
}

if (import.meta.main) {
  const request = deserialize(await readStdin()) as ParseRequest;
  await writeStdout(serialize(await answerParseRequest(request)));
}
