/**
 * The one number format of every output: the shortest text that reads back as the same
 * double (ECMAScript `Number.prototype.toString`), with `-0` printed as `0` so that a
 * score of nothing never reads as negative.
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) throw new RangeError(`Cannot format "${x}": not a number`);
  return Object.is(x, -0) ? "0" : String(x);
}
