import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { toScoringConfig } from "../../src/config/to_scoring_config.ts";
import { createIncrementalScorer } from "../../src/engine/create_incremental_scorer.ts";
import { readEngineState, writeEngineState } from "../../src/serve/engine_state_file.ts";
import { withTempDir } from "../_cli.ts";

const CONFIG = toScoringConfig({
  format: "scorebench.config/v1",
  rules: [
    { id: "pv", on: "page_view", points: 1, scopes: ["global", "stage"] },
    { id: "click", on: "email_click", points: 5 },
  ],
});

Deno.test("writeEngineState() and readEngineState() round-trip a scorer's state and its mark", async () => {
  await withTempDir(async (dir) => {
    const s = createIncrementalScorer(CONFIG);
    const t = Date.UTC(2024, 4, 1);
    for (let i = 0; i < 500; i++) {
      s.add({
        contact_id: `c${i % 37}`,
        ts: t + i * 60_000,
        type: i % 3 ? "page_view" : "email_click",
        stage: i % 5 ? null : "lead",
      });
    }
    const state = s.exportState();
    const mark = { logOffset: 12_345, seq: 500, configVersion: 3 };
    await writeEngineState(`${dir}/state.bin`, state, mark);
    const back = await readEngineState(`${dir}/state.bin`);
    assertEquals(back, { state, mark });
    assertEquals(await readEngineState(`${dir}/none.bin`), null);
    // Cut short: refused, so the service replays the log instead.
    const bytes = await Deno.readFile(`${dir}/state.bin`);
    await Deno.writeFile(`${dir}/cut.bin`, bytes.subarray(0, bytes.length - 9));
    let message = "";
    try {
      await readEngineState(`${dir}/cut.bin`);
    } catch (err) {
      message = (err as Error).message;
    }
    assert(message.includes("cut short"), message);
  });
});
