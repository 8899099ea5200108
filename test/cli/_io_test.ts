import { writeFileAtomic } from "../../src/cli/_io.ts";

Deno.test("writeFileAtomic() leaves the final file and no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  await writeFileAtomic(`${dir}/out.csv`, "a,b\n1,2\n");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name);
  if (names.length !== 1 || names[0] !== "out.csv") throw new Error(`unexpected files ${names}`);
  if (Deno.readTextFileSync(`${dir}/out.csv`) !== "a,b\n1,2\n") throw new Error("content differs");
});

Deno.test("writeFileAtomic() writes text given in pieces", async () => {
  const dir = await Deno.makeTempDir();
  const pieces = ["a,b\n", "1,ä\n", "", "2,3\n"];
  await writeFileAtomic(`${dir}/out.csv`, pieces.values());
  const names = [...Deno.readDirSync(dir)].map((e) => e.name);
  if (names.length !== 1 || names[0] !== "out.csv") throw new Error(`unexpected files ${names}`);
  if (Deno.readTextFileSync(`${dir}/out.csv`) !== pieces.join("")) {
    throw new Error("content differs");
  }
});
