/** Deno side of the workbench: the static build and the local server. */
export { buildApp, DUCKDB_FILES } from "./build_app.ts";
export type {
  AppManifest,
  BuildAppOptions,
  BuildAppResult,
  ManifestNotebook,
} from "./build_app.ts";
export { MIME_TYPES, serveFile, serveStatic } from "./serve_static.ts";
export type { ServeStaticOptions, StaticServer } from "./serve_static.ts";
export { CONTENT_SECURITY_POLICY } from "./content_security_policy.ts";
