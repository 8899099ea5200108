/**
 * `deno task cli backtest`: replays a config over past instants and writes `backtest.json`
 * (format: `docs/formats.md`), optionally an XLSX report and chart images,
 * per `docs/cli.md`.
 */
import { join } from "node:path";
import { readConfigFile, toConfigSpec, unknownEventTypeWarnings } from "../config/mod.ts";
import type { ContactRow, EventRow, PurchaseRow, VerificationRow } from "../data/types.ts";
import {
  compareWindows,
  impactPreview,
  periodInstants,
  replay,
  type ThresholdMethod,
  type ThresholdResult,
  thresholds,
  thresholdSample,
  toBacktestJson,
} from "../backtest/mod.ts";
import { conversionChart, tierSizesChart, windowGridChart } from "../charts/mod.ts";
import { formatInstant } from "../engine/mod.ts";
import { buildReportWorkbook, scoringReportCharts, scoringReportSheets } from "../export/mod.ts";
import { chartDocument, chartPng, chartSvg } from "../export/chart_image.ts";
import { type FlagSpec, instantFlag, parseFlags, runCommand, UsageError } from "./_args.ts";
import { checkOutputs, type OutputFile, type OutputPath, writeOutputs } from "./_io.ts";
import {
  closeNativeSession,
  DUCKDB_FLAGS,
  inputsOf,
  LOAD_FLAGS,
  loadFromFlags,
  readerOf,
  rejectsFile,
  rejectsOutput,
} from "./_load_flags.ts";

const SUMMARY = "evaluates a config over periods";

const FLAGS: Record<string, FlagSpec> = {
  config: { help: "Scoring config (scorebench.config/v1 JSON).", required: true },
  events: { help: "Events file (contact_id, ts, type, ...).", required: true },
  purchases: { help: "Purchases file (contact_id, ts, ...): who converted.", required: true },
  contacts: {
    help:
      "Contacts file. With it, exactly these contacts each period; without, those seen in events.",
  },
  verification: { help: "Verification file (contact_id, phone or email)." },
  "as-of": {
    help:
      "Instant to score as of: a date (2024-03-31 = 00:00 UTC) or an ISO 8601 instant; repeat or comma-separate for several.",
    multiple: true,
  },
  from: { help: "Instead of --as-of: first instant of a regular series (with --to)." },
  to: { help: "Last instant of the series (inclusive)." },
  every: { help: "Step of the series: month (default) or week." },
  "horizon-days": {
    help: "A contact converted at T when it bought in (T, T + N days].",
    required: true,
  },
  out: { help: "Output backtest.json.", required: true },
  report: { help: "Also write the XLSX report to this file." },
  charts: {
    help:
      "Also write tier_sizes and conversion charts (.svg and .png) into this folder (created when missing).",
  },
  "target-rate": {
    help: "Also suggest tier cuts reaching this high-tier conversion rate (0..1), e.g. 0.2.",
  },
  capacity: {
    help:
      "Also suggest tier cuts for sales capacity: HIGH[,MEDIUM] contacts per period (medium default 3 x high).",
  },
  "min-share": {
    help: "Smallest tier share for the maximum-lift cuts (default 0.05).",
  },
  resamples: { help: "Bootstrap resamples for the cut intervals (default 200)." },
  "lookback-grid": {
    help:
      "Also compare window settings out of time: lookback days to try, e.g. 30,60,90 (with --half-life-grid).",
  },
  "half-life-grid": {
    help: "Half-life days to try, e.g. none,15,30 (default: the config's own).",
  },
  "split-after": {
    help:
      "Periods up to this instant choose the window, later ones judge it (default: the middle).",
  },
  candidate: {
    help:
      "Also preview a candidate config against --config on the same data (tier changes, converters gained/lost, PSI).",
  },
  seed: { help: "Seed of the bootstrap (default 1)." },
  ...LOAD_FLAGS,
  ...DUCKDB_FLAGS,
};

function positiveNumber(flag: string, value: unknown, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !(x > 0) || x > max) {
    throw new UsageError(
      `--${flag} "${value}" must be a number above 0${max < Infinity ? ` and at most ${max}` : ""}`,
    );
  }
  return x;
}

function instantsFromFlags(flags: Record<string, unknown>): number[] {
  const list = (flags["as-of"] as string[] | undefined) ?? [];
  const asOf = list.flatMap((v) => v.split(",")).filter((v) => v.trim() !== "").map((v) =>
    instantFlag("as-of", v)
  );
  const from = flags.from, to = flags.to;
  if (from !== undefined || to !== undefined) {
    if (typeof from !== "string" || typeof to !== "string") {
      throw new UsageError("--from and --to go together");
    }
    const every = String(flags.every ?? "month");
    if (every !== "month" && every !== "week") {
      throw new UsageError(`--every "${every}" must be month or week`);
    }
    const a = instantFlag("from", from), b = instantFlag("to", to);
    if (b < a) throw new UsageError(`--to "${to}" is before --from "${from}"`);
    asOf.push(...periodInstants(a, b, { every }));
  } else if (flags.every !== undefined) {
    throw new UsageError("--every needs --from and --to");
  }
  if (asOf.length === 0) {
    throw new UsageError("Give the instants: --as-of T [--as-of T2 ...] or --from T --to T");
  }
  return asOf;
}

function changedTiers(m: Record<string, Record<string, number>>): number {
  let n = 0;
  for (const [a, row] of Object.entries(m)) {
    for (const [b, v] of Object.entries(row)) if (a !== b) n += v;
  }
  return n;
}

function numberList(flag: string, text: string, allowNone: boolean): (number | null)[] {
  return text.split(",").map((v) => v.trim()).filter((v) => v !== "").map((v) => {
    if (allowNone && v.toLowerCase() === "none") return null;
    const x = Number(v);
    if (!(x > 0) || !Number.isFinite(x)) {
      throw new UsageError(
        `--${flag}: "${v}" must be a positive number of days${allowNone ? ' or "none"' : ""}`,
      );
    }
    return x;
  });
}

function windowGrid(
  flags: Record<string, unknown>,
  ownHalfLife: number | null,
): { lookbackDays: number[]; halfLifeDays: (number | null)[] } | null {
  const lb = flags["lookback-grid"], hl = flags["half-life-grid"];
  if (lb === undefined && hl === undefined) return null;
  if (typeof lb !== "string") throw new UsageError("--half-life-grid needs --lookback-grid");
  const lookbackDays = numberList("lookback-grid", lb, false) as number[];
  const halfLifeDays = typeof hl === "string"
    ? numberList("half-life-grid", hl, true)
    : [ownHalfLife];
  if (!lookbackDays.length || !halfLifeDays.length) {
    throw new UsageError("--lookback-grid and --half-life-grid need at least one value each");
  }
  return { lookbackDays, halfLifeDays };
}

export function run(args: string[]): Promise<number> {
  return runCommand(async () => {
    const flags = parseFlags("backtest", SUMMARY, FLAGS, args);
    if (flags === null) return 0;
    const started = performance.now();
    const asOf = instantsFromFlags(flags);
    const horizonDays = positiveNumber("horizon-days", flags["horizon-days"])!;
    const targetRate = positiveNumber("target-rate", flags["target-rate"], 1);
    const minShare = positiveNumber("min-share", flags["min-share"], 1);
    const resamples = positiveNumber("resamples", flags.resamples) ?? 200;
    if (!Number.isInteger(resamples)) {
      throw new UsageError(`--resamples "${flags.resamples}" must be a whole number`);
    }
    const seed = flags.seed === undefined ? 1 : Number(flags.seed);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed "${flags.seed}" must be an integer`);
    let capacity: { high: number; medium: number } | undefined;
    if (typeof flags.capacity === "string") {
      const [h, m] = flags.capacity.split(",");
      const high = positiveNumber("capacity", h);
      const medium = m === undefined ? 3 * high! : positiveNumber("capacity", m);
      capacity = { high: high!, medium: medium! };
    }
    const out = String(flags.out);
    const reportOut = typeof flags.report === "string" ? flags.report : null;
    const chartsDir = typeof flags.charts === "string" ? flags.charts : null;
    const outputs: OutputPath[] = [{ flag: "out", path: out }];
    if (reportOut) outputs.push({ flag: "report", path: reportOut });
    if (chartsDir) outputs.push({ flag: "charts", path: chartsDir, folder: true });
    await checkOutputs([...outputs, ...rejectsOutput(flags)], inputsOf(flags));

    const configPath = String(flags.config);
    const { config } = await readConfigFile(configPath);
    const candidate = typeof flags.candidate === "string"
      ? (await readConfigFile(flags.candidate)).config
      : null;
    const grid = windowGrid(flags, config.window.halfLifeDays);
    const splitAfter = typeof flags["split-after"] === "string"
      ? instantFlag("split-after", flags["split-after"])
      : undefined;

    let contacts: ContactRow[] | undefined;
    if (typeof flags.contacts === "string") {
      contacts =
        (await loadFromFlags("contacts", flags.contacts, flags, { reader: readerOf(flags) })).rows;
    }
    let verification: VerificationRow[] | undefined;
    if (typeof flags.verification === "string") {
      verification = (await loadFromFlags("verification", flags.verification, flags, {
        reader: readerOf(flags),
      })).rows;
    }
    const eventsLoad = await loadFromFlags("events", String(flags.events), flags, {
      reader: readerOf(flags),
    });
    const events: EventRow[] = eventsLoad.rows;
    const types = Object.keys(eventsLoad.summary.eventTypes ?? {});
    for (const w of unknownEventTypeWarnings(config, types)) console.error(`  warning: ${w}`);
    const purchases: PurchaseRow[] =
      (await loadFromFlags("purchases", String(flags.purchases), flags, {
        reader: readerOf(flags),
      }))
        .rows;
    await closeNativeSession();

    const showProgress = asOf.length > 1;
    const result = replay(config, { events, contacts, purchases, verification }, {
      asOf,
      horizonDays,
      keepContacts: true,
      onProgress: (f) => {
        // Quick runs stay quiet; long ones say how far they are.
        if (showProgress && performance.now() - started > 1000) {
          console.error(`Replaying: ${Math.round(f * 100)}% of ${asOf.length} instants`);
        }
      },
    });

    const methods: ThresholdMethod[] = [];
    if (targetRate !== undefined) methods.push({ method: "rate", high: targetRate });
    if (capacity) methods.push({ method: "capacity", ...capacity });
    methods.push(minShare === undefined ? { method: "lift" } : { method: "lift", minShare });
    const sample = thresholdSample(result);
    const cuts: ThresholdResult[] = [];
    if (sample.scores.length > 0) {
      if (sample.scores.length > 50_000) {
        console.error(`Choosing tier cuts with ${resamples} bootstrap resamples...`);
      }
      for (const m of methods) {
        cuts.push(thresholds(sample, m, { resamples, seed, maxRows: 50_000 }));
      }
    } else {
      console.error("  warning: no contact was scored in any period; no tier cuts suggested");
    }

    const input = { events, contacts, purchases, verification };
    const windows = grid
      ? compareWindows(config, input, {
        asOf,
        horizonDays,
        ...grid,
        splitAfter,
        onProgress: (f) => console.error(`Comparing windows: ${Math.round(f * 100)}%`),
      })
      : undefined;
    const impact = candidate
      ? { candidate, preview: impactPreview(config, candidate, input, { asOf, horizonDays }) }
      : undefined;
    const json = toBacktestJson(config, result, { thresholds: cuts, windows, impact });
    const files: OutputFile[] = [{ path: out, data: JSON.stringify(json, null, 2) + "\n" }];
    if (reportOut) {
      // The same report as the workbench's Export page: sheets and charts as pictures.
      const document = chartDocument();
      const images = [];
      for (const chart of scoringReportCharts(json, document)) {
        const { png, warning } = await chartPng(chartSvg(chart.figure), { scale: 1 });
        if (png) images.push({ title: chart.title, png, width: chart.width, height: chart.height });
        else console.error(`  warning: chart "${chart.name}" left out of the report: ${warning}`);
      }
      const sheets = scoringReportSheets(toConfigSpec(config), json, result, {
        contacts,
        events,
        verification,
      });
      files.push({ path: reportOut, data: await buildReportWorkbook(sheets, { images }) });
    }
    if (chartsDir) {
      const document = chartDocument();
      const figures = {
        tier_sizes: tierSizesChart(json.periods, { document, legend: false, width: 720 }),
        conversion: conversionChart(json.periods, { document, legend: false, width: 720 }),
      };
      if (windows) {
        Object.assign(figures, {
          window_grid: windowGridChart(windows.grid, {
            document,
            legend: false,
            best: windows.best,
          }),
        });
      }
      for (const [name, figure] of Object.entries(figures)) {
        const svg = chartSvg(figure as Element);
        files.push({ path: join(chartsDir, `${name}.svg`), data: svg });
        const { png, warning } = await chartPng(svg);
        if (png) files.push({ path: join(chartsDir, `${name}.png`), data: png });
        else console.error(`  warning: ${warning}`);
      }
      await Deno.mkdir(chartsDir, { recursive: true });
    }
    files.push(...rejectsFile(flags));
    await writeOutputs(files);
    const wrote = files.map((f) => f.path);

    const s = json.summary;
    const last = json.periods[json.periods.length - 1];
    const lifts = json.periods.map((p) => p.tiers.high.lift).filter((x): x is number => x !== null);
    const fmt = (x: number | null, d = 3) => (x === null ? "n/a" : x.toFixed(d));
    console.log(
      [
        `Backtest of ${json.periods.length} period(s) ${json.periods[0].asOf} .. ${last.asOf}`,
        `mean AUC ${fmt(s.meanAuc)} (min ${fmt(s.minAuc)})`,
        `mean high-tier lift ${
          lifts.length ? fmt(lifts.reduce((a, b) => a + b, 0) / lifts.length, 2) : "n/a"
        }`,
        `mean coverage ${
          s.meanCoverage === null ? "n/a" : `${(s.meanCoverage * 100).toFixed(1)}%`
        }`,
        `max PSI ${fmt(s.maxPsi)}`,
        `at ${
          formatInstant(result.periods[result.periods.length - 1].asOf)
        } high ${last.tiers.high.contacts}, medium ${last.tiers.medium.contacts}, low ${last.tiers.low.contacts}, unscored ${last.tiers.unscored.contacts}`,
        ...(windows
          ? [
            `best window lookback ${windows.best.lookbackDays} d, half-life ${
              windows.best.halfLifeDays ?? "none"
            } (out-of-time AUC ${fmt(windows.best.outOfTimeAuc)})`,
          ]
          : []),
        ...(impact
          ? [
            `candidate moves ${
              impact.preview.periods.reduce((a, p) => a + changedTiers(p.tierChange), 0)
            } contact-period(s) to another tier`,
          ]
          : []),
        `wrote ${wrote.join(", ")} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      ].join("; "),
    );
    return 0;
  });
}
