/**
 * The scoring service: the incremental engine behind HTTP, with a durable event log,
 * snapshots, trigger delivery (signed webhooks with retries, an outbox file for other
 * actions) and Prometheus metrics. `deno task cli serve` runs it; `docs/serve.md` is the guide.
 *
 * @module
 */
export {
  type ConfigChangeAnswer,
  type ContactAnswer,
  DATA_FILES,
  type DeliverySettings,
  firingKey,
  type FiringRecord,
  type IngestResult,
  type RejectedEvent,
  ScoringService,
  type ScoringServiceOptions,
  ServeError,
  type StartupReport,
  triggerProblems,
} from "./scoring_service.ts";
export { type EngineStateMark, readEngineState, writeEngineState } from "./engine_state_file.ts";
export { createServeHandler, type ServeHandlerOptions } from "./serve_handler.ts";
export {
  LEGACY_LOG,
  listSegments,
  logLines,
  type LogSegment,
  SegmentedLog,
  segmentName,
  syncDir,
} from "./segmented_log.ts";
export { type ConfigWatch, watchConfigFile, type WatchConfigOptions } from "./watch_config_file.ts";
export {
  backoffDelay,
  type Delivery,
  DeliveryError,
  DeliveryQueue,
  type DeliveryQueueOptions,
} from "./delivery_queue.ts";
export {
  createWebhookSender,
  signWebhook,
  WEBHOOK_HEADERS,
  type WebhookSenderOptions,
} from "./webhook.ts";
export { Counter, Histogram, type Labels, LATENCY_BUCKETS, MetricsRegistry } from "./metrics.ts";
export {
  NdjsonAppender,
  ndjsonLines,
  type NdjsonReadEnd,
  readNdjsonFile,
  type ReadNdjsonOptions,
} from "./ndjson_file.ts";
