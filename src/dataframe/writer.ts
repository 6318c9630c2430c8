import { AnalysisError, WeirError } from "../errors/index.js";
import { beginOutput, type SaveMode } from "../io/index.js";
import type { Plan } from "../plan/index.js";
import { compile, writeSessionDelta, type Runtime } from "./runtime.js";
import { BUCKET_COLUMN, planBuckets } from "./write-buckets.js";
import { writeFiles } from "./write-files.js";
import { resolveWriteOptions } from "./write-options.js";
import type { Catalog } from "./catalog-api.js";
import { insertInto, saveAsTable } from "./sql/table-writes.js";
import { writePostgres, type PostgresWriteOptions } from "./postgres-writer.js";
import type { PostgresLoadResult } from "../io/postgres/index.js";

/**
 * What a write produced.
 * @example `{ path: "/abs/out", files: ["/abs/out/day=2024-01-01/part-00000-….c000.snappy.parquet"], rows: 10, committed: true }`
 */
export interface WriteResult {
  /** Absolute output directory. */
  readonly path: string;
  /** Absolute paths of the data files published, sorted (empty when mode "ignore" skipped the write). */
  readonly files: readonly string[];
  /** Rows written (0 when skipped). */
  readonly rows: number;
  /** False when mode "ignore" found existing data and wrote nothing. */
  readonly committed: boolean;
  /** Delta: the version committed (with `committed` false, set only when an already-applied txn skipped the write: the table's version). */
  readonly version?: number;
  /** Delta: what failed after the commit succeeded (e.g. its checkpoint, `WEIR_DELTA_CHECKPOINT_FAILED`). */
  readonly warnings?: readonly string[];
}

const SAVE_MODES: readonly SaveMode[] = ["error", "errorifexists", "append", "overwrite", "ignore"];

interface WriterState {
  readonly mode: SaveMode;
  readonly format: string;
  readonly partitionBy: readonly string[];
  readonly options: Readonly<Record<string, string>>;
}

/**
 * Spark's `DataFrameWriter`: `df.write.mode(...).partitionBy(...).option(...).parquet(path)`.
 *
 * - Modes: `error`/`errorifexists` (default: fails with `WEIR_PATH_EXISTS` if the path holds data), `append`,
 *   `overwrite`, `ignore`. With `partitionOverwriteMode` `dynamic` (option or session conf
 *   `spark.sql.sources.partitionOverwriteMode`), overwrite replaces only the partitions written.
 * - Layout as Spark's: hive directories `k=v/` (values escaped as Spark does, null and "" as
 *   `__HIVE_DEFAULT_PARTITION__`, partition columns not stored in the files), files
 *   `part-<bucket>-<job>.c<nnn>.<codec>.<format>`; `repartition(n)`/`coalesce(n)` set the number of files,
 *   `repartition(n, keys)` puts equal keys in one file, `maxRecordsPerFile` caps every file exactly.
 * - Atomic: files are staged in a hidden directory and published by rename with `_SUCCESS` last; a failed
 *   query or a crash leaves the old complete output (see src/io, docs/adr/001-atomic-file-output.md).
 *
 * @example
 * ```ts
 * const { files, rows } = await df.write.mode("overwrite").partitionBy("day").option("compression", "zstd").parquet("out/daily");
 * ```
 */
export class DataFrameWriter {
  private readonly state: WriterState;

  constructor(private readonly runtime: Runtime, private readonly plan: Plan, state?: WriterState) {
    this.state = state ?? { mode: "error", format: "parquet", partitionBy: [], options: {} };
  }

  /** `"error"` (default), `"errorifexists"`, `"append"`, `"overwrite"` or `"ignore"`. @example `df.write.mode("append")` */
  mode(mode: SaveMode): DataFrameWriter {
    const m = String(mode).toLowerCase() as SaveMode;
    if (!SAVE_MODES.includes(m)) {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unknown save mode "${String(mode)}"`, { hint: `use one of ${SAVE_MODES.join(", ")}` });
    }
    return this.with({ mode: m });
  }
  /** Output format: `parquet` (default), `csv` or `json`. @example `df.write.format("csv").save("out")` */
  format(format: string): DataFrameWriter {
    return this.with({ format: format.toLowerCase() });
  }
  /** Hive-style partition directories by these columns, outermost first. @example `df.write.partitionBy("year", "month")` */
  partitionBy(...cols: (string | readonly string[])[]): DataFrameWriter {
    return this.with({ partitionBy: cols.flat() });
  }
  /**
   * One option (keys case-insensitive, as in Spark): `compression`, `maxRecordsPerFile`,
   * `partitionOverwriteMode`; CSV: `header`, `sep`, `quote`, `escape`, `nullValue`, `quoteAll`; CSV/JSON:
   * `dateFormat`, `timestampFormat` (Spark patterns).
   * @example `df.write.option("header", true).csv("out")`
   */
  option(key: string, value: string | number | boolean): DataFrameWriter {
    return this.with({ options: { ...this.state.options, [key]: String(value) } });
  }
  /** Several options. @example `df.write.options({ header: true, sep: ";" })` */
  options(options: Readonly<Record<string, string | number | boolean>>): DataFrameWriter {
    return this.with({ options: { ...this.state.options, ...Object.fromEntries(Object.entries(options).map(([k, v]) => [k, String(v)])) } });
  }
  /** Write Parquet files (snappy-compressed by default). @example `await df.write.parquet("out")` */
  parquet(path: string): Promise<WriteResult> {
    return this.format("parquet").save(path);
  }
  /** Write CSV files. @example `await df.write.option("header", true).csv("out")` */
  csv(path: string): Promise<WriteResult> {
    return this.format("csv").save(path);
  }
  /** Write JSON-lines files. @example `await df.write.json("out")` */
  json(path: string): Promise<WriteResult> {
    return this.format("json").save(path);
  }

  /**
   * Load the rows into a Postgres table with COPY in one transaction (see {@link PostgresWriteOptions}): modes
   * `append` (default), `overwrite` (TRUNCATE + load), `upsert` (by `keys`). A failure rolls everything back.
   * @example `await df.write.postgres("public.daily", { url, mode: "upsert", keys: ["day"] })`
   */
  postgres(table: string, options: PostgresWriteOptions): Promise<PostgresLoadResult> {
    return writePostgres(this.runtime, this.plan, table, options);
  }

  /**
   * Write to `path` in the configured format and publish atomically.
   * @example `await df.write.format("json").mode("append").save("out/events")`
   */
  async save(path: string): Promise<WriteResult> {
    if (this.state.format === "delta") {
      const dq = await compile(this.runtime, this.plan, true);
      const options = withSessionOverwriteMode(this.state.options, this.runtime.conf);
      const res = await this.runtime.job("write delta", () => writeSessionDelta(this.runtime, { sql: dq.sql, params: dq.params, columns: dq.columns, path, mode: this.state.mode, partitionBy: this.state.partitionBy, options }));
      return res;
    }
    const { mode, format, options } = this.state;
    const settings = resolveWriteOptions(format, options, this.runtime.conf);
    const { plan, buckets } = planBuckets(this.plan);
    const q = await compile(this.runtime, plan, true);
    const columns = await this.runtime.executor.describe(q.sql, q.params, "write");
    const names = q.columns.filter((c) => c !== BUCKET_COLUMN);
    const partitionBy = this.state.partitionBy.map((p) => {
      const match = names.find((c) => c === p) ?? names.find((c) => c.toLowerCase() === p.toLowerCase());
      if (!match) throw new AnalysisError("WEIR_UNKNOWN_COLUMN", `Unknown partition column "${p}" in partitionBy(). Columns: ${names.join(", ")}`, { hint: "partition by columns of the DataFrame" });
      return match;
    });
    const dup = partitionBy.find((p, i) => partitionBy.indexOf(p) !== i);
    if (dup) throw new AnalysisError("WEIR_INVALID_ARGUMENT", `partitionBy() names column "${dup}" twice`, { hint: "name each partition column once" });
    // Spark: dynamic overwrite applies only to partitioned overwrites; otherwise the write is a static one.
    const dynamic = settings.partitionOverwriteMode === "dynamic" && partitionBy.length > 0;
    const out = await beginOutput(path, mode, { partitionOverwriteMode: dynamic ? "dynamic" : "static" });
    try {
      let rows = 0;
      if (!out.skipped) {
        const spec = { sql: q.sql, params: q.params, columns: q.columns.map((name, i) => ({ name, type: columns[i]!.type })), partitionBy, buckets, settings };
        rows = (await this.runtime.job(`write ${format} ${out.dest}`, () => writeFiles(this.runtime, spec, out.stagingDir, out.jobId))).rows;
      }
      const res = await out.commit();
      return { path: out.dest, files: res.files, rows: res.committed ? rows : 0, committed: res.committed };
    } catch (e) {
      await out.abort().catch(() => undefined);
      if (e instanceof WeirError) throw e;
      throw new WeirError("WEIR_WRITE_FAILED", `Writing ${out.dest} failed: ${(e as Error).message}. The destination was left as it was`, { hint: "see error.cause", cause: e });
    }
  }

  /**
   * Write to the catalog table `name` as a Delta table (Spark/Delta `saveAsTable`): creates a managed table in
   * the warehouse when absent; when present, the mode decides — `error` (default, `WEIR_TABLE_EXISTS`),
   * `append`, `overwrite` (replaces data and schema), `ignore`.
   * @example `await df.write.mode("overwrite").partitionBy("day").saveAsTable("gold.daily_sales")`
   */
  async saveAsTable(name: string): Promise<WriteResult> {
    if (this.state.format !== "parquet" && this.state.format !== "delta") {
      throw new WeirError("WEIR_UNSUPPORTED_OPERATION", `saveAsTable() writes Delta tables, not ${this.state.format}`, { hint: 'drop .format(...) or use .format("delta")' });
    }
    const res = await saveAsTable(this.runtime, this.requireCatalog(), this.plan, name, { mode: this.state.mode, partitionBy: this.state.partitionBy, options: this.state.options });
    return { path: res.path, files: res.files, rows: res.rows, committed: res.committed, ...(res.version !== undefined ? { version: res.version } : {}), ...(res.warnings?.length ? { warnings: res.warnings } : {}) };
  }

  /**
   * Insert into the existing catalog table `name`, matching columns **by position** (Spark's insertInto);
   * `overwrite` (or mode "overwrite") replaces its data.
   * @example `await df.write.insertInto("gold.orders")`
   */
  async insertInto(name: string, overwrite?: boolean): Promise<WriteResult> {
    const catalog = this.requireCatalog();
    const target = catalog.deltaTarget({ kind: "name", name });
    const res = await insertInto(this.runtime, catalog, this.plan, { path: target.path, label: name }, { overwrite: overwrite ?? this.state.mode === "overwrite" });
    return { path: res.path, files: res.files, rows: res.rows, committed: res.committed, ...(res.version !== undefined ? { version: res.version } : {}), ...(res.warnings?.length ? { warnings: res.warnings } : {}) };
  }

  private requireCatalog(): Catalog {
    if (!this.runtime.catalog) throw new WeirError("WEIR_UNSUPPORTED_OPERATION", "This DataFrame's session has no catalog", { hint: "create it with Session.create({ warehouse })" });
    return this.runtime.catalog;
  }

  private with(change: Partial<WriterState>): DataFrameWriter {
    return new DataFrameWriter(this.runtime, this.plan, { ...this.state, ...change });
  }
}

/** Delta honours the session's `spark.sql.sources.partitionOverwriteMode` unless the write sets the option or replaceWhere. */
function withSessionOverwriteMode(options: Readonly<Record<string, string>>, conf: Runtime["conf"]): Readonly<Record<string, string>> {
  const key = "spark.sql.sources.partitionOverwriteMode";
  if (options.partitionOverwriteMode !== undefined || options.replaceWhere !== undefined || !conf?.isSet(key)) return options;
  return { ...options, partitionOverwriteMode: conf.get(key) };
}
