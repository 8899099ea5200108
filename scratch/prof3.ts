import { loadInBatches } from "../app/worker/load_batches.ts";
import { loadTable } from "../src/data/mod.ts";
const bytes = await Deno.readFile("/tmp/sbbench/c1m_e1m/contacts.csv");
let t = performance.now();
await loadTable("contacts", { name: "c.csv", bytes }, { onRow() {} });
console.log("loader alone", (performance.now() - t).toFixed(0));
t = performance.now();
await loadInBatches("contacts", { name: "c.csv", bytes }, {}, () => {});
console.log("loader + encode", (performance.now() - t).toFixed(0));
