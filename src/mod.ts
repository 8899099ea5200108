/**
 * scorebench: lead-scoring config and rule engine.
 *
 * @module
 */
export * from "./config/mod.ts";
export * from "./engine/mod.ts";
