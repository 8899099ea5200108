/** Contact ids, phones and e-mails as people and systems write them. */
import type { Rng } from "./_rng.ts";

/** How many spellings `formatPhone` knows. */
export const PHONE_STYLES = 5;

/** Eleven-digit number (`79161234567`) in one of the `PHONE_STYLES` spellings people type. */
export function formatPhone(digits: string, style: number): string {
  const n = digits.slice(1); // 9161234567
  const [a, b, c, d] = [n.slice(0, 3), n.slice(3, 6), n.slice(6, 8), n.slice(8, 10)];
  switch (style) {
    case 0:
      return `+7 ${a} ${b}-${c}-${d}`;
    case 1:
      return `8(${a})${b}-${c}-${d}`;
    case 2:
      return `7${n}`;
    case 3:
      return `+7${n}`;
    default:
      return `8 ${a} ${b} ${c} ${d}`;
  }
}

/** A lower-case e-mail as typed: unchanged, upper-case, or with capitalised parts. */
export function mixCase(rng: Rng, s: string): string {
  const style = rng.int(4);
  if (style === 0) return s;
  if (style === 1) return s.toUpperCase();
  // Capitalised name parts, as mail clients often show them.
  return s.replace(/(^|[.@])([a-z])/g, (_m, p: string, ch: string) => p + ch.toUpperCase());
}

/** Unique, scattered six-digit (or wider) ids, so some start with zeros and none are sequential. */
export function contactId(i: number, width: number): string {
  // 7919 is prime and coprime with 10^width, so i -> 7919 i mod 10^width is one-to-one.
  return String((i * 7919 + 104_729) % 10 ** width).padStart(width, "0");
}
