/**
 * List cells (interests, tags) as people write them: `loans; deposits` or `loans, deposits`.
 * One rule for the loader and the engine.
 */

/** The separator a list cell uses: `;` when it has one, else `,`. */
export function listSeparator(text: string): ";" | "," {
  return text.includes(";") ? ";" : ",";
}

/** The items of a list cell, trimmed, empty ones dropped. */
export function splitList(text: string): string[] {
  return text.split(listSeparator(text)).map((s) => s.trim()).filter((s) => s !== "");
}
