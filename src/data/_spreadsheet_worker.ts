/**
 * The parsing process of `parseInWorker`: reads one request (`{bytes, file, sheet}`,
 * V8-serialised) from stdin, parses the workbook with SheetJS and writes the records, or
 * the error's name, message and columns, V8-serialised to stdout.
 */
import { deserialize, serialize } from "node:v8";
import { parseSpreadsheet } from "./read_spreadsheet.ts";

interface Request {
  bytes: Uint8Array;
  file: string;
  sheet?: string | number;
}

async function readStdin(): Promise<Uint8Array> {
  return new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
}

async function writeStdout(bytes: Uint8Array): Promise<void> {
  for (let o = 0; o < bytes.length;) o += await Deno.stdout.write(bytes.subarray(o));
}

if (import.meta.main) {
  const { bytes, file, sheet } = deserialize(await readStdin()) as Request;
  let reply: unknown;
  try {
    reply = { ok: await parseSpreadsheet(bytes, file, sheet) };
  } catch (err) {
    const error = err as Error & { columns?: string[] };
    reply = {
      error: {
        name: error?.name ?? "Error",
        message: error?.message ?? String(err),
        columns: error?.columns,
      },
    };
  }
  await writeStdout(serialize(reply));
}
