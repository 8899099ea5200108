import assert from "node:assert/strict";
import {
  decodeWorkspace,
  decodeWorkspaceBlob,
  encodeWorkspace,
  fromBase64,
  toBase64,
  workspaceChunks,
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

Deno.test("workspaceChunks() streams the same workspace file, files read from Blobs a chunk at a time", async () => {
  // Over two chunks of base64 input, and not a multiple of three bytes.
  const big = new Uint8Array((3 << 20) * 2 + 7).map((_, i) => (i * 7919) % 256);
  const small = new TextEncoder().encode("contact_id\n007\n");
  const snapshot = {
    inputs: [
      { kind: "events" as const, name: "events.csv", bytes: new Blob([big]), options: {} },
      { kind: "contacts" as const, name: "c.csv", bytes: small, options: { rowIds: true } },
    ],
    settings: { a: 1 },
    configs: {},
  };
  const parts: string[] = [];
  for await (const part of workspaceChunks(snapshot)) parts.push(part);
  assert.ok(parts.length >= 5, "the big file comes in several chunks");
  assert.ok(Math.max(...parts.map((p) => p.length)) <= (4 << 20) + 4096);
  const back = decodeWorkspace(parts.join(""));
  assert.deepEqual(back.inputs[0].bytes, big);
  assert.deepEqual(back.inputs[1].bytes, small);
  assert.deepEqual(back.inputs[1].options, { rowIds: true });
  const inMemory = {
    ...snapshot,
    inputs: [{ ...snapshot.inputs[0], bytes: big }, snapshot.inputs[1]],
  };
  const text = parts.join("").replace(/"savedAt": "[^"]*"/, "");
  assert.equal(text, encodeWorkspace(inMemory).replace(/"savedAt": "[^"]*"/, ""));
  assert.throws(() => encodeWorkspace(snapshot), /workspaceChunks/);
});

Deno.test("decodeWorkspaceBlob() opens a large workspace file a chunk at a time, files as Blobs", async () => {
  const big = new Uint8Array((3 << 20) * 3 + 1).map((_, i) => (i * 131) % 256);
  const snapshot = {
    inputs: [
      { kind: "events" as const, name: "e.csv", bytes: new Blob([big]), options: {} },
      { kind: "purchases" as const, name: "p.csv", bytes: new Uint8Array(0), options: {} },
    ],
    settings: { note: 'a "base64": "x" in a setting' },
    configs: {},
  };
  const parts: string[] = [];
  for await (const part of workspaceChunks(snapshot)) parts.push(part);
  const blob = new Blob(parts);
  const back = await decodeWorkspaceBlob(blob, "w.json", { wholeBelow: 1000 });
  assert.ok(back.inputs[0].bytes instanceof Blob);
  assert.deepEqual(new Uint8Array(await (back.inputs[0].bytes as Blob).arrayBuffer()), big);
  assert.equal((back.inputs[1].bytes as Blob).size, 0);
  assert.deepEqual(back.settings, snapshot.settings);
  // The same answer as reading it whole.
  const whole = decodeWorkspace(await blob.text(), "w.json");
  assert.deepEqual(whole.inputs[0].bytes, big);
  // Bad base64 is named by its JSON path, as decodeWorkspace names it.
  const bad = new Blob([parts.join("").replace(/"base64": "(.{10})/, '"base64": "!!!!$1')]);
  await assert.rejects(
    () => decodeWorkspaceBlob(bad, "w.json", { wholeBelow: 1000 }),
    /files\[0\]\.base64: is not valid base64/,
  );
});
