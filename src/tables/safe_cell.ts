/**
 * Protection of exported text against spreadsheet formula injection (CSV injection).
 *
 * We follow the OWASP "CSV Injection" recommendation: a text value whose first character
 * is `=`, `+`, `-`, `@`, tab (0x09) or carriage return (0x0D) gets a leading apostrophe
 * (`'`), so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it.
 * The apostrophe is visible in the cell; that is the price OWASP accepts for a value that
 * stays inert after any number of open/save round trips, which storing the cell as a
 * string type alone does not guarantee once somebody re-saves the sheet as CSV. Numbers,
 * booleans and empty values are never touched: only text can carry a formula.
 *
 * Two kinds of text starting with `+` or `-` are left as they are, because they read as
 * what they are and cannot call a function or another program (they hold no letters, no
 * `|`, `!`, `(` after a name, no quotes): a plain number (`-20`, `+1.5`, `-3e5`) and a
 * phone number in international form (`+7 916 123-45-67`, `+44 (20) 7946 0958`: a `+`, at
 * least 7 digits, and only spaces, dashes and parentheses between them).
 *
 * Text that already starts with apostrophes before a trigger (`'=x`) gets one more, so
 * `unguardCell` undoes `safeCell` exactly and a file we wrote reads back to its values.
 *
 * @module
 */

/** First characters a spreadsheet may treat as the start of a formula. */
const TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);
const NUMBER = /^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;
const PHONE = /^\+\d[\d ()-]*\d$/;
const GUARDED = /^'+[=+\-@\t\r]/;

function harmless(text: string): boolean {
  if (NUMBER.test(text)) return true;
  if (!PHONE.test(text)) return false;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  return digits >= 7;
}

/**
 * Whether `safeCell` may change a text starting with the character code `c` (a formula
 * trigger, or an apostrophe that could be a guard already): any other text is kept as is.
 * Lets a writer copy plain text without calling `safeCell` on each field.
 */
export function mayGuard(c: number): boolean {
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 || c === 39;
}

/** Whether `text` would be read as a formula by a spreadsheet. */
export function isFormulaLike(text: string): boolean {
  return text.length > 0 && TRIGGERS.has(text[0]) && !harmless(text);
}

/**
 * Returns `value` made inert for a spreadsheet: text that starts with `=`, `+`, `-`, `@`,
 * tab or carriage return gets a leading apostrophe (unless it is a plain number or an
 * international phone number); every other value comes back as is.
 *
 * @example
 * ```ts
 * safeCell("=cmd|' /C calc'!A0"); // "'=cmd|' /C calc'!A0"
 * safeCell("-20"); // "-20" (reads as the number it is)
 * safeCell(-5); // -5 (a number stays a number)
 * ```
 */
export function safeCell<T>(value: T): T | string {
  if (typeof value !== "string") return value;
  return isFormulaLike(value) || GUARDED.test(value) ? `'${value}` : value;
}

/** The value `safeCell` was given, from the text it returned (for reading our own files back). */
export function unguardCell(text: string): string {
  return GUARDED.test(text) ? text.slice(1) : text;
}
