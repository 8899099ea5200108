/**
 * Audience files for ad platforms from scored contacts: Yandex Audiences CRM format and a
 * plain CSV.
 *
 * Yandex Audiences (CRM data): CSV, UTF-8, first line the field names, one client per
 * line, `phone` (digits with country code, no symbols) and/or `email` (lower case), at
 * least 100 entries; values may be hashed one by one with SHA-256 (MD5 is no longer
 * accepted for new uploads), as lower-case hex of the UTF-8 bytes of the normalised value.
 */
import type { TierOrUnscored } from "../config/types.ts";
import { normalizeEmail, normalizePhone } from "../data/normalize.ts";
import { toCsv } from "../tables/csv.ts";

/**
 * `yandex`: Yandex Audiences CRM upload (`phone`, `email`); `csv`:
 * `contact_id,phone,email,score,tier`.
 */
export type AudienceFormat = "yandex" | "csv";

/** Yandex refuses a CRM segment with fewer entries. */
export const YANDEX_MIN_ROWS = 100;

/** A scored contact offered to `buildAudienceFile`. */
export interface AudienceContact {
  /** The contact. */
  contactId: string;
  /** Its tier, which decides whether it is selected. */
  tier: TierOrUnscored;
  /** Its score, written by the `csv` format. */
  score?: number;
  /** A phone as written; normalised before use. */
  phone?: string | null;
  /** An e-mail as written; normalised before use. */
  email?: string | null;
}

/** Which tiers, which format, and whether to hash. */
export interface AudienceOptions {
  /** Tiers to keep. */
  tiers: TierOrUnscored[];

  /** The file layout. @default "yandex" */
  format?: AudienceFormat;
  /** Hash each normalised phone and e-mail. @default "none" */
  hash?: "none" | "sha256";
  /** Country code for phones written without one. @default "7" */
  defaultCountry?: string;
}

/** The audience file and what went into it. */
export interface AudienceFile {
  /** The file text (CSV, UTF-8, header line, CRLF). */
  text: string;
  /** Data lines written. */
  rows: number;
  /** Contacts of the chosen tiers. */
  selected: number;
  /** Selected contacts left out, by reason (never silently). */
  skipped: { noContactData: number; duplicate: number };
  /** Problems a person should see: invalid phones/e-mails, too few rows for Yandex. */
  warnings: string[];
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text`. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  let out = "";
  for (const b of digest) out += HEX[b];
  return out;
}

/**
 * Builds an audience file of the `contacts` in `options.tiers`. Phones and e-mails are
 * normalised (`normalizePhone`, `normalizeEmail`); an invalid one is left out of its
 * column with a warning naming the contact; a contact with neither, or a repeat of a line
 * already written, is counted in `skipped`. Yandex format writes only `phone` and `email`
 * (the columns that have any value); the plain format also writes `contact_id`, `score`
 * and `tier`, unhashed ids included.
 */
export async function buildAudienceFile(
  contacts: Iterable<AudienceContact>,
  options: AudienceOptions,
): Promise<AudienceFile> {
  const { tiers, format = "yandex", hash = "none", defaultCountry = "7" } = options;
  if (format !== "yandex" && format !== "csv") {
    throw new RangeError(`Cannot write audience: format "${format}" must be "yandex" or "csv"`);
  }
  if (hash !== "none" && hash !== "sha256") {
    throw new RangeError(`Cannot write audience: hash "${hash}" must be "sha256"`);
  }
  if (!tiers.length) throw new RangeError("Cannot write audience: no tiers chosen");
  const wanted = new Set(tiers);
  const warnings: string[] = [];
  const skipped = { noContactData: 0, duplicate: 0 };
  const out: { contact_id: string; phone: string; email: string; score?: number; tier: string }[] =
    [];
  const seen = new Set<string>();
  let selected = 0;
  let invalid = 0;
  const warnInvalid = (msg: string) => {
    if (++invalid <= 20) warnings.push(msg);
  };
  for (const c of contacts) {
    if (!wanted.has(c.tier)) continue;
    selected++;
    let phone: string | null = null;
    let email: string | null = null;
    try {
      phone = normalizePhone(c.phone ?? null, { defaultCountry });
    } catch (err) {
      warnInvalid(`Contact "${c.contactId}": phone left out: ${(err as Error).message}`);
    }
    try {
      email = normalizeEmail(c.email ?? null);
    } catch (err) {
      warnInvalid(`Contact "${c.contactId}": e-mail left out: ${(err as Error).message}`);
    }
    if (phone === null && email === null && format === "yandex") {
      skipped.noContactData++;
      continue;
    }
    const p = phone === null ? "" : hash === "sha256" ? await sha256Hex(phone) : phone;
    const e = email === null ? "" : hash === "sha256" ? await sha256Hex(email) : email;
    const key = format === "yandex" ? `${p}\u0000${e}` : c.contactId;
    if (seen.has(key)) {
      skipped.duplicate++;
      continue;
    }
    seen.add(key);
    out.push({ contact_id: c.contactId, phone: p, email: e, score: c.score, tier: c.tier });
  }
  if (invalid > 20) warnings.push(`${invalid - 20} more invalid phones or e-mails left out`);
  if (skipped.noContactData) {
    warnings.push(
      `${skipped.noContactData} contact(s) of the chosen tiers have no valid phone or e-mail and are left out`,
    );
  }
  if (format === "yandex" && out.length < YANDEX_MIN_ROWS) {
    warnings.push(
      `Only ${out.length} row(s): Yandex Audiences requires at least ${YANDEX_MIN_ROWS}`,
    );
  }
  let columns: string[];
  if (format === "yandex") {
    columns = ["phone", "email"].filter((col) =>
      out.some((r) => r[col as "phone" | "email"] !== "")
    );
    if (columns.length === 0) columns = ["phone", "email"];
  } else {
    columns = ["contact_id", "phone", "email", "score", "tier"];
  }
  return {
    text: toCsv(out, columns),
    rows: out.length,
    selected,
    skipped,
    warnings,
  };
}
