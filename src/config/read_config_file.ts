/** Reads a config file from disk (Deno, the CLI, tests). */
import { ConfigError } from "./config_error.ts";
import { parseConfig, type ParseConfigOptions, type ParsedConfig } from "./parse_config.ts";

/** Largest config file read (a real one is a few KB; calibration provenance a few MB). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/**
 * Reads and checks the config at `path`. Throws `ConfigError` (naming the file) when it
 * cannot be read, is not JSON, or breaks the schema.
 */
export async function readConfigFile(
  path: string,
  options: Omit<ParseConfigOptions, "file"> = {},
): Promise<ParsedConfig> {
  let text: string;
  try {
    const { size } = await Deno.stat(path);
    if (size > MAX_CONFIG_BYTES) {
      throw new ConfigError([{
        path: "",
        message: `the file has ${size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit for a config`,
      }], path);
    }
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const reason = err instanceof Deno.errors.NotFound ? "file not found" : (err as Error).message;
    throw new ConfigError([{ path: "", message: `cannot read the file: ${reason}` }], path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(
      [{ path: "", message: `not valid JSON: ${(err as Error).message}` }],
      path,
    );
  }
  return parseConfig(json, { ...options, file: path });
}
