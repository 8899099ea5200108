/**
 * `deno task cli <command> [flags]`: the command line documented in `docs/cli.md`.
 * Each command lives in its own module exporting `run(args): Promise<number>` (exit status).
 */

const COMMANDS: Record<
  string,
  { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }
> = {
  score: { summary: "scores contacts with a config", load: () => import("./score.ts") },
  calibrate: {
    summary: "derives points from converters and writes a config",
    load: () => import("./calibrate.ts"),
  },
  backtest: { summary: "evaluates a config over periods", load: () => import("./backtest.ts") },
  audience: { summary: "writes an ad-platform audience file", load: () => import("./audience.ts") },
  sql: {
    summary: "prints the SQL that computes `score` in a database",
    load: () => import("./sql.ts"),
  },
  serve: {
    summary: "runs a config as an HTTP scoring service",
    load: () => import("./serve.ts"),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: deno task cli <command> [flags]\n\nCommands:\n${
    lines.join("\n")
  }\n\nRun a command with --help for its flags.`;
}

export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === "--help" || name === "-h") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return await mod.run(rest);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
