/**
 * An independent recomputation of a backtest from `scores.csv` and purchases, sharing no
 * code with `src/backtest` or `src/metrics`: its own CSV split, its own rank-sum AUC.
 */
import type { BacktestJson } from "../../src/backtest/mod.ts";
import { DAY_MS as DAY } from "../../src/tables/mod.ts";

/** Every count of a from-to matrix (tier migration, tier change) added up. */
export function matrixTotal(matrix: Record<string, Record<string, number>>): number {
  return Object.values(matrix).flatMap((row) => Object.values(row)).reduce((a, b) => a + b);
}

/** Splits one CSV line, honouring double quotes (the engine quotes reasons and ids if needed). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "", quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Mann-Whitney AUC by sorting and mid-ranks; null with one class only. */
export function rankSumAuc(scores: number[], labels: number[]): number | null {
  const pairs = scores.map((s, i) => [s, labels[i]]).sort((a, b) => a[0] - b[0]);
  let rankSum = 0, pos = 0;
  for (let i = 0; i < pairs.length;) {
    let j = i;
    while (j + 1 < pairs.length && pairs[j + 1][0] === pairs[i][0]) j++;
    const rank = (i + 1 + j + 1) / 2;
    for (let k = i; k <= j; k++) {
      if (pairs[k][1] === 1) {
        rankSum += rank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = pairs.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
}

function close(a: number | null, b: number | null, what: string): void {
  if (a === null || b === null) {
    if (a !== b) throw new Error(`${what}: backtest says ${a}, recomputed ${b}`);
    return;
  }
  if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(b))) {
    throw new Error(`${what}: backtest says ${a}, recomputed ${b}`);
  }
}

/**
 * Recomputes, for each period of `json`, contacts and converters per tier, conversion rate,
 * lift and AUC (scored contacts) from `scoresCsv` and `purchases`, throwing on any mismatch.
 */
export function checkAgainstScores(
  json: BacktestJson,
  scoresCsv: string,
  purchases: { contact_id: string; ts: number }[],
  horizonDays: number,
): { periods: number; values: number } {
  const lines = scoresCsv.split(/\r?\n/).filter((l) => l !== "");
  const header = splitCsvLine(lines[0]);
  const col = (name: string) => header.indexOf(name);
  const [cAsOf, cId, cScore, cTier] = ["as_of", "contact_id", "score", "tier"].map(col);
  const byAsOf = new Map<string, { id: string; score: number; tier: string }[]>();
  for (const line of lines.slice(1)) {
    const f = splitCsvLine(line);
    const list = byAsOf.get(f[cAsOf]) ?? [];
    list.push({ id: f[cId], score: Number(f[cScore]), tier: f[cTier] });
    byAsOf.set(f[cAsOf], list);
  }
  let values = 0;
  for (const period of json.periods) {
    const rows = byAsOf.get(period.asOf);
    if (!rows) throw new Error(`scores.csv has no rows as of ${period.asOf}`);
    const t = Date.parse(period.asOf);
    const buyers = new Set(
      purchases.filter((p) => p.ts > t && p.ts <= t + horizonDays * DAY).map((p) => p.contact_id),
    );
    const overall = rows.filter((r) => buyers.has(r.id)).length / rows.length;
    close(period.contacts, rows.length, `${period.asOf} contacts`);
    close(period.conversionRate, overall, `${period.asOf} conversion rate`);
    values += 2;
    for (const tier of ["high", "medium", "low", "unscored"] as const) {
      const inTier = rows.filter((r) => r.tier === tier);
      const conv = inTier.filter((r) => buyers.has(r.id)).length;
      const rate = inTier.length ? conv / inTier.length : null;
      const stats = period.tiers[tier];
      close(stats.contacts, inTier.length, `${period.asOf} ${tier} contacts`);
      close(stats.converters, conv, `${period.asOf} ${tier} converters`);
      close(stats.conversionRate, rate, `${period.asOf} ${tier} conversion rate`);
      close(
        stats.lift,
        rate !== null && overall > 0 ? rate / overall : null,
        `${period.asOf} ${tier} lift`,
      );
      values += 4;
    }
    const scored = rows.filter((r) => r.tier !== "unscored");
    close(
      period.auc,
      rankSumAuc(scored.map((r) => r.score), scored.map((r) => (buyers.has(r.id) ? 1 : 0))),
      `${period.asOf} AUC`,
    );
    values++;
  }
  return { periods: json.periods.length, values };
}
