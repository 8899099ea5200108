/**
 * `deno task bench [name] [flags...]`: runs every `bench/*_bench.ts` script whose name
 * contains `name` in its own process (so peak memory is per benchmark) and lets each print
 * its figures. Flags after the name go to each script (`deno task bench browser
 * --contacts 100000`).
 */
const dir = new URL(".", import.meta.url).pathname;
const only = Deno.args[0]?.startsWith("-") ? undefined : Deno.args[0];
const passed = only === undefined ? Deno.args : Deno.args.slice(1);
const scripts = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith("_bench.ts") && (!only || n.includes(only)))
  .sort();
let failed = 0;
for (const name of scripts) {
  console.log(`\n== ${name} ==`);
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--max-old-space-size=8192", `${dir}${name}`, ...passed],
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
