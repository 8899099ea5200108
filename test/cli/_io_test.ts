import { writeFileAtomic } from "../../src/cli/_io.ts";

Deno.test("writeFileAtomic() leaves the final file and no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  await writeFileAtomic(`${dir}/out.csv`, "a,b\n1,2\n");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name);
  if (names.length !== 1 || names[0] !== "out.csv") throw new Error(`unexpected files ${names}`);
  if (Deno.readTextFileSync(`${dir}/out.csv`) !== "a,b\n1,2\n") throw new Error("content differs");
});
