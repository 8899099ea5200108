import { openDuckDB } from "../src/db/mod.ts";
import { readIntoDuckDB } from "../app/read_into_duckdb.ts";
import { loadInBatches } from "../app/worker/load_batches.ts";
import { loadTable } from "../src/data/mod.ts";
import { blockingTarget } from "../test/app/_duck_target.ts";
const { db, conn } = await openDuckDB();
const base = blockingTarget(db, conn);
let qms = 0, ims = 0;
const target = { ...base, query: async (sql: string) => { const t = performance.now(); const r = await base.query(sql); qms += performance.now() - t; return r; },
  insertArrow: async (ipc: Uint8Array, table: string, append?: boolean) => { const t = performance.now(); await base.insertArrow(ipc, table, append); ims += performance.now() - t; } };
const bytes = await Deno.readFile("/tmp/sbbench/c1m_e1m/contacts.csv");
let t = performance.now();
await loadTable("contacts", { name: "c.csv", bytes }, { onRow() {} });
console.log("loader alone", (performance.now() - t).toFixed(0));
let enc = 0;
t = performance.now();
const staged = await readIntoDuckDB(target, "contacts", { name: "contacts.csv", data: bytes, options: {} }, (onBatch) => loadInBatches("contacts", { name: "c.csv", bytes }, {}, onBatch));
console.log("total", (performance.now() - t).toFixed(0), "queries", qms.toFixed(0), "inserts", ims.toFixed(0), staged.path);
