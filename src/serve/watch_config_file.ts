/**
 * `cli serve --watch-config`: the config file is watched, and a saved change is switched to
 * as `PUT /config` switches (the same checks, the same atomic swap, logged as a new
 * version). A file that does not parse or breaks the schema is refused with its problems
 * by JSON path, under the file's name, and the config in force stays.
 */
import { basename, dirname, resolve } from "node:path";
import { ConfigError } from "../config/config_error.ts";
import { readConfigFile } from "../config/read_config_file.ts";
import { serializeConfig, toConfigSpec } from "../config/serialize_config.ts";
import { type ConfigChangeAnswer, type ScoringService, ServeError } from "./scoring_service.ts";

/** How `watchConfigFile` reports and how long it lets a save settle. */
export interface WatchConfigOptions {
  /** Quiet time after the last change before the file is read. @default 200 */
  debounceMs?: number;
  /** Where switches and refusals are told. @default console.error */
  onNotice?: (message: string) => void;
  /** Called after each attempt: the answer of a switch, or the error that refused the file. */
  onResult?: (result: ConfigChangeAnswer | Error | null) => void;
}

/** A running watch: `close` stops it; `idle` resolves once no read or switch is under way. */
export interface ConfigWatch {
  /** Stops watching (a switch under way finishes). */
  close(): void;
  /** Resolves when no change is waiting or being applied. */
  idle(): Promise<void>;
}

/**
 * Watches `path` (its folder, so an editor's save by rename is seen too) and switches
 * `service` to each new version of the file. An unchanged config (same content once
 * parsed) is ignored.
 */
export function watchConfigFile(
  service: ScoringService,
  path: string,
  options: WatchConfigOptions = {},
): ConfigWatch {
  const { debounceMs = 200, onNotice = (m) => console.error(m), onResult = () => {} } = options;
  const file = resolve(path);
  const name = basename(file);
  const watcher = Deno.watchFs(dirname(file), { recursive: false });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let waiting = false;
  let closed = false;

  async function apply(): Promise<void> {
    let parsed;
    try {
      parsed = await readConfigFile(path);
    } catch (err) {
      if (err instanceof ConfigError) {
        onNotice(`${err.message}\n  Keeping config version ${service.configVersion}`);
        onResult(err);
        return;
      }
      throw err;
    }
    if (serializeConfig(parsed.config) === serializeConfig(service.config)) {
      onResult(null);
      return;
    }
    try {
      const answer = await service.changeConfig(toConfigSpec(parsed.config));
      onNotice(
        `Config "${path}" changed: switched to version ${answer.version} ("${answer.name}"), ${answer.moved.count} contact(s) move tier`,
      );
      onResult(answer);
    } catch (err) {
      const e = err as Error;
      const problems = (err instanceof ServeError &&
        (err.details as { problems?: ConfigError["problems"] })?.problems) || null;
      const message = problems ? new ConfigError(problems, path).message : e.message;
      onNotice(
        `Config "${path}" not switched to: ${message}\n  Keeping config version ${service.configVersion}`,
      );
      onResult(e);
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    waiting = true;
    timer = setTimeout(() => {
      running = running.then(async () => {
        waiting = false;
        if (closed) return;
        try {
          await apply();
        } catch (err) {
          onNotice(`Config "${path}": ${(err as Error).message}`);
          onResult(err as Error);
        }
      });
    }, debounceMs);
  }

  (async () => {
    try {
      for await (const event of watcher) {
        if (event.kind === "access") continue;
        if (event.paths.some((p) => basename(p) === name && resolve(p) === file)) schedule();
      }
    } catch (err) {
      if (!closed) onNotice(`Stopped watching "${path}": ${(err as Error).message}`);
    }
  })();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      try {
        watcher.close();
      } catch {
        // Already closed.
      }
    },
    async idle() {
      for (;;) {
        const r = running;
        await r;
        if (!waiting && r === running) return;
        await new Promise((res) => setTimeout(res, debounceMs));
      }
    },
  };
}
