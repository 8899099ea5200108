/** One problem found in a config, located by its JSON path (`rules[3].where.url.glob`). */
export interface ConfigProblem {
  /** Where: `rules[3].where.url.glob`; empty for the file as a whole. */
  path: string;
  /** What is wrong there, and what was expected. */
  message: string;
}

/**
 * A config refused before any work: every problem is listed, each with the JSON path it
 * was found at, so a person can fix them all in one pass instead of one per run.
 */
export class ConfigError extends Error {
  /** Always `"ConfigError"`. */
  override name = "ConfigError";
  /** Every problem found, in document order. */
  readonly problems: ConfigProblem[];
  /** The file the config came from, when it came from a file. */
  readonly file: string | null;

  /** Lists every problem in the message, under the file name when there is one. */
  constructor(problems: ConfigProblem[], file: string | null = null) {
    const where = file === null ? "Config" : `Config "${file}"`;
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(
      `${where} refused, ${count}:\n${
        problems.map((p) => `  ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n")
      }`,
    );
    this.problems = problems;
    this.file = file;
  }
}
