import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { exists } from "../recipes/mod.ts";
import { runCli, tempDirWith } from "../_cli.ts";

const SCORES = [
  "as_of,contact_id,score,tier,matched_events,verified,reasons",
  "2024-02-29T00:00:00Z,001,70,high,3,false,form:+12",
  "2024-02-29T00:00:00Z,002,5,low,1,false,click:+5",
  "2024-03-31T00:00:00Z,001,12,medium,1,false,form:+12",
  "2024-03-31T00:00:00Z,002,65,high,4,false,form:+24;click:+5",
  "2024-03-31T00:00:00Z,003,30,medium,2,false,form:+24",
  "2024-03-31T00:00:00Z,004,0,unscored,0,false,",
  "",
].join("\n");

const CONTACTS = [
  "contact_id,phone,email",
  "001,+7 916 123-45-67,Ann@Example.com",
  "002,8 (916) 765-43-21,",
  "003,,=evil@x.ru",
  "004,9160000000,d@example.com",
  "",
].join("\n");

function inputs(): Promise<string> {
  return tempDirWith({ "scores.csv": SCORES, "contacts.csv": CONTACTS });
}

Deno.test("audience CLI writes the Yandex CRM file of the latest instant's chosen tiers", async () => {
  const dir = await inputs();
  const r = await runCli([
    "audience",
    "--scores",
    `${dir}/scores.csv`,
    "--tiers",
    "high,medium",
    "--format",
    "yandex",
    "--contacts",
    `${dir}/contacts.csv`,
    "--out",
    `${dir}/aud.csv`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  // As of 2024-03-31: 002 high, 001 and 003 medium. 003's address is legal but starts a
  // formula, so it is written inert.
  assertEquals(
    await Deno.readTextFile(`${dir}/aud.csv`),
    "phone,email\r\n79161234567,ann@example.com\r\n79167654321,\r\n,'=evil@x.ru\r\n",
  );
  ok(r.stderr.includes("requires at least 100"), r.stderr);
  ok(r.stdout.startsWith("Audience of 3 row(s) (yandex)"), r.stdout);
  ok(r.stdout.includes("3 contact(s) in high, medium as of 2024-03-31T00:00:00Z"), r.stdout);
  ok(r.stdout.includes("2 row(s) of other instants not used"), r.stdout);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("audience CLI hashes with SHA-256 and picks an earlier instant on request", async () => {
  const dir = await inputs();
  const r = await runCli([
    "audience",
    "--scores",
    `${dir}/scores.csv`,
    "--tiers",
    "high",
    "--format",
    "yandex",
    "--hash",
    "sha256",
    "--contacts",
    `${dir}/contacts.csv`,
    "--as-of",
    "2024-02-29",
    "--out",
    `${dir}/aud.csv`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  // 001 was high on 2024-02-29: sha256("79161234567"), sha256("ann@example.com").
  assertEquals(
    await Deno.readTextFile(`${dir}/aud.csv`),
    "phone,email\r\n" +
      "1210f4f193f6032e91cd7117a785a1be09550d79076c4717cdae4c0c45691a30," +
      "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476\r\n",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("audience CLI plain CSV keeps ids and scores", async () => {
  const dir = await inputs();
  const r = await runCli([
    "audience",
    "--scores",
    `${dir}/scores.csv`,
    "--tiers",
    "high",
    "--format",
    "csv",
    "--contacts",
    `${dir}/contacts.csv`,
    "--out",
    `${dir}/aud.csv`,
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    await Deno.readTextFile(`${dir}/aud.csv`),
    "contact_id,phone,email,score,tier\r\n002,79167654321,,65,high\r\n",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("audience CLI refuses bad input with file, row and column", async () => {
  const dir = await inputs();
  const base = ["--scores", `${dir}/scores.csv`, "--format", "yandex", "--out", `${dir}/a.csv`];
  const noContacts = await runCli(["audience", ...base, "--tiers", "high"]);
  assertEquals(noContacts.code, 2);
  ok(noContacts.stderr.includes("no phone or email column"), noContacts.stderr);
  const badTier = await runCli([
    "audience",
    ...base,
    "--tiers",
    "hot",
    "--contacts",
    `${dir}/contacts.csv`,
  ]);
  ok(badTier.stderr.includes('"hot" is not high'), badTier.stderr);
  const badHash = await runCli(["audience", ...base, "--tiers", "high", "--hash", "md5"]);
  ok(badHash.stderr.includes('--hash "md5"'), badHash.stderr);
  await Deno.writeTextFile(
    `${dir}/bad.csv`,
    "as_of,contact_id,score,tier\n2024-01-01T00:00:00Z,9,1,warm\n",
  );
  const badRow = await runCli([
    "audience",
    "--scores",
    `${dir}/bad.csv`,
    "--format",
    "csv",
    "--tiers",
    "high",
    "--out",
    `${dir}/a.csv`,
  ]);
  assertEquals(badRow.code, 2);
  ok(badRow.stderr.includes('row 2, column "tier": "warm"'), badRow.stderr);
  ok(!(await exists(`${dir}/a.csv`)));
  await Deno.remove(dir, { recursive: true });
});
