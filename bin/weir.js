#!/usr/bin/env node
// The `weir` command. Weir ships TypeScript sources and has no build step, so this launcher decides how to load
// src/cli/main.ts:
//
//   fast path (default) ── node_modules/.cache/weir-cli/manifest.json lists every source file of the CLI bundle
//   │                      with its mtime and size; all unchanged → import the cached ESM bundle directly.
//   │                      Changed or missing → bundle src/cli/main.ts with esbuild (tsx's own compiler, ~0.1 s,
//   │                      dependencies stay external), write it atomically, import it.
//   └ source path ──────── tsx's ESM loader, then src/cli/main.ts. Used for `weir run` (the user's pipeline
//                          imports Weir from source and must share its module instances), for `--verbose` (stack
//                          traces point at the .ts files), with WEIR_CLI_NO_CACHE=1, and whenever the fast path
//                          cannot be used (no esbuild, read-only install, code that depends on import.meta).
//
// Why: tsx's loader costs ~0.25 s per start on a 2-core machine; the cached bundle starts in roughly the time of
// a plain Node script that opens DuckDB (issue target: `weir sql "select 42"` ≤ 400 ms). The cache is a pure
// function of the sources it lists, so it can never run stale code.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = path.join(root, "src", "cli", "main.ts");
const cacheDir = path.join(root, "node_modules", ".cache", "weir-cli");
const argv = process.argv.slice(2);
const version = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;

// Prepended to the bundle: import.meta.resolve() as seen from each source file (see keepModuleLocations).
const RESOLVE_BANNER = "const __weirResolve = (base, s) => (/^\\.{0,2}\\//.test(s) ? new URL(s, base).href : import.meta.resolve(s));";
const needsSource = argv.includes("run") || argv.includes("--verbose") || process.env.WEIR_CLI_NO_CACHE === "1";
const main = (needsSource ? undefined : await loadBundled().catch(debug)) ?? (await loadFromSource());
process.exitCode = await main(argv, { version });

/** Why the fast path was not taken, with WEIR_CLI_DEBUG=1. */
function debug(reason) {
  if (process.env.WEIR_CLI_DEBUG === "1") process.stderr.write(`weir: loading the CLI from source: ${reason?.stack ?? reason}\n`);
  return undefined;
}

async function loadFromSource() {
  const { register } = await import("tsx/esm/api");
  register();
  return (await import(pathToFileURL(entry).href)).main;
}

async function loadBundled() {
  const cached = readManifest();
  if (cached && isFresh(cached)) return (await import(pathToFileURL(path.join(cacheDir, cached.bundle)).href)).main;
  const built = await buildBundle();
  return built ? (await import(pathToFileURL(path.join(cacheDir, built)).href)).main : undefined;
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(path.join(cacheDir, "manifest.json"), "utf8"));
  } catch {
    return undefined;
  }
}

function isFresh(manifest) {
  if (manifest.format !== 1 || manifest.node !== process.versions.node || !Array.isArray(manifest.inputs)) return false;
  try {
    return manifest.inputs.every(([rel, mtimeMs, size]) => {
      const s = statSync(path.join(root, rel));
      return s.mtimeMs === mtimeMs && s.size === size;
    });
  } catch {
    return false; // a listed source was deleted
  }
}

async function buildBundle() {
  const started = Date.now();
  const state = { unsupported: false };
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [entry], absWorkingDir: root, bundle: true, write: false, metafile: true, logLevel: "silent",
    platform: "node", format: "esm", target: `node${process.versions.node.split(".")[0]}`, packages: "external",
    plugins: [keepModuleLocations(state)], banner: { js: RESOLVE_BANNER },
  });
  const code = result.outputFiles[0].text;
  // Another use of import.meta would see the cache directory instead of the source file: run from source.
  if (state.unsupported) return debug("a source file uses an import.meta property other than url/filename/dirname/resolve");
  // Only files under src/ can change between runs; dependencies are external and resolved by Node.
  const inputs = Object.keys(result.metafile.inputs).map((rel) => {
    const s = statSync(path.join(root, rel));
    return [rel, s.mtimeMs, s.size];
  });
  const bundle = `cli-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`;
  mkdirSync(cacheDir, { recursive: true });
  writeAtomic(path.join(cacheDir, bundle), code);
  // A source edited while esbuild read it could be recorded with its new mtime but old content: don't cache then.
  if (inputs.every(([, mtimeMs]) => mtimeMs < started - 2000)) {
    writeAtomic(path.join(cacheDir, "manifest.json"), JSON.stringify({ format: 1, node: process.versions.node, bundle, inputs }));
  }
  removeOldBundles(bundle);
  return bundle;
}

/**
 * Keep each source file's own location in the bundle: in code (not in strings or comments) `import.meta.url`,
 * `.filename` and `.dirname` become the .ts file's literal URL and paths, and `import.meta.resolve(s)` resolves
 * relative specifiers against the .ts file (bare ones resolve from the bundle, which lives under the same
 * node_modules). A file using any other `import.meta` property makes the whole bundle unusable (`unsupported`).
 */
function keepModuleLocations(state) {
  return {
    name: "weir-keep-module-locations",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta")) return undefined;
        const url = pathToFileURL(args.path).href;
        const { code } = await build.esbuild.transform(text, {
          loader: "ts", format: "esm", sourcefile: args.path, target: build.initialOptions.target,
          define: {
            "import.meta.url": JSON.stringify(url),
            "import.meta.filename": JSON.stringify(args.path),
            "import.meta.dirname": JSON.stringify(path.dirname(args.path)),
            "import.meta.resolve": "__weirResolve",
            "import.meta": "__weirImportMeta",
          },
        });
        if (code.includes("__weirImportMeta")) state.unsupported = true;
        return { contents: code.replaceAll("__weirResolve(", `__weirResolve(${JSON.stringify(url)}, `), loader: "js", resolveDir: path.dirname(args.path) };
      });
    },
  };
}

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function removeOldBundles(keep) {
  const hourAgo = Date.now() - 3600_000;
  for (const name of readdirSync(cacheDir)) {
    if (name === keep || !name.startsWith("cli-")) continue;
    const file = path.join(cacheDir, name);
    try {
      if (statSync(file).mtimeMs < hourAgo) rmSync(file, { force: true });
    } catch {
      // another weir process removed it first
    }
  }
}
