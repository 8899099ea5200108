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
 * @module
 */

/** First characters a spreadsheet may treat as the start of a formula. */
const TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);

/** Whether `text` would be read as a formula by a spreadsheet. */
export function isFormulaLike(text: string): boolean {
  return text.length > 0 && TRIGGERS.has(text[0]);
}

/**
 * Returns `value` made inert for a spreadsheet: text that starts with `=`, `+`, `-`, `@`,
 * tab or carriage return gets a leading apostrophe; every other value comes back as is.
 *
 * @example
 * ```ts
 * safeCell("=cmd|' /C calc'!A0"); // "'=cmd|' /C calc'!A0"
 * safeCell(-5); // -5 (a number stays a number)
 * ```
 */
export function safeCell<T>(value: T): T | string {
  return typeof value === "string" && isFormulaLike(value) ? `'${value}` : value;
}
