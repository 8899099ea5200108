/**
 * Set-up shared by the tests that run the `scorebench` command: the CLI in a subprocess,
 * and input files in a temporary folder.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;
const MAIN = `${ROOT}src/cli/main.ts`;

/** Exit status and decoded output of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runCli}. */
export interface RunCliOptions {
  /**
   * Working folder of the subprocess.
   * @default {the project root}
   */
  cwd?: string;
}

/**
 * Runs `src/cli/main.ts` with `args` (the subcommand first) in a subprocess, as
 * `deno task cli` does.
 */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  const { cwd = ROOT } = options;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Writes each text of `files` to its name inside `dir`. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
}

/** A new temporary folder holding `files`; the caller removes it. */
export async function tempDirWith(files: Record<string, string> = {}): Promise<string> {
  const dir = await Deno.makeTempDir();
  await writeFiles(dir, files);
  return dir;
}

/** Runs `fn` in a new temporary folder, removed afterwards even when `fn` throws. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
