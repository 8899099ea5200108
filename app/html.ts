/** The notebooks' `html` built-in: Lit template syntax, returning a real DOM element. */
import { html as litHtml, render } from "lit";

/**
 * Renders the template into a detached container and returns its single element, or the
 * container when the template has several top-level nodes. Event bindings (`@input=${f}`)
 * and property bindings (`.rows=${rows}`) work as in Lit.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Element {
  const container = document.createElement("div");
  render(litHtml(strings, ...values), container);
  const elements = container.children;
  const text = [...container.childNodes].some((n) =>
    n.nodeType === Node.TEXT_NODE && n.textContent?.trim()
  );
  return elements.length === 1 && !text ? elements[0] : container;
}

/** Starts a download of `data` as file `name`: nothing leaves the machine, the browser saves it. */
export function download(
  name: string,
  data: string | Uint8Array | Blob,
  type = "application/octet-stream",
): void {
  const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
