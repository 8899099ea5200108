/**
 * `deno task cli serve`: runs a config as a scoring service. Events arrive over HTTP, are
 * logged durably in `--data`, scored incrementally, and trigger firings go to webhooks or
 * the outbox file. See `docs/serve.md`.
 */
import { readConfigFile } from "../config/mod.ts";
import type { ContactRow, VerificationRow } from "../data/types.ts";
import { createServeHandler } from "../serve/serve_handler.ts";
import { ScoringService } from "../serve/scoring_service.ts";
import { type ConfigWatch, watchConfigFile } from "../serve/watch_config_file.ts";
import { type FlagSpec, parseFlags, runCommand, UsageError } from "./_args.ts";
import { LOAD_FLAGS, loadFromFlags, loadOptionsFromFlags } from "./_load_flags.ts";

const SUMMARY = "runs a config as an HTTP scoring service with durable events and triggers";

const FLAGS: Record<string, FlagSpec> = {
  config: { help: "Scoring config (scorebench.config/v1 JSON).", required: true },
  data: {
    help:
      "Folder of the event log, snapshot, outbox, delivery journal and dead letters (default: serve-data).",
  },
  port: { help: "TCP port; 0 picks a free one (default: 8787)." },
  host: {
    help:
      "Address to bind (default: 127.0.0.1). Any other address needs a bearer token in the variable named by --token-env.",
  },
  contacts: {
    help: "Contacts file: only these contacts are scored, events of others are refused.",
  },
  verification: { help: "Verification file (contact_id, phone or email)." },
  "token-env": {
    help:
      "Environment variable holding the bearer token clients must send (default: SCOREBENCH_TOKEN).",
  },
  "secret-env": {
    help:
      "Environment variable holding the webhook signing secret (default: SCOREBENCH_WEBHOOK_SECRET).",
  },
  "allow-unsigned": {
    help: "Send webhooks unsigned when no secret is set (otherwise webhook triggers are refused).",
    boolean: true,
  },
  "max-body-bytes": { help: "Largest request body in bytes (default: 4194304)." },
  "max-events": { help: "Most events in one POST /events (default: 10000)." },
  "max-attempts": { help: "Webhook attempts before a dead letter (default: 8)." },
  "watch-config": {
    help:
      "Watch the --config file and switch to each saved version as PUT /config does; a file with problems is refused (logged) and the config in force stays.",
    boolean: true,
  },
  "retain-days": {
    help:
      'Log compaction: drop log segments covered by the saved engine state once their events are this many days older than the latest event; "all" keeps every segment (default: the config\'s lookback days).',
  },
  "snapshot-every": {
    help:
      "A snapshot after this many events (and at least each minute with events; default: 250000).",
  },
  "engine-state-every": {
    help:
      "The engine state is saved with a snapshot once this many events came since the last save (default: 1000000).",
  },
  "segment-mb": {
    help: "Size at which a new log segment is started, in MiB; fractions allowed (default: 64).",
  },
  "retry-base-ms": {
    help: "First retry delay in ms, doubled each attempt, with jitter (default: 500).",
  },
  ...LOAD_FLAGS,
};

function intFlag(flags: Record<string, unknown>, name: string, fallback: number, min = 0): number {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} "${v}" must be an integer of at least ${min}`);
  }
  return n;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
}

export function run(args: string[]): Promise<number> {
  return runCommand(async () => {
    const flags = parseFlags("serve", SUMMARY, FLAGS, args);
    if (flags === null) return 0;
    const host = typeof flags.host === "string" ? flags.host : "127.0.0.1";
    const port = intFlag(flags, "port", 8787);
    if (port > 65535) throw new UsageError(`--port "${port}" must be at most 65535`);
    const tokenEnv = typeof flags["token-env"] === "string"
      ? flags["token-env"]
      : "SCOREBENCH_TOKEN";
    const secretEnv = typeof flags["secret-env"] === "string"
      ? flags["secret-env"]
      : "SCOREBENCH_WEBHOOK_SECRET";
    const token = Deno.env.get(tokenEnv) || null;
    if (!isLoopback(host) && token === null) {
      throw new UsageError(
        `Binding to "${host}" exposes the service beyond this machine: set a bearer token in ${tokenEnv} (clients send "Authorization: Bearer <token>")`,
      );
    }
    const secret = Deno.env.get(secretEnv) || null;
    const dataDir = typeof flags.data === "string" ? flags.data : "serve-data";

    const { config } = await readConfigFile(String(flags.config));
    let contacts: ContactRow[] | undefined;
    if (typeof flags.contacts === "string") {
      contacts = (await loadFromFlags("contacts", flags.contacts, flags)).rows;
    }
    let verification: VerificationRow[] | undefined;
    if (typeof flags.verification === "string") {
      verification = (await loadFromFlags("verification", flags.verification, flags)).rows;
    }
    let retain: number | null | undefined;
    if (flags["retain-days"] === "all") retain = null;
    else if (flags["retain-days"] !== undefined) {
      retain = Number(flags["retain-days"]);
      if (!Number.isFinite(retain) || retain < 0) {
        throw new UsageError(
          `--retain-days "${
            flags["retain-days"]
          }" must be a number of days of at least 0, or "all"`,
        );
      }
    }
    const segmentMb = flags["segment-mb"] === undefined ? 64 : Number(flags["segment-mb"]);
    if (!(segmentMb > 0 && segmentMb <= 4096)) {
      throw new UsageError(
        `--segment-mb "${flags["segment-mb"]}" must be a number above 0, at most 4096`,
      );
    }
    const segmentBytes = Math.max(1, Math.round(segmentMb * 1_048_576));
    // Fault tests end the process (as kill -9 would) at a named step: SCOREBENCH_SERVE_CRASH_AT=step[:n].
    const crash = Deno.env.get("SCOREBENCH_SERVE_CRASH_AT");
    let onStep: ((step: string) => void) | undefined;
    if (crash) {
      const [at, nth = "1"] = crash.split(":");
      let seen = 0;
      onStep = (step) => {
        if (step === at && ++seen === Number(nth)) Deno.kill(Deno.pid, "SIGKILL");
      };
    }
    const started = performance.now();
    const service = await ScoringService.open({
      dataDir,
      config,
      contacts,
      verification,
      webhookSecret: secret,
      eventLoadOptions: loadOptionsFromFlags("events", flags),
      allowUnsigned: flags["allow-unsigned"] === true,
      delivery: {
        maxAttempts: intFlag(flags, "max-attempts", 8, 1),
        baseDelayMs: intFlag(flags, "retry-base-ms", 500),
        maxDelayMs: Math.max(60_000, intFlag(flags, "retry-base-ms", 500)),
      },
      onNotice: (m) => console.error(`  notice: ${m}`),
      logRetentionDays: retain,
      snapshotEveryEvents: intFlag(flags, "snapshot-every", 250_000, 1),
      engineStateEveryEvents: intFlag(flags, "engine-state-every", 1_000_000, 1),
      segmentBytes,
      onStep,
    });
    let watch: ConfigWatch | null = null;
    if (flags["watch-config"] === true) {
      watch = watchConfigFile(service, String(flags.config), {
        onNotice: (m) => console.error(`  config: ${m}`),
      });
    }
    const handler = createServeHandler(service, {
      token,
      maxBodyBytes: intFlag(flags, "max-body-bytes", 4_194_304, 1),
      maxEvents: intFlag(flags, "max-events", 10_000, 1),
    });
    const opened = ((performance.now() - started) / 1000).toFixed(1);
    const { fromEngineState, replayed } = service.startup;
    const done = Promise.withResolvers<void>();
    const server = Deno.serve({
      hostname: host,
      port,
      onListen: ({ hostname, port }) => {
        const shown = hostname.includes(":") ? `[${hostname}]` : hostname;
        console.log(
          `Listening on http://${shown}:${port}/ (config "${config.name}" version ${service.configVersion}, ${service.eventCount} events in ${dataDir}, opened in ${opened} s: ${fromEngineState} from the saved engine state, ${replayed} replayed; ${service.queueLength} webhook(s) owed)`,
        );
      },
    }, handler);
    const stop = () => done.resolve();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
    await done.promise;
    console.error("Stopping: finishing the requests in hand, writing a snapshot");
    watch?.close();
    await server.shutdown();
    await service.close();
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
    return 0;
  });
}
