/**
 * Which file column holds which canonical column: explicit mapping first, then the
 * canonical name, then common aliases in English, Russian and Polish, all compared
 * case-insensitively and ignoring spaces, `_`, `-` and `.`.
 */
import { ANY_OF_REQUIRED, TABLE_KINDS, TABLE_SCHEMAS, type TableKind } from "../tables/mod.ts";
import { LoadError } from "./load_error.ts";

/** The canonical columns of one table, as the column mapper looks for them. */
export interface TableColumns {
  /** Columns a file must have (for `verification`: at least one of them). */
  required: string[];
  /** Columns a file may have. */
  optional: string[];
  /** `true` when any one of `required` is enough. */
  anyOf?: boolean;
}

/** The canonical columns of each table as the mapper reads them, from `TABLE_SCHEMAS`. */
export const TABLE_COLUMNS: Record<TableKind, TableColumns> = Object.fromEntries(
  TABLE_KINDS.map((kind) => {
    const cols = TABLE_SCHEMAS[kind];
    const spec: TableColumns = {
      required: cols.filter((c) => c.required).map((c) => c.name),
      optional: cols.filter((c) => !c.required).map((c) => c.name),
    };
    if (ANY_OF_REQUIRED.has(kind)) spec.anyOf = true;
    return [kind, spec];
  }),
) as Record<TableKind, TableColumns>;

/** Aliases per canonical column, most specific first, in normalised form (see `normalizeHeader`). */
export const COLUMN_ALIASES: Record<string, string[]> = {
  contact_id: [
    "contactid",
    "customerid",
    "clientid",
    "userid",
    "leadid",
    "personid",
    "visitorid",
    "id",
    "idклиента",
    "idконтакта",
    "idпользователя",
    "кодклиента",
    "клиентid",
    "идентификатор",
    "idklienta",
    "idkontaktu",
    "idużytkownika",
    "iduzytkownika",
  ],
  phone: [
    "phone",
    "phonenumber",
    "telephone",
    "tel",
    "mobile",
    "mobilephone",
    "cellphone",
    "msisdn",
    "телефон",
    "тел",
    "номертелефона",
    "мобильный",
    "мобильныйтелефон",
    "telefon",
    "nrtelefonu",
    "numertelefonu",
    "telkom",
  ],
  email: [
    "email",
    "emailaddress",
    "mail",
    "почта",
    "электроннаяпочта",
    "адресэлектроннойпочты",
    "емейл",
    "имейл",
    "эпочта",
    "adresemail",
    "emailadres",
    "poczta",
  ],
  ts: [
    "ts",
    "timestamp",
    "eventtime",
    "eventts",
    "eventdate",
    "datetime",
    "time",
    "date",
    "occurredat",
    "createdat",
    "датаивремя",
    "датавремя",
    "дата",
    "время",
    "датасобытия",
    "времясобытия",
    "data",
    "czas",
    "datagodzina",
    "datazdarzenia",
    "purchasedate",
    "orderdate",
    "датапокупки",
    "датазаказа",
    "datazakupu",
  ],
  type: [
    "type",
    "eventtype",
    "event",
    "eventname",
    "action",
    "activity",
    "событие",
    "типсобытия",
    "тип",
    "действие",
    "zdarzenie",
    "typzdarzenia",
    "akcja",
    "typ",
  ],
  amount: [
    "amount",
    "revenue",
    "sum",
    "total",
    "price",
    "value",
    "сумма",
    "выручка",
    "стоимость",
    "kwota",
    "wartość",
    "wartosc",
    "suma",
  ],
  gender: ["gender", "sex", "пол", "płeć", "plec"],
  age: ["age", "возраст", "wiek"],
  interests: ["interests", "interest", "интересы", "zainteresowania"],
  stage: ["stage", "status", "dealstage", "стадия", "этап", "статус", "etap"],
  tags: ["tags", "теги", "метки", "tagi"],
  created_at: [
    "createdat",
    "created",
    "registeredat",
    "signupdate",
    "датасоздания",
    "датарегистрации",
    "datautworzenia",
    "datarejestracji",
  ],
  channel: ["channel", "medium", "utmmedium", "канал", "kanał", "kanal"],
  url: ["url", "pageurl", "page", "link", "страница", "ссылка", "adres", "strona"],
  email_id: ["emailid", "campaignid", "messageid", "idписьма", "idрассылки"],
  source: ["source", "utmsource", "источник", "źródło", "zrodlo"],
  phrase: ["phrase", "keyword", "searchphrase", "query", "фраза", "ключевоеслово", "fraza"],
  tag: ["tag", "тег", "метка"],
  value: ["value", "значение", "wartość", "wartosc"],
};

/** Lower-case, without spaces, `_`, `-`, `.` and a BOM, for comparing header names. */
export function normalizeHeader(name: string): string {
  return name.replace(/^\ufeff/, "").toLowerCase().replace(/[\s_\-.:/\\]+/g, "");
}

/** Which file column holds each canonical column, and what the mapper had to say. */
export interface ColumnMapping {
  /** Canonical column -> index of the file column. */
  index: Record<string, number>;
  /** Canonical column -> file column name (what the summary reports). */
  names: Record<string, string>;
  /**
   * `ts` split over a date column and a time column (`Дата` + `Время`): index of the time
   * column, whose value is appended to the date.
   */
  timeIndex?: number;
  /** Guesses and ambiguities a person should check. */
  warnings: string[];
}

// Names of a date-only and a time-only column, which together make one timestamp.
const DATE_PART = new Set(["date", "дата", "data", "eventdate", "датасобытия"]);
const TIME_PART = new Set(["time", "время", "czas", "godzina", "eventtime", "времясобытия"]);

function quoteList(names: string[]): string {
  return names.map((n) => `"${n}"`).join(", ");
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** File columns whose names resemble `canonical` or one of its aliases (typos, extra words). */
export function likelyCandidates(canonical: string, columns: string[]): string[] {
  const targets = [normalizeHeader(canonical), ...(COLUMN_ALIASES[canonical] ?? [])];
  const scored: { name: string; score: number }[] = [];
  for (const name of columns) {
    const n = normalizeHeader(name);
    if (n === "") continue;
    let best = 99;
    for (const t of targets) {
      const d = distance(n, t);
      const limit = t.length <= 3 ? 1 : 2;
      if (d <= limit) best = Math.min(best, d);
      else if (t.length >= 4 && (n.includes(t) || (n.length >= 4 && t.includes(n)))) {
        best = Math.min(best, 3);
      }
    }
    if (best < 99) scored.push({ name, score: best });
  }
  return scored.sort((a, b) => a.score - b.score).map((s) => s.name);
}

/**
 * Resolves the canonical columns of `kind` in `header` (with `rowIds`, a missing
 * `contact_id` is allowed: the loader numbers the rows). Throws `LoadError` naming the
 * file for a duplicated header name, an explicit mapping to a column the file lacks, or
 * a missing required column (listing the columns present and the likely candidates).
 */
export function mapColumns(
  kind: TableKind,
  header: string[],
  file: string,
  mapping: Record<string, string> = {},
  rowIds = false,
): ColumnMapping {
  const spec = TABLE_COLUMNS[kind];
  const canonical = [...spec.required, ...spec.optional];
  const warnings: string[] = [];
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (key === "") return;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new LoadError(
        `Cannot load ${kind} from "${file}": column "${name.trim()}" appears twice in the header (columns ${
          first + 1
        } and ${i + 1}); rename one of them`,
        { file, column: name.trim(), columns: header },
      );
    }
    seen.set(key, i);
  });
  const index: Record<string, number> = {};
  let timeIndex: number | undefined;
  const taken = new Set<number>();
  for (const [canon, column] of Object.entries(mapping)) {
    if (!canonical.includes(canon)) {
      throw new LoadError(
        `Cannot load ${kind} from "${file}": mapping names "${canon}", which is not a ${kind} column (expected one of ${
          quoteList(canonical)
        })`,
        { file, column: canon, columns: header },
      );
    }
    const i = header.findIndex((h) => h.trim().toLowerCase() === column.trim().toLowerCase());
    if (i === -1) {
      const candidates = likelyCandidates(canon, header);
      throw new LoadError(
        `Cannot load ${kind} from "${file}": mapping ${canon}="${column}" names a column the file does not have. Columns in the file: ${
          quoteList(header)
        }${candidates.length ? `. Likely candidates: ${quoteList(candidates)}` : ""}`,
        { file, column, columns: header, candidates },
      );
    }
    index[canon] = i;
    taken.add(i);
  }
  const normalized = header.map(normalizeHeader);
  // Exact canonical names before aliases, so an `id` column never steals `contact_id`.
  for (const canon of canonical) {
    if (index[canon] !== undefined) continue;
    const i = normalized.findIndex((n, j) => !taken.has(j) && n === normalizeHeader(canon));
    if (i !== -1) {
      index[canon] = i;
      taken.add(i);
    }
  }
  for (const canon of canonical) {
    if (index[canon] !== undefined) continue;
    const aliases = COLUMN_ALIASES[canon] ?? [];
    const hits: number[] = [];
    for (const alias of aliases) {
      normalized.forEach((n, j) => {
        if (!taken.has(j) && n === alias && !hits.includes(j)) hits.push(j);
      });
    }
    if (hits.length === 0) continue;
    if (canon === "ts" && hits.length === 2) {
      const date = hits.find((j) => DATE_PART.has(normalized[j]));
      const time = hits.find((j) => TIME_PART.has(normalized[j]));
      if (date !== undefined && time !== undefined) {
        index.ts = date;
        timeIndex = time;
        taken.add(date);
        taken.add(time);
        continue;
      }
    }
    index[canon] = hits[0];
    taken.add(hits[0]);
    if (hits.length > 1) {
      warnings.push(
        `Columns ${quoteList(hits.map((j) => header[j]))} all look like "${canon}"; using "${
          header[hits[0]]
        }" (choose with a mapping)`,
      );
    }
  }
  const missing = spec.anyOf
    ? (spec.required.some((c) => index[c] !== undefined) ? [] : spec.required)
    : spec.required.filter((c) => index[c] === undefined && !(rowIds && c === "contact_id"));
  if (missing.length) {
    const free = header.filter((_, j) => !taken.has(j));
    const parts = missing.map((c) => {
      const candidates = likelyCandidates(c, free);
      return { c, candidates };
    });
    const what = spec.anyOf
      ? `needs one of the columns ${quoteList(missing)}`
      : `required column${missing.length > 1 ? "s" : ""} ${quoteList(missing)} not found`;
    const hints = parts.filter((p) => p.candidates.length).map((p) =>
      `for "${p.c}": ${quoteList(p.candidates)}`
    );
    throw new LoadError(
      `Cannot load ${kind} from "${file}": ${what}. Columns in the file: ${
        header.length ? quoteList(header) : "(none)"
      }. ${
        hints.length ? `Likely candidates ${hints.join("; ")}` : "No column name resembles it"
      }. Map a column explicitly, e.g. --map-${kind} ${missing[0]}=<column>${
        kind === "contacts" ? ", or number the rows as contacts with --row-ids" : ""
      }`,
      {
        file,
        column: missing[0],
        columns: header,
        candidates: parts.flatMap((p) => p.candidates),
      },
    );
  }
  const names: Record<string, string> = {};
  for (const [canon, i] of Object.entries(index)) names[canon] = header[i];
  if (timeIndex !== undefined) {
    names.ts = `${header[index.ts]} + ${header[timeIndex]}`;
    return { index, names, timeIndex, warnings };
  }
  return { index, names, warnings };
}
