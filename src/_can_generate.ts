/**
 * Whether this runtime may compile generated code. Hot loops (matching events to rules,
 * building loaded rows) run generated functions in Deno (the CLI and production scoring)
 * and plain loops elsewhere: the workbench page forbids `eval` by its
 * Content-Security-Policy, and even trying would log a violation.
 */
let codegen: boolean | null = null;

export function canGenerate(): boolean {
  if (codegen === null) {
    if (typeof Deno === "undefined") return (codegen = false);
    try {
      codegen = new Function("return 1")() === 1;
    } catch {
      codegen = false;
    }
  }
  return codegen;
}
