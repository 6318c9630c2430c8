/**
 * Spark's output layout, applied to what DuckDB's partitioned COPY wrote. DuckDB names directories
 * `col=<percent-encoded UTF-8 value>` and files `data_<i>`; Spark (and Weir's reader) expect
 * `col=<escapePathName(value)>` (only control characters and a few ASCII symbols such as `/ : = % ?` escaped,
 * non-ASCII kept) and
 * `part-<bucket>-<job>.c<nnn><codec>.<format>` files. {@link layOutFiles} moves the raw files into that layout
 * inside the staging directory, before the atomic commit publishes them.
 *
 * ```
 *  <staging>/_raw/__weir_p0=a%20b/__weir_bucket=1/__weir_file=0/data_0.parquet
 *     ──► <staging>/k=a b/part-00001-<job>.c000.snappy.parquet
 * ```
 */
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { HIVE_DEFAULT_PARTITION } from "../io/index.js";
import type { DataType } from "../types/index.js";
import { BUCKET_COLUMN } from "./write-buckets.js";

/** Hidden column prefix for the i-th partition value (rendered as Spark renders it). @example `${PARTITION_VALUE_PREFIX}0` */
export const PARTITION_VALUE_PREFIX = "__weir_p";
/** Hidden column holding the file index of a row within its partition and bucket (maxRecordsPerFile). @example `"__weir_file"` */
export const FILE_INDEX_COLUMN = "__weir_file";

const ESCAPED = new Set(['"', "#", "%", "'", "*", "/", ":", "=", "?", "\\", "\u007f", "{", "[", "]", "^"]);

/**
 * Spark's `ExternalCatalogUtils.escapePathName`: percent-encode the characters a partition directory name
 * cannot hold literally (control characters, DEL and the symbols in `ESCAPED`: quotes, `#`, `%`, `*`, `/`, `:`,
 * `=`, `?`, backslash, `{`, `[`, `]`, `^`); everything else (spaces, non-ASCII)
 * stays as it is.
 *
 * @example `escapePathName("2024-01-01 10:00:00") // "2024-01-01 10%3A00%3A00"`
 */
export function escapePathName(name: string): string {
  let out = "";
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    out += (code >= 1 && code < 0x20) || ESCAPED.has(ch) ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : ch;
  }
  return out;
}

/**
 * The directory name of one partition value, as Spark's `getPartitionPathString`: null and the empty string
 * become `__HIVE_DEFAULT_PARTITION__`; `text` is the value already cast to a string (doubles are re-rendered as
 * Java does: `1.0E10`, `NaN`, `Infinity`).
 *
 * @example `partitionDirName("day", "2024-01-01", t.date()) // "day=2024-01-01"`
 */
export function partitionDirName(column: string, text: string | null, type: DataType): string {
  const value = text === null || text === "" ? null : type.kind === "double" || type.kind === "float" ? javaDoubleString(text) : text;
  return `${escapePathName(column)}=${value === null ? HIVE_DEFAULT_PARTITION : escapePathName(value)}`;
}

/** Java's `Double.toString` of a number DuckDB printed (`10000000000.0` → `1.0E10`). */
function javaDoubleString(text: string): string {
  const lower = text.toLowerCase();
  if (lower === "nan" || lower === "-nan") return "NaN";
  if (lower === "inf" || lower === "infinity") return "Infinity";
  if (lower === "-inf" || lower === "-infinity") return "-Infinity";
  const x = Number(text);
  if (Number.isNaN(x)) return text;
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(x);
    return s.includes(".") ? s : `${s}.0`;
  }
  const [mantissa = "", exponent = "0"] = x.toExponential().split("e");
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Where the raw files of a write go and how they are renamed. @example `{ partitions: [{ name: "day", type: t.date() }], jobId, extension: ".snappy.parquet" }` */
export interface LayoutSpec {
  readonly partitions: readonly { readonly name: string; readonly type: DataType }[];
  readonly jobId: string;
  readonly extension: string;
}

/**
 * Move the files DuckDB wrote under `rawDir` to Spark's layout under `stagingDir` and remove `rawDir`.
 * Returns the new paths relative to `stagingDir`, sorted.
 *
 * @example `const files = await layOutFiles(path.join(staging, "_raw"), staging, spec)`
 */
export async function layOutFiles(rawDir: string, stagingDir: string, spec: LayoutSpec): Promise<string[]> {
  const raw = await listRaw(rawDir);
  const groups = new Map<string, { dir: string; bucket: number; files: { file: number; rel: string; seq: number }[] }>();
  for (const rel of raw) {
    const parts = rel.split("/");
    const name = parts.pop()!;
    const values = new Map<string, string | null>();
    for (const dir of parts) {
      const eq = dir.indexOf("=");
      const raw = dir.slice(eq + 1);
      values.set(decode(dir.slice(0, eq)) ?? "", raw === HIVE_DEFAULT_PARTITION ? null : decode(raw));
    }
    const dir = spec.partitions.map((p, i) => partitionDirName(p.name, values.get(`${PARTITION_VALUE_PREFIX}${i}`) ?? null, p.type)).join("/");
    const bucket = Number(values.get(BUCKET_COLUMN) ?? 0);
    const key = `${dir}\u0000${bucket}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { dir, bucket, files: [] }));
    group.files.push({ file: Number(values.get(FILE_INDEX_COLUMN) ?? 0), rel, seq: Number(/(\d+)/.exec(name)?.[1] ?? 0) });
  }
  const out: string[] = [];
  const made = new Set<string>();
  for (const group of groups.values()) {
    group.files.sort((a, b) => a.file - b.file || a.seq - b.seq || (a.rel < b.rel ? -1 : 1));
    const dir = path.join(stagingDir, group.dir);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    for (const [i, f] of group.files.entries()) {
      const target = path.posix.join(group.dir, `part-${String(group.bucket).padStart(5, "0")}-${spec.jobId}.c${String(i).padStart(3, "0")}${spec.extension}`);
      await rename(path.join(rawDir, f.rel), path.join(stagingDir, target));
      out.push(target);
    }
  }
  await rm(rawDir, { recursive: true, force: true });
  return out.sort();
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function listRaw(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return [];
      throw e;
    });
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await visit(child);
      else out.push(child);
    }
  };
  await visit("");
  return out;
}
