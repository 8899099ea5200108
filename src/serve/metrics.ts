/**
 * Counters, gauges and histograms of the scoring service, written in the Prometheus text
 * exposition format (version 0.0.4) for `GET /metrics`.
 */

/** Label names to values, e.g. `{ route: "events", status: "200" }`. */
export type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  render(): string[];
}

/** A monotonically increasing count, optionally split by labels. */
export class Counter {
  #values = new Map<string, { labels: Labels; value: number }>();
  /** The metric name, e.g. `scorebench_events_accepted_total`. */
  readonly name: string;

  /** A counter named `name`, at 0. */
  constructor(name: string) {
    this.name = name;
  }

  /** Adds `by` (default 1) to the count of `labels`. */
  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const v = this.#values.get(key);
    if (v) v.value += by;
    else this.#values.set(key, { labels, value: by });
  }

  /** The count for `labels` (0 when never incremented). */
  get(labels: Labels = {}): number {
    return this.#values.get(labelText(labels))?.value ?? 0;
  }

  /** The sum over every label set. */
  total(): number {
    let s = 0;
    for (const v of this.#values.values()) s += v.value;
    return s;
  }

  /** The sample lines of the exposition format. */
  lines(): string[] {
    if (this.#values.size === 0) return [`${this.name} 0`];
    return [...this.#values.entries()].map(([key, v]) => `${this.name}${key} ${num(v.value)}`);
  }
}

/** Observations counted into fixed buckets (cumulative in the output, as Prometheus wants). */
export class Histogram {
  /** Upper bounds of the buckets, ascending (`+Inf` is implied). */
  readonly buckets: number[];
  #counts: number[];
  #sum = 0;
  #count = 0;
  /** The metric name. */
  readonly name: string;

  /** A histogram named `name` over the bucket upper bounds `buckets`. */
  constructor(name: string, buckets: number[]) {
    this.name = name;
    this.buckets = [...buckets].sort((a, b) => a - b);
    this.#counts = new Array(this.buckets.length).fill(0);
  }

  /** Counts one observation. */
  observe(value: number): void {
    this.#sum += value;
    this.#count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]) {
        this.#counts[i]++;
        break;
      }
    }
  }

  /** Observations so far. */
  get count(): number {
    return this.#count;
  }

  /** The `_bucket`, `_sum` and `_count` lines of the exposition format. */
  lines(): string[] {
    const out: string[] = [];
    let cum = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cum += this.#counts[i];
      out.push(`${this.name}_bucket{le="${num(this.buckets[i])}"} ${cum}`);
    }
    out.push(`${this.name}_bucket{le="+Inf"} ${this.#count}`);
    out.push(`${this.name}_sum ${num(this.#sum)}`);
    out.push(`${this.name}_count ${this.#count}`);
    return out;
  }
}

/** Seconds, from 0.5 ms to 30 s: request, fsync and delivery latencies. */
export const LATENCY_BUCKETS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
];

/** The metrics of one service; `render()` is the body of `GET /metrics`. */
export class MetricsRegistry {
  #families: Family[] = [];

  /** A new counter, rendered with its `# HELP` text. */
  counter(name: string, help: string): Counter {
    const c = new Counter(name);
    this.#families.push({ name, help, type: "counter", render: () => c.lines() });
    return c;
  }

  /** A value read when the metrics are rendered. */
  gauge(name: string, help: string, read: () => number): void {
    this.#families.push({ name, help, type: "gauge", render: () => [`${name} ${num(read())}`] });
  }

  /** A new histogram (seconds by default: `LATENCY_BUCKETS`). */
  histogram(name: string, help: string, buckets: number[] = LATENCY_BUCKETS): Histogram {
    const h = new Histogram(name, buckets);
    this.#families.push({ name, help, type: "histogram", render: () => h.lines() });
    return h;
  }

  /** Every metric in the Prometheus text format. */
  render(): string {
    const out: string[] = [];
    for (const f of this.#families) {
      out.push(`# HELP ${f.name} ${f.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}`);
      out.push(`# TYPE ${f.name} ${f.type}`);
      out.push(...f.render());
    }
    return out.join("\n") + "\n";
  }
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  return `{${
    keys.sort().map((k) =>
      `${k}="${labels[k].replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"')}"`
    ).join(",")
  }}`;
}

function num(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  return String(x);
}
