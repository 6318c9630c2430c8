import type { DeltaFile } from "../../delta/index.js";
import type { DataType } from "../../types/index.js";

/**
 * A Delta file's raw partition value for a column (matched case-insensitively, like Spark), or null for a null
 * partition (absent, empty, or Hive's default partition name).
 * @example `partitionText(file, "day") // "2024-01-02"`
 */
export function partitionText(f: DeltaFile, name: string): string | null {
  const raw = f.add.partitionValues;
  const v = name in raw ? raw[name] : Object.entries(raw).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return v === undefined || v === null || v === "" || v === "__HIVE_DEFAULT_PARTITION__" ? null : v;
}

/**
 * A file statistic (min/max value) as text DuckDB can cast to the column's type; null when absent or not
 * trustworthy (callers then keep the file).
 * @example `statText(file.stats?.minValues["amount"], t.int64()) // "42"`
 */
export function statText(v: unknown, type: DataType): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
    // JSON numbers beyond 2^53 were rounded by the parser: the bound may be wrong in either direction.
    if ((type.kind === "long" || type.kind === "decimal") && !Number.isSafeInteger(Math.trunc(v))) return null;
    return String(v);
  }
  if (typeof v === "string") return type.kind === "string" || type.kind === "date" || type.kind.startsWith("timestamp") || type.kind === "decimal" ? v : null;
  return null;
}
