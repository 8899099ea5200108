import { label } from "../src/i18n/labels.ts";

/**
 * `text` in the page's language (`<html lang>`, set by the language switch; the page is drawn
 * again when it changes).
 */
export function tr(text: string, values?: Record<string, string | number>): string {
  const lang = typeof document === "undefined" ? "en" : document.documentElement.lang;
  return label(lang, text, values);
}
