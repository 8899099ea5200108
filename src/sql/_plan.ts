/**
 * The query as named relations, each a `SELECT` reading earlier ones. A database that
 * reads `WITH` gets them as CTEs (a relation read more than once computed once); one that
 * does not gets each written in place as a subquery.
 */
import type { SqlDialect } from "./sql_dialect.ts";

export interface Plan {
  /** Adds relation `name` with its `SELECT`. */
  add(name: string, body: string): void;
  /** `FROM`/`JOIN` operand reading relation `name`, aliased `alias` (default: the name). */
  from(name: string, alias?: string): string;
  /** The whole query: the relations, then `select` reading them. */
  render(select: string): string;
}

export function createPlan(d: SqlDialect): Plan {
  const bodies = new Map<string, string>();
  const reads = new Map<string, number>();
  const order: string[] = [];
  return {
    add(name, body) {
      if (bodies.has(name)) throw new Error(`Relation "${name}" written twice`);
      bodies.set(name, body);
      order.push(name);
    },
    from(name, alias = name) {
      const body = bodies.get(name);
      if (body === undefined) throw new Error(`Relation "${name}" read before it is written`);
      reads.set(name, (reads.get(name) ?? 0) + 1);
      return d.materialized === null ? `(\n${indent(body)}\n) AS ${alias}` : `${name} AS ${alias}`;
    },
    render(select) {
      if (d.materialized === null) return `${select}\n`;
      const used = order.filter((n) => (reads.get(n) ?? 0) > 0);
      if (used.length === 0) return `${select}\n`;
      const ctes = used.map((n) =>
        `${n} AS ${(reads.get(n) ?? 0) > 1 ? d.materialized : ""}(\n${indent(bodies.get(n)!)}\n)`
      );
      return `WITH\n${ctes.join(",\n")}\n${select}\n`;
    },
  };
}

function indent(text: string): string {
  return text.split("\n").map((l) => `  ${l}`).join("\n");
}
