import { css, html, LitElement, type PropertyValues } from "lit";
import * as Plot from "@observablehq/plot";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";

/**
 * Shows an Observable Plot chart. Give it `options` (Plot options; drawn at the element's
 * width and redrawn on resize) or a ready `figure`. Plot's own `<style>` is moved into an
 * adopted stylesheet so the page can keep a strict Content-Security-Policy.
 *
 * @csspart figure - the wrapper of the chart
 */
export class PlotFigure extends LitElement {
  static override properties = {
    options: { attribute: false },
    figure: { attribute: false },
    label: {},
  };
  /** Plot options, e.g. `{marks: [Plot.barY(rows, {x: "tier", y: "n"})]}`; `width` defaults to the element's. */
  declare options: Plot.PlotOptions | null;
  /** A chart already drawn by `Plot.plot` (or any SVG/HTML element). */
  declare figure: Element | null;
  /** Accessible name of the chart. */
  declare label: string;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        min-width: 0;
      }
      div {
        overflow-x: auto;
      }
    `,
  ];

  private observer?: ResizeObserver;
  private width = 0;
  /** Milliseconds the last draw took, read by the browser benchmark. */
  lastDrawMs = 0;

  constructor() {
    super();
    this.options = null;
    this.figure = null;
    this.label = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.observer = new ResizeObserver(([entry]) => {
      const width = Math.floor(entry.contentRect.width);
      if (this.options && Math.abs(width - this.width) > 8) {
        this.width = width;
        this.draw();
      }
    });
    this.observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
  }

  override render() {
    return html`<div part="figure" role="img" aria-label=${tr(this.label || "chart")}></div>`;
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has("options") || changed.has("figure")) this.draw();
  }

  /** Draws now; returns the drawn element. */
  draw(): Element | null {
    const host = this.renderRoot.querySelector("div");
    if (!host) return null;
    const started = performance.now();
    let figure = this.figure;
    if (this.options) {
      const width = this.width || this.clientWidth || 640;
      figure = Plot.plot({ width, ...this.options });
    }
    host.replaceChildren();
    if (figure) {
      this.adoptStyles(figure);
      host.append(figure);
    }
    this.lastDrawMs = performance.now() - started;
    return figure;
  }

  private ownSheets?: CSSStyleSheet[];

  private adoptStyles(figure: Element): void {
    const root = this.renderRoot as ShadowRoot;
    // The element's own sheets, then only the latest chart's: redraws must not pile up sheets.
    this.ownSheets ??= [...root.adoptedStyleSheets];
    const chartSheets = [...figure.querySelectorAll("style")].map((style) => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(style.textContent ?? "");
      style.remove();
      return sheet;
    });
    root.adoptedStyleSheets = [...this.ownSheets, ...chartSheets];
  }
}

customElements.define("sb-plot-figure", PlotFigure);

declare global {
  interface HTMLElementTagNameMap {
    "sb-plot-figure": PlotFigure;
  }
}
