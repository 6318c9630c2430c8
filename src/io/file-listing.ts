/**
 * Input file listing for Spark-like readers: files, directories (recursive) and globs, Spark's hidden-file
 * rules, `pathGlobFilter`, `modifiedAfter`/`modifiedBefore`, and hive partition discovery.
 */
import { readdir, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { glob, isDynamicPattern } from "tinyglobby";
import { IoError, WeirError } from "../errors/index.js";
import { COMMIT_JOURNAL, recoverOutput } from "./commit-journal.js";
import { discoverPartitions, type PartitionColumn } from "./partition-discovery.js";

/** Options of {@link listInputFiles}, named as Spark's reader options. @example `{ pathGlobFilter: "*.csv" }` */
export interface ListInputFilesOptions {
  /** Read every file below the paths and discover no partition columns (Spark `recursiveFileLookup`). */
  recursiveFileLookup?: boolean;
  /** Keep only files whose name matches this glob (Spark `pathGlobFilter`, e.g. `"*.parquet"`). */
  pathGlobFilter?: string;
  /** Keep files modified strictly after this instant; strings are ISO (`2024-06-01T08:00:00`, local time without a zone). */
  modifiedAfter?: Date | string;
  /** Keep files modified strictly before this instant; same formats as `modifiedAfter`. */
  modifiedBefore?: Date | string;
  /** The directory partition discovery starts below (Spark `basePath`); must be an ancestor of every path. */
  basePath?: string;
  /** Directory relative paths are resolved against; defaults to `process.cwd()`. */
  cwd?: string;
}

/** One input file. @example `{ path: "/d/day=2024-01-01/a.csv", size: 120, mtimeMs: 1.7e12, partitionValues: { day: "2024-01-01" } }` */
export interface InputFile {
  /** Absolute path. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Raw (unescaped) partition values by column; `null` for `__HIVE_DEFAULT_PARTITION__`. */
  readonly partitionValues: Readonly<Record<string, string | null>>;
}

/** The result of {@link listInputFiles}. @example `const { files, partitionColumns } = await listInputFiles("data")` */
export interface InputFileListing {
  /** Sorted by path. */
  readonly files: readonly InputFile[];
  /** Partition columns in directory order with their inferred types (empty without `k=v` directories). */
  readonly partitionColumns: readonly PartitionColumn[];
}

/**
 * Whether a file or directory name is hidden from readers, as Spark's `InMemoryFileIndex` decides: names
 * starting with `.`, names starting with `_` unless they contain `=` (so `_SUCCESS`, `_temporary`, `_delta_log`
 * and Weir's `_weir_commit.json` are hidden, `_k=v` is not), and `._COPYING_` files.
 *
 * @example
 * ```ts
 * isHiddenName("_SUCCESS"); // true
 * isHiddenName("day=2024-01-01"); // false
 * ```
 */
export function isHiddenName(name: string): boolean {
  return name.startsWith(".") || (name.startsWith("_") && !name.includes("=")) || name.endsWith("._COPYING_");
}

interface Found {
  abs: string;
  stats: Stats;
  base: string;
}

/**
 * List the input files of a read. Paths may be files, directories (listed recursively, hidden entries skipped)
 * or globs (tinyglobby syntax; the base path of a glob is its static prefix, so `data/*\/*.csv` discovers
 * `data/day=…/` partitions). Interrupted Weir commits in the listed outputs are completed first, so a reader
 * never sees half-published output. A path or glob that matches nothing fails with `WEIR_PATH_NOT_FOUND`.
 *
 * @example
 * ```ts
 * const { files, partitionColumns } = await listInputFiles(["sales/", "archive/*.parquet"], {
 *   pathGlobFilter: "*.parquet",
 *   modifiedAfter: "2024-06-01T00:00:00",
 * });
 * // partitionColumns: [{ name: "day", type: { kind: "date" } }]; files[0].partitionValues: { day: "2024-06-02" }
 * ```
 */
export async function listInputFiles(paths: string | readonly string[], options: ListInputFilesOptions = {}): Promise<InputFileListing> {
  const list = typeof paths === "string" ? [paths] : [...paths];
  if (list.length === 0) {
    throw new IoError("WEIR_INVALID_ARGUMENT", "Listing input files failed: no path was given", { hint: "pass at least one file, directory or glob" });
  }
  const cwd = options.cwd ?? process.cwd();
  const after = toInstant(options.modifiedAfter, "modifiedAfter");
  const before = toInstant(options.modifiedBefore, "modifiedBefore");
  const nameFilter = options.pathGlobFilter ? picomatch(options.pathGlobFilter, { dot: true }) : undefined;
  const basePath = options.basePath === undefined ? undefined : path.resolve(cwd, options.basePath);

  // Readers complete interrupted commits before listing and list again if one appeared meanwhile.
  let found: Found[] = [];
  for (let attempt = 0; ; attempt++) {
    const journals = new Set<string>();
    const roots = new Set<string>();
    found = [];
    let missing: IoError | undefined;
    for (const p of list) {
      const expanded = await expandPath(p, cwd, journals, roots);
      if (expanded instanceof IoError) missing ??= expanded;
      else found.push(...expanded);
    }
    const pending = [...new Set([...journals, ...(await journalsAbove(roots))])];
    if (pending.length === 0) {
      if (missing) throw missing;
      break;
    }
    if (attempt >= 5) {
      throw new IoError("WEIR_EXECUTION_FAILED", `Listing input files failed: outputs ${pending.join(", ")} kept being rewritten while listing`, {
        hint: "retry the read once concurrent writers have finished",
      });
    }
    for (const dir of new Set(pending)) await recoverOutput(dir);
  }

  const byPath = new Map<string, Found>();
  for (const f of found) {
    if (nameFilter && !nameFilter(path.basename(f.abs))) continue;
    if (after !== undefined && !(f.stats.mtimeMs > after)) continue;
    if (before !== undefined && !(f.stats.mtimeMs < before)) continue;
    const base = basePath ?? f.base;
    if (basePath !== undefined && !isInside(f.abs, basePath)) {
      throw new IoError("WEIR_INVALID_ARGUMENT", `Listing input files failed: basePath "${options.basePath}" is not a parent of "${f.abs}"`, {
        hint: "set basePath to a directory that contains every input path",
      });
    }
    if (!byPath.has(f.abs)) byPath.set(f.abs, { ...f, base });
  }
  const sorted = [...byPath.values()].sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  const { columns, values } = options.recursiveFileLookup
    ? { columns: [], values: sorted.map(() => ({})) }
    : discoverPartitions(sorted.map((f) => ({ path: f.abs, dirs: path.relative(f.base, path.dirname(f.abs)).split(path.sep).filter((d) => d !== "") })));
  return {
    files: sorted.map((f, i) => ({ path: f.abs, size: f.stats.size, mtimeMs: f.stats.mtimeMs, partitionValues: values[i]! })),
    partitionColumns: columns,
  };
}

/** The files of one path, or the not-found error to raise unless a pending commit explains the emptiness. */
async function expandPath(p: string, cwd: string, journals: Set<string>, roots: Set<string>): Promise<Found[] | IoError> {
  const posix = p.split(path.sep).join("/");
  if (isDynamicPattern(posix)) return expandGlob(posix, cwd, journals, roots);
  const abs = path.resolve(cwd, p);
  const stats = await statOrUndefined(abs);
  roots.add(stats?.isDirectory() ? abs : path.dirname(abs));
  if (!stats) return notFound(p, abs, "it does not exist");
  if (stats.isFile()) return [{ abs, stats, base: path.dirname(abs) }];
  const files = await walk(abs, abs, journals);
  return files.length > 0 ? files : notFound(p, abs, "the directory holds no visible data files");
}

async function expandGlob(pattern: string, cwd: string, journals: Set<string>, roots: Set<string>): Promise<Found[] | IoError> {
  const parts = pattern.split("/");
  const firstDynamic = parts.findIndex((part) => isDynamicPattern(part));
  const prefix = path.resolve(cwd, parts.slice(0, firstDynamic).join("/") || ".");
  const rest = parts.slice(firstDynamic).join("/");
  roots.add(prefix);
  const matches = await glob(rest, { cwd: prefix, absolute: true, onlyFiles: false, dot: false, followSymbolicLinks: true });
  const out: Found[] = [];
  for (const m of matches) {
    const abs = path.resolve(m);
    const below = path.relative(prefix, abs).split(path.sep);
    if (below.some(isHiddenName)) continue;
    const stats = await statOrUndefined(abs);
    if (!stats) continue;
    roots.add(path.dirname(abs)); // a wildcard may sit below an output root that holds a journal
    if (stats.isFile()) out.push({ abs, stats, base: prefix });
    else if (stats.isDirectory()) out.push(...(await walk(abs, prefix, journals)));
  }
  return out.length > 0 ? out : notFound(pattern, path.join(prefix, rest), "the glob matched no visible data file");
}

async function walk(dir: string, base: string, journals: Set<string>): Promise<Found[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return []; // removed while listing (e.g. a partition being replaced)
    throw e;
  }
  const out: Found[] = [];
  await Promise.all(entries.map(async (entry) => {
    const abs = path.join(dir, entry.name);
    if (entry.name === COMMIT_JOURNAL) journals.add(dir);
    if (isHiddenName(entry.name)) return;
    const stats = await statOrUndefined(abs);
    if (!stats) return;
    if (stats.isDirectory()) out.push(...(await walk(abs, base, journals)));
    else if (stats.isFile()) out.push({ abs, stats, base });
  }));
  return out;
}

/** The listed directories and their ancestors (a read of `out/day=1/` belongs to output `out/`) may hold a journal. */
async function journalsAbove(roots: ReadonlySet<string>): Promise<string[]> {
  const dirs = new Set<string>();
  for (const root of roots) {
    for (let d = root; ; d = path.dirname(d)) {
      if (dirs.has(d)) break;
      dirs.add(d);
      if (path.dirname(d) === d) break;
    }
  }
  const pending = new Set<string>();
  await Promise.all([...dirs].map((d) => noteJournal(d, pending)));
  return [...pending];
}

async function noteJournal(dir: string, journals: Set<string>): Promise<void> {
  if (await statOrUndefined(path.join(dir, COMMIT_JOURNAL))) journals.add(dir);
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

function toInstant(value: Date | string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  // A date-only ISO string would parse as UTC in JS but local time with a time part; keep both local, as Spark does.
  const ms = value instanceof Date ? value.getTime() : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value);
  if (Number.isNaN(ms)) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `Invalid ${option} "${String(value)}": not a timestamp`, {
      hint: `use an ISO timestamp such as "2024-06-01T08:00:00" or a Date`,
    });
  }
  return ms;
}

function notFound(given: string, resolved: string, why: string): IoError {
  return new IoError("WEIR_PATH_NOT_FOUND", `Input path "${given}" matched no file: ${why} (resolved to ${resolved})`, {
    hint: "check the path and the working directory; hidden names starting with \"_\" or \".\" are skipped",
    details: { path: given, resolved },
  });
}
