/**
 * The scoring config `scorebench.config/v1`: types, checking with every problem listed by
 * JSON path, defaults, reading, writing and the JSON Schema.
 *
 * @module
 */
export * from "./types.ts";
export { ConfigError, type ConfigProblem } from "./config_error.ts";
export {
  checkConfig,
  parseConfig,
  parseConfigDate,
  type ParseConfigOptions,
  type ParsedConfig,
  PREDICATE_OPERATORS,
  unknownEventTypeWarnings,
} from "./parse_config.ts";
export { toScoringConfig } from "./to_scoring_config.ts";
export { readConfigFile } from "./read_config_file.ts";
export { serializeConfig, toConfigSpec } from "./serialize_config.ts";
export { CONFIG_JSON_SCHEMA } from "./config_json_schema.ts";
