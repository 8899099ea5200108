/** The JSON Schema of `scorebench.config/v1`, for editors and other teams' tooling. */
import schema from "./scoring_config.schema.json" with { type: "json" };

/**
 * JSON Schema (draft 2020-12) of the config. It agrees with `parseConfig` on what it
 * accepts, except for rules a schema cannot state, which only `parseConfig` checks:
 * unique ids, `tiers.medium <= tiers.high`, `between` low <= high, touched `from <= to`
 * and real calendar dates.
 */
export const CONFIG_JSON_SCHEMA: Record<string, unknown> = schema;
