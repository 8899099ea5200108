/**
 * Keys that match a contact to a verification list: phones compare as digits with the
 * Russian trunk prefix `8` turned into the country code `7`, e-mails trimmed and lower-cased.
 */

/** Digits only; an 11-digit number starting with `8` becomes `7...`. `null` when no digits. */
export function phoneKey(phone: string | number | null | undefined): string | null {
  if (phone === null || phone === undefined) return null;
  const digits = String(phone).replace(/\D+/g, "");
  if (digits === "") return null;
  if (digits.length === 11 && digits[0] === "8") return `7${digits.slice(1)}`;
  return digits;
}

/** Trimmed and lower-cased; `null` when empty. */
export function emailKey(email: string | null | undefined): string | null {
  if (email === null || email === undefined) return null;
  const e = String(email).trim().toLowerCase();
  return e === "" ? null : e;
}
