/**
 * `deno task cli calibrate`: derives points from converters and writes a config
 * (`docs/cli.md`). Contacts with `--label` and no events: snapshot calibration
 * on attributes. With `--events` and `--purchases`: temporal calibration on event counts
 * before each cutoff against a purchase within the horizon after it.
 */
import { parseConfig, serializeConfig } from "../config/mod.ts";
import type { ContactRow, EventRow, LoadResult, PurchaseRow, TableKind } from "../data/mod.ts";
import {
  buildProvenance,
  calibratePerTag,
  calibrateSnapshot,
  calibrateTemporal,
  type CalibrationResult,
  defaultCutoffs,
  type InputFingerprint,
  type ScaleOptions,
  sha256Hex,
} from "../calibrate/mod.ts";
import { dataSpan } from "../tables/mod.ts";
import { defaultTemporalHoldout } from "../calibrate/calibrate_temporal.ts";
import { type FlagSpec, instantFlag, parseFlags, runCommand, UsageError } from "./_args.ts";
import { checkOutputs, type OutputFile, writeOutputs } from "./_io.ts";
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
import { calibrationReport } from "../export/mod.ts";
import { CALIBRATION_DEFAULTS } from "../calibrate/mod.ts";
import { calibrateRolling, calibrateRollingTemporal, type RollingResult } from "../backtest/mod.ts";

const SUMMARY = "derives points from converters and writes a config";

// `multiple: false` is spelled out: node's parseArgs refuses an undefined `multiple`.
const FLAGS: Record<string, FlagSpec> = {
  contacts: { help: "Contacts file (CSV, XLSX, JSON, Arrow).", required: true, multiple: false },
  events: { help: "Events file: temporal calibration on event counts.", multiple: false },
  purchases: { help: "Purchases file: the converters of temporal calibration.", multiple: false },
  label: {
    help: "Label column of the contacts (0/1, true/false, yes/no): snapshot calibration.",
    multiple: false,
  },
  "as-of": {
    help:
      "Cutoff instant (ISO 8601, UTC without offset); repeat for several. Default: monthly, from the first with a full look-back to the last with a full horizon.",
    multiple: true,
  },
  "lookback-days": {
    help: "Look-back window before each cutoff, in days (default 90).",
    multiple: false,
  },
  "horizon-days": {
    help: "Days after a cutoff in which a purchase counts as converting (default 30).",
    multiple: false,
  },
  "half-life-days": {
    help: "Decay of event counts and of the config's points (default none).",
    multiple: false,
  },
  "holdout-fraction": {
    help:
      "Share of contacts held out at random (default 0.3 for snapshot); 0 holds out nothing (cross-validation is the evidence).",
    multiple: false,
  },
  "no-refit": {
    help:
      "Ship the model fitted without the hold-out (by default the shipped config is refitted on every row once the hold-out evidence is taken).",
    boolean: true,
    multiple: false,
  },
  categorical: {
    help:
      "Snapshot: column whose values are unordered categories even when they are numbers (codes); may repeat or be comma-separated.",
    multiple: true,
  },
  encoding: {
    help:
      "Snapshot: dummy (a coefficient per bin, ridge), steps (per step between a numeric column's bins), linear (a slope on a numeric column's bin means), woe (a coefficient per column on WoE) or auto (dummy, linear or woe, chosen by cross-validation; the default).",
    multiple: false,
  },
  "l2-grid": {
    help:
      "Comma-separated L2 penalties tried by cross-validation (default 0.1,0.3,1,3,10,30,100,300).",
    multiple: false,
  },
  folds: { help: "Cross-validation folds (default 5).", multiple: false },
  rolling: {
    help:
      "Also recalibrate before each period and report, per period, the AUC of the static config against the refitted one. Snapshot: monthly periods of --time-column after --holdout-after; temporal: the cutoffs after --holdout-after (default: the later half).",
    boolean: true,
    multiple: false,
  },
  "rolling-months": {
    help: "With --rolling: refit on the last N months only (default: everything earlier).",
    multiple: false,
  },
  "anchor-only": {
    help:
      "With --rolling: keep the static points and refit only the constant and tiers before each period.",
    boolean: true,
    multiple: false,
  },
  "holdout-after": {
    help:
      "Out-of-time hold-out: cutoffs (temporal) or contacts' --time-column (snapshot) after this instant. Temporal default: the last cutoff.",
    multiple: false,
  },
  "time-column": {
    help: "Contact column with the date for --holdout-after in snapshot mode (default created_at).",
    multiple: false,
  },
  "per-tag": {
    help: "Also fit one model per purchase tag, written as tag-scoped rules (temporal only).",
    boolean: true,
    multiple: false,
  },
  "lookback-grid": {
    help:
      "Temporal: comma-separated look-back lengths (days) to choose from by time-ordered cross-validation; the chosen one goes into the config.",
    multiple: false,
  },
  "half-life-grid": {
    help:
      "Temporal: comma-separated half-lives (days, or none) to choose from with --lookback-grid.",
    multiple: false,
  },
  pdo: { help: "Points to double the odds (default 20).", multiple: false },
  "base-score": { help: "Snapshot: score at odds --base-odds (default 100).", multiple: false },
  "base-odds": { help: "Snapshot: odds at --base-score (default 1).", multiple: false },
  "max-points": {
    help: "Scale so the largest coefficient is this many points (instead of --pdo).",
    multiple: false,
  },
  l2: {
    help:
      "L2 penalty of the logistic regression, or cv to choose it by cross-validation (default cv; time-ordered folds out of time).",
    multiple: false,
  },
  "min-iv": {
    help: "Leave out features below this information value (default 0.02 snapshot, 0.01 temporal).",
    multiple: false,
  },
  exclude: {
    help: "Snapshot: contact column never used as a feature; may repeat or be comma-separated.",
    multiple: true,
  },
  seed: { help: "Seed of the random hold-out and the bootstrap (default 1).", multiple: false },
  name: { help: "Config name.", multiple: false },
  out: { help: "Config JSON to write.", required: true, multiple: false },
  report: { help: "Evidence workbook (XLSX) to write.", multiple: false },
  ...LOAD_FLAGS,
  ...DUCKDB_FLAGS,
};

function num(
  flags: Record<string, unknown>,
  name: string,
  check: (x: number) => boolean,
  what: string,
): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const x = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(x) || !check(x)) {
    throw new UsageError(`--${name}: "${v}" is not ${what}`);
  }
  return x;
}

async function fingerprint<R>(
  kind: TableKind,
  path: string,
  loaded: LoadResult<R>,
): Promise<InputFingerprint> {
  return {
    kind,
    file: path,
    sha256: await sha256Hex(await Deno.readFile(path)),
    rowsRead: loaded.summary.rowsRead,
    rowsLoaded: loaded.summary.rowsLoaded,
    rowsRejected: loaded.summary.rowsRejected,
  };
}

/** Runs `f`, naming `file` in a label error (which names the contact and value). */
function inFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof RangeError && err.message.startsWith("Cannot read label column")) {
      throw new RangeError(`${file}: ${err.message}`);
    }
    throw err;
  }
}

function describeSelection(result: CalibrationResult): string {
  const s = result.selection!;
  const w = s.window
    ? `, window ${s.window.lookbackDays} d${
      s.window.halfLifeDays === null ? "" : ` half-life ${s.window.halfLifeDays} d`
    }`
    : "";
  return `${s.encoding} coding, L2 ${s.l2}${w} (${s.by}${
    s.by === "cross-validation"
      ? `, ${s.folds} ${s.foldOrder} folds${
        s.rule === "one-se" ? ", fewest parameters within one standard error" : ""
      }`
      : ""
  })`;
}

function iso(t: number): string {
  return new Date(t).toISOString().replace(".000Z", "Z");
}

export function run(args: string[]): Promise<number> {
  return runCommand(async () => {
    const flags = parseFlags("calibrate", SUMMARY, FLAGS, args);
    if (flags === null) return 0;
    const temporal = flags.events !== undefined || flags.purchases !== undefined;
    if (temporal && (flags.events === undefined || flags.purchases === undefined)) {
      throw new UsageError("Temporal calibration needs both --events and --purchases");
    }
    if (!temporal && flags.label === undefined) {
      throw new UsageError(
        "Give --label COLUMN (snapshot calibration) or --events and --purchases (temporal)",
      );
    }
    if (temporal && flags.label !== undefined) {
      throw new UsageError(
        "--label is for snapshot calibration; with --events the label is a purchase within --horizon-days",
      );
    }
    if (!temporal && flags["as-of"] !== undefined) {
      throw new UsageError(
        "--as-of sets cutoffs of temporal calibration (with --events and --purchases)",
      );
    }
    if (!temporal && flags["per-tag"]) {
      throw new UsageError(
        "--per-tag needs --events and --purchases: attribute rules have no scopes in config v1",
      );
    }
    if (flags["holdout-fraction"] !== undefined && flags["holdout-after"] !== undefined) {
      throw new UsageError("Give --holdout-fraction or --holdout-after, not both");
    }
    const fraction = num(
      flags,
      "holdout-fraction",
      (x) => x >= 0 && x < 1,
      "a share between 0 and 1",
    );
    const after = flags["holdout-after"] === undefined
      ? undefined
      : instantFlag("holdout-after", String(flags["holdout-after"]));
    const lookbackDays = num(flags, "lookback-days", (x) => x > 0, "a positive number of days") ??
      CALIBRATION_DEFAULTS.lookbackDays;
    const horizonDays = num(flags, "horizon-days", (x) => x > 0, "a positive number of days") ??
      CALIBRATION_DEFAULTS.horizonDays;
    const halfLifeDays = num(flags, "half-life-days", (x) => x > 0, "a positive number of days") ??
      null;
    const seed = num(flags, "seed", Number.isInteger, "an integer") ?? 1;
    const l2: number | "cv" = flags.l2 === "cv"
      ? "cv"
      : num(flags, "l2", (x) => x >= 0, 'a number >= 0 or "cv"') ?? CALIBRATION_DEFAULTS.l2;
    const l2Grid = flags["l2-grid"] === undefined
      ? undefined
      : String(flags["l2-grid"]).split(",").map((t) => {
        const x = Number(t);
        if (t.trim() === "" || !Number.isFinite(x) || x < 0) {
          throw new UsageError(`--l2-grid: "${t}" is not a number >= 0`);
        }
        return x;
      });
    const gridFlag = (name: string, allowNone: boolean) =>
      flags[name] === undefined ? undefined : String(flags[name]).split(",").map((t) => {
        if (allowNone && t.trim().toLowerCase() === "none") return null;
        const x = Number(t);
        if (t.trim() === "" || !Number.isFinite(x) || x <= 0) {
          throw new UsageError(
            `--${name}: "${t}" is not a positive number of days${allowNone ? ' or "none"' : ""}`,
          );
        }
        return x;
      });
    const lookbackGrid = gridFlag("lookback-grid", false) as number[] | undefined;
    const halfLifeGrid = gridFlag("half-life-grid", true);
    if (!temporal && (lookbackGrid || halfLifeGrid)) {
      throw new UsageError("--lookback-grid and --half-life-grid are for temporal calibration");
    }
    const rollingMonths = num(flags, "rolling-months", (x) => x > 0, "a positive number of months");
    if (!flags.rolling && (rollingMonths !== undefined || flags["anchor-only"])) {
      throw new UsageError("--rolling-months and --anchor-only go with --rolling");
    }
    const rollingWindow = rollingMonths === undefined
      ? "expanding" as const
      : { months: rollingMonths };
    if (flags.rolling && !temporal && after === undefined) {
      throw new UsageError("--rolling needs --holdout-after: the periods are the months after it");
    }
    let rolling: RollingResult | null = null;
    const folds = num(flags, "folds", (x) => Number.isInteger(x) && x >= 2, "an integer >= 2");
    const refit = !flags["no-refit"];
    const encodingFlag = flags.encoding === undefined ? "auto" : String(flags.encoding);
    if (!["auto", "dummy", "steps", "linear", "woe"].includes(encodingFlag)) {
      throw new UsageError(
        `--encoding: "${encodingFlag}" is not auto, dummy, steps, linear or woe`,
      );
    }
    const encoding = encodingFlag as "auto" | "dummy" | "steps" | "linear" | "woe";
    const listFlag = (name: string) =>
      ((flags[name] as string[] | undefined) ?? []).flatMap((x) => x.split(","))
        .map((x) => x.trim()).filter(Boolean);
    const categorical = listFlag("categorical");
    if (temporal && (categorical.length || flags.encoding !== undefined)) {
      throw new UsageError(
        "--categorical and --encoding are for snapshot calibration (contact attributes)",
      );
    }
    const minIv = num(flags, "min-iv", (x) => x >= 0, "a number >= 0");
    const maxPoints = num(flags, "max-points", (x) => x > 0, "a positive number");
    const pdo = num(flags, "pdo", (x) => x > 0, "a positive number");
    if (maxPoints !== undefined && pdo !== undefined) {
      throw new UsageError("Give --pdo or --max-points, not both");
    }
    const baseScore = num(flags, "base-score", () => true, "a number");
    const baseOdds = num(flags, "base-odds", (x) => x > 0, "a positive number");
    const scale: ScaleOptions = maxPoints !== undefined ? { maxPoints } : {
      pdo: pdo ?? CALIBRATION_DEFAULTS.pdo,
      baseScore: baseScore ?? 100,
      baseOdds: baseOdds ?? 1,
    };
    const out = String(flags.out);
    const reportPath = flags.report === undefined ? undefined : String(flags.report);
    if (reportPath !== undefined && !reportPath.toLowerCase().endsWith(".xlsx")) {
      throw new UsageError(`--report: "${reportPath}" should end in .xlsx`);
    }
    await checkOutputs(
      [
        { flag: "out", path: out },
        ...(reportPath ? [{ flag: "report", path: reportPath }] : []),
        ...rejectsOutput(flags),
      ],
      inputsOf(flags),
    );

    const contactsPath = String(flags.contacts);
    const contacts = await loadFromFlags("contacts", contactsPath, flags, {
      reader: readerOf(flags),
    });
    const inputs = [await fingerprint("contacts", contactsPath, contacts)];
    const evidence = { seed };
    const name = flags.name === undefined ? undefined : String(flags.name);
    let result: CalibrationResult;
    let settings: Record<string, unknown>;
    let holdoutInfo: Record<string, unknown> | null;
    let method: "snapshot" | "temporal";
    const t0 = performance.now();
    if (!temporal) {
      method = "snapshot";
      const exclude = listFlag("exclude");
      const timeColumn = flags["time-column"] === undefined
        ? "created_at"
        : String(flags["time-column"]);
      const holdout: { after: number; timeColumn: string } | { fraction: number; seed: number } =
        after !== undefined ? { after, timeColumn } : { fraction: fraction ?? 0.3, seed };
      settings = {
        label: String(flags.label),
        exclude,
        categorical,
        encoding,
        l2,
        l2Grid: l2Grid ?? null,
        folds: folds ?? 5,
        refit,
        minIv: minIv ?? 0.02,
        scale,
      };
      holdoutInfo = "after" in holdout
        ? { kind: "out-of-time", after: iso(holdout.after), timeColumn }
        : holdout.fraction === 0
        ? null
        : { kind: "random", fraction: holdout.fraction, seed, by: "hash of contact_id" };
      console.error(`Calibrating ${contacts.rows.length} contacts on "${flags.label}"...`);
      result = inFile(contactsPath, () =>
        calibrateSnapshot(contacts.rows as ContactRow[], {
          label: String(flags.label),
          exclude,
          holdout,
          minIv,
          l2,
          l2Grid,
          folds,
          refit,
          encoding,
          categorical,
          scale,
          evidence,
          name,
        }));
      if (flags.rolling) {
        const rows = contacts.rows as ContactRow[];
        let last = -Infinity;
        for (const c of rows) {
          const t = c[timeColumn];
          if (typeof t === "number" && t > last) last = t;
        }
        // The first period starts right after the hold-out instant, the others at month starts.
        const start = after!; // checked with the flags
        const d = new Date(start);
        const periods = [start + 1];
        for (let m = 1;; m++) {
          const t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + m, 1);
          if (t > last) break;
          periods.push(t);
        }
        console.error(`Recalibrating before each of ${periods.length} monthly periods...`);
        rolling = inFile(contactsPath, () =>
          calibrateRolling(rows, {
            label: String(flags.label),
            exclude,
            minIv,
            l2,
            l2Grid,
            folds,
            encoding,
            categorical,
            scale,
            evidence,
            timeColumn,
            periods,
            window: rollingWindow,
            anchorOnly: Boolean(flags["anchor-only"]),
          }));
      }
    } else {
      method = "temporal";
      const eventsPath = String(flags.events);
      const purchasesPath = String(flags.purchases);
      const events = await loadFromFlags("events", eventsPath, flags, { reader: readerOf(flags) });
      const purchases = await loadFromFlags("purchases", purchasesPath, flags, {
        reader: readerOf(flags),
      });
      await closeNativeSession();
      inputs.push(
        await fingerprint("events", eventsPath, events),
        await fingerprint("purchases", purchasesPath, purchases),
      );
      const asOf = ((flags["as-of"] as string[] | undefined) ?? []).map((t) =>
        instantFlag("as-of", t)
      );
      let cutoffs = asOf;
      if (cutoffs.length === 0) {
        cutoffs = defaultCutoffs(
          dataSpan(events.rows, purchases.rows),
          lookbackDays,
          horizonDays,
        );
        if (cutoffs.length === 0) {
          throw new UsageError(
            `No month start has a full ${lookbackDays}-day look-back and ${horizonDays}-day horizon inside the data; give --as-of`,
          );
        }
        console.error(
          `Cutoffs: ${cutoffs.length} monthly, ${iso(cutoffs[0])} .. ${
            iso(cutoffs[cutoffs.length - 1])
          }`,
        );
      }
      const sorted = [...new Set(cutoffs)].sort((a, b) => a - b);
      // Out of time by default: the last cutoff is held out.
      const holdout: { after: number } | { fraction: number; seed: number } = after !== undefined
        ? { after }
        : fraction !== undefined
        ? { fraction, seed }
        : defaultTemporalHoldout(sorted, seed);
      holdoutInfo = "fraction" in holdout
        ? holdout.fraction === 0
          ? null
          : { kind: "random", fraction: holdout.fraction, seed, by: "hash of contact_id" }
        : { kind: "out-of-time", after: iso(holdout.after) };
      settings = {
        cutoffs: sorted.map(iso),
        lookbackDays,
        horizonDays,
        halfLifeDays,
        l2,
        l2Grid: l2Grid ?? null,
        folds: folds ?? 5,
        lookbackGrid: lookbackGrid ?? null,
        halfLifeGrid: halfLifeGrid ?? null,
        refit,
        minIv: minIv ?? 0.01,
        scale,
        perTag: Boolean(flags["per-tag"]),
      };
      const options = {
        cutoffs: sorted,
        lookbackDays,
        horizonDays,
        halfLifeDays,
        holdout: "fraction" in holdout && holdout.fraction === 0 ? null : holdout,
        minIv,
        l2,
        l2Grid,
        folds,
        lookbackGrid,
        halfLifeGrid: halfLifeGrid ?? (lookbackGrid ? [halfLifeDays] : undefined),
        refit,
        scale,
        evidence,
        name,
      };
      const input = {
        contacts: contacts.rows as ContactRow[],
        events: events.rows as EventRow[],
        purchases: purchases.rows as PurchaseRow[],
      };
      console.error(
        `Calibrating on ${events.rows.length} events and ${purchases.rows.length} purchases over ${sorted.length} cutoffs...`,
      );
      if (flags["per-tag"]) {
        const perTag = calibratePerTag(input, options);
        result = perTag.global;
        settings.tags = Object.fromEntries(
          Object.entries(perTag.tags).map(([tag, r]) => [tag, {
            rules: (r.config.rules ?? []).length,
            trainingConverters: r.training.converters,
            holdoutAuc: r.holdout?.unrounded.auc ?? null,
            holdoutAucWholePoints: r.holdout?.integer.auc ?? null,
            intercept: r.model.intercept,
            features: r.model.featureNames.map((name, j) => ({
              name,
              coef: r.model.coef[j],
              stdErr: r.model.stdErr[j],
            })),
          }]),
        );
        settings.tagsSkipped = perTag.skipped;
      } else {
        result = calibrateTemporal(input, options);
      }
      if (flags.rolling) {
        const periods = sorted.filter((t) =>
          after !== undefined ? t > after : t > sorted[Math.floor((sorted.length - 1) / 2)]
        );
        if (periods.length === 0) {
          throw new UsageError("--rolling: no cutoff falls after --holdout-after");
        }
        console.error(`Recalibrating before each of ${periods.length} cutoffs...`);
        const { holdout: _h, refit: _r, ...rest } = options;
        rolling = calibrateRollingTemporal(input, {
          ...rest,
          periods,
          window: rollingWindow,
          anchorOnly: Boolean(flags["anchor-only"]),
        });
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    if (holdoutInfo && method === "temporal") {
      holdoutInfo.cutoffs = result.holdoutRows.map((r) => iso(r.asOf!));
      holdoutInfo.trainingCutoffs = (result.training.cutoffs ?? []).map(iso);
    }
    result.config.provenance = buildProvenance(result, {
      method,
      inputs,
      settings,
      holdout: holdoutInfo,
    });
    if (rolling) {
      result.warnings.push(...rolling.warnings.map((w) => `[rolling] ${w}`));
      result.config.provenance.rolling = JSON.parse(JSON.stringify({
        window: rollingWindow,
        anchorOnly: Boolean(flags["anchor-only"]),
        meanStaticAuc: rolling.meanStaticAuc,
        meanRollingAuc: rolling.meanRollingAuc,
        periods: rolling.periods.map((p) => ({
          ...p,
          start: iso(p.start),
          end: p.end === null ? null : iso(p.end),
        })),
      }, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)));
    }
    // The config must read back through the engine's own checker before it is written.
    const text = serializeConfig(result.config);
    parseConfig(JSON.parse(text));
    const files: OutputFile[] = [{ path: out, data: text }];
    if (reportPath) {
      files.push({ path: reportPath, data: calibrationReport(result, result.config.provenance) });
    }
    await writeOutputs([...files, ...rejectsFile(flags)]);
    for (const w of result.warnings) console.error(`  warning: ${w}`);
    const h = result.holdout;
    const rules = (result.config.rules?.length ?? 0) + (result.config.attributes?.length ?? 0);
    console.log(
      `Wrote ${out}${
        reportPath ? ` and ${reportPath}` : ""
      }: ${method} fit of ${result.model.featureNames.length} features on ${
        result.refit
          ? `all ${result.refit.rows} rows (${result.refit.converters} converters; evidence from the fit on ${result.training.rows} rows)`
          : `${result.training.rows} rows (${result.training.converters} converters)`
      } in ${
        seconds.toFixed(1)
      } s, ${rules} rules, tiers high >= ${result.config.tiers?.high}, medium >= ${result.config.tiers?.medium}; ${
        h
          ? `hold-out AUC ${h.unrounded.auc.toFixed(4)} exact, ${
            h.integer.auc.toFixed(4)
          } with whole points${
            h.baseline ? `, ${h.baseline.auc.toFixed(4)} plain regression` : ""
          } (${h.unrounded.rows} rows)`
          : "no hold-out (cross-validation is the evidence)"
      }${result.selection ? `; ${describeSelection(result)}` : ""}${
        result.model.converged ? "" : "; the fit did NOT converge"
      }`,
    );
    if (rolling) {
      console.log(
        `Rolling: mean period AUC ${rolling.meanStaticAuc.toFixed(4)} static, ${
          rolling.meanRollingAuc.toFixed(4)
        } refitted before each of ${rolling.periods.length} periods`,
      );
    }
    return 0;
  });
}
