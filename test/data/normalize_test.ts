import assert from "node:assert/strict";
import { normalizeEmail, normalizeGender, normalizePhone } from "../../src/data/mod.ts";

const PHONES: {
  input: string | number;
  options?: { defaultCountry?: string };
  expected: string | null;
}[] = [
  { input: "+7 (916) 123-45-67", expected: "79161234567" },
  { input: "8 916 123 45 67", expected: "79161234567" },
  { input: "9161234567", expected: "79161234567" },
  { input: "79161234567", expected: "79161234567" },
  { input: 79161234567, expected: "79161234567" },
  { input: "0079161234567", expected: "79161234567" },
  { input: "+44 20 7946 0958", expected: "442079460958" },
  { input: "501 234 567", options: { defaultCountry: "48" }, expected: "48501234567" },
  { input: "48 501 234 567", options: { defaultCountry: "48" }, expected: "48501234567" },
  { input: "020 7946 0958", options: { defaultCountry: "44" }, expected: "442079460958" },
  { input: "   ", expected: null },
];

for (const { input, options, expected } of PHONES) {
  Deno.test(`normalizePhone() reads ${JSON.stringify(input)}${options ? ` with ${options.defaultCountry}` : ""}`, () => {
    assert.equal(normalizePhone(input, options), expected);
  });
}

Deno.test("normalizePhone() throws SyntaxError with the reason for non-phones", () => {
  assert.throws(() => normalizePhone("12345"), {
    name: "SyntaxError",
    message: 'Phone "12345" has 5 digits, too few for a number with a country code',
  });
  assert.throws(() => normalizePhone("+7 916 CALL"), {
    name: "SyntaxError",
    message: 'Phone "+7 916 CALL" has characters other than digits',
  });
  assert.throws(() => normalizePhone("+1234567890123456"), /has 16 digits \(expected 8 to 15\)/);
  assert.throws(() => normalizePhone(7.9e10 + 0.5), SyntaxError);
});

Deno.test("normalizeEmail() trims, drops mailto: and lower-cases", () => {
  assert.equal(normalizeEmail("  Anna.Smith@Example.COM "), "anna.smith@example.com");
  assert.equal(normalizeEmail("MAILTO:bob@example.org"), "bob@example.org");
  assert.equal(normalizeEmail(""), null);
  assert.equal(normalizeEmail(null), null);
});

Deno.test("normalizeEmail() rejects what is obviously not an address", () => {
  for (
    const bad of ["no-at-sign", "a@b", "a@@b.com", "a b@c.com", "a@b..com", "a@b.c", "<a@b.com>"]
  ) {
    assert.throws(() => normalizeEmail(bad), SyntaxError, bad);
  }
  assert.throws(() => normalizeEmail("a@b.c"), { message: '"a@b.c" is not an e-mail address' });
});

Deno.test("normalizeGender() maps English, Russian and Polish spellings", () => {
  assert.deepEqual(
    ["Male", "F", "ж", "Муж.", "kobieta", "Mężczyzna", "other", ""].map(normalizeGender),
    ["m", "f", "f", "m", "f", "m", "other", null],
  );
});
