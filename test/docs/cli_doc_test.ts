/**
 * `docs/cli.md` against the commands themselves: every command `deno task cli --help` lists
 * has a section, every flag a command's `--help` prints has a row in that section (or in the
 * shared "Input flags" table the section links to), no row names a flag the command lacks,
 * and a flag is marked required on the page exactly when `--help` marks it so.
 */
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { runCli } from "../_cli.ts";

const DOC_URL = new URL("../../docs/cli.md", import.meta.url);
const START = new URL("../../src/cli/start.ts", import.meta.url).pathname;
const SHARED = "input-flags";

/** A flag as `--help` prints it: `  --as-of <value> ... (required)`. */
interface HelpFlag {
  name: string;
  required: boolean;
}

function helpFlags(help: string): HelpFlag[] {
  const out: HelpFlag[] = [];
  for (const line of help.split("\n")) {
    const m = /^ {2}--([a-z0-9-]+)(.*)$/.exec(line);
    if (m && m[1] !== "help") out.push({ name: m[1], required: m[2].includes("(required)") });
  }
  return out;
}

/** Command names from `deno task cli --help`. */
function helpCommands(help: string): string[] {
  const at = help.indexOf("Commands:");
  const out: string[] = [];
  for (const line of help.slice(at).split("\n").slice(1)) {
    const m = /^ {2}([a-z][a-z0-9-]*)\s/.exec(line);
    if (m) out.push(m[1]);
    else if (line.trim() !== "") break;
  }
  return out;
}

/** A row of a `| flag | value | meaning |` table; a required flag's meaning starts "required.". */
interface DocFlag {
  name: string;
  required: boolean;
  line: number;
}

interface DocSection {
  /** Links to the shared input-flags table. */
  shared: boolean;
  flags: DocFlag[];
}

/**
 * Sections of the page keyed by their heading: `## \`score\`` is `score`, `### Input flags`
 * is `input-flags`. Each holds the rows of its flag tables and whether it links to
 * `#input-flags`.
 */
function docSections(markdown: string): Map<string, DocSection> {
  const sections = new Map<string, DocSection>();
  let current: DocSection | null = null;
  let inTable = false;
  markdown.split("\n").forEach((raw, i) => {
    const heading = /^#{2,3} (.+)$/.exec(raw);
    if (heading) {
      const title = heading[1].trim();
      const cmd = /^`([a-z][a-z0-9-]*)`$/.exec(title);
      const key = cmd ? cmd[1] : title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      current = { shared: false, flags: [] };
      sections.set(key, current);
      inTable = false;
      return;
    }
    if (current === null) return;
    if (raw.includes(`(#${SHARED})`)) current.shared = true;
    const line = raw.trim();
    if (!line.startsWith("|")) {
      inTable = false;
      return;
    }
    const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
    if (/^flag$/i.test(cells[0])) {
      inTable = true;
      return;
    }
    if (!inTable || /^:?-+:?$/.test(cells[0])) return;
    const m = /^`--([a-z0-9-]+)`$/.exec(cells[0]);
    if (!m) throw new Error(`docs/cli.md:${i + 1}: first cell "${cells[0]}" is not a \`--flag\``);
    // A required flag's meaning starts "required.".
    const required = /^required\b/i.test(cells[cells.length - 1]);
    current.flags.push({ name: m[1], required, line: i + 1 });
  });
  return sections;
}

/** Problems of the page's section for `command` against its `--help` text. */
function flagProblems(command: string, help: string, markdown: string): string[] {
  const sections = docSections(markdown);
  const section = sections.get(command);
  if (!section) return [`docs/cli.md has no section "## \`${command}\`"`];
  const shared = section.shared ? sections.get(SHARED)?.flags ?? [] : [];
  const problems: string[] = [];
  const printed = helpFlags(help);
  const names = new Set(printed.map((f) => f.name));
  const documented = new Map<string, DocFlag>();
  for (const f of [...section.flags, ...shared]) {
    if (documented.has(f.name)) {
      problems.push(`docs/cli.md:${f.line}: ${command} --${f.name} is documented twice`);
    }
    documented.set(f.name, f);
  }
  for (const f of printed) {
    const doc = documented.get(f.name);
    if (!doc) {
      problems.push(`${command} --${f.name} (from --help) is not documented in docs/cli.md`);
    } else if (doc.required !== f.required) {
      problems.push(
        `docs/cli.md:${doc.line}: ${command} --${f.name} is ${
          f.required ? "required" : "optional"
        } in --help but not on the page`,
      );
    }
  }
  for (const f of section.flags) {
    if (!names.has(f.name)) {
      problems.push(`docs/cli.md:${f.line}: ${command} has no flag --${f.name}`);
    }
  }
  for (const f of shared) {
    if (!names.has(f.name)) {
      problems.push(
        `docs/cli.md:${f.line}: ${command} links to the input flags, but has no flag --${f.name}`,
      );
    }
  }
  return problems;
}

async function help(args: string[]): Promise<string> {
  const r = await runCli(args);
  assertEquals(r.code, 0, r.stderr);
  return r.stdout;
}

const markdown = await Deno.readTextFile(DOC_URL);

Deno.test("docs/cli.md has a section for every command of deno task cli --help", async () => {
  const commands = helpCommands(await help(["--help"]));
  assert(commands.length >= 5, `only ${commands.join(", ")} in the usage text`);
  const sections = docSections(markdown);
  assertEquals(commands.filter((c) => !sections.has(c)), []);
});

Deno.test("docs/cli.md documents every flag each command's --help prints, and no other", async () => {
  const commands = helpCommands(await help(["--help"]));
  const problems: string[] = [];
  for (const command of commands) {
    problems.push(...flagProblems(command, await help([command, "--help"]), markdown));
  }
  assertEquals(problems, []);
});

Deno.test("docs/cli.md documents every flag of deno task start", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", START, "--help"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  assertEquals(flagProblems("start", new TextDecoder().decode(out.stdout), markdown), []);
});

Deno.test("flagProblems() reports a missing flag, a stale row, a lost required mark and a missing section", () => {
  const helpText = [
    "Usage: deno task cli demo [flags]",
    "",
    "Flags:",
    "  --config <value> (required)",
    "      Config.",
    "  --out <value> (required)",
    "      Output.",
    "  --seed <value>",
    "      Seed.",
    "  --sheet <value>",
    "      Sheet.",
    "  --help",
    "      Show this help.",
  ].join("\n");
  const doc = [
    "### Input flags",
    "",
    "| flag | value | meaning |",
    "| --- | --- | --- |",
    "| `--sheet` | name | The sheet. |",
    "| `--timezone` | zone | The zone. |",
    "",
    "## `demo`",
    "",
    "Also takes the [input flags](#input-flags).",
    "",
    "| flag | value | meaning |",
    "| --- | --- | --- |",
    "| `--config` | file | required. The config. |",
    "| `--out` | file | The output. |",
    "| `--chunk-size` | rows | Removed long ago. |",
  ].join("\n");
  assertEquals(flagProblems("demo", helpText, doc), [
    "docs/cli.md:15: demo --out is required in --help but not on the page",
    "demo --seed (from --help) is not documented in docs/cli.md",
    "docs/cli.md:16: demo has no flag --chunk-size",
    "docs/cli.md:6: demo links to the input flags, but has no flag --timezone",
  ]);
  assertEquals(flagProblems("other", helpText, doc), [
    'docs/cli.md has no section "## `other`"',
  ]);
});
