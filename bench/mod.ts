/**
 * `deno task bench`: runs every `bench/*_bench.ts` script in its own process (so peak memory
 * is per benchmark) and lets each print its figures.
 */
const dir = new URL(".", import.meta.url).pathname;
const only = Deno.args[0];
const scripts = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith("_bench.ts") && (!only || n.includes(only)))
  .sort();
let failed = 0;
for (const name of scripts) {
  console.log(`\n== ${name} ==`);
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--max-old-space-size=8192", `${dir}${name}`],
    stdout: "inherit",
    stderr: "inherit",
  });
  const { code } = await cmd.output();
  if (code !== 0) {
    failed++;
    console.log(`${name} exited with status ${code}`);
  }
}
Deno.exit(failed ? 1 : 0);
