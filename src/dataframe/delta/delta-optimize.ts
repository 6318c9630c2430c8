/**
 * delta-spark's `DeltaOptimizeBuilder`: `table.optimize().where("day = '2024-01-01'").executeCompaction()` or
 * `.executeZOrderBy("x", "y")` (see engine/duckdb/delta-optimize.ts).
 *
 * Target file size: the table property `delta.targetFileSize`, else the session conf `delta.targetFileSize`
 * (or Delta's `spark.databricks.delta.optimize.maxFileSize`), else 128 MB — Databricks' default, which
 * also suits DuckDB: it parallelizes within a file by row group, so larger files cost no parallelism.
 * Sizes are bytes or strings such as "64mb".
 */
import { WeirError } from "../../errors/index.js";
import { optimizeDelta } from "../../engine/index.js";
import type { Runtime } from "../runtime.js";
import { toExpr, type DeltaExpr } from "./merge-builder.js";

/** Default target file size of OPTIMIZE (128 MB). @example `DEFAULT_TARGET_FILE_SIZE // 134217728` */
export const DEFAULT_TARGET_FILE_SIZE = 128 * 2 ** 20;

/**
 * Spark's OptimizeMetrics, flattened, plus the version committed (undefined when nothing needed rewriting).
 *
 * @example `{ version: 9, numFilesAdded: 1, numFilesRemoved: 10, numBytesAdded: 81234, numBytesRemoved: 90211, partitionsOptimized: 1, … }`
 */
export interface OptimizeMetrics {
  readonly version: number | undefined;
  readonly numFilesAdded: number;
  readonly numFilesRemoved: number;
  readonly numBytesAdded: number;
  readonly numBytesRemoved: number;
  readonly partitionsOptimized: number;
  readonly [metric: string]: number | undefined;
}

/**
 * Parse a size: a number of bytes or "<n>[b|kb|mb|gb]".
 *
 * @example `parseByteSize("64mb") // 67108864`
 */
export function parseByteSize(v: string | number): number {
  if (typeof v === "number") return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?\s*$/i.exec(v);
  if (!m) throw new WeirError("WEIR_INVALID_ARGUMENT", `Invalid file size "${v}"`, { hint: 'use bytes or e.g. "64mb"' });
  const unit = { b: 1, k: 2 ** 10, kb: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, g: 2 ** 30, gb: 2 ** 30 }[(m[2] ?? "b").toLowerCase() as "b"];
  const n = Math.floor(Number(m[1]) * unit);
  if (n <= 0) throw new WeirError("WEIR_INVALID_ARGUMENT", `File size must be positive, got "${v}"`, { hint: 'e.g. "64mb"' });
  return n;
}

/**
 * OPTIMIZE builder.
 *
 * @example
 * ```ts
 * const m = await table.optimize().where("day = '2024-01-01'").executeCompaction();
 * await table.optimize().executeZOrderBy("x", "y");
 * ```
 */
export class DeltaOptimizeBuilder {
  private predicate: DeltaExpr | undefined;

  constructor(private readonly rt: Runtime, private readonly root: string) {}

  /** Restrict to partitions matching a predicate on partition columns. @example `.where("day >= '2024-01-01'")` */
  where(partitionFilter: DeltaExpr): this {
    this.predicate = partitionFilter;
    return this;
  }

  /** Bin-pack small files into files of about the target size. @example `await table.optimize().executeCompaction()` */
  executeCompaction(): Promise<OptimizeMetrics> {
    return this.run([]);
  }

  /** Rewrite the selected partitions' files clustered by the Z-order curve of `cols`. @example `await table.optimize().executeZOrderBy("x", "y")` */
  executeZOrderBy(...cols: (string | readonly string[])[]): Promise<OptimizeMetrics> {
    const list = cols.flat();
    if (!list.length) throw new WeirError("WEIR_INVALID_ARGUMENT", "executeZOrderBy() needs at least one column", { hint: 'e.g. .executeZOrderBy("x", "y")' });
    return this.run(list);
  }

  private async run(zOrderBy: readonly string[]): Promise<OptimizeMetrics> {
    const conf = this.rt.conf;
    const fromConf = conf?.isSet("delta.targetFileSize") ? conf.get("delta.targetFileSize")
      : conf?.isSet("spark.databricks.delta.optimize.maxFileSize") ? conf.get("spark.databricks.delta.optimize.maxFileSize") : undefined;
    const { version, metrics, warnings } = await this.rt.job(`OPTIMIZE ${this.root}`, () => optimizeDelta(this.rt.executor, {
      root: this.root, zOrderBy, targetFileSize: fromConf !== undefined ? parseByteSize(fromConf) : DEFAULT_TARGET_FILE_SIZE, parseSize: parseByteSize,
      ...(this.predicate !== undefined ? { where: toExpr(this.predicate) } : {}),
    }));
    return { ...metrics, ...(warnings?.length ? { checkpointFailed: 1 } : {}), version } as OptimizeMetrics;
  }
}
