/**
 * The people relation: one row per contact that passes the audience's own columns and
 * verification `exclude`, with its stage, verification, demotion factor and the outcome of
 * each attribute rule. And the first touch of the audience's `touched` period.
 */
import type { Predicate, ScoringConfig } from "../config/types.ts";
import { type Column, textOf } from "./_columns.ts";
import { predicateSql } from "./_predicate_sql.ts";
import type { SqlDialect } from "./sql_dialect.ts";

export interface PeopleInput {
  d: SqlDialect;
  config: ScoringConfig;
  /** `FROM` operand of the contacts table, or of the distinct ids (column `sb_cid`). */
  source: { kind: "contacts"; from: string } | { kind: "ids"; from: string };
  contactCol: (name: string) => Column | null;
  verification: { from: string; col: (name: string) => Column | null } | null;
  /** Condition keeping one bucket of contacts, given the id expression; null for all. */
  inPartition: (idExpr: string) => string | null;
  /** Whether any rule has a stage scope (the contact's stage is then needed). */
  needStage: boolean;
}

/** `SELECT` of the people: `sb_cid`, `sb_contact_stage`, `sb_verified`, `sb_factor`, `sb_attr_k`. */
export function peopleSql(p: PeopleInput): string {
  const { d, config, contactCol } = p;
  const num = (x: number) => d.number(x);
  const fromContacts = p.source.kind === "contacts";
  const idExpr = fromContacts ? contactCol("contact_id")!.expr : "sb_cid";

  const tests: string[] = [];
  if (p.verification !== null) {
    const { from, col } = p.verification;
    const vId = col("contact_id");
    const vPhone = textOf(d, col("phone"));
    const vEmail = textOf(d, col("email"));
    if (vId !== null) {
      const vid = textOf(d, vId)!;
      tests.push(
        `${idExpr} IN (SELECT ${vid} FROM ${from} WHERE ${vid} IS NOT NULL AND ${vid} <> '')`,
      );
    }
    const cPhone = fromContacts ? textOf(d, contactCol("phone")) : null;
    if (vPhone !== null && cPhone !== null) {
      tests.push(`${d.phoneKey(cPhone)} IN (SELECT ${d.phoneKey(vPhone)} FROM ${from})`);
    }
    const cEmail = fromContacts ? textOf(d, contactCol("email")) : null;
    if (vEmail !== null && cEmail !== null) {
      tests.push(`${d.emailKey(cEmail)} IN (SELECT ${d.emailKey(vEmail)} FROM ${from})`);
    }
  }
  const verifiedTest = tests.length === 0
    ? d.boolean(false)
    : tests.map((t) => d.sure(t)).join(" OR ");

  const conds: string[] = [];
  const own = p.inPartition(idExpr);
  if (own !== null) conds.push(own);
  const aud = config.audience;
  if (aud) {
    const inText = (name: string, values: string[]) => {
      const col = contactCol(name);
      if (col === null || col.type !== "VARCHAR" || values.length === 0) return d.boolean(false);
      return d.sure(`${col.expr} IN (${values.map(d.string).join(", ")})`);
    };
    if (aud.gender) conds.push(inText("gender", aud.gender));
    if (aud.age) {
      const col = contactCol("age");
      const n = col === null
        ? null
        : col.type === "DOUBLE"
        ? col.expr
        : col.type === "VARCHAR"
        ? d.numberFromText(col.expr)
        : null;
      conds.push(
        n === null ? d.boolean(false) : d.sure(
          `NOT ${d.isNaN(n)} AND ${n} >= ${num(aud.age[0])} AND ${n} <= ${num(aud.age[1])}`,
        ),
      );
    }
    if (aud.interests) {
      const col = contactCol("interests");
      const list = col === null || col.type === "DOUBLE" || col.type === "BOOLEAN"
        ? null
        : col.type === "VARCHAR[]"
        ? col.expr
        : d.splitList(col.expr);
      conds.push(
        list === null || aud.interests.length === 0
          ? d.boolean(false)
          : d.sure(d.listHasAny(list, aud.interests)),
      );
    }
    if (aud.stage) conds.push(inText("stage", aud.stage));
  }
  const mode = config.verification?.mode ?? "flag";
  if (mode === "exclude") conds.push("NOT sb_verified");

  const stage = (() => {
    if (!p.needStage) return d.nullText();
    const col = contactCol("stage");
    return col !== null && col.type === "VARCHAR" ? d.nullIf(col.expr, "''") : d.nullText();
  })();
  const factor = mode === "demote"
    ? `CASE WHEN sb_verified THEN ${num(config.verification?.factor ?? 1)} ELSE ${num(1)} END`
    : num(1);
  const cols = [
    `${idExpr}${fromContacts ? " AS sb_cid" : ""}`,
    `${stage} AS sb_contact_stage`,
    "sb_verified",
    `${factor} AS sb_factor`,
    ...config.attributes.map((a, k) => {
      const col = contactCol(a.field);
      const cond = predicateSql(d, col?.expr ?? null, col?.type ?? "VARCHAR", a.where as Predicate);
      return `${cond} AS sb_attr_${k}`;
    }),
  ];
  const where = conds.length > 0 ? `\nWHERE ${conds.join("\n  AND ")}` : "";
  return `SELECT ${
    cols.join(",\n  ")
  }\nFROM (SELECT *, ${verifiedTest} AS sb_verified FROM ${p.source.from}) AS sb_c${where}`;
}

/** The `touched` period as epoch ms bounds (both included), as the config resolved it. */
export function touchedPeriod(config: ScoringConfig): { from: number; to: number } | null {
  const touched = config.audience?.touched;
  return touched ? { from: touched.from, to: touched.to } : null;
}
