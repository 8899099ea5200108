/** Flag parsing shared by every command: `--help`, repeated flags, clear errors. */
import { parseArgs } from "node:util";
import { parseIsoDate } from "../tables/mod.ts";

export interface FlagSpec {
  /** Help text for the flag. */
  help: string;
  /** Flag takes no value. @default false */
  boolean?: boolean;
  /** Flag may repeat (`--as-of T1 --as-of T2`); also splits on commas when `list` is set. @default false */
  multiple?: boolean;
  /** Required flag. @default false */
  required?: boolean;
}

export class UsageError extends Error {
  override name = "UsageError";
}

export type ParsedFlags = Record<string, string | string[] | boolean | undefined>;

/** Help text for a command from its flag table. */
export function helpText(
  command: string,
  summary: string,
  flags: Record<string, FlagSpec>,
): string {
  const lines = Object.entries(flags).map(([name, f]) =>
    `  --${name}${f.boolean ? "" : " <value>"}${f.multiple ? " ..." : ""}${
      f.required ? " (required)" : ""
    }\n      ${f.help}`
  );
  // `start` has its own task; every other command runs under `deno task cli`.
  const usage = command === "start" ? "deno task start" : `deno task cli ${command}`;
  return `Usage: ${usage} [flags]\n\n${summary}\n\nFlags:\n${
    lines.join("\n")
  }\n  --help\n      Show this help.`;
}

/**
 * Parses `args` against `flags`; returns `null` when `--help` was asked for (help printed).
 * Throws `UsageError` naming the flag on an unknown flag, a missing value or a missing required flag.
 */
export function parseFlags(
  command: string,
  summary: string,
  flags: Record<string, FlagSpec>,
  args: string[],
): ParsedFlags | null {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {
    help: { type: "boolean" },
  };
  for (const [name, f] of Object.entries(flags)) {
    options[name] = { type: f.boolean ? "boolean" : "string", multiple: f.multiple ?? false };
  }
  let values: ParsedFlags;
  try {
    values = parseArgs({ args, options, strict: true, allowPositionals: false })
      .values as ParsedFlags;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${helpText(command, summary, flags)}`);
  }
  if (values.help) {
    console.log(helpText(command, summary, flags));
    return null;
  }
  for (const [name, f] of Object.entries(flags)) {
    if (f.required && values[name] === undefined) {
      throw new UsageError(
        `Missing required flag --${name}.\n\n${helpText(command, summary, flags)}`,
      );
    }
  }
  return values;
}

/** Runs a command body, turning expected errors into a message and exit status 1 (2 for usage). */
export async function runCommand(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return 2;
    }
    console.error(
      err instanceof Error
        ? `${err.name === "Error" ? "Error" : err.name}: ${err.message}`
        : String(err),
    );
    return 1;
  }
}

/**
 * Reads an instant flag (`--as-of 2024-03-31`, `--holdout-after 2024-01-01T12:00:00Z`) as
 * epoch milliseconds; throws `UsageError` naming the flag and quoting the value otherwise.
 */
export function instantFlag(flag: string, text: string): number {
  const t = parseIsoDate(text.trim());
  if (t === null) {
    throw new UsageError(`--${flag} "${text}" is not a date "YYYY-MM-DD" or an ISO 8601 instant`);
  }
  return t;
}
