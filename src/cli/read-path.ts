import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { WeirError } from "../errors/index.js";
import type { DataFrame, Row, Session } from "../dataframe/index.js";

/** Input formats the CLI can open by path. @example `readPath(spark, "t/", "delta" satisfies InputFormat)` */
export type InputFormat = "csv" | "json" | "parquet" | "delta";

const BY_EXTENSION: Readonly<Record<string, InputFormat>> = {
  ".csv": "csv", ".tsv": "csv", ".txt": "csv",
  ".json": "json", ".jsonl": "json", ".ndjson": "json",
  ".parquet": "parquet", ".pq": "parquet",
};

/**
 * Open a file, glob or directory as a DataFrame for `weir schema` / `weir head`. The format comes from `format`
 * or is inferred: a directory with `_delta_log/` is Delta, otherwise the extension of the path (or of the first
 * data file in the directory) decides. CSV is read with `header` and `inferSchema` on (tab-separated for .tsv),
 * as a person inspecting a file expects; `options` override any of it with Spark's reader options.
 *
 * @example
 * ```ts
 * const df = readPath(spark, "data/orders/*.csv", undefined, { sep: ";" });
 * ```
 */
export function readPath(session: Session, target: string, format?: string, options: Readonly<Record<string, string>> = {}): DataFrame<Row> {
  const fmt = (format?.toLowerCase() as InputFormat | undefined) ?? inferFormat(target);
  const defaults: Record<string, string> = fmt === "csv" ? { header: "true", inferSchema: "true", ...(/\.tsv(\.gz)?$/i.test(target) ? { sep: "\t" } : {}) } : {};
  return session.read.format(fmt).options({ ...defaults, ...options }).load(target);
}

/**
 * The input format of a path from its extension or contents.
 * @example `inferFormat("data/rates.jsonl") // "json"`
 */
export function inferFormat(target: string): InputFormat {
  const stat = existsSync(target) ? statSync(target) : undefined;
  if (stat?.isDirectory()) {
    if (existsSync(path.join(target, "_delta_log"))) return "delta";
    const file = firstDataFile(target);
    if (!file) throw new WeirError("WEIR_PATH_NOT_FOUND", `Cannot open "${target}": the directory holds no data file`, { hint: "point at a directory of .csv, .json(l) or .parquet files" });
    return formatOfName(file, target);
  }
  return formatOfName(target, target);
}

function formatOfName(name: string, target: string): InputFormat {
  const ext = path.extname(name.replace(/\.(gz|zst|snappy)$/i, "")).toLowerCase();
  const fmt = BY_EXTENSION[ext];
  if (!fmt) throw new WeirError("WEIR_CLI_USAGE", `Cannot tell the format of "${target}" from its extension "${ext || "(none)"}"`, { hint: "pass --input-format csv|json|parquet|delta" });
  return fmt;
}

function firstDataFile(dir: string): string | undefined {
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith("_") && !e.name.startsWith(".")).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) if (e.isFile() && BY_EXTENSION[path.extname(e.name.replace(/\.(gz|zst|snappy)$/i, "")).toLowerCase()]) return e.name;
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const inner = firstDataFile(path.join(dir, e.name));
    if (inner) return inner;
  }
  return undefined;
}
