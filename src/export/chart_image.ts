/**
 * Chart files outside the browser: Observable Plot figures built in a linkedom document,
 * saved as standalone SVG, and rasterised to PNG with resvg (WebAssembly).
 */
import { createRequire } from "node:module";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { parseHTML } from "linkedom";

/** A TTF that Debian's `fonts-dejavu-core` installs; resvg has no built-in font. */
export const DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/** A DOM `document` for building charts outside a browser (pass it as the `document` option). */
export function chartDocument(): Document {
  return parseHTML("<!doctype html><html><head></head><body></body></html>")
    .document as unknown as Document;
}

/**
 * Standalone SVG text of a chart: the `xmlns` that a DOM leaves implicit is added, and
 * a `<figure>` (Plot adds one around a legend or title) yields its first `<svg>`.
 */
export function chartSvg(figure: Element): string {
  const svg = figure.tagName.toLowerCase() === "svg" ? figure : figure.querySelector("svg");
  if (!svg) throw new TypeError(`Cannot save chart: <${figure.tagName}> holds no <svg>`);
  if (!svg.getAttribute("xmlns")) svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  if (!svg.getAttribute("xmlns:xlink")) {
    svg.setAttribute("xmlns:xlink", "http://www.w3.org/1999/xlink");
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.outerHTML}\n`;
}

export interface ChartPngOptions {
  /** TTF/OTF font file for the text. @default DEFAULT_FONT */
  fontPath?: string;
  /** Pixel scale over the SVG size. @default 2 */
  scale?: number;
  /** @default "white" */
  background?: string;
}

let wasmReady: Promise<void> | null = null;

function initResvg(): Promise<void> {
  wasmReady ??= (async () => {
    const require = createRequire(import.meta.url);
    const path = require.resolve("@resvg/resvg-wasm/index_bg.wasm");
    await initWasm(await Deno.readFile(path));
  })();
  return wasmReady;
}

/**
 * PNG bytes of an SVG text, or `null` with the reason in `warning` when the font file is
 * missing (text would otherwise vanish from the image without notice).
 */
export async function chartPng(
  svg: string,
  options: ChartPngOptions = {},
): Promise<{ png: Uint8Array | null; warning: string | null }> {
  const { fontPath = DEFAULT_FONT, scale = 2, background = "white" } = options;
  if (!(scale > 0)) throw new RangeError(`Cannot render PNG: scale "${scale}" must be positive`);
  let font: Uint8Array;
  try {
    font = await Deno.readFile(fontPath);
  } catch {
    return {
      png: null,
      warning: `PNG skipped: font "${fontPath}" not found (install fonts-dejavu-core)`,
    };
  }
  await initResvg();
  const resvg = new Resvg(svg, {
    background,
    fitTo: { mode: "zoom", value: scale },
    font: { fontBuffers: [font], defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  try {
    return { png: resvg.render().asPng(), warning: null };
  } finally {
    resvg.free();
  }
}
