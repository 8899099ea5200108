/**
 * The one Content-Security-Policy of the workbench, sent as a header by the dev server and
 * written as a `<meta>` tag into `index.html` so any static host enforces it too.
 *
 * Only the page's own origin: `'wasm-unsafe-eval'` lets DuckDB compile its WebAssembly,
 * `blob:` workers and downloads are local objects, and `connect-src 'self'` is what keeps
 * every byte of the analyst's data on the machine.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join("; ");
