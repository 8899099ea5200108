/**
 * Phone and e-mail normalisation, shared by the loaders, the rule engine (verification
 * matching) and the audience export, so that one contact gets one key everywhere.
 */

export interface NormalizePhoneOptions {
  /**
   * Country calling code for numbers written without one (`9161234567`, `8 916 ...`).
   * @default "7"
   */
  defaultCountry?: string;
}

/**
 * Length of the national significant number for the country codes whose trunk rules we
 * apply; a number of exactly this length gets the default country code in front.
 */
const NATIONAL_LENGTH: Record<string, number> = {
  "1": 10,
  "7": 10,
  "33": 9,
  "34": 9,
  "39": 10,
  "44": 10,
  "48": 9,
  "49": 11,
  "370": 8,
  "371": 8,
  "372": 8,
  "374": 8,
  "375": 9,
  "380": 9,
  "994": 9,
  "995": 9,
  "996": 9,
  "998": 9,
};

// Separators people type inside phone numbers; anything else but digits is suspicious.
const PHONE_SEPARATORS = /[\s\-().\/\u00a0\u2010-\u2015]/g;

/**
 * Normalises a phone number to digits with the country code (`+7 (916) 123-45-67`,
 * `8 916 123 45 67` and `9161234567` all give `79161234567`). Returns `null` for a blank
 * value; throws `SyntaxError` with the reason when the value is not a phone number.
 */
export function normalizePhone(
  value: string | number | null | undefined,
  options: NormalizePhoneOptions = {},
): string | null {
  const { defaultCountry = "7" } = options;
  if (value === null || value === undefined) return null;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new SyntaxError(`Phone "${value}" is not a whole number of digits`);
    }
    value = String(value);
  }
  const raw = value.trim();
  if (raw === "") return null;
  const cleaned = raw.replace(PHONE_SEPARATORS, "");
  let international = false;
  let digits = cleaned;
  if (digits.startsWith("+")) {
    international = true;
    digits = digits.slice(1);
  }
  if (!/^\d+$/.test(digits)) {
    throw new SyntaxError(`Phone "${raw}" has characters other than digits`);
  }
  if (!international && digits.startsWith("00")) {
    international = true;
    digits = digits.slice(2);
  }
  if (international) {
    if (digits.length < 8 || digits.length > 15) {
      throw new SyntaxError(`Phone "${raw}" has ${digits.length} digits (expected 8 to 15)`);
    }
    return digits;
  }
  const national = NATIONAL_LENGTH[defaultCountry];
  if (defaultCountry === "7" && digits.length === 11 && digits.startsWith("8")) {
    return "7" + digits.slice(1);
  }
  if (national !== undefined) {
    if (digits.length === national) return defaultCountry + digits;
    if (digits.length === national + 1 && digits.startsWith("0")) {
      return defaultCountry + digits.slice(1);
    }
    if (digits.length === defaultCountry.length + national && digits.startsWith(defaultCountry)) {
      return digits;
    }
  }
  if (digits.length >= 11 && digits.length <= 15) return digits;
  throw new SyntaxError(
    `Phone "${raw}" has ${digits.length} digits, too few for a number with a country code`,
  );
}

// Deliberately loose: rejects what is obviously not an address, not every RFC corner.
const EMAIL = /^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[^\s@"<>(),;:.]{2,}$/;

/**
 * Normalises an e-mail address: trimmed, `mailto:` dropped, lower-cased. Returns `null`
 * for a blank value; throws `SyntaxError` with the reason for an obviously invalid one.
 */
export function normalizeEmail(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  let email = String(value).trim();
  if (email === "") return null;
  if (/^mailto:/i.test(email)) email = email.slice(7);
  email = email.toLowerCase();
  if (email.length > 254) {
    throw new SyntaxError(`E-mail has ${email.length} characters (at most 254)`);
  }
  if (!EMAIL.test(email) || email.includes("..")) {
    throw new SyntaxError(`"${String(value).trim()}" is not an e-mail address`);
  }
  return email;
}

const MALE = new Set([
  "m",
  "male",
  "man",
  "м",
  "муж",
  "мужской",
  "мужчина",
  "mężczyzna",
  "mezczyzna",
]);
const FEMALE = new Set(["f", "female", "woman", "ж", "жен", "женский", "женщина", "k", "kobieta"]);

/**
 * Normalises a gender value to `m` or `f` when it is a common spelling of one (English,
 * Russian, Polish); any other value is kept trimmed and lower-cased.
 */
export function normalizeGender(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const v = String(value).trim().toLowerCase().replace(/\.$/, "");
  if (v === "") return null;
  if (MALE.has(v)) return "m";
  if (FEMALE.has(v)) return "f";
  return v;
}
