/** A minimal zip writer for the test corpus: SheetJS would refuse to write the hostile workbooks. */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(
    new CompressionStream("deflate-raw"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), o += p.length;
  return out;
}

/** A zip of `files`, deflated (entries named in `stored` are stored as they are). */
export async function zip(
  files: [string, Uint8Array][],
  stored: string[] = [],
): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const method = stored.includes(name) ? 0 : 8;
    const packed = method === 0 ? data : await deflate(data);
    const nameBytes = enc.encode(name);
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc32(data), true);
    lv.setUint32(18, packed.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    const central = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc32(data), true);
    cv.setUint32(20, packed.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    central.set(nameBytes, 46);
    locals.push(local, packed);
    centrals.push(central);
    offset += local.length + packed.length;
  }
  const cd = join(...centrals);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, files.length, true);
  ev.setUint16(10, files.length, true);
  ev.setUint32(12, cd.length, true);
  ev.setUint32(16, offset, true);
  return join(...locals, cd, end);
}

const ODS_NS =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"';

/** The `content.xml` (or flat `.fods` body) of an ODS with `rowsXml` inside its one table. */
export function odsContent(rowsXml: string, flat = false): string {
  const root = flat ? "office:document" : "office:document-content";
  const mime = flat ? ' office:mimetype="application/vnd.oasis.opendocument.spreadsheet"' : "";
  return `<?xml version="1.0" encoding="UTF-8"?><${root} ${ODS_NS}${mime}><office:body><office:spreadsheet><table:table table:name="Events">${rowsXml}</table:table></office:spreadsheet></office:body></${root}>`;
}

/** An ODS package around `content`. */
export function ods(content: string): Promise<Uint8Array> {
  const enc = new TextEncoder();
  return zip([
    ["mimetype", enc.encode("application/vnd.oasis.opendocument.spreadsheet")],
    [
      "META-INF/manifest.xml",
      enc.encode(
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
      ),
    ],
    ["content.xml", enc.encode(content)],
    [
      "styles.xml",
      enc.encode(
        `<?xml version="1.0" encoding="UTF-8"?><office:document-styles ${ODS_NS}></office:document-styles>`,
      ),
    ],
  ], ["mimetype"]);
}

/** One ODS row of string cells. */
export function odsRow(cells: string[], attrs = ""): string {
  return `<table:table-row${attrs}>${
    cells.map((c) => `<table:table-cell office:value-type="string"><text:p>${c}</text:p></table:table-cell>`)
      .join("")
  }</table:table-row>`;
}
