/**
 * Builds the workbench into a static folder that any static host can serve offline:
 * the bundled app, the DuckDB-WASM engine files, the notebooks and the sample data.
 */
import { createRequire } from "node:module";
import { basename, join } from "node:path";
import { copyFile, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { CONTENT_SECURITY_POLICY } from "./content_security_policy.ts";
import { BUILTIN_NAMES } from "./builtin_names.ts";
import { notebookModule, parseNotebook, translateNotebook } from "../notebook/mod.ts";

/** Languages the notebooks may be translated into, each in `notebooks/<code>/`. */
export const TRANSLATIONS = ["ru"] as const;

/** The DuckDB-WASM files the browser loads; copied at build time, never kept in the repository. */
export const DUCKDB_FILES = [
  "duckdb-eh.wasm",
  "duckdb-mvp.wasm",
  "duckdb-browser-eh.worker.js",
  "duckdb-browser-mvp.worker.js",
] as const;

export interface BuildAppOptions {
  /** Project root holding `app/`, `src/`, `notebooks/` and `data/sample/`. @default the checkout this file is in */
  root?: string;
  /** Folder with the sample CSV files to preload. @default "<root>/data/sample" */
  sampleDir?: string;
  /** Minify the bundle. @default true */
  minify?: boolean;
  /** Called with one line per step, for progress on the terminal. @default no output */
  onStep?: (line: string) => void;
}

/** One notebook page as listed in `manifest.json`. */
export interface ManifestNotebook {
  /** File name under `notebooks/`, e.g. `10_data.md`. */
  file: string;
  /** First `# ` heading of the notebook, or the file name. */
  title: string;
  /**
   * Titles in other languages, by language code (`ru`), for the notebooks translated in
   * `notebooks/<lang>/`; their compiled modules are `notebooks/<lang>/<file>.js`.
   */
  titles?: Record<string, string>;
}

/** What the browser reads first to know the pages and the sample files. */
export interface AppManifest {
  notebooks: ManifestNotebook[];
  /** Sample files under `data/sample/`, e.g. `events.csv`. */
  sample: string[];
  builtAt: string;
}

export interface BuildAppResult {
  outDir: string;
  manifest: AppManifest;
  /** Total size of the output folder in bytes. */
  bytes: number;
}

const defaultRoot = join(import.meta.dirname ?? ".", "..", "..");

/**
 * Builds the static workbench into `outDir` (emptied first). Throws `Error` naming the step
 * when bundling fails or a DuckDB file is missing from `node_modules` (run `deno install`).
 */
export async function buildApp(
  outDir: string,
  options: BuildAppOptions = {},
): Promise<BuildAppResult> {
  const {
    root = defaultRoot,
    sampleDir = join(root, "data", "sample"),
    minify = true,
    onStep = () => {},
  } = options;

  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, "duckdb"), { recursive: true });

  // Notebooks first: a cell that does not parse should stop the build before the slow part.
  onStep("compiling notebooks");
  const notebooks = await compileNotebooks(join(root, "notebooks"), join(outDir, "notebooks"));

  onStep("bundling app/main.ts");
  await bundle(root, outDir, minify);
  await copyFile(join(root, "app", "main.css"), join(outDir, "main.css"));

  onStep("copying DuckDB-WASM files");
  const require = createRequire(join(root, "deno.json"));
  for (const file of DUCKDB_FILES) {
    let from: string;
    try {
      from = require.resolve(`@duckdb/duckdb-wasm/dist/${file}`);
    } catch {
      throw new Error(
        `Cannot build the workbench: DuckDB file "${file}" is not in node_modules; run "deno install" first`,
      );
    }
    await copyFile(from, join(outDir, "duckdb", file));
  }

  onStep("copying sample data");
  const sample = await copyFolder(
    sampleDir,
    join(outDir, "data", "sample"),
    (n) => /\.(csv|xlsx|json|arrow)$/i.test(n),
  );

  const manifest: AppManifest = { notebooks, sample, builtAt: new Date().toISOString() };
  await writeFile(join(outDir, "manifest.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(outDir, "index.html"), indexHtml());
  await writeFile(
    join(outDir, "_headers"),
    `/*\n  Content-Security-Policy: ${CONTENT_SECURITY_POLICY}\n`,
  );
  return { outDir, manifest, bytes: await folderSize(outDir) };
}

async function bundle(root: string, outDir: string, minify: boolean): Promise<void> {
  const args = [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    "--format",
    "esm",
    "--code-splitting",
    ...(minify ? ["--minify"] : []),
    "--outdir",
    outDir,
    // The loader worker and the spreadsheet worker it starts per workbook are entries of
    // their own, sharing chunks with the page.
    join("app", "main.ts"),
    join("app", "data_worker.ts"),
    join("app", "spreadsheet_worker.ts"),
  ];
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    const text = new TextDecoder().decode(stderr).trim();
    throw new Error(`Cannot bundle the workbench (deno bundle exited with ${code}):\n${text}`);
  }
}

/**
 * Copies each `notebooks/*.md` and writes its compiled module `*.js` beside it. Throws
 * `SyntaxError` naming the notebook file and line of a cell that does not parse.
 */
async function compileNotebooks(from: string, to: string): Promise<ManifestNotebook[]> {
  const files = await copyFolder(from, to, (n) => n.endsWith(".md"));
  const out: ManifestNotebook[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(join(from, file));
    const label = `notebooks/${file}`;
    const notebook = parseNotebook(text, label);
    await writeFile(
      join(to, file.replace(/\.md$/, ".js")),
      notebookModule(notebook, BUILTIN_NAMES, label),
    );
    const titles: Record<string, string> = {};
    for (const lang of TRANSLATIONS) {
      let translation: string;
      try {
        translation = await Deno.readTextFile(join(from, lang, file));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) continue;
        throw err;
      }
      const translatedLabel = `notebooks/${lang}/${file}`;
      const translated = translateNotebook(notebook, translation, translatedLabel);
      await mkdir(join(to, lang), { recursive: true });
      await writeFile(
        join(to, lang, file.replace(/\.md$/, ".js")),
        notebookModule(translated, BUILTIN_NAMES, translatedLabel),
      );
      titles[lang] = translated.title;
    }
    out.push({
      file,
      title: notebook.title || basename(file, ".md"),
      ...(Object.keys(titles).length ? { titles } : {}),
    });
  }
  return out;
}

/** Copies the files `keep` accepts (not recursive); returns their sorted names. A missing folder copies nothing. */
async function copyFolder(
  from: string,
  to: string,
  keep: (name: string) => boolean,
): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(from)).filter(keep).sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  await mkdir(to, { recursive: true });
  for (const name of names) await copyFile(join(from, name), join(to, name));
  return names;
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderSize(path) : (await stat(path)).size;
  }
  return total;
}

function indexHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>scorebench</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="./main.css">
<script type="module" src="./main.js"></script>
</head>
<body>
<sb-app-shell></sb-app-shell>
<noscript>The scorebench workbench needs JavaScript.</noscript>
</body>
</html>
`;
}
