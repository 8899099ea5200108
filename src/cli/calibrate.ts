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
  calibrationReport,
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
import { inputsOf, LOAD_FLAGS, loadFromFlags, rejectsFile, rejectsOutput } from "./_load_flags.ts";

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
    help: "Share of contacts held out at random (default 0.3 for snapshot).",
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
  pdo: { help: "Points to double the odds (default 20).", multiple: false },
  "base-score": { help: "Snapshot: score at odds --base-odds (default 100).", multiple: false },
  "base-odds": { help: "Snapshot: odds at --base-score (default 1).", multiple: false },
  "max-points": {
    help: "Scale so the largest coefficient is this many points (instead of --pdo).",
    multiple: false,
  },
  l2: { help: "L2 penalty of the logistic regression (default 0).", multiple: false },
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
      (x) => x > 0 && x < 1,
      "a share between 0 and 1",
    );
    const after = flags["holdout-after"] === undefined
      ? undefined
      : instantFlag("holdout-after", String(flags["holdout-after"]));
    const lookbackDays = num(flags, "lookback-days", (x) => x > 0, "a positive number of days") ??
      90;
    const horizonDays = num(flags, "horizon-days", (x) => x > 0, "a positive number of days") ?? 30;
    const halfLifeDays = num(flags, "half-life-days", (x) => x > 0, "a positive number of days") ??
      null;
    const seed = num(flags, "seed", Number.isInteger, "an integer") ?? 1;
    const l2 = num(flags, "l2", (x) => x >= 0, "a number >= 0") ?? 0;
    const minIv = num(flags, "min-iv", (x) => x >= 0, "a number >= 0");
    const maxPoints = num(flags, "max-points", (x) => x > 0, "a positive number");
    const pdo = num(flags, "pdo", (x) => x > 0, "a positive number");
    if (maxPoints !== undefined && pdo !== undefined) {
      throw new UsageError("Give --pdo or --max-points, not both");
    }
    const baseScore = num(flags, "base-score", () => true, "a number");
    const baseOdds = num(flags, "base-odds", (x) => x > 0, "a positive number");
    const scale: ScaleOptions = maxPoints !== undefined
      ? { maxPoints }
      : { pdo: pdo ?? 20, baseScore: baseScore ?? 100, baseOdds: baseOdds ?? 1 };
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
    const contacts = await loadFromFlags("contacts", contactsPath, flags);
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
      const exclude = ((flags.exclude as string[] | undefined) ?? []).flatMap((s) => s.split(","))
        .map((s) => s.trim())
        .filter(Boolean);
      const timeColumn = flags["time-column"] === undefined
        ? "created_at"
        : String(flags["time-column"]);
      const holdout: { after: number; timeColumn: string } | { fraction: number; seed: number } =
        after !== undefined ? { after, timeColumn } : { fraction: fraction ?? 0.3, seed };
      settings = { label: String(flags.label), exclude, l2, minIv: minIv ?? 0.02, scale };
      holdoutInfo = "after" in holdout
        ? { kind: "out-of-time", after: iso(holdout.after), timeColumn }
        : { kind: "random", fraction: holdout.fraction, seed, by: "hash of contact_id" };
      console.error(`Calibrating ${contacts.rows.length} contacts on "${flags.label}"...`);
      result = inFile(contactsPath, () =>
        calibrateSnapshot(contacts.rows as ContactRow[], {
          label: String(flags.label),
          exclude,
          holdout,
          minIv,
          l2,
          scale,
          evidence,
          name,
        }));
    } else {
      method = "temporal";
      const eventsPath = String(flags.events);
      const purchasesPath = String(flags.purchases);
      const events = await loadFromFlags("events", eventsPath, flags);
      const purchases = await loadFromFlags("purchases", purchasesPath, flags);
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
        ? { kind: "random", fraction: holdout.fraction, seed, by: "hash of contact_id" }
        : { kind: "out-of-time", after: iso(holdout.after) };
      settings = {
        cutoffs: sorted.map(iso),
        lookbackDays,
        horizonDays,
        halfLifeDays,
        l2,
        minIv: minIv ?? 0.01,
        scale,
        perTag: Boolean(flags["per-tag"]),
      };
      const options = {
        cutoffs: sorted,
        lookbackDays,
        horizonDays,
        halfLifeDays,
        holdout,
        minIv,
        l2,
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
      }: ${method} fit of ${result.model.featureNames.length} features on ${result.training.rows} rows (${result.training.converters} converters) in ${
        seconds.toFixed(1)
      } s, ${rules} rules, tiers high >= ${result.config.tiers?.high}, medium >= ${result.config.tiers?.medium}; ${
        h
          ? `hold-out AUC ${h.unrounded.auc.toFixed(4)} exact, ${
            h.integer.auc.toFixed(4)
          } with whole points (${h.unrounded.rows} rows)`
          : "no hold-out"
      }${result.model.converged ? "" : "; the fit did NOT converge"}`,
    );
    return 0;
  });
}
