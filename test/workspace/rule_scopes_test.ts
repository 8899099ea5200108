import assert from "node:assert/strict";
import { type ScopeDraft, scopeDraftOf, scopesFromDraft } from "../../src/workspace/rule_scopes.ts";
import type { ScoringConfigSpec } from "../../src/config/types.ts";

const spec: ScoringConfigSpec = {
  format: "scorebench.config/v1",
  rules: [
    { id: "call", on: "call", points: 10 },
    { id: "demo", on: "demo", points: 20, scopes: ["global", { tag: "loans" }, "stage"] },
  ],
  tiers: { high: 30, medium: 10 },
};

Deno.test("scopeDraftOf() reads each rule's scopes as form fields", () => {
  assert.deepEqual(scopeDraftOf(spec), {
    call: { global: true, stage: false, tags: "" },
    demo: { global: true, stage: true, tags: "loans" },
  });
});

Deno.test("scopesFromDraft() builds scopes the parser accepts and names bad ones by path", () => {
  const cases: {
    name: string;
    drafts: Record<string, ScopeDraft>;
    scopes: unknown;
    problems: string[];
  }[] = [
    {
      name: "stage and two tags",
      drafts: { call: { global: true, stage: true, tags: "loans; deposits" } },
      scopes: { call: ["global", "stage", { tag: "loans" }, { tag: "deposits" }] },
      problems: [],
    },
    {
      name: "tag only, comma list",
      drafts: { demo: { global: false, stage: false, tags: "loans, cards" } },
      scopes: { demo: [{ tag: "loans" }, { tag: "cards" }] },
      problems: [],
    },
    {
      name: "nothing ticked",
      drafts: { demo: { global: false, stage: false, tags: " " } },
      scopes: { demo: [] },
      problems: ['rules[1].scopes: rule "demo" needs at least one scope'],
    },
  ];
  for (const c of cases) {
    const out = scopesFromDraft(spec, c.drafts);
    assert.deepEqual(out.scopes, c.scopes, c.name);
    assert.deepEqual(out.problems, c.problems, c.name);
  }
  // The same tag twice is refused by the parser, at the rule's path.
  const twice = scopesFromDraft(spec, { call: { global: true, stage: false, tags: "a, a" } });
  assert.equal(twice.problems.length, 1, twice.problems.join("; "));
  assert.match(twice.problems[0], /^rules\[0\]\.scopes/);
});
