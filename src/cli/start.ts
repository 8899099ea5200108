/**
 * `deno task start`: builds the workbench into `dist/` and serves it on this machine.
 * The built folder also works from any static host, fully offline.
 */
import { join } from "node:path";
import { type FlagSpec, parseFlags, runCommand, UsageError } from "./_args.ts";
import { buildApp, serveStatic } from "../build/mod.ts";

const SUMMARY = "builds the workbench into dist/ and serves it on localhost";

// `multiple: false` spelled out: node:util parseArgs refuses an undefined `multiple`.
const FLAGS: Record<string, FlagSpec> = {
  port: { help: "Port to serve on; 0 picks a free one. Default 8000.", multiple: false },
  "no-serve": { help: "Build only, do not serve.", boolean: true, multiple: false },
  "out-dir": { help: "Build folder. Default dist/.", multiple: false },
  "no-minify": { help: "Keep the bundle readable, for debugging.", boolean: true, multiple: false },
};

const root = join(import.meta.dirname ?? ".", "..", "..");

export function run(args: string[]): Promise<number> {
  return runCommand(async () => {
    const flags = parseFlags("start", SUMMARY, FLAGS, args);
    if (!flags) return 0;
    const portText = (flags.port as string | undefined) ?? "8000";
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) {
      throw new UsageError(`Flag --port: "${portText}" is not a port number (0..65535).`);
    }
    const outDir = (flags["out-dir"] as string | undefined) ?? join(root, "dist");
    const started = performance.now();
    const built = await buildApp(outDir, {
      root,
      minify: !flags["no-minify"],
      onStep: (line) => console.error(`start: ${line}`),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const { notebooks, sample } = built.manifest;
    console.error(
      `start: built ${outDir} in ${seconds} s (${
        (built.bytes / 1e6).toFixed(1)
      } MB, ${notebooks.length} notebooks, ${
        sample.length ? `sample ${sample.join(", ")}` : "no sample data in data/sample/"
      })`,
    );
    if (flags["no-serve"]) {
      console.log(`Built the workbench into ${outDir}`);
      return 0;
    }
    const server = serveStatic(outDir, { port });
    console.log(`Workbench at ${server.url} (Ctrl+C stops)`);
    await server.finished;
    return 0;
  });
}

if (import.meta.main) {
  Deno.exit(await run(Deno.args));
}
