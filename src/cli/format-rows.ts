import { formatValue, type DataFrame, type Row } from "../dataframe/index.js";
import type { DataType } from "../types/index.js";
import { withProgress, type ProgressMode } from "./progress.js";

/** How `weir sql` / `weir head` print rows. @example `const f: OutputFormat = "csv";` */
export type OutputFormat = "table" | "csv" | "json";

/** Options of {@link printRows}. @example `{ format: "table", maxRows: 20, truncate: true }` */
export interface PrintOptions {
  format: OutputFormat;
  /** Rows shown by the table format (csv/json print every row up to `limit`). */
  maxRows: number;
  /** Print at most this many rows in every format. */
  limit?: number;
  /** Cut table cells to 20 characters like Spark's show(). */
  truncate: boolean;
  progress: ProgressMode;
}

/**
 * Print a DataFrame to stdout: `table` is Spark's show() (first `maxRows` rows); `csv` (RFC 4180, header line) and
 * `json` (JSON lines) stream every row in batches, so results larger than memory print fine.
 *
 * @example
 * ```ts
 * await printRows(spark.sql("select 42 as x"), { format: "csv", maxRows: 20, truncate: true, progress: "auto" });
 * // x
 * // 42
 * ```
 */
export async function printRows(all: DataFrame<Row>, options: PrintOptions): Promise<void> {
  if (options.format === "table") {
    await withProgress("query", () => all.show(Math.min(options.maxRows, options.limit ?? Infinity), options.truncate), options.progress);
    return;
  }
  const df = options.limit === undefined ? all : all.limit(options.limit);
  const schema = await df.schema();
  const names = schema.fields.map((f) => f.name);
  const types = schema.fields.map((f) => f.type);
  const out: string[] = [];
  if (options.format === "csv") out.push(names.map(csvCell).join(","));
  await withProgress("query", async () => {
    for await (const batch of df.toLocalIterator()) {
      for (const row of batch) {
        if (options.format === "csv") out.push(names.map((n, i) => (row[n] === null || row[n] === undefined ? "" : csvCell(formatValue(row[n], types[i])))).join(","));
        else out.push(JSON.stringify(Object.fromEntries(names.map((n, i) => [n, toJson(row[n], types[i])]))));
      }
      await write(out.join("\n") + (out.length ? "\n" : ""));
      out.length = 0;
    }
  }, options.progress);
  await write(out.length ? out.join("\n") + "\n" : "");
}

function write(text: string): Promise<void> {
  if (!text) return Promise.resolve();
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

function csvCell(s: string): string {
  return /[",\n\r]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A JSON-safe value: bigints as numbers when exact (else strings), dates as Spark renders them, binary as base64. */
function toJson(v: unknown, type: DataType | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (v instanceof Date) return formatValue(v, type);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (Array.isArray(v)) return v.map((x) => toJson(x, type?.kind === "array" ? type.elementType : undefined));
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), toJson(x, type?.kind === "map" ? type.valueType : undefined)]));
  if (typeof v === "object") {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toJson(x, type?.kind === "struct" ? type.fields.find((f) => f.name === k)?.type : undefined)]));
  }
  return v;
}
