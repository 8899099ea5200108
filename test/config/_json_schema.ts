/**
 * A small JSON Schema (draft 2020-12) validator covering the keywords our config schema
 * uses, so the schema can be checked against the parser without a dependency.
 */
type Schema = Record<string, unknown>;

function typeOf(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "array";
  if (typeof x === "number") return Number.isInteger(x) ? "integer" : "number";
  return typeof x;
}

function typeMatches(x: unknown, t: string): boolean {
  const actual = typeOf(x);
  return actual === t || (t === "number" && actual === "integer");
}

/** Paths of the values that break `schema` (empty when `value` is valid). */
export function validate(
  schema: Schema,
  value: unknown,
  root: Schema = schema,
  path = "$",
): string[] {
  if (typeof schema.$ref === "string") {
    const ref = schema.$ref as string;
    if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
    let target: unknown = root;
    for (const part of ref.slice(2).split("/")) target = (target as Schema)[part];
    return validate(target as Schema, value, root, path);
  }
  const errors: string[] = [];
  const fail = (why: string) => errors.push(`${path}: ${why}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type as string[] : [schema.type as string];
    if (!types.some((t) => typeMatches(value, t))) {
      fail(`type ${typeOf(value)}`);
      return errors;
    }
  }
  if ("const" in schema && JSON.stringify(value) !== JSON.stringify(schema.const)) fail("const");
  if (
    schema.enum &&
    !(schema.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value))
  ) {
    fail("enum");
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) fail("minimum");
    if (typeof schema.maximum === "number" && value > schema.maximum) fail("maximum");
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) {
      fail("exclusiveMinimum");
    }
  }
  if (typeof value === "string" && typeof schema.pattern === "string") {
    if (!new RegExp(schema.pattern, "u").test(value)) fail("pattern");
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) fail("minItems");
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) fail("maxItems");
    const prefix = (schema.prefixItems as Schema[] | undefined) ?? [];
    value.forEach((v, i) => {
      const s = i < prefix.length ? prefix[i] : schema.items as Schema | undefined;
      if (s) errors.push(...validate(s, v, root, `${path}[${i}]`));
    });
    if (schema.uniqueItems) {
      const seen = new Set(value.map((v) => JSON.stringify(v)));
      if (seen.size !== value.length) fail("uniqueItems");
    }
  }
  if (typeOf(value) === "object") {
    const obj = value as Record<string, unknown>;
    for (const k of (schema.required as string[] | undefined) ?? []) {
      if (!(k in obj)) fail(`required ${k}`);
    }
    if (
      typeof schema.minProperties === "number" && Object.keys(obj).length < schema.minProperties
    ) {
      fail("minProperties");
    }
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [k, v] of Object.entries(obj)) {
      if (k in props) errors.push(...validate(props[k], v, root, `${path}.${k}`));
      else if (schema.additionalProperties === false) fail(`additional property ${k}`);
      else if (typeof schema.additionalProperties === "object") {
        errors.push(...validate(schema.additionalProperties as Schema, v, root, `${path}.${k}`));
      }
    }
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    if (schema[key]) {
      const ok = (schema[key] as Schema[]).filter((s) =>
        validate(s, value, root, path).length === 0
      ).length;
      if (key === "anyOf" ? ok === 0 : ok !== 1) fail(key);
    }
  }
  return errors;
}
