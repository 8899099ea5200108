import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { CONFIG_JSON_SCHEMA } from "../../src/config/config_json_schema.ts";
import { checkConfig } from "../../src/config/parse_config.ts";
import { validate } from "./_json_schema.ts";
import { BAD, BAD_PARSER_ONLY, GOOD } from "./_fixtures.ts";

const STARTER = new URL("../../data/configs/starter.json", import.meta.url);

Deno.test("CONFIG_JSON_SCHEMA and parseConfig() accept the same good configs", () => {
  const good = [
    ...GOOD,
    ["the starter config", JSON.parse(Deno.readTextFileSync(STARTER))] as const,
  ];
  for (const [name, json] of good) {
    assertEquals(validate(CONFIG_JSON_SCHEMA, json), [], `schema on ${name}`);
    assertEquals(checkConfig(json), [], `parser on ${name}`);
  }
});

Deno.test("CONFIG_JSON_SCHEMA and parseConfig() refuse the same bad configs", () => {
  for (const [name, json] of BAD) {
    assertEquals(validate(CONFIG_JSON_SCHEMA, json).length > 0, true, `schema accepts ${name}`);
    assertEquals(checkConfig(json).length > 0, true, `parser accepts ${name}`);
  }
});

Deno.test("CONFIG_JSON_SCHEMA leaves cross-field rules to parseConfig()", () => {
  // These are documented as parser-only; if the schema ever learns one, move it to BAD.
  for (const [name, json] of BAD_PARSER_ONLY) {
    assertEquals(checkConfig(json).length > 0, true, `parser accepts ${name}`);
    assertEquals(validate(CONFIG_JSON_SCHEMA, json), [], `schema on ${name}`);
  }
});
