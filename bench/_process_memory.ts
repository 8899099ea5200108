/**
 * Memory of a process tree from `/proc` (Linux): the resident set (RSS) and the proportional
 * set (PSS, shared pages split between their users, so the sum over processes is the real
 * footprint) of every descendant of a process whose command name matches.
 */

/** One reading of the processes' memory, in bytes. */
export interface TreeMemory {
  processes: number;
  /** Sum of VmRSS: shared pages counted once per process, so an overestimate. */
  rss: number;
  /** Sum of Pss from `smaps_rollup`; `NaN` when the kernel does not expose it. */
  pss: number;
}

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** Pids of the descendants of `root` (not `root` itself) whose `comm` matches `name`. */
export function descendants(root: number, name: RegExp): number[] {
  const children = new Map<number, number[]>();
  const comm = new Map<number, string>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = readText(`/proc/${entry.name}/stat`);
    if (!stat) continue;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const close = stat.lastIndexOf(")");
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    const pid = Number(entry.name);
    comm.set(pid, stat.slice(stat.indexOf("(") + 1, close));
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(pid);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.pop()!;
    if (name.test(comm.get(pid) ?? "")) out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** RSS and PSS summed over `pids`. */
export function treeMemory(pids: number[]): TreeMemory {
  let rss = 0;
  let pss = 0;
  let processes = 0;
  for (const pid of pids) {
    const status = readText(`/proc/${pid}/status`);
    if (!status) continue;
    processes++;
    rss += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    const rollup = readText(`/proc/${pid}/smaps_rollup`);
    const p = rollup ? /\nPss:\s+(\d+) kB/.exec(rollup)?.[1] : undefined;
    pss += p === undefined ? NaN : Number(p) * 1024;
  }
  return { processes, rss, pss };
}

/**
 * Samples the memory of the Chromium processes under this process every `everyMs` and keeps
 * the peaks; `mark()` starts a new phase whose own peak `phase()` returns.
 */
export function sampleChromiumMemory(everyMs = 250) {
  const peak: TreeMemory = { processes: 0, rss: 0, pss: 0 };
  let phasePeak: TreeMemory = { processes: 0, rss: 0, pss: 0 };
  const take = () => {
    const m = treeMemory(descendants(Deno.pid, /chrom/i));
    for (const p of [peak, phasePeak]) {
      p.processes = Math.max(p.processes, m.processes);
      p.rss = Math.max(p.rss, m.rss);
      p.pss = Math.max(p.pss, m.pss);
    }
    return m;
  };
  const timer = setInterval(take, everyMs);
  return {
    now: take,
    peak: () => ({ ...peak }),
    mark() {
      phasePeak = { processes: 0, rss: 0, pss: 0 };
      take();
    },
    phase: () => ({ ...phasePeak }),
    stop: () => clearInterval(timer),
  };
}
