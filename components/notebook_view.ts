import { css, html, LitElement, type PropertyValues } from "lit";
import { keyed } from "lit/directives/keyed.js";
import type {
  CompiledCell,
  CompiledNotebook,
  NotebookRun,
  RunNotebookOptions,
} from "../src/notebook/mod.ts";
import { runNotebook } from "../src/notebook/mod.ts";
import { renderMarkdown } from "../src/notebook/render_markdown.ts";
import { baseStyles } from "./_styles.ts";
import { tr } from "./_lang.ts";

/** One line saying what a non-element value is, e.g. `Array(1200)` or `{high, medium}`. */
export function summarizeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  }
  if (value instanceof Map || value instanceof Set) {
    return `${value.constructor.name}(${value.size})`;
  }
  if (typeof value === "function") return "ƒ()";
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value);
    return `{${keys.slice(0, 6).join(", ")}${keys.length > 6 ? ", …" : ""}}`;
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/**
 * Shows and runs one notebook: prose rendered, each code cell's output (an element, or a
 * one-line summary of its value) in place, errors named with the notebook line, and a
 * progress bar with the step while a cell waits for long work that reports it. Changing
 * `notebook` stops the previous run.
 *
 * @fires cell-error - `detail: {name, line, message}` when a cell fails
 * @csspart cell - each cell's section
 */
export class NotebookView extends LitElement {
  static override properties = {
    notebook: { attribute: false },
    options: { attribute: false },
    file: {},
  };
  /** The compiled notebook to run. */
  declare notebook: CompiledNotebook | null;
  /** Built-ins and the SQL cell factory. */
  declare options: RunNotebookOptions;
  /** Notebook file name, used in error messages. */
  declare file: string;

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 1200px;
      }
      section {
        margin: 0.8em 0;
      }
      section.code {
        border-left: 3px solid #e2e6ee;
        padding-left: 0.8em;
      }
      section.code.pending {
        border-left-color: #f0a500;
      }
      /* Heavy cells run for seconds in the worker: say so, above the previous output. */
      section.code.pending:not(.progressing)::before {
        content: "computing…";
        display: block;
        font-size: 12px;
        color: #8a5a00;
      }
      .progress {
        display: none;
        align-items: center;
        gap: 0.6em;
        font-size: 12px;
        color: #8a5a00;
      }
      section.code.pending.progressing .progress {
        display: flex;
      }
      .progress progress {
        width: 14em;
        accent-color: #f0a500;
      }
      .name {
        font: 12px ui-monospace, monospace;
        color: #5a6478;
      }
      pre {
        background: #f4f6fa;
        padding: 0.6em;
        overflow-x: auto;
      }
      code {
        font: 13px ui-monospace, monospace;
      }
    `,
  ];

  private run: NotebookRun | null = null;

  constructor() {
    super();
    this.notebook = null;
    this.options = {};
    this.file = "notebook";
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.run?.dispose();
    this.run = null;
  }

  override render() {
    if (!this.notebook) return html`<p class="muted">${tr("Loading notebook…")}</p>`;
    // Keyed: another notebook gets fresh sections, never the previous page's outputs.
    return keyed(
      this.notebook,
      html`${
        this.notebook.cells.map((cell, i) =>
          cell.kind === "md"
            ? html`<section part="cell" class="prose" data-index=${i}></section>`
            : html`
              <section part="cell" class="code" data-index=${i} data-cell=${cell.name ?? ""}
                aria-label=${cell.name ? `cell ${cell.name}` : `cell ${i + 1}`}>
                <div class="progress">
                  <progress max="1" value="0" aria-label=${`progress of ${
                    cell.name ?? `cell ${i + 1}`
                  }`}></progress>
                  <span class="phase"></span>
                </div>
                <div class="out"></div>
              </section>
            `
        )
      }`,
    );
  }

  protected override updated(changed: PropertyValues): void {
    if (!changed.has("notebook") && !changed.has("options")) return;
    this.run?.dispose();
    this.run = null;
    if (!this.notebook) return;
    const sections = this.renderRoot.querySelectorAll<HTMLElement>("section");
    this.notebook.cells.forEach((cell, i) => {
      if (cell.kind === "md") sections[i].innerHTML = renderMarkdown(cell.source);
    });
    this.run = runNotebook(this.notebook, {
      ...this.options,
      observe: (cell, i) => this.observer(cell, sections[i]),
    });
  }

  private observer(cell: CompiledCell, section: HTMLElement) {
    const out = section.querySelector(".out")!;
    const bar = section.querySelector("progress")!;
    const phase = section.querySelector(".phase")!;
    const settle = () => section.classList.remove("pending", "progressing");
    return {
      pending: () => {
        section.classList.remove("progressing");
        section.classList.add("pending");
      },
      // Long worker tasks (calibration, replays) report steps; a late report after the cell
      // settled is dropped.
      progress: (fraction: number, label: string) => {
        if (!section.classList.contains("pending")) return;
        section.classList.add("progressing");
        bar.value = fraction;
        phase.textContent = `${label ? `${label} · ` : ""}${Math.round(fraction * 100)} %`;
        // Read out by a screen reader with the bar, without a live region for every step.
        bar.setAttribute("aria-valuetext", phase.textContent);
      },
      fulfilled: (value: unknown) => {
        settle();
        if (value instanceof Node) out.replaceChildren(value);
        else if (cell.name) {
          // A named value feeds other cells; its internals are not for the reader (the
          // `show-values` attribute shows them, when writing a notebook).
          if (!this.hasAttribute("show-values")) return out.replaceChildren();
          const line = document.createElement("div");
          line.className = "name";
          line.textContent = `${cell.name} = ${summarizeValue(value)}`;
          out.replaceChildren(line);
        } else if (value === undefined) out.replaceChildren();
        else out.replaceChildren(document.createTextNode(summarizeValue(value)));
      },
      rejected: (error: unknown) => {
        settle();
        const message = error instanceof Error ? error.message : String(error);
        // A failed cell fails every cell that reads it with the same error: say it once.
        const shown = [...this.renderRoot.querySelectorAll(".out .error")].some((b) =>
          b !== out.firstChild && (b as HTMLElement).dataset.message === message
        );
        if (shown) return out.replaceChildren();
        const box = document.createElement("div");
        box.className = "error";
        box.setAttribute("role", "alert");
        box.dataset.message = message;
        box.textContent = message;
        const where = document.createElement("small");
        where.className = "muted";
        where.textContent = ` (${
          cell.name ? `cell "${cell.name}", ` : ""
        }${this.file}:${cell.line})`;
        box.append(where);
        out.replaceChildren(box);
        this.dispatchEvent(
          new CustomEvent("cell-error", { detail: { name: cell.name, line: cell.line, message } }),
        );
      },
    };
  }
}

customElements.define("sb-notebook-view", NotebookView);

declare global {
  interface HTMLElementTagNameMap {
    "sb-notebook-view": NotebookView;
  }
}
