import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ConfigError } from "../../src/config/config_error.ts";
import { parseConfig } from "../../src/config/parse_config.ts";
import { readConfigFile } from "../../src/config/read_config_file.ts";
import { serializeConfig } from "../../src/config/serialize_config.ts";
import { toScoringConfig } from "../../src/config/to_scoring_config.ts";
import { BAD, BAD_PARSER_ONLY, GOOD, SPEC_EXAMPLE } from "./_fixtures.ts";

function problemsOf(json: unknown): { path: string; message: string }[] {
  try {
    parseConfig(json);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

for (const [name, json] of GOOD) {
  Deno.test(`parseConfig() accepts ${name}`, () => {
    assertEquals(problemsOf(json), []);
  });
}

for (const [name, json, path, part] of [...BAD, ...BAD_PARSER_ONLY]) {
  Deno.test(`parseConfig() refuses ${name} at ${path}`, () => {
    const problems = problemsOf(json);
    const hit = problems.find((p) => p.path === path && p.message.includes(part));
    if (!hit || problems.length !== 1) {
      throw new Error(
        `expected one problem at ${path} with "${part}", got ${JSON.stringify(problems)}`,
      );
    }
  });
}

Deno.test("parseConfig() lists every problem of a broken config by JSON path", () => {
  const broken = {
    format: "scorebench.config/v0",
    window: { lookbackDays: -5 },
    rules: [
      { id: "a", on: "page_view", where: { url: { glob: 5 } }, points: 1 },
      { id: "a", on: "page_view", where: { url: { like: "x" } }, points: "2", maxPerDay: -1 },
      { id: "b", on: "call", where: { value: { between: [60] } }, points: 1, extra: true },
    ],
    tiers: { high: 20, medium: 30 },
    verification: { mode: "demote", factor: 2 },
    audience: { touched: { from: "2024-13-01", to: "2024-03-31" } },
  };
  let err: unknown;
  try {
    parseConfig(broken);
  } catch (e) {
    err = e;
  }
  if (!(err instanceof ConfigError)) throw new Error("expected a ConfigError");
  assertEquals(err.problems.map((p) => `${p.path}: ${p.message}`), [
    'format: expected "scorebench.config/v1", got string "scorebench.config/v0"',
    "window.lookbackDays: expected a number > 0, got -5",
    "rules[0].where.url.glob: expected string, got number 5",
    'rules[1].id: duplicate rule id "a" (first used at rules[0].id)',
    'rules[1].points: expected number, got string "2"',
    "rules[1].where.url.like: unknown operator; expected one of eq, neq, in, notIn, prefix, contains, glob, gt, gte, lt, lte, between, exists",
    "rules[1].maxPerDay: expected an integer >= 1, got number -1",
    "rules[2].extra: unknown key; expected one of id, on, where, points, maxPerDay, maxCount, scopes, description",
    "rules[2].where.value.between: expected a pair [low, high], got an array",
    "tiers.medium: 30 is above tiers.high 20",
    'audience.touched.from: expected a date "YYYY-MM-DD" or an ISO 8601 instant, got string "2024-13-01"',
    "verification.factor: expected a number in 0..1, got 2",
  ]);
  // The message carries every problem too, with no stack trace needed to find them.
  assertEquals(err.message.split("\n").length, 13);
  assertEquals(err.message.startsWith("Config refused, 12 problems:"), true);
});

Deno.test("parseConfig() warns about event types the data does not have, naming those it has", () => {
  const { warnings } = parseConfig(SPEC_EXAMPLE, {
    eventTypes: ["page_view", "email_click", "email_unsubscribe", "call"],
  });
  assertEquals(warnings, [
    'rules[4].on: event type "purchase" is not in the data, so rule "store" matches nothing (the data has: call, email_click, email_unsubscribe, page_view)',
  ]);
  assertEquals(parseConfig(SPEC_EXAMPLE).warnings, []);
});

Deno.test("toScoringConfig() fills every default", () => {
  const c = toScoringConfig({
    format: "scorebench.config/v1",
    rules: [{ id: "r", on: "x", points: 1 }],
    verification: { mode: "demote" },
  });
  assertEquals(c, {
    format: "scorebench.config/v1",
    name: "Untitled scoring",
    window: { lookbackDays: 90, halfLifeDays: null },
    rules: [{
      id: "r",
      on: "x",
      where: {},
      points: 1,
      maxPerDay: Infinity,
      maxCount: Infinity,
      scopes: [{ kind: "global" }],
      description: "",
    }],
    attributes: [],
    tiers: { high: 60, medium: 25 },
    audience: null,
    verification: { mode: "demote", factor: 0.5 },
    triggers: [],
    provenance: {},
  });
});

Deno.test("toScoringConfig() refuses an invalid spec with ConfigError", () => {
  let err: unknown;
  try {
    toScoringConfig({ format: "scorebench.config/v1", tiers: { high: 1, medium: 2 } });
  } catch (e) {
    err = e;
  }
  assertEquals(err instanceof ConfigError && err.problems[0].path, "tiers.medium");
});

Deno.test("serializeConfig() round-trips a spec and a resolved config", () => {
  const text = serializeConfig(SPEC_EXAMPLE as never);
  assertEquals(JSON.parse(text), SPEC_EXAMPLE);
  const resolved = parseConfig(SPEC_EXAMPLE).config;
  assertEquals(parseConfig(JSON.parse(serializeConfig(resolved))).config, resolved);
  assertEquals(text.endsWith("}\n"), true);
});

Deno.test("readConfigFile() names the file when it is missing or not JSON", async () => {
  const dir = await Deno.makeTempDir();
  const messages: string[] = [];
  for (const [name, content] of [["missing.json", null], ["bad.json", "{ not json"]] as const) {
    if (content !== null) await Deno.writeTextFile(`${dir}/${name}`, content);
    try {
      await readConfigFile(`${dir}/${name}`);
    } catch (e) {
      messages.push((e as Error).message);
    }
  }
  assertEquals(messages.length, 2);
  assertEquals(
    messages[0].includes(`"${dir}/missing.json"`) && messages[0].includes("file not found"),
    true,
  );
  assertEquals(
    messages[1].includes(`"${dir}/bad.json"`) && messages[1].includes("not valid JSON"),
    true,
  );
  await Deno.writeTextFile(`${dir}/good.json`, JSON.stringify(SPEC_EXAMPLE));
  assertEquals((await readConfigFile(`${dir}/good.json`)).config.rules.length, 5);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parseConfig() refuses a value nested 10,000 deep with its path, not a stack overflow", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = { x: deep };
  const problems = problemsOf({ format: "scorebench.config/v1", provenance: deep });
  assertEquals(problems.length, 1);
  assertEquals(problems[0].path, "provenance" + ".x".repeat(63));
  assertEquals(problems[0].message.includes("nested over 64 levels deep"), true);
});

Deno.test("parseConfig() accepts a config nested just under the depth limit", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 62; i++) deep = { x: deep };
  assertEquals(problemsOf({ format: "scorebench.config/v1", provenance: deep }), []);
});

Deno.test("readConfigFile() refuses a file over the size limit before reading it", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/big.json`;
  await Deno.writeTextFile(path, "{}");
  await Deno.truncate(path, 65 * 1024 * 1024); // sparse: no 65 MB written
  try {
    await readConfigFile(path);
    throw new Error("not refused");
  } catch (err) {
    assertEquals(err instanceof ConfigError, true);
    assertEquals(
      (err as ConfigError).problems[0].message.includes("over the 67108864-byte limit"),
      true,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
