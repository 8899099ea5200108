import assert from "node:assert/strict";
import {
  decodeWorkspace,
  encodeWorkspace,
  fromBase64,
  toBase64,
} from "../../src/workspace/workspace_file.ts";
import {
  editVersion,
  emptyConfigState,
  fromLegacyConfigs,
  namedConfigs,
  recordFit,
} from "../../src/workspace/config_versions.ts";

Deno.test("encodeWorkspace() round-trips files, settings and configs", () => {
  const bytes = new Uint8Array(70000).map((_, i) => (i * 31) % 256);
  const snapshot = {
    inputs: [
      {
        kind: "events" as const,
        name: "events.csv",
        bytes,
        options: { mapping: { contact_id: "Client ID" } },
      },
      {
        kind: "contacts" as const,
        name: "c.csv",
        bytes: new TextEncoder().encode("contact_id\n007\n"),
        options: {},
      },
    ],
    settings: { tiers: { high: 60, medium: 25 } },
    configs: { current: { format: "scorebench.config/v1", name: "x" } },
  };
  const back = decodeWorkspace(encodeWorkspace(snapshot));
  // A file without config versions reads its named configs as versions.
  assert.deepEqual(back, { ...snapshot, versions: fromLegacyConfigs(snapshot.configs) });
  assert.equal(back.versions!.versions[0].kind, "imported");
});

Deno.test("encodeWorkspace() round-trips config versions; a bad one is named by path", () => {
  const spec = {
    format: "scorebench.config/v1" as const,
    name: "fit",
    tiers: { high: 9, medium: 3 },
  };
  let versions = recordFit(emptyConfigState(), spec, { name: "Calibrated", dataKey: "k" }).state;
  versions = editVersion(versions, { tiers: { high: 12, medium: 3 } });
  const snapshot = { inputs: [], settings: {}, configs: namedConfigs(versions), versions };
  assert.deepEqual(decodeWorkspace(encodeWorkspace(snapshot)), snapshot);
  const text = encodeWorkspace(snapshot).replace('"kind": "edited"', '"kind": "guessed"');
  assert.throws(
    () => decodeWorkspace(text, "w.json"),
    /w\.json": configVersions: .*versions\[1\]\.kind: expected one of calibrated/,
  );
});

Deno.test("decodeWorkspace() names the JSON path of a bad field", () => {
  const cases = [
    { text: "{", message: /^SyntaxError: Cannot open workspace "w.json": not JSON/ },
    {
      text: '{"format":"other"}',
      message: /format: expected "scorebench.workspace\/v1", got "other"/,
    },
    {
      text:
        '{"format":"scorebench.workspace/v1","files":[{"kind":"leads","name":"a","base64":""}]}',
      message:
        /files\[0\]\.kind: expected one of contacts, events, purchases, verification, got "leads"/,
    },
    {
      text:
        '{"format":"scorebench.workspace/v1","files":[{"kind":"events","name":"a","base64":"!!"}]}',
      message: /files\[0\]\.base64: is not valid base64/,
    },
    {
      text: '{"format":"scorebench.workspace/v1","files":[],"settings":[]}',
      message: /settings: expected an object/,
    },
  ];
  for (const { text, message } of cases) {
    assert.throws(() => decodeWorkspace(text, "w.json"), message);
  }
});

Deno.test("toBase64() agrees with the standard alphabet", () => {
  assert.equal(toBase64(new TextEncoder().encode("Man")), "TWFu");
  assert.deepEqual(fromBase64("TWE="), new TextEncoder().encode("Ma"));
});
