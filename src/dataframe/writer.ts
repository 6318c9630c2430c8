import { WeirError } from "../errors/index.js";
import { beginOutput, type SaveMode } from "../io/index.js";
import type { Plan } from "../plan/index.js";
import { quoteIdent, quoteString } from "../util/index.js";
import { compile, type Runtime } from "./runtime.js";

type WriteFormat = "parquet" | "csv" | "json";
const FORMATS: readonly WriteFormat[] = ["parquet", "csv", "json"];
const OPTIONS: Record<WriteFormat, readonly string[]> = {
  parquet: ["compression", "maxRecordsPerFile", "partitionOverwriteMode"],
  csv: ["compression", "header", "sep", "delimiter", "quote", "escape", "nullValue", "dateFormat", "timestampFormat", "maxRecordsPerFile", "partitionOverwriteMode"],
  json: ["compression", "dateFormat", "timestampFormat", "maxRecordsPerFile", "partitionOverwriteMode"],
};

/** What a write produced. @example `{ files: 4, path: "/abs/out" }` */
export interface WriteResult {
  readonly path: string;
  readonly files: readonly string[];
  readonly committed: boolean;
}

/**
 * Spark's `DataFrameWriter`: `df.write.mode(...).partitionBy(...).option(...).parquet(path)`. Every write is
 * atomic: files are staged under `_temporary/` (or a hidden sibling) and published by rename with `_SUCCESS`
 * last, so readers see the old complete output or the new complete output, never a mix.
 *
 * @example `await df.write.mode("overwrite").partitionBy("day").parquet("out/daily")`
 */
export class DataFrameWriter {
  constructor(
    private readonly runtime: Runtime,
    private readonly plan: Plan,
    private readonly saveMode: SaveMode = "error",
    private readonly fmt: string = "parquet",
    private readonly partitionCols: readonly string[] = [],
    private readonly opts: Readonly<Record<string, string>> = {},
  ) {}

  /** "error" (default), "append", "overwrite" or "ignore". */
  mode(mode: SaveMode): DataFrameWriter {
    if (!["error", "errorifexists", "append", "overwrite", "ignore"].includes(mode)) {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unknown save mode "${mode}"`, { hint: 'use "error", "append", "overwrite" or "ignore"' });
    }
    return new DataFrameWriter(this.runtime, this.plan, mode, this.fmt, this.partitionCols, this.opts);
  }
  /** Output format: parquet (default), csv, json (later: delta). */
  format(format: string): DataFrameWriter {
    return new DataFrameWriter(this.runtime, this.plan, this.saveMode, format.toLowerCase(), this.partitionCols, this.opts);
  }
  /** Hive-style partition directories by these columns. */
  partitionBy(...cols: (string | readonly string[])[]): DataFrameWriter {
    return new DataFrameWriter(this.runtime, this.plan, this.saveMode, this.fmt, cols.flat(), this.opts);
  }
  /** One option (compression, header, maxRecordsPerFile, partitionOverwriteMode …). */
  option(key: string, value: string | number | boolean): DataFrameWriter {
    return new DataFrameWriter(this.runtime, this.plan, this.saveMode, this.fmt, this.partitionCols, { ...this.opts, [key]: String(value) });
  }
  /** Several options. */
  options(options: Readonly<Record<string, string | number | boolean>>): DataFrameWriter {
    let w: DataFrameWriter = this;
    for (const [k, v] of Object.entries(options)) w = w.option(k, v);
    return w;
  }
  /** Write Parquet files. */
  parquet(path: string): Promise<WriteResult> { return this.format("parquet").save(path); }
  /** Write CSV files. */
  csv(path: string): Promise<WriteResult> { return this.format("csv").save(path); }
  /** Write JSON-lines files. */
  json(path: string): Promise<WriteResult> { return this.format("json").save(path); }

  /** Write to `path` in the configured format. */
  async save(path: string): Promise<WriteResult> {
    const format = this.fmt as WriteFormat;
    if (!FORMATS.includes(format)) throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported write format "${this.fmt}"`, { hint: `use one of ${FORMATS.join(", ")}` });
    for (const k of Object.keys(this.opts)) {
      if (!OPTIONS[format].includes(k)) throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported option "${k}" for the ${format} writer`, { hint: `supported: ${OPTIONS[format].join(", ")}` });
    }
    const q = await compile(this.runtime, this.plan, true);
    for (const p of this.partitionCols) {
      if (!q.columns.includes(p)) throw new WeirError("WEIR_UNKNOWN_COLUMN", `Unknown partition column "${p}" in partitionBy(). Columns: ${q.columns.join(", ")}`, { hint: "partition by existing columns" });
    }
    const dynamic = this.opts.partitionOverwriteMode === "dynamic";
    if (dynamic && this.partitionCols.length === 0) throw new WeirError("WEIR_INVALID_ARGUMENT", "partitionOverwriteMode=dynamic needs partitionBy()", { hint: "add partitionBy(...) or drop the option" });
    const out = await beginOutput(path, this.saveMode, { partitionOverwriteMode: dynamic ? "dynamic" : "static" });
    try {
      if (!out.skipped) await this.copy(q.sql, q.params, out.stagingDir, out.jobId, format);
      const res = await out.commit();
      return { path: out.dest, files: res.files, committed: res.committed };
    } catch (e) {
      await out.abort().catch(() => undefined);
      if (e instanceof WeirError) throw e;
      throw new WeirError("WEIR_WRITE_FAILED", `Writing ${path} failed: ${(e as Error).message}. The destination was left as it was`, { hint: "see error.cause", cause: e });
    }
  }

  private async copy(sql: string, params: Parameters<Runtime["executor"]["exec"]>[1], dir: string, jobId: string, format: WriteFormat): Promise<void> {
    const o = this.opts;
    const opts: string[] = [`FORMAT ${format}`];
    if (o.compression) opts.push(`COMPRESSION ${quoteString(o.compression === "none" ? "uncompressed" : o.compression)}`);
    if (format === "csv") {
      opts.push(`HEADER ${o.header === "true"}`);
      const sep = o.sep ?? o.delimiter;
      if (sep) opts.push(`DELIMITER ${quoteString(sep)}`);
      if (o.quote) opts.push(`QUOTE ${quoteString(o.quote)}`);
      if (o.escape) opts.push(`ESCAPE ${quoteString(o.escape)}`);
      if (o.nullValue !== undefined) opts.push(`NULLSTR ${quoteString(o.nullValue)}`);
    }
    const ext = format === "json" ? "json" : format;
    const suffix = o.compression && o.compression !== "none" && format !== "parquet" ? `.${o.compression === "gzip" ? "gz" : o.compression}` : "";
    if (this.partitionCols.length) {
      opts.push(`PARTITION_BY (${this.partitionCols.map(quoteIdent).join(", ")})`, `FILENAME_PATTERN ${quoteString(`part-{i}-${jobId}`)}`, "OVERWRITE_OR_IGNORE true");
      if (o.maxRecordsPerFile && format === "parquet") opts.push(`ROW_GROUP_SIZE ${Number(o.maxRecordsPerFile)}`, "ROW_GROUPS_PER_FILE 1");
      await this.runtime.job("write", () => this.runtime.executor.exec(`COPY (${sql}) TO ${quoteString(dir)} (${opts.join(", ")})`, params, "write"));
      return;
    }
    const file = `${dir}/part-00000-${jobId}.${ext}${suffix}`;
    await this.runtime.job("write", () => this.runtime.executor.exec(`COPY (${sql}) TO ${quoteString(file)} (${opts.join(", ")})`, params, "write"));
  }
}
