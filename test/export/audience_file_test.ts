import { deepStrictEqual as assertEquals, ok, rejects } from "node:assert/strict";
import { type AudienceContact, buildAudienceFile, sha256Hex } from "../../src/export/mod.ts";

const contacts: AudienceContact[] = [
  {
    contactId: "1",
    tier: "high",
    score: 80,
    phone: "+7 (916) 123-45-67",
    email: " Ann@Example.COM ",
  },
  { contactId: "2", tier: "medium", score: 30, phone: "8 916 765 43 21", email: null },
  { contactId: "3", tier: "low", score: 5, phone: "9160000000", email: "low@example.com" },
  { contactId: "4", tier: "high", score: 70, phone: null, email: "=cmd|' /C calc'!A0@x.ru" },
  { contactId: "5", tier: "high", score: 65, phone: "not a phone", email: null },
  { contactId: "6", tier: "high", score: 61, phone: "79161234567", email: "ann@example.com" },
];

Deno.test("sha256Hex() gives the lower-case hex digest of the UTF-8 bytes", async () => {
  assertEquals(
    await sha256Hex("79161234567"),
    "1210f4f193f6032e91cd7117a785a1be09550d79076c4717cdae4c0c45691a30",
  );
  assertEquals(
    await sha256Hex(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
});

Deno.test("buildAudienceFile() writes Yandex CRM lines with normalised phone and e-mail", async () => {
  const file = await buildAudienceFile(contacts, { tiers: ["high", "medium"] });
  // Contact 4's address is invalid; contact 5 has neither; contact 6 repeats contact 1.
  assertEquals(
    file.text,
    "phone,email\r\n79161234567,ann@example.com\r\n79167654321,\r\n",
  );
  assertEquals(file.rows, 2);
  assertEquals(file.selected, 5);
  assertEquals(file.skipped, { noContactData: 2, duplicate: 1 });
  ok(file.warnings.some((w) => w.includes('Contact "5": phone left out')));
  ok(file.warnings.some((w) => w.includes('Contact "4": e-mail left out')));
  ok(file.warnings.some((w) => w.includes("requires at least 100")));
});

Deno.test("buildAudienceFile() hashes each normalised value with SHA-256", async () => {
  const file = await buildAudienceFile(contacts.slice(0, 1), { tiers: ["high"], hash: "sha256" });
  assertEquals(
    file.text,
    "phone,email\r\n" +
      "1210f4f193f6032e91cd7117a785a1be09550d79076c4717cdae4c0c45691a30," +
      "71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476\r\n",
  );
});

Deno.test("buildAudienceFile() writes only the columns that have values", async () => {
  const file = await buildAudienceFile([{ contactId: "9", tier: "high", email: "a@b.io" }], {
    tiers: ["high"],
  });
  assertEquals(file.text, "email\r\na@b.io\r\n");
});

Deno.test("buildAudienceFile() has no warning from 100 rows on", async () => {
  const many: AudienceContact[] = Array.from({ length: 100 }, (_, i) => ({
    contactId: String(i),
    tier: "high",
    phone: `7916${String(i).padStart(7, "0")}`,
  }));
  const file = await buildAudienceFile(many, { tiers: ["high"] });
  assertEquals(file.rows, 100);
  assertEquals(file.warnings, []);
  assertEquals(file.text.split("\r\n").length, 102);
});

Deno.test("buildAudienceFile() plain format keeps ids, scores and tiers, inert for spreadsheets", async () => {
  const file = await buildAudienceFile(
    [{ contactId: "=1+1", tier: "high", score: -2.5, phone: null, email: null }],
    { tiers: ["high"], format: "csv" },
  );
  assertEquals(file.text, "contact_id,phone,email,score,tier\r\n'=1+1,,,-2.5,high\r\n");
});

Deno.test("buildAudienceFile() refuses unknown formats and hashes", async () => {
  await rejects(
    () => buildAudienceFile([], { tiers: ["high"], format: "vk" as "csv" }),
    /format "vk"/,
  );
  await rejects(
    () => buildAudienceFile([], { tiers: ["high"], hash: "md5" as "sha256" }),
    /hash "md5"/,
  );
});
