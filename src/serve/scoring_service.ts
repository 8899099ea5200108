/**
 * The scoring service's state: the incremental engine fed by a durable event log, trigger
 * firings routed to webhooks (in the background) or to the outbox file, config switches,
 * and snapshots. `serve_handler.ts` puts HTTP in front of it.
 *
 * Storage, and why: an append-only NDJSON log in the data folder, one line per accepted
 * batch (`{"t":"events","seq":N,"rows":[...]}`) or config switch (`{"t":"config",...}`),
 * fsynced before a batch is acknowledged, in segment files (`segmented_log.ts`) so that the
 * prefix the saved engine state covers can be dropped, plus a `snapshot.json` rewritten
 * atomically.
 * - The engine's state is a pure function of the events in arrival order (ties on `ts`
 *   keep arrival order), so a log of arrivals is the natural source of truth: replaying it
 *   rebuilds every score, and replaying it through another config is what a config switch
 *   and the impact preview need anyway. A table store (DuckDB's file format) would add a
 *   native dependency and a second copy of the truth without making the replay cheaper.
 * - One line per batch makes a batch atomic: a crash mid-write leaves a last line without
 *   its line break, which was never acknowledged and is cut off at the next start.
 *   Group commit (all batches waiting while one fsync runs share the next fsync) keeps
 *   fsync-per-batch affordable under concurrent clients.
 * - Text lines are what `tail -f`, `jq` and an auditor can read, and `cli score --events`
 *   can be fed the same rows.
 *
 * Triggers fire exactly once per crossing: a firing is identified by the log sequence
 * number of the event that caused it and the trigger id (its idempotency key), and replay
 * is deterministic, so a restart regenerates exactly the firings of the log tail and skips
 * those the delivery journal or the outbox already holds. The snapshot records the log
 * position, the config in force, the deliveries still pending, the journal positions and
 * where the engine's state was last saved (`engine-state-v<version>-<events>.bin`, binary),
 * so a restart loads that state and replays only the events logged after it.
 *
 * Compaction, after each snapshot: engine state written to a new file, snapshot naming it
 * made durable, other engine states removed, then the oldest segments the engine state
 * covers (and whose events are past the retention) removed. A crash between any two steps
 * leaves a snapshot whose engine state file exists and whose log tail is whole.
 */
import { join } from "node:path";
import { migrationBetween, type MigrationMatrix } from "../backtest/migration_matrix.ts";
import { finiteOrNull } from "../backtest/replay.ts";
import { scoreBins } from "../backtest/score_bins.ts";
import { psi } from "../metrics/mod.ts";
import { DAY_MS, TIERS } from "../tables/mod.ts";
import { ConfigError, type ConfigProblem } from "../config/config_error.ts";
import { parseConfig } from "../config/parse_config.ts";
import { serializeConfig, toConfigSpec } from "../config/serialize_config.ts";
import type { ScoringConfig, TierOrUnscored, TriggerSpec } from "../config/types.ts";
import { LoadError } from "../data/load_error.ts";
import { loadTable } from "../data/load_table.ts";
import type { ContactRow, EventRow, LoadOptions, VerificationRow } from "../data/types.ts";
import {
  createIncrementalScorer,
  type IncrementalScorer,
  type IncrementalState,
} from "../engine/create_incremental_scorer.ts";
import { formatInstant } from "../engine/format_scores_csv.ts";
import type { ScoreRow, TriggerFiring } from "../engine/types.ts";
import { type Delivery, DeliveryQueue } from "./delivery_queue.ts";
import { type EngineStateMark, readEngineState, writeEngineState } from "./engine_state_file.ts";
import { MetricsRegistry } from "./metrics.ts";
import { NdjsonAppender, ndjsonLines, readNdjsonFile } from "./ndjson_file.ts";
import { listSegments, logLines, type LogSegment, SegmentedLog, syncDir } from "./segmented_log.ts";
import { createWebhookSender } from "./webhook.ts";

/** A whole request refused: the HTTP status and a message for the client. */
export class ServeError extends Error {
  /** Always `"ServeError"`. */
  override name = "ServeError";
  /** The HTTP status to answer with (4xx, or 5xx when the service cannot go on). */
  readonly status: number;
  /** More fields for the JSON answer (the config problems by JSON path). */
  readonly details?: unknown;

  /** A refusal with `status` and `message` (and `details` for the JSON answer). */
  constructor(status: number, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

/** Files of the data folder. */
export const DATA_FILES = {
  log: "events-<offset>.ndjson",
  snapshot: "snapshot.json",
  outbox: "outbox.ndjson",
  journal: "deliveries.ndjson",
  deadLetter: "dead-letter.ndjson",
  engineState: "engine-state-v<version>-<events>.bin",
  lock: "LOCK",
} as const;

/** Webhook delivery settings (see `DeliveryQueueOptions`). */
export interface DeliverySettings {
  /** Attempts before a dead letter. @default 8 */
  maxAttempts?: number;
  /** Delay before the second attempt, doubled at each further one. @default 500 */
  baseDelayMs?: number;
  /** Longest delay between attempts. @default 60_000 */
  maxDelayMs?: number;
  /** Requests in flight at once. @default 16 */
  concurrency?: number;
  /** One attempt's time limit. @default 10_000 */
  timeoutMs?: number;
}

/** What `ScoringService.open` runs, where it keeps its files, and its limits. */
export interface ScoringServiceOptions {
  /** Folder of the log, snapshot, outbox, delivery journal and dead letters (created). */
  dataDir: string;
  /** The config to run. When the log's config in force differs, this one is switched to. */
  config: ScoringConfig;
  /** With contacts, only these are scored and events of others are refused. @default undefined */
  contacts?: ContactRow[];
  /** The verification table, as for `scoreContacts`. @default undefined */
  verification?: VerificationRow[];
  /**
   * How request bodies of events are read: column mapping, time zone of timestamps without
   * an offset, date order (as for an events file). @default {}
   */
  eventLoadOptions?: Pick<LoadOptions, "mapping" | "timezone" | "dateOrder" | "defaultCountry">;
  /** HMAC secret for webhook signatures; `null` refuses configs with webhook triggers. @default null */
  webhookSecret?: string | null;
  /** Allow webhook triggers without a secret (unsigned requests). @default false */
  allowUnsigned?: boolean;
  /** Retries, back-off and concurrency of webhook deliveries. @default {} */
  delivery?: DeliverySettings;
  /** The fetch webhooks are sent with (tests pass their own). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** An event stamped later than the wall clock plus this is refused. @default 86_400_000 */
  maxFutureMs?: number;
  /** A snapshot after this many events since the last. @default 250_000 */
  snapshotEveryEvents?: number;
  /** ... or after this long with at least one event since the last. @default 60_000 */
  snapshotEveryMs?: number;
  /**
   * The engine's state is saved with a snapshot once this many events came since it was
   * last saved (and at a clean stop, and after a config switch). @default 1_000_000
   */
  engineStateEveryEvents?: number;
  /**
   * A new log segment is started once the newest is this many bytes long. @default 67_108_864
   */
  segmentBytes?: number;
  /**
   * Log compaction: a segment is dropped once the saved engine state covers it and its
   * latest event is this many days older than the latest event seen; `null` keeps every
   * segment. A config switched to later is rebuilt from the events still kept.
   * @default the config's `window.lookbackDays` (longer when its audience's `touched` period
   * reaches further back)
   */
  logRetentionDays?: number | null;
  /** Events a config switch replays between two turns of the event loop. @default 2_000 */
  configBuildChunk?: number;
  /**
   * Called as a config switch rebuilds its state, after each chunk of events (awaited): the
   * events replayed so far and the log's count when the switch started.
   * @default undefined
   */
  onConfigBuild?: (progress: { replayed: number; total: number }) => void | Promise<void>;
  /**
   * Called at each durable step of snapshots, compaction and config switches (`"snapshot"`,
   * `"engine-state"`, `"segment-rolled"`, `"segment-dropped"`, `"engine-state-pruned"`,
   * `"config-logged"`); fault tests end the process there.
   * @default undefined
   */
  onStep?: (step: string) => void;
  /** Wall clock in epoch ms. @default Date.now */
  now?: () => number;
  /** Where notices go (a torn write cut off, a journal write failed). @default console.error */
  onNotice?: (message: string) => void;
}

/** One event refused: its 0-based position in the request and why. */
export interface RejectedEvent {
  /** 0-based element of the JSON array, or 0-based line of the NDJSON body. */
  index: number;
  /** The column at fault, when one is. */
  column: string | null;
  /** The value at fault, as text. */
  value: string | null;
  /** Why, in a sentence. */
  reason: string;
}

/** The answer to one batch of events. */
export interface IngestResult {
  /** Events logged (durable) and scored. */
  accepted: number;
  /** Events refused, by index. */
  rejected: RejectedEvent[];
  /** Log sequence number of the first accepted event (`null` when none). */
  firstSeq: number | null;
  /** Log sequence number of the last accepted event (`null` when none). */
  lastSeq: number | null;
  /** The loader's warnings about the body (blank elements, ambiguous dates). */
  warnings: string[];
}

/** `GET /contacts/{id}`: the fields of a `scores.csv` row, in JSON. */
export interface ContactAnswer {
  /** The contact. */
  contact_id: string;
  /** The instant scored, ISO 8601. */
  as_of: string;
  /** `false` when the config's audience or verification `exclude` leaves the contact out. */
  included: boolean;
  /** Final global score (after verification demotion). */
  score?: number;
  /** Tier of the score. */
  tier?: TierOrUnscored;
  /** Matches kept in the window. */
  matched_events?: number;
  /** Found in the verification table. */
  verified?: boolean;
  /** Up to three rules that moved the score most, largest absolute first. */
  reasons?: { rule_id: string; points: number }[];
  /** Non-global scope sums keyed `stage:<name>` or `tag:<name>`. */
  scopes?: Record<string, number>;
  /** The config version that scored it. */
  config_version: number;
}

/** `PUT /config`: the impact of the candidate and whether it is now in force. */
export interface ConfigChangeAnswer {
  /** The version in force after the call. */
  version: number;
  /** `false` for a dry run. */
  switched: boolean;
  /** The candidate's name. */
  name: string;
  /** The instant the preview compares at, ISO 8601. */
  as_of: string;
  /** From `impactPreview`: `tier_change[current][candidate]` counts of contacts. */
  tier_change: MigrationMatrix;
  /** Contacts per tier under the current and the candidate config. */
  tiers: Record<TierOrUnscored, { current: number; candidate: number }>;
  /** PSI of the candidate's scores against the current ones (`null` when undefined). */
  psi: number | null;
  /** Contacts whose tier changes, with the first 100 of them (sorted by id). */
  moved: { count: number; contacts: { contact_id: string; from: string; to: string }[] };
  /** The config parser's warnings about the candidate. */
  warnings: string[];
}

/** What a trigger firing carries: the webhook body and the outbox line. */
export interface FiringRecord {
  /** Idempotency key: the log number of the causing event and the trigger id. */
  key: string;
  /** The trigger that fired. */
  trigger_id: string;
  /** The contact that crossed. */
  contact_id: string;
  /** Tier before (`null` at the contact's first evaluation). */
  from: TierOrUnscored | null;
  /** Tier reached. */
  to: TierOrUnscored;
  /** Score at the crossing. */
  score: number;
  /** Up to three rules that moved the score most. */
  reasons: { rule_id: string; points: number }[];
  /** The engine's clock at the crossing (the latest event time seen), ISO 8601. */
  as_of: string;
  /** Log number of the event that caused it. */
  seq: number;
  /** The config version in force. */
  config_version: number;
  /** The trigger's action (outbox lines only). */
  action?: Record<string, unknown>;
}

type LogRecord =
  | { t: "events"; seq: number; rows: EventRow[] }
  | { t: "config"; version: number; seq: number; at: string; config: unknown };

interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  at: string;
  logOffset: number;
  seq: number;
  configVersion: number;
  config: unknown;
  pending: Omit<Delivery, "firedAt">[];
  outboxOffset: number;
  journalOffset: number;
  /** Where `engine-state.bin` was taken, when it fits this snapshot's config. */
  engineState: EngineStateMark | null;
}

/** How the last start rebuilt the state. */
export interface StartupReport {
  /** Events restored from the saved engine state. */
  fromEngineState: number;
  /** Events replayed from the log. */
  replayed: number;
  /** Seconds from opening the folder to ready. */
  seconds: number;
}

const SNAPSHOT_FORMAT = "scorebench.serve-snapshot/v1";
const ENGINE_STATE_FILE = /^engine-state(-v\d+-\d+)?\.bin$/;

/** Where the engine state taken at `mark` is saved in `dataDir`. */
function engineStatePath(dataDir: string, mark: EngineStateMark): string {
  return join(dataDir, `engine-state-v${mark.configVersion}-${mark.seq}.bin`);
}

/** Idempotency key of the firing of `triggerId` caused by the event numbered `seq`. */
export function firingKey(seq: number, triggerId: string): string {
  return `${seq}-${encodeURIComponent(triggerId)}`;
}

/** Problems of a config's triggers for the service: a webhook needs an http(s) `url`. */
export function triggerProblems(config: ScoringConfig): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  config.triggers.forEach((t, i) => {
    if (t.action?.type !== "webhook") return;
    const url = t.action.url;
    let ok = false;
    try {
      ok = typeof url === "string" && /^https?:$/.test(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) {
      out.push({
        path: `triggers[${i}].action.url`,
        message: `expected an http or https URL for a webhook, found ${JSON.stringify(url)}`,
      });
    }
  });
  return out;
}

/** Drops empty fields: the log stays small and replays to the same rows. */
function compactRow(row: EventRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in row) {
    const v = row[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * The service's state; open one with `ScoringService.open`, put `createServeHandler` in
 * front of it, and `close` it to stop.
 */
export class ScoringService {
  /** The data folder. */
  readonly dataDir: string;
  /** Counters, gauges and histograms, rendered by `GET /metrics`. */
  readonly metrics: MetricsRegistry = new MetricsRegistry();
  #opts: ScoringServiceOptions;
  #now: () => number;
  #notice: (m: string) => void;
  #config!: ScoringConfig;
  #configVersion = 0;
  #scorer!: IncrementalScorer;
  #known = new Set<string>();
  #fixed: boolean;
  #seq = 0;
  #log!: SegmentedLog;
  /** Segments at open (then `#log.segments()`), for readers. */
  #segments: LogSegment[] = [];
  /** Latest event time per segment base, where every line of it is known. */
  #segMaxTs = new Map<number, number>();
  /** Segment bases with lines `#segMaxTs` has not seen (read before the replay's start). */
  #segPartial = new Set<number>();
  /** Config builds reading the log: no segment is dropped while one runs. */
  #pins = 0;
  #configChain: Promise<unknown> = Promise.resolve();
  #outbox!: NdjsonAppender;
  #journal!: NdjsonAppender;
  #dead!: NdjsonAppender;
  #lock: Deno.FsFile | null = null;
  #queue!: DeliveryQueue;
  #mode: "live" | "recover" = "live";
  #fired: TriggerFiring[] = [];
  #outboxLines: string[] = [];
  #doneKeys = new Set<string>();
  #outboxKeys = new Set<string>();
  #chain: Promise<unknown> = Promise.resolve();
  #batches: { rows: EventRow[]; resolve: (seq: number) => void; reject: (e: unknown) => void }[] =
    [];
  #flushScheduled = false;
  #failed: string | null = null;
  #sinceSnapshot = 0;
  #lastSnapshot = 0;
  #closed = false;
  #engineMark: EngineStateMark | null = null;
  #startup: StartupReport = { fromEngineState: 0, replayed: 0, seconds: 0 };
  /** While opening, webhooks owed are held here until the secret is known to be there. */
  #owed: Delivery[] | null = [];
  #startedAt = Date.now();
  #m;

  private constructor(options: ScoringServiceOptions) {
    this.#opts = options;
    this.dataDir = options.dataDir;
    this.#now = options.now ?? Date.now;
    this.#notice = options.onNotice ?? ((m) => console.error(m));
    this.#fixed = options.contacts !== undefined;
    for (const c of options.contacts ?? []) this.#known.add(c.contact_id);
    const m = this.metrics;
    this.#m = {
      accepted: m.counter("scorebench_events_accepted_total", "Events accepted and logged."),
      rejected: m.counter("scorebench_events_rejected_total", "Events refused, by reason."),
      fired: m.counter("scorebench_triggers_fired_total", "Trigger firings, by trigger."),
      outbox: m.counter("scorebench_outbox_written_total", "Firings written to the outbox file."),
      delivered: m.counter("scorebench_webhooks_delivered_total", "Webhooks accepted."),
      retried: m.counter("scorebench_webhook_retries_total", "Webhook attempts that failed."),
      dead: m.counter("scorebench_webhooks_dead_total", "Webhooks given up (dead letters)."),
      snapshots: m.counter("scorebench_snapshots_total", "Snapshots written."),
      compacted: m.counter(
        "scorebench_log_compacted_bytes_total",
        "Bytes of log segments dropped by compaction.",
      ),
      journalErrors: m.counter(
        "scorebench_journal_errors_total",
        "Delivery journal writes that failed (the delivery is sent again after a restart).",
      ),
      ingest: m.histogram("scorebench_ingest_seconds", "Event batches: validation to logged."),
      fsync: m.histogram("scorebench_log_fsync_seconds", "Log appends with their fsync."),
      delivery: m.histogram(
        "scorebench_webhook_delivery_seconds",
        "Trigger firing to webhook accepted.",
      ),
    };
    m.gauge(
      "scorebench_delivery_queue_length",
      "Webhooks waiting or in flight.",
      () => this.#queue?.length ?? 0,
    );
    m.gauge("scorebench_log_events", "Events in the log.", () => this.#seq);
    m.gauge("scorebench_contacts", "Contacts known.", () => this.#known.size);
    m.gauge("scorebench_config_version", "Config version in force.", () => this.#configVersion);
  }

  /**
   * Opens the data folder (created when missing), rebuilds the state from the snapshot and
   * the log, re-queues the deliveries still owed and switches to `options.config` when the
   * log's config differs. Throws when another service holds the folder or a file is damaged.
   */
  static async open(options: ScoringServiceOptions): Promise<ScoringService> {
    const s = new ScoringService(options);
    try {
      await s.#open();
    } catch (err) {
      s.#closeFiles();
      throw err;
    }
    return s;
  }

  /** The config version in force (1 for the first config of the data folder). */
  get configVersion(): number {
    return this.#configVersion;
  }

  /** The config in force. */
  get config(): ScoringConfig {
    return this.#config;
  }

  /** Events in the log. */
  get eventCount(): number {
    return this.#seq;
  }

  /** Webhooks waiting or in flight. */
  get queueLength(): number {
    return this.#queue.length;
  }

  /** Resolves when no webhook is waiting (for tests and orderly shutdowns). */
  deliveriesIdle(): Promise<void> {
    return this.#queue.idle();
  }

  #path(name: keyof typeof DATA_FILES): string {
    return join(this.dataDir, DATA_FILES[name]);
  }

  async #open(): Promise<void> {
    const t0 = performance.now();
    const o = this.#opts;
    await Deno.mkdir(this.dataDir, { recursive: true });
    this.#lock = await Deno.open(this.#path("lock"), { create: true, write: true });
    const locked = await Promise.race([
      this.#lock.lock(true).then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 2000)),
    ]);
    if (!locked) {
      throw new Error(`Cannot open "${this.dataDir}": another scoring service is using it`);
    }
    this.#checkConfig(o.config);
    const snapshot = this.#readSnapshot();
    // Journals first: a firing of the log tail already delivered, dead or in the outbox is
    // not sent again.
    const journal = readNdjsonFile(this.#path("journal"), (v) => {
      const k = (v as { key?: unknown }).key;
      if (typeof k === "string") this.#doneKeys.add(k);
    }, { from: snapshot?.journalOffset ?? 0 });
    this.#journal = NdjsonAppender.open(this.#path("journal"), journal.end + 0);
    const outbox = readNdjsonFile(this.#path("outbox"), (v) => {
      const k = (v as { key?: unknown }).key;
      if (typeof k === "string") this.#outboxKeys.add(k);
    }, { from: snapshot?.outboxOffset ?? 0 });
    this.#outbox = NdjsonAppender.open(this.#path("outbox"), outbox.end);
    this.#dead = NdjsonAppender.open(this.#path("deadLetter"));
    for (const [name, r] of [["journal", journal], ["outbox", outbox]] as const) {
      if (r.tornBytes) {
        this.#notice(`${DATA_FILES[name]}: cut off ${r.tornBytes} bytes of an interrupted write`);
      }
    }

    this.#queue = new DeliveryQueue({
      ...o.delivery,
      send: createWebhookSender({
        secret: o.webhookSecret ?? null,
        timeoutMs: o.delivery?.timeoutMs,
        fetch: o.fetch,
      }),
      onDelivered: (d, attempts) => {
        this.#m.delivered.inc();
        this.#m.delivery.observe((performance.now() - d.firedAt) / 1000);
        this.#journalLine({ key: d.key, status: "delivered", attempts, at: this.#iso() });
      },
      onDead: (d, attempts, error) => {
        this.#m.dead.inc();
        try {
          this.#dead.append([JSON.stringify({
            key: d.key,
            url: d.url,
            attempts,
            error,
            at: this.#iso(),
            firing: JSON.parse(d.body),
          })]);
        } catch (err) {
          this.#m.journalErrors.inc();
          this.#notice(`Cannot write the dead letter of "${d.key}": ${(err as Error).message}`);
        }
        this.#journalLine({ key: d.key, status: "dead", attempts, at: this.#iso() });
      },
      onRetry: () => this.#m.retried.inc(),
    });
    // Deliveries owed at the snapshot go first: their events come before the log tail.
    for (const d of snapshot?.pending ?? []) {
      if (!this.#doneKeys.has(d.key)) this.#owed!.push({ ...d, firedAt: performance.now() });
    }

    this.#segments = await listSegments(this.dataDir);
    const logStart = this.#segments[0]?.base ?? 0;
    const startOffset = snapshot?.logOffset ?? 0;
    let readFrom = logStart;
    if (snapshot) {
      this.#config = parseConfig(snapshot.config).config;
      this.#configVersion = snapshot.configVersion;
      const saved = await this.#readEngineState(snapshot);
      if (saved) {
        this.#scorer = this.#newScorer(this.#config, saved.state);
        for (const id of saved.state.ids) this.#known.add(id);
        this.#seq = saved.mark.seq;
        this.#engineMark = saved.mark;
        this.#startup.fromEngineState = saved.mark.seq;
        readFrom = saved.mark.logOffset;
      } else this.#scorer = this.#newScorer(this.#config);
    }
    if ((logStart > 0 && !this.#engineMark) || readFrom < logStart) {
      throw new Error(
        `Cannot open "${this.dataDir}": the log starts at byte ${logStart} (older segments were compacted) and no usable saved engine state covers what came before; restore the engine state file the snapshot names, or start on a new data folder`,
      );
    }
    let attached = false;
    const it = logLines(this.#segments, { from: readFrom });
    const segBases = this.#segments.map((s) => s.base);
    let segIndex = 0;
    let lineStart = readFrom;
    let r = it.next();
    for (; !r.done; r = it.next()) {
      const { value, end } = r.value;
      const rec = value as LogRecord;
      if (!attached && lineStart >= startOffset && this.#scorer) {
        this.#attach();
        attached = true;
      }
      if (rec.t === "events") {
        if (rec.seq !== this.#seq + 1 || !Array.isArray(rec.rows)) {
          throw new Error(
            `Cannot read the log of "${this.dataDir}" at byte ${lineStart}: expected events from number ${
              this.#seq + 1
            }, found ${JSON.stringify(rec.seq)}; the log is damaged`,
          );
        }
        if (!this.#scorer) {
          throw new Error(
            `Cannot read the log of "${this.dataDir}": events come before any config`,
          );
        }
        this.#mode = "recover";
        for (const row of rec.rows) this.#add(row);
        while (segIndex + 1 < segBases.length && segBases[segIndex + 1] <= lineStart) segIndex++;
        this.#noteTs(segBases[segIndex], rec.rows);
      } else if (rec.t === "config") {
        if (lineStart >= startOffset) {
          const config = parseConfig(rec.config).config;
          if (this.#scorer) {
            this.#scorer = this.#rebuild(config, lineStart);
          } else this.#scorer = this.#newScorer(config);
          this.#config = config;
          this.#configVersion = rec.version;
          this.#attach();
          attached = true;
        }
      } else {
        throw new Error(
          `Cannot read the log of "${this.dataDir}" at byte ${lineStart}: unknown record ${
            JSON.stringify((rec as { t?: unknown }).t)
          }; the log is damaged`,
        );
      }
      lineStart = end;
    }
    const logEnd = r.value;
    if (logEnd.end < startOffset) {
      throw new Error(
        `Cannot open "${this.dataDir}": the log has ${logEnd.end} bytes but the snapshot covers ${startOffset}; the log is damaged or was replaced`,
      );
    }
    if (logEnd.tornBytes) {
      this.#notice(
        `The log: cut off ${logEnd.tornBytes} bytes of a write that was never acknowledged`,
      );
    }
    if (!this.#scorer) {
      // A new data folder, or one whose snapshot went missing with an empty log.
      this.#scorer = this.#newScorer(o.config);
      this.#config = o.config;
    }
    if (!attached) this.#attach();
    this.#mode = "live";
    const owed = this.#owed!;
    if (owed.length && !o.webhookSecret && !o.allowUnsigned) {
      throw new Error(
        `Cannot start: ${owed.length} webhook(s) are still owed and are signed: give the service its secret (SCOREBENCH_WEBHOOK_SECRET)`,
      );
    }
    this.#owed = null;
    for (const d of owed) this.#queue.enqueue(d);
    this.#log = await SegmentedLog.open(
      this.dataDir,
      this.#segments,
      Math.max(logEnd.end, logStart),
      o.segmentBytes ?? 67_108_864,
    );
    // Segments the replay did not read whole are scanned for their latest event on demand.
    for (const s of this.#segments) if (s.base < readFrom) this.#segPartial.add(s.base);
    this.#writeOutbox();
    this.#doneKeys.clear();
    this.#outboxKeys.clear();
    this.#startup.replayed = this.#seq - this.#startup.fromEngineState;
    if (this.#configVersion === 0) {
      this.#configVersion = 1;
      this.#appendConfig(o.config, 1);
      await this.#log.sync();
    } else if (serializeConfig(o.config) !== serializeConfig(this.#config)) {
      this.#notice(
        `Switching from config version ${this.#configVersion} of the log to the config given`,
      );
      await this.#switchConfig(o.config);
    }
    // A start that had to replay many events saves the engine, so the next one need not.
    await this.#snapshot({ engine: this.#startup.replayed >= 10_000 });
    this.#startup.seconds = (performance.now() - t0) / 1000;
  }

  /** How the last start rebuilt the state (events from the saved engine, events replayed). */
  get startup(): StartupReport {
    return { ...this.#startup };
  }

  /** The saved engine state, when it fits `snapshot` (else `null`: the log is replayed). */
  async #readEngineState(snapshot: Snapshot) {
    const want = snapshot.engineState;
    if (!want || want.configVersion !== snapshot.configVersion) return null;
    try {
      let saved = await readEngineState(engineStatePath(this.dataDir, want));
      // A data folder from before the file name carried the mark.
      saved ??= await readEngineState(join(this.dataDir, "engine-state.bin"));
      const m = saved?.mark;
      if (
        !saved || m!.logOffset !== want.logOffset || m!.seq !== want.seq ||
        m!.configVersion !== want.configVersion || m!.logOffset > snapshot.logOffset
      ) {
        this.#notice(
          `${engineStatePath(this.dataDir, want)} does not match the snapshot: replaying the log`,
        );
        return null;
      }
      return saved;
    } catch (err) {
      this.#notice(
        `${engineStatePath(this.dataDir, want)} is unreadable (${
          (err as Error).message
        }): replaying the log`,
      );
      return null;
    }
  }

  #newScorer(config: ScoringConfig, state?: IncrementalState): IncrementalScorer {
    return createIncrementalScorer(config, {
      contacts: this.#opts.contacts,
      verification: this.#opts.verification,
      state,
    });
  }

  /** Firings of the current scorer are handled from now on. */
  #attach(): void {
    this.#scorer.onTrigger((f) => this.#fired.push(f));
  }

  /** The log's segments: as listed at open, then as the writer keeps them. */
  #logSegments(): LogSegment[] {
    return this.#log ? this.#log.segments() : this.#segments;
  }

  /** A scorer for `config` fed every event of the log kept before byte `to`, triggers muted. */
  #rebuild(config: ScoringConfig, to: number): IncrementalScorer {
    const scorer = this.#newScorer(config);
    for (const { value } of logLines(this.#logSegments(), { to })) {
      const rec = value as LogRecord;
      if (rec.t === "events") { for (const row of rec.rows) scorer.add(row); }
    }
    return scorer;
  }

  /**
   * Feeds `scorer` the events logged between bytes `from` and `to`, a chunk at a time with
   * a turn of the event loop between chunks, so requests are answered meanwhile;
   * `progress` counts the events fed.
   */
  async #feed(
    scorer: IncrementalScorer,
    from: number,
    to: number,
    progress: { replayed: number; total: number },
  ): Promise<void> {
    const chunk = this.#opts.configBuildChunk ?? 2_000;
    let since = 0;
    for (const { value } of logLines(this.#logSegments(), { from, to })) {
      const rec = value as LogRecord;
      if (rec.t !== "events") continue;
      for (const row of rec.rows) scorer.add(row);
      progress.replayed += rec.rows.length;
      since += rec.rows.length;
      if (since >= chunk) {
        since = 0;
        await this.#opts.onConfigBuild?.({ ...progress });
        await new Promise((r) => setTimeout(r, 0));
        this.#assertHealthy();
      }
    }
  }

  #readSnapshot(): Snapshot | null {
    let text: string;
    try {
      text = Deno.readTextFileSync(this.#path("snapshot"));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
    let s: Snapshot;
    try {
      s = JSON.parse(text);
    } catch (err) {
      throw new Error(
        `Cannot read "${this.#path("snapshot")}": ${(err as Error).message}; the file is damaged`,
      );
    }
    if (s?.format !== SNAPSHOT_FORMAT) {
      throw new Error(`Cannot read "${this.#path("snapshot")}": not a ${SNAPSHOT_FORMAT} file`);
    }
    return s;
  }

  /** Feeds one logged event (numbered `++seq`) and routes the firings it caused. */
  #add(row: EventRow): void {
    const seq = ++this.#seq;
    this.#known.add(row.contact_id);
    this.#scorer.add(row);
    if (this.#fired.length === 0) return;
    for (const f of this.#fired) this.#route(f, seq);
    this.#fired.length = 0;
  }

  #route(f: TriggerFiring, seq: number): void {
    const trigger = this.#config.triggers.find((t) => t.id === f.triggerId) as TriggerSpec;
    const key = firingKey(seq, f.triggerId);
    const row = this.#scorer.score(f.contactId, f.asOf)!;
    const record: FiringRecord = {
      key,
      trigger_id: f.triggerId,
      contact_id: f.contactId,
      from: f.from,
      to: f.to,
      score: row.score,
      reasons: row.reasons.map((r) => ({ rule_id: r.ruleId, points: r.points })),
      as_of: formatInstant(f.asOf),
      seq,
      config_version: this.#configVersion,
    };
    const recovering = this.#mode === "recover";
    if (!recovering) this.#m.fired.inc({ trigger: f.triggerId });
    if (trigger.action?.type === "webhook") {
      if (recovering && this.#doneKeys.has(key)) return;
      const d: Delivery = {
        key,
        contactId: f.contactId,
        url: String(trigger.action.url),
        body: JSON.stringify(record),
        firedAt: performance.now(),
      };
      if (this.#owed) this.#owed.push(d);
      else this.#queue.enqueue(d);
    } else {
      if (recovering && this.#outboxKeys.has(key)) return;
      record.action = trigger.action ?? { type: "none" };
      this.#outboxLines.push(JSON.stringify(record));
    }
  }

  #writeOutbox(): void {
    if (this.#outboxLines.length === 0) return;
    const n = this.#outboxLines.length;
    this.#outbox.append(this.#outboxLines);
    this.#outboxLines = [];
    this.#m.outbox.inc({}, n);
  }

  #journalLine(value: unknown): void {
    try {
      this.#journal.append([JSON.stringify(value)]);
    } catch (err) {
      this.#m.journalErrors.inc();
      this.#notice(`Cannot write the delivery journal: ${(err as Error).message}`);
    }
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }

  #checkConfig(config: ScoringConfig): void {
    const problems = triggerProblems(config);
    const hooks = config.triggers.filter((t) => t.action?.type === "webhook");
    if (hooks.length && !this.#opts.webhookSecret && !this.#opts.allowUnsigned) {
      problems.push({
        path: "triggers",
        message: `trigger "${
          hooks[0].id
        }" sends webhooks, which are signed: give the service a secret (SCOREBENCH_WEBHOOK_SECRET)`,
      });
    }
    if (problems.length) throw new ConfigError(problems);
  }

  /** Serialises work on the log and the scorer: batches, config switches, snapshots. */
  #exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const p = this.#chain.then(fn);
    this.#chain = p.catch(() => {});
    return p;
  }

  #assertHealthy(): void {
    if (this.#closed) throw new ServeError(503, "The service is shutting down");
    if (this.#failed) {
      throw new ServeError(
        503,
        `The service stopped accepting events: ${this.#failed}. Restart it once the cause is fixed`,
      );
    }
  }

  /**
   * Validates a request body of events (a JSON array or NDJSON) as the loaders validate an
   * events file, refuses events of unknown contacts (with a contacts table) and events
   * stamped in the future, and logs the rest in order. Resolves once they are durable.
   */
  async ingest(
    body: Uint8Array,
    contentType: string | null,
    options: { maxEvents?: number } = {},
  ): Promise<IngestResult> {
    const { maxEvents = 10_000 } = options;
    const t0 = performance.now();
    this.#assertHealthy();
    let i = 0;
    if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) i = 3;
    while (
      i < body.length &&
      (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)
    ) i++;
    if (i === body.length) {
      throw new ServeError(400, "The request has no events: the body is empty");
    }
    if (body[i] !== 0x5b && body[i] !== 0x7b) {
      throw new ServeError(
        400,
        "Expected a JSON array of event objects or NDJSON (one event object a line)",
      );
    }
    const ndjson = /ndjson|jsonl|json-seq/i.test(contentType ?? "") || body[i] === 0x7b;
    const rows: EventRow[] = [];
    const rowNos: number[] = [];
    let loaded;
    try {
      loaded = await loadTable("events", {
        name: ndjson ? "body.ndjson" : "body.json",
        bytes: body,
      }, {
        ...this.#opts.eventLoadOptions,
        onRow: (row, n) => {
          rows.push(row);
          rowNos.push(n);
        },
        detectDuplicates: false,
        collectContactIds: false,
      });
    } catch (err) {
      if (err instanceof LoadError) throw new ServeError(400, err.message);
      throw err;
    }
    const count = loaded.summary.rowsRead;
    if (count > maxEvents) {
      throw new ServeError(
        413,
        `${count} events in one request is over the limit of ${maxEvents}: send them in smaller batches`,
      );
    }
    const rejected: RejectedEvent[] = loaded.rejects.map((r) => ({
      index: r.row - 1,
      column: r.column,
      value: r.value,
      reason: r.reason,
    }));
    const result = await this.#admit(rows, rowNos.map((n) => n - 1), rejected);
    result.warnings = loaded.summary.warnings;
    this.#m.ingest.observe((performance.now() - t0) / 1000);
    return result;
  }

  /** Canonical rows from elsewhere (a bench, an embedding program): checked and logged. */
  ingestRows(rows: EventRow[]): Promise<IngestResult> {
    this.#assertHealthy();
    return this.#admit(rows, rows.map((_, i) => i), []);
  }

  async #admit(
    rows: EventRow[],
    indexes: number[],
    rejected: RejectedEvent[],
  ): Promise<IngestResult> {
    const limit = this.#now() + (this.#opts.maxFutureMs ?? DAY_MS);
    if (rejected.length) this.#m.rejected.inc({ reason: "invalid" }, rejected.length);
    const good: EventRow[] = [];
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k];
      if (this.#fixed && !this.#known.has(row.contact_id)) {
        this.#m.rejected.inc({ reason: "unknown_contact" });
        rejected.push({
          index: indexes[k],
          column: "contact_id",
          value: row.contact_id,
          reason:
            `Unknown contact "${row.contact_id}": not in the contacts table the service started with`,
        });
      } else if (!(row.ts <= limit)) {
        this.#m.rejected.inc({ reason: "future" });
        rejected.push({
          index: indexes[k],
          column: "ts",
          value: formatInstant(row.ts),
          reason: `Timestamp ${formatInstant(row.ts)} is in the future (after ${
            formatInstant(limit)
          }); it would move the scoring clock for everyone`,
        });
      } else good.push(row);
    }
    rejected.sort((a, b) => a.index - b.index);
    if (good.length === 0) {
      return { accepted: 0, rejected, firstSeq: null, lastSeq: null, warnings: [] };
    }
    const first = await new Promise<number>((resolve, reject) => {
      this.#batches.push({ rows: good, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        this.#exclusive(() => this.#flush()).catch((err) => {
          this.#failed = `the log writer stopped (${(err as Error).message})`;
          for (const b of this.#batches.splice(0)) b.reject(err);
        });
      }
    });
    return {
      accepted: good.length,
      rejected,
      firstSeq: first,
      lastSeq: first + good.length - 1,
      warnings: [],
    };
  }

  /** Group commit: every batch waiting now goes into one append and one fsync. */
  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    const group = this.#batches.splice(0);
    if (group.length === 0) return;
    if (this.#failed || this.#closed) {
      const err = new ServeError(503, `The service stopped accepting events: ${this.#failed}`);
      for (const b of group) b.reject(err);
      return;
    }
    const lines: string[] = [];
    const firsts: number[] = [];
    let seq = this.#seq;
    for (const b of group) {
      firsts.push(seq + 1);
      lines.push(JSON.stringify({ t: "events", seq: seq + 1, rows: b.rows.map(compactRow) }));
      seq += b.rows.length;
    }
    const t0 = performance.now();
    const segment = this.#log.segments().at(-1)!.base;
    try {
      this.#log.append(lines);
      await this.#log.sync();
    } catch (err) {
      // After a failed fsync the kernel may have dropped the pages: nothing more is accepted.
      this.#failed = `writing the event log failed (${(err as Error).message})`;
      const e = new ServeError(503, `Events not accepted: ${this.#failed}`);
      for (const b of group) b.reject(e);
      return;
    }
    this.#m.fsync.observe((performance.now() - t0) / 1000);
    let n = 0;
    try {
      for (const b of group) {
        for (const row of b.rows) this.#add(row);
        this.#noteTs(segment, b.rows);
        n += b.rows.length;
      }
    } catch (err) {
      // Logged but not scored: the state no longer follows the log until a restart replays it.
      this.#failed = `scoring a logged event failed (${(err as Error).message})`;
      const e = new ServeError(500, `Events logged but not scored: ${this.#failed}`);
      for (const b of group) b.reject(e);
      return;
    }
    try {
      this.#writeOutbox();
    } catch (err) {
      // The events are durable; the firings are written to the outbox again at the next start.
      this.#failed = `writing the outbox failed (${(err as Error).message})`;
    }
    this.#m.accepted.inc({}, n);
    group.forEach((b, i) => b.resolve(firsts[i]));
    try {
      if (await this.#log.roll() !== null) this.#opts.onStep?.("segment-rolled");
    } catch (err) {
      // The batch is durable in the sealed segment; nothing more can be appended safely.
      this.#failed = `starting a new log segment failed (${(err as Error).message})`;
      return;
    }
    this.#sinceSnapshot += n;
    const every = this.#opts.snapshotEveryEvents ?? 250_000;
    const ms = this.#opts.snapshotEveryMs ?? 60_000;
    if (
      this.#sinceSnapshot >= every ||
      (this.#sinceSnapshot > 0 && Date.now() - this.#lastSnapshot >= ms)
    ) {
      try {
        await this.#snapshot();
      } catch (err) {
        // Only restart time depends on snapshots; the log holds everything.
        this.#notice(`Cannot write the snapshot: ${(err as Error).message}`);
      }
    }
  }

  #appendConfig(config: ScoringConfig, version: number): void {
    this.#log.append([JSON.stringify({
      t: "config",
      version,
      seq: this.#seq,
      at: this.#iso(),
      config: toConfigSpec(config),
    })]);
  }

  /**
   * Writes `snapshot.json` atomically (with the engine's state first when `engine`, or when
   * many events came since it was saved); call only inside `#exclusive` or at start.
   */
  async #snapshot(options: { engine?: boolean } = {}): Promise<void> {
    if (this.#engineMark?.configVersion !== this.#configVersion) this.#engineMark = null;
    const since = this.#seq - (this.#engineMark?.seq ?? 0);
    const every = this.#opts.engineStateEveryEvents ?? 1_000_000;
    // Once the log was compacted, every snapshot must name an engine state of its config:
    // the events before the log's start can no longer be replayed.
    const must = this.#engineMark === null && (options.engine || this.#log.start > 0);
    if (must || (options.engine && since > 0) || since >= every) {
      const mark = {
        logOffset: this.#log.length,
        seq: this.#seq,
        configVersion: this.#configVersion,
      };
      // A new file each time: the one the last snapshot names stays until this one is named.
      await writeEngineState(engineStatePath(this.dataDir, mark), this.#scorer.exportState(), mark);
      this.#opts.onStep?.("engine-state");
      this.#engineMark = mark;
    }
    const s: Snapshot = {
      format: SNAPSHOT_FORMAT,
      at: this.#iso(),
      logOffset: this.#log.length,
      seq: this.#seq,
      configVersion: this.#configVersion,
      config: toConfigSpec(this.#config),
      pending: this.#queue.pending().map(({ key, contactId, url, body }) => ({
        key,
        contactId,
        url,
        body,
      })),
      outboxOffset: this.#outbox.length,
      journalOffset: this.#journal.length,
      engineState: this.#engineMark,
    };
    const path = this.#path("snapshot");
    const tmp = `${path}.tmp`;
    const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      const bytes = new TextEncoder().encode(JSON.stringify(s));
      for (let o = 0; o < bytes.length;) o += await file.write(bytes.subarray(o));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
    // The renames (this one and the engine state's) are durable once the folder is synced.
    await syncDir(this.dataDir);
    this.#opts.onStep?.("snapshot");
    this.#sinceSnapshot = 0;
    this.#lastSnapshot = Date.now();
    this.#m.snapshots.inc();
    if (this.#engineMark) {
      await this.#pruneEngineStates(this.#engineMark);
      await this.#compact(this.#engineMark);
    }
  }

  /** Removes the saved engine states other than the one the snapshot names. */
  async #pruneEngineStates(keep: EngineStateMark): Promise<void> {
    const name = engineStatePath("", keep);
    let removed = 0;
    for await (const e of Deno.readDir(this.dataDir)) {
      if (e.isFile && ENGINE_STATE_FILE.test(e.name) && e.name !== name) {
        await Deno.remove(join(this.dataDir, e.name)).catch(() => {});
        removed++;
      }
    }
    if (removed) this.#opts.onStep?.("engine-state-pruned");
  }

  /** Days of events the log keeps behind the latest event seen; `null` keeps all. */
  #retentionDays(): number | null {
    const r = this.#opts.logRetentionDays;
    if (r !== undefined) return r;
    return this.#config.window.lookbackDays;
  }

  /**
   * Drops the oldest log segments that `mark` (named by the durable snapshot) covers and
   * whose events are all older than the retention, unless a config build is reading them.
   */
  async #compact(mark: EngineStateMark): Promise<void> {
    const days = this.#retentionDays();
    if (days === null || this.#pins > 0 || mark.logOffset <= this.#log.start) return;
    const limit = this.#scorer.clock - days * DAY_MS;
    const touchedFrom = this.#config.audience?.touched?.from ?? Infinity;
    const dropped = await this.#log.dropBefore(mark.logOffset, (s) => {
      const t = this.#segmentMaxTs(s);
      return !(t <= limit && t < touchedFrom);
    }, (s) => {
      this.#segMaxTs.delete(s.base);
      this.#m.compacted.inc({}, s.size);
      this.#opts.onStep?.("segment-dropped");
    });
    if (dropped.length) this.#segments = this.#log.segments();
  }

  /** The latest event time of a sealed segment (read from the file when not all seen). */
  #segmentMaxTs(s: LogSegment): number {
    if (!this.#segPartial.has(s.base) && this.#segMaxTs.has(s.base)) {
      return this.#segMaxTs.get(s.base)!;
    }
    let max = -Infinity;
    for (const { value } of ndjsonLines(s.path)) {
      const rec = value as LogRecord;
      if (rec.t === "events") { for (const r of rec.rows) if (r.ts > max) max = r.ts; }
    }
    this.#segPartial.delete(s.base);
    this.#segMaxTs.set(s.base, max);
    return max;
  }

  #noteTs(base: number, rows: EventRow[]): void {
    let max = this.#segMaxTs.get(base) ?? -Infinity;
    for (const r of rows) if (r.ts > max) max = r.ts;
    this.#segMaxTs.set(base, max);
  }

  /** Switches to `config`: snapshot, config record logged, scorer rebuilt, snapshot. */
  async #switchConfig(config: ScoringConfig, next?: IncrementalScorer): Promise<void> {
    // A snapshot first, so that a crash before the second leaves a log tail that starts
    // with the config record: every event of the tail then belongs to the new config.
    await this.#snapshot();
    const version = this.#configVersion + 1;
    const scorer = next ?? this.#rebuild(config, this.#log.length);
    this.#appendConfig(config, version);
    await this.#log.sync();
    this.#opts.onStep?.("config-logged");
    this.#scorer = scorer;
    this.#config = config;
    this.#configVersion = version;
    this.#attach();
    await this.#snapshot({ engine: true });
  }

  #defaultAsOf(): number {
    return Math.max(this.#now(), this.#scorer.clock);
  }

  /** A contact's score at `asOf` (default: now, or the latest event time when later). */
  contact(contactId: string, asOf?: number): ContactAnswer {
    if (!this.#known.has(contactId)) {
      throw new ServeError(
        404,
        this.#fixed
          ? `Unknown contact "${contactId}": not in the contacts table the service started with`
          : `Unknown contact "${contactId}": no event of it has been received`,
      );
    }
    const T = asOf ?? this.#defaultAsOf();
    const row = this.#scorer.score(contactId, T);
    const base = { contact_id: contactId, as_of: formatInstant(T) };
    if (row === null) {
      return { ...base, included: false, config_version: this.#configVersion };
    }
    return { ...base, included: true, ...scoreFields(row), config_version: this.#configVersion };
  }

  /**
   * Checks `json` as a config and previews its impact at `asOf` (default: now) on the
   * logged events: the tier-change matrix (as `impactPreview` gives it) and the contacts
   * that move. Unless `dryRun`, then switches to it atomically (logged, so a restart keeps
   * it). The new config's state is built in the background, a chunk of events at a time,
   * while events keep being accepted and scored by the current config; the events logged
   * during the build are added to it before the swap, so each counts once under each config.
   */
  async changeConfig(
    json: unknown,
    options: { asOf?: number; dryRun?: boolean } = {},
  ): Promise<ConfigChangeAnswer> {
    this.#assertHealthy();
    let candidate: ScoringConfig;
    let warnings: string[];
    try {
      ({ config: candidate, warnings } = parseConfig(json));
      this.#checkConfig(candidate);
    } catch (err) {
      if (err instanceof ConfigError) {
        throw new ServeError(400, err.message, { problems: err.problems });
      }
      throw err;
    }
    // One switch at a time; events keep flowing while it builds.
    const run = this.#configChain.then(() => this.#buildAndSwitch(candidate, warnings, options));
    this.#configChain = run.catch(() => {});
    return await run;
  }

  async #buildAndSwitch(
    candidate: ScoringConfig,
    warnings: string[],
    options: { asOf?: number; dryRun?: boolean },
  ): Promise<ConfigChangeAnswer> {
    this.#assertHealthy();
    // No segment is dropped while the build reads the log.
    this.#pins++;
    try {
      const next = this.#newScorer(candidate);
      // A consistent position: no batch is between its append and its scoring here.
      const [start, seq] = await this.#exclusive(() => [this.#log.start, this.#seq]);
      let from = start;
      const progress = { replayed: 0, total: seq };
      // Catch up with the events logged meanwhile until the tail left is short.
      for (let round = 0; round < 8; round++) {
        const to = this.#log.length;
        await this.#feed(next, from, to, progress);
        from = to;
        if (this.#log.length - from < 1 << 20) break;
      }
      // The preview compares both configs on the events logged so far, a chunk of contacts
      // at a time; the last few events are added to the new state before it goes live.
      const T = options.asOf ?? this.#defaultAsOf();
      const before = new Map<string, TierOrUnscored>();
      const after = new Map<string, TierOrUnscored>();
      const scoresA: number[] = [];
      const scoresB: number[] = [];
      const moved: { contact_id: string; from: string; to: string }[] = [];
      let k = 0;
      for (const id of [...this.#known]) {
        const a = this.#scorer.score(id, T);
        const b = next.score(id, T);
        if (a) before.set(id, a.tier);
        if (b) after.set(id, b.tier);
        if (a && a.tier !== "unscored") scoresA.push(a.score);
        if (b && b.tier !== "unscored") scoresB.push(b.score);
        if ((a?.tier ?? "absent") !== (b?.tier ?? "absent")) {
          moved.push({ contact_id: id, from: a?.tier ?? "absent", to: b?.tier ?? "absent" });
        }
        if (++k % 5_000 === 0) {
          await new Promise((r) => setTimeout(r, 0));
          this.#assertHealthy();
        }
      }
      moved.sort((x, y) => x.contact_id < y.contact_id ? -1 : x.contact_id > y.contact_id ? 1 : 0);
      const tiers = {} as ConfigChangeAnswer["tiers"];
      for (const t of TIERS) tiers[t] = { current: 0, candidate: 0 };
      for (const t of before.values()) tiers[t].current++;
      for (const t of after.values()) tiers[t].candidate++;
      const edges = scoreBins(scoresA, { bins: 10 });
      const psiValue = scoresA.length && scoresB.length
        ? finiteOrNull(psi(scoresA, scoresB, { edges }).psi)
        : null;
      const kept = this.#retentionDays();
      if (this.#log.start > 0 && kept !== null && candidate.window.lookbackDays > kept) {
        warnings = [
          ...warnings,
          `The log keeps ${kept} days of events behind the latest one (older segments were compacted): the candidate's ${candidate.window.lookbackDays}-day lookback is scored on those only`,
        ];
      }
      const switched = !options.dryRun;
      if (switched) {
        await this.#exclusive(async () => {
          this.#assertHealthy();
          // The tail logged since the last chunk, then the swap: every event is in the new
          // state exactly once, and the next batch is scored by the new config.
          for (const { value } of logLines(this.#logSegments(), { from })) {
            const rec = value as LogRecord;
            if (rec.t === "events") { for (const row of rec.rows) next.add(row); }
          }
          await this.#switchConfig(candidate, next);
        });
      }
      return {
        version: this.#configVersion,
        switched,
        name: candidate.name,
        as_of: formatInstant(T),
        tier_change: migrationBetween(before, after),
        tiers,
        psi: psiValue,
        moved: { count: moved.length, contacts: moved.slice(0, 100) },
        warnings,
      };
    } finally {
      this.#pins--;
    }
  }

  /** The body of `GET /health`. */
  health(): Record<string, unknown> {
    return {
      status: this.#failed ? "failed" : this.#closed ? "closing" : "ok",
      ...(this.#failed ? { error: this.#failed } : {}),
      config: { name: this.#config.name, version: this.#configVersion },
      events: this.#seq,
      contacts: this.#known.size,
      clock: Number.isFinite(this.#scorer.clock) ? formatInstant(this.#scorer.clock) : null,
      deliveries: { waiting: this.#queue.length, in_flight: this.#queue.inFlight },
      uptime_seconds: Math.round((Date.now() - this.#startedAt) / 1000),
    };
  }

  /** `false` once the log cannot be written or the service is closing. */
  get healthy(): boolean {
    return this.#failed === null && !this.#closed;
  }

  /**
   * Stops taking events, waits for the batches in hand, writes a last snapshot and closes
   * the files. Webhooks still waiting are re-queued from the snapshot at the next start.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#exclusive(async () => {
      this.#closed = true;
      this.#queue.close();
      if (!this.#failed) await this.#snapshot({ engine: true });
    });
    this.#closeFiles();
  }

  #closeFiles(): void {
    this.#queue?.close();
    for (const f of [this.#log, this.#outbox, this.#journal, this.#dead]) f?.close();
    try {
      this.#lock?.close();
    } catch {
      // Already closed.
    }
    this.#lock = null;
  }
}

function scoreFields(row: ScoreRow) {
  return {
    score: row.score,
    tier: row.tier,
    matched_events: row.matchedEvents,
    verified: row.verified,
    reasons: row.reasons.map((r) => ({ rule_id: r.ruleId, points: r.points })),
    scopes: row.scopes,
  };
}
