/**
 * Chart pictures in the browser: a Plot figure drawn on a canvas and saved as PNG, for the
 * XLSX report (outside the browser, `src/export/chart_image.ts` does the same with resvg).
 */

/** PNG bytes of `figure` (an `<svg>`, or a `<figure>` holding one) at `scale` times its size. */
export async function chartPngInBrowser(
  figure: Element,
  width: number,
  height: number,
  scale = 2,
): Promise<Uint8Array> {
  const svg = (figure.tagName.toLowerCase() === "svg" ? figure : figure.querySelector("svg"))
    ?.cloneNode(true) as SVGSVGElement | null;
  if (!svg) throw new TypeError(`Cannot draw chart: <${figure.tagName}> holds no <svg>`);
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  const text = new XMLSerializer().serializeToString(svg);
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext("2d");
    if (!context) throw new Error("Cannot draw chart: this browser gave no 2D canvas");
    context.fillStyle = "white";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
    if (!blob) throw new Error("Cannot draw chart: the canvas gave no PNG");
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}
