/**
 * CSV event loading: time and peak memory (RSS high-water mark, VmHWM) for 1M and 10M
 * events, streaming (`onRow`, rows not kept) and keeping every row. Each measurement
 * runs in its own process so peaks do not mix. The CSVs are written to a temporary
 * folder by a seeded writer and removed afterwards.
 *
 *     deno run -A --v8-flags=--max-old-space-size=8192 bench/load_bench.ts [sizes...]
 *
 * e.g. `bench/load_bench.ts 200000` for a quick run. Target: 10M events under 3 GB peak.
 */
import { loadTable } from "../src/data/mod.ts";
import { DAY_MS } from "../src/tables/mod.ts";

const TYPES = [
  "page_view",
  "page_view",
  "page_view",
  "email_open",
  "email_click",
  "form_submit",
  "call",
];
const CHANNELS = ["web", "email", "phone", "ads"];

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Writes `n` events over ~1M contacts in 2024 (about 90 bytes a row). */
async function writeEvents(path: string, n: number): Promise<number> {
  const rnd = seeded(42);
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  await file.write(enc.encode("contact_id,ts,type,channel,url\n"));
  const start = Date.UTC(2024, 0, 1);
  const span = 366 * DAY_MS;
  let bytes = 0;
  for (let done = 0; done < n;) {
    const lines: string[] = [];
    const m = Math.min(100_000, n - done);
    for (let i = 0; i < m; i++) {
      const id = String(Math.floor(rnd() * 1_000_000)).padStart(7, "0");
      const ts = new Date(start + Math.floor(rnd() * span / 1000) * 1000).toISOString().replace(
        ".000Z",
        "Z",
      );
      const type = TYPES[Math.floor(rnd() * TYPES.length)];
      const url = type === "page_view" ? `https://shop.example/p/${Math.floor(rnd() * 500)}` : "";
      lines.push(`${id},${ts},${type},${CHANNELS[Math.floor(rnd() * CHANNELS.length)]},${url}`);
    }
    const chunk = enc.encode(lines.join("\n") + "\n");
    bytes += chunk.length;
    await file.write(chunk);
    done += m;
  }
  file.close();
  return bytes;
}

/** CPU seconds (user + system) of this process: steadier than wall time on a busy machine. */
function cpuSeconds(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function child(mode: string, path: string): Promise<void> {
  const t0 = performance.now();
  let count = 0;
  let checksum = 0;
  // "stream": rows handed over, summary complete; "lean": also no contact-id set and no
  // duplicate hashes; "keep": every row kept in memory.
  const streaming = mode === "stream" || mode === "lean";
  const result = await loadTable(
    "events",
    path,
    streaming
      ? {
        onRow: (r) => {
          count++;
          checksum += r.ts % 997;
        },
        collectContactIds: mode === "stream",
        detectDuplicates: mode === "stream",
      }
      : {},
  );
  if (mode === "keep") count = result.rows.length;
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({
    mode,
    rows: count,
    rejected: result.rejects.length,
    seconds,
    cpuSeconds: cpuSeconds(),
    peakRssMiB: peakRssMiB(),
    checksum,
    contacts: result.summary.contactIds?.size ?? null,
  }));
}

async function main(): Promise<void> {
  const sizes = Deno.args.length ? Deno.args.map(Number) : [1_000_000, 10_000_000];
  const dir = await Deno.makeTempDir({ prefix: "load_bench_" });
  try {
    for (const n of sizes) {
      const path = `${dir}/events_${n}.csv`;
      const t0 = performance.now();
      const bytes = await writeEvents(path, n);
      console.log(
        `${n} events: ${(bytes / 1048576).toFixed(0)} MiB CSV written in ${
          ((performance.now() - t0) / 1000).toFixed(1)
        } s`,
      );
      for (const mode of ["lean", "stream", "keep"]) {
        const out = await new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            "-A",
            "--v8-flags=--max-old-space-size=8192",
            import.meta.filename!,
            "--child",
            mode,
            path,
          ],
          stdout: "piped",
          stderr: "inherit",
        }).output();
        const text = new TextDecoder().decode(out.stdout).trim();
        if (!out.success) {
          console.log(`  ${mode}: failed (status ${out.code}) ${text}`);
          continue;
        }
        const r = JSON.parse(text.split("\n").at(-1)!);
        console.log(
          `  ${mode.padEnd(6)} ${r.rows} rows in ${r.seconds.toFixed(2)} s wall, ${
            r.cpuSeconds.toFixed(2)
          } s CPU (${(n / r.cpuSeconds / 1e6).toFixed(2)} M rows per CPU second), peak RSS ${
            r.peakRssMiB.toFixed(0)
          } MiB`,
        );
      }
      await Deno.remove(path);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (Deno.args[0] === "--child") await child(Deno.args[1], Deno.args[2]);
else await main();
