/**
 * `deno task cli audience`: writes an ad-platform audience file (Yandex Audiences CRM CSV,
 * or a plain CSV) of the contacts of chosen tiers in a `scores.csv`, per
 * `docs/cli.md`. Phones and e-mails come from the scores file's own `phone` /
 * `email` columns or from `--contacts`.
 */
import type { TierOrUnscored } from "../config/types.ts";
import { CsvReader } from "../data/csv_reader.ts";
import { formatInstant } from "../engine/mod.ts";
import { type AudienceContact, buildAudienceFile, unguardCell } from "../export/mod.ts";
import { type FlagSpec, instantFlag, parseFlags, runCommand, UsageError } from "./_args.ts";
import { checkOutputs, writeOutputs } from "./_io.ts";
import { inputsOf, LOAD_FLAGS, loadFromFlags, rejectsFile, rejectsOutput } from "./_load_flags.ts";

const SUMMARY = "writes an ad-platform audience file";

const FLAGS: Record<string, FlagSpec> = {
  scores: {
    help: "scores.csv as written by `score` (as_of, contact_id, score, tier, ...).",
    required: true,
  },
  tiers: { help: "Tiers to include, comma-separated: high[,medium[,low]].", required: true },
  format: {
    help: "yandex (Yandex Audiences CRM: phone,email) or csv (contact_id,phone,email,score,tier).",
    required: true,
  },
  out: { help: "Output audience CSV.", required: true },
  hash: { help: "Hash each normalised phone and e-mail: sha256." },
  contacts: {
    help:
      "Contacts file with phone and/or email, joined by contact_id (needed when scores.csv has neither column).",
  },
  "as-of": {
    help: "Which instant of scores.csv to use (default: the latest in the file).",
  },
  ...LOAD_FLAGS,
};

const TIER_NAMES = new Set(["high", "medium", "low", "unscored"]);

interface ScoreLine {
  asOf: string;
  contactId: string;
  tier: TierOrUnscored;
  score?: number;
  phone?: string;
  email?: string;
}

async function readScores(path: string): Promise<{ lines: ScoreLine[]; columns: string[] }> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    const reason = err instanceof Deno.errors.NotFound ? "file not found" : (err as Error).message;
    throw new UsageError(`--scores "${path}": ${reason}`);
  }
  const reader = new CsvReader({ delimiter: "," });
  const records = [...reader.push(bytes), ...reader.finish()];
  if (records.length === 0 || !records[0].fields) {
    throw new UsageError(`--scores "${path}": the file is empty, expected a scores.csv header`);
  }
  const columns = records[0].fields.map((c) => c.trim().toLowerCase());
  const at = (name: string) => columns.indexOf(name);
  for (const required of ["contact_id", "tier"]) {
    if (at(required) < 0) {
      throw new UsageError(
        `--scores "${path}": no "${required}" column (columns: ${columns.join(", ")})`,
      );
    }
  }
  const [cAsOf, cId, cTier, cScore, cPhone, cEmail] = [
    "as_of",
    "contact_id",
    "tier",
    "score",
    "phone",
    "email",
  ].map(at);
  const lines: ScoreLine[] = [];
  for (const rec of records.slice(1)) {
    if (!rec.fields) throw new UsageError(`--scores "${path}" row ${rec.row}: ${rec.error}`);
    const f = rec.fields;
    if (f.length === 1 && f[0] === "") continue;
    // scores.csv guards ids a spreadsheet would run (`'=x`): the id is the value before that.
    const id = unguardCell(f[cId] ?? "");
    if (id === "") {
      throw new UsageError(`--scores "${path}" row ${rec.row}, column "contact_id": empty`);
    }
    const tier = f[cTier] ?? "";
    if (!TIER_NAMES.has(tier)) {
      throw new UsageError(
        `--scores "${path}" row ${rec.row}, column "tier": "${tier}" is not high, medium, low or unscored`,
      );
    }
    const line: ScoreLine = {
      asOf: cAsOf >= 0 ? f[cAsOf] : "",
      contactId: id,
      tier: tier as TierOrUnscored,
    };
    if (cScore >= 0 && f[cScore] !== "") {
      const x = Number(f[cScore]);
      if (!Number.isFinite(x)) {
        throw new UsageError(
          `--scores "${path}" row ${rec.row}, column "score": "${f[cScore]}" is not a number`,
        );
      }
      line.score = x;
    }
    if (cPhone >= 0) line.phone = f[cPhone];
    if (cEmail >= 0) line.email = f[cEmail];
    lines.push(line);
  }
  return { lines, columns };
}

export function run(args: string[]): Promise<number> {
  return runCommand(async () => {
    const flags = parseFlags("audience", SUMMARY, FLAGS, args);
    if (flags === null) return 0;
    const format = String(flags.format);
    if (format !== "yandex" && format !== "csv") {
      throw new UsageError(`--format "${format}" must be yandex or csv`);
    }
    const hash = flags.hash === undefined ? "none" : String(flags.hash);
    if (hash !== "none" && hash !== "sha256") {
      throw new UsageError(`--hash "${hash}" is not supported; use sha256`);
    }
    const tiers = String(flags.tiers).split(",").map((t) => t.trim()).filter((t) => t !== "");
    for (const t of tiers) {
      if (!TIER_NAMES.has(t)) {
        throw new UsageError(`--tiers: "${t}" is not high, medium, low or unscored`);
      }
    }
    if (tiers.length === 0) {
      throw new UsageError("--tiers: name at least one tier, e.g. high,medium");
    }
    const out = String(flags.out);
    await checkOutputs([{ flag: "out", path: out }, ...rejectsOutput(flags)], inputsOf(flags));
    const scoresPath = String(flags.scores);
    const { lines, columns } = await readScores(scoresPath);

    // One instant: the asked one or the latest (ISO 8601 UTC text sorts by time).
    let chosen: string;
    if (typeof flags["as-of"] === "string") {
      chosen = formatInstant(instantFlag("as-of", flags["as-of"]));
      if (!lines.some((l) => l.asOf === chosen)) {
        const present = [...new Set(lines.map((l) => l.asOf))].slice(0, 5).join(", ");
        throw new UsageError(`--as-of "${chosen}" is not in ${scoresPath} (it has ${present})`);
      }
    } else {
      chosen = lines.reduce((a, l) => (l.asOf > a ? l.asOf : a), "");
    }
    const current = lines.filter((l) => l.asOf === chosen);
    const otherInstants = lines.length - current.length;

    let contacts: Map<string, { phone?: string | null; email?: string | null }> | null = null;
    if (typeof flags.contacts === "string") {
      const loaded = await loadFromFlags("contacts", flags.contacts, flags);
      contacts = new Map(loaded.rows.map((c) => [c.contact_id, c]));
    } else if (!columns.includes("phone") && !columns.includes("email")) {
      throw new UsageError(
        `--scores "${scoresPath}" has no phone or email column: give --contacts F with phone and/or email`,
      );
    }
    let notInContacts = 0;
    const audience: AudienceContact[] = current.map((l) => {
      const c = contacts?.get(l.contactId);
      if (contacts && !c && tiers.includes(l.tier)) notInContacts++;
      return {
        contactId: l.contactId,
        tier: l.tier,
        score: l.score,
        phone: c ? c.phone ?? l.phone : l.phone,
        email: c ? c.email ?? l.email : l.email,
      };
    });
    const defaultCountry = typeof flags["default-country"] === "string"
      ? flags["default-country"].replace(/^\+/, "")
      : "7";
    const file = await buildAudienceFile(audience, {
      tiers: tiers as TierOrUnscored[],
      format,
      hash,
      defaultCountry,
    });
    if (notInContacts) {
      console.error(`  warning: ${notInContacts} selected contact(s) are not in --contacts`);
    }
    for (const w of file.warnings) console.error(`  warning: ${w}`);
    await writeOutputs([{ path: out, data: file.text }, ...rejectsFile(flags)]);
    const parts = [
      `Audience of ${file.rows} row(s) (${format}${hash === "sha256" ? ", sha256" : ""})`,
      `${file.selected} contact(s) in ${tiers.join(", ")} as of ${chosen || "the file"}`,
    ];
    if (file.skipped.noContactData) {
      parts.push(`${file.skipped.noContactData} without phone or e-mail`);
    }
    if (file.skipped.duplicate) parts.push(`${file.skipped.duplicate} duplicate(s)`);
    if (otherInstants) parts.push(`${otherInstants} row(s) of other instants not used`);
    parts.push(`wrote ${out}`);
    console.log(parts.join("; "));
    return 0;
  });
}
