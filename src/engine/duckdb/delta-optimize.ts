/**
 * OPTIMIZE of a Delta table (delta-spark's `optimize().where(…).executeCompaction()` / `.executeZOrderBy(…)`):
 *
 * ```
 *   files selected by the partition predicate, grouped by partition
 *     compaction: files < target size, bin-packed (smallest first) up to the target; one new file per bin
 *                 of ≥ 2 files (a lone file is already compact) — files whose deletion vector removes > 5% of
 *                 their rows are rewritten too, whatever their size (the DV is purged)
 *     Z-order:    every file of the partition; rows ordered by the interleaved bits of each column's rank
 *                 (16 bits per column, fewer beyond 4 columns) and cut into ⌈bytes / target⌉ files, so each
 *                 file covers a compact box of the columns' ranges and min/max data skipping prunes it
 *   ─► commit OPTIMIZE: removes and adds with dataChange = false (rows unchanged: concurrent appends never
 *      conflict; a concurrent delete/rewrite of a compacted file does)
 * ```
 */
import { removeOf, type AddAction, type DeltaFile, type RemoveAction } from "../../delta/index.js";
import { AnalysisError } from "../../errors/index.js";
import { exprName, type Expr } from "../../expr/index.js";
import { quoteIdent } from "../../util/index.js";
import { bytesOf, candidateFiles, commitDml, deleteWritten, rowsOf, sizeMetrics, startDml, targetRelation } from "./delta-dml.js";
import { writeDataFiles } from "./delta-writer.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { ParamCollector } from "./params.js";

/** An OPTIMIZE of the table at `root`. @example `{ root: "/data/t", targetFileSize: 128 * 2 ** 20, zOrderBy: ["x", "y"] }` */
export interface DeltaOptimizeRequest {
  readonly root: string;
  /** Partition predicate (only partition columns). */
  readonly where?: Expr;
  readonly zOrderBy?: readonly string[];
  /** Bytes per output file (the bin size) when the table has no `delta.targetFileSize` property. */
  readonly targetFileSize: number;
  /** Parses the `delta.targetFileSize` table property (bytes or e.g. "64mb"). */
  readonly parseSize?: (v: string) => number;
}

/** What OPTIMIZE did: the version committed (undefined: nothing to do) and Spark's OptimizeMetrics, flattened. @example `{ version: 7, metrics: { numFilesAdded: 1, numFilesRemoved: 9, … } }` */
export interface DeltaOptimizeResult {
  readonly version: number | undefined;
  readonly metrics: Readonly<Record<string, number>>;
  /** What failed after the commit succeeded (checkpoint, expired-log cleanup). */
  readonly warnings?: readonly string[];
}

let tempCounter = 0;

/**
 * Compact small files (or Z-order them with `zOrderBy`) and commit.
 *
 * @example
 * ```ts
 * const { metrics } = await optimizeDelta(executor, { root: "/data/t", targetFileSize: 8 * 2 ** 20 });
 * ```
 */
export async function optimizeDelta(executor: DuckDBExecutor, req: DeltaOptimizeRequest): Promise<DeltaOptimizeResult> {
  const started = Date.now();
  const { txn, snapshot, close } = await startDml(executor, req.root, "OPTIMIZE");
  const written: AddAction[] = [];
  try {
    const zorder = (req.zOrderBy ?? []).map((c) => {
      const f = snapshot.schema.fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
      if (!f) throw new AnalysisError("WEIR_UNKNOWN_COLUMN", `Unknown column "${c}" in executeZOrderBy(). Columns: ${snapshot.schema.fields.map((x) => x.name).join(", ")}`, { hint: "Z-order by data columns of the table", details: { column: c } });
      if (snapshot.partitionColumns.some((p) => p.toLowerCase() === c.toLowerCase())) {
        throw new AnalysisError("WEIR_INVALID_ARGUMENT", `${f.name} is a partition column. Z-Ordering can only be performed on data columns`, { hint: "Z-order by data columns; partition columns are already pruned exactly" });
      }
      return f.name;
    });
    const property = snapshot.configuration["delta.targetFileSize"];
    const target = property !== undefined && property !== null ? (req.parseSize ?? Number)(property) : req.targetFileSize;
    const c = await candidateFiles(executor, snapshot, req.where);
    if (req.where && !c.exact) {
      throw new AnalysisError("WEIR_INVALID_ARGUMENT", `Predicate "${exprName(req.where)}" of OPTIMIZE references non-partition columns. Only the partition columns may be referenced: [${snapshot.partitionColumns.join(", ")}]`, {
        hint: "restrict OPTIMIZE with a predicate on partition columns only, e.g. .where(\"day >= '2024-01-01'\")",
      });
    }
    const byPartition = new Map<string, DeltaFile[]>();
    for (const f of c.files) {
      const key = JSON.stringify(snapshot.partitionColumns.map((p) => f.add.partitionValues[p] ?? null));
      byPartition.set(key, [...(byPartition.get(key) ?? []), f]);
    }
    const batches: DeltaFile[][] = [];
    for (const files of byPartition.values()) {
      if (zorder.length) batches.push(files);
      else batches.push(...binPack(files, target));
    }
    const rewritten = batches.flat();
    txn.markFilesRead(rewritten.map((f) => f.add.path));
    for (const batch of batches) {
      const adds = zorder.length ? await writeZOrdered(executor, snapshot, batch, zorder, req.root, target) : await writeCompacted(executor, snapshot, batch, req.root);
      written.push(...adds.map((a) => ({ ...a, dataChange: false })));
    }
    const removes: RemoveAction[] = rewritten.map((f) => removeOf(f.add, false));
    const metrics = {
      numFilesAdded: written.length, numFilesRemoved: removes.length, numBytesAdded: bytesOf(written), numBytesRemoved: bytesOf(removes),
      partitionsOptimized: new Set(batches.map((b) => JSON.stringify(b[0]?.add.partitionValues ?? {}))).size, numBatches: batches.length,
      totalConsideredFiles: c.files.length, totalFilesSkipped: c.files.length - rewritten.length, executionTimeMs: 0,
    };
    const version = await commitDml(txn, req.root, [...removes, ...written], written, {
      operation: "OPTIMIZE",
      operationParameters: { predicate: req.where ? [exprName(req.where)] : [], zOrderBy: zorder, auto: false, clusterBy: [] },
      operationMetrics: {
        numRemovedFiles: String(removes.length), numAddedFiles: String(written.length), numRemovedBytes: String(bytesOf(removes)), numAddedBytes: String(bytesOf(written)),
        ...sizeMetrics(written), numDeletionVectorsRemoved: "0",
      },
    });
    return { version, metrics: { ...metrics, executionTimeMs: Date.now() - started }, ...(txn.warnings.length ? { warnings: [...txn.warnings] } : {}) };
  } catch (e) {
    await deleteWritten(req.root, written);
    throw e;
  } finally {
    close();
  }
}

/** Spark's `spark.databricks.delta.optimize.maxDeletedRowsRatio`: a file whose DV removes more is rewritten even alone. */
const MAX_DELETED_ROWS_RATIO = 0.05;

/** Whether compaction should rewrite a file to drop the rows its deletion vector removes. */
function purge(f: DeltaFile): boolean {
  const dv = f.add.deletionVector;
  if (!dv || dv.cardinality === 0) return false;
  const n = f.stats?.numRecords;
  return n === undefined || n === 0 || dv.cardinality / n > MAX_DELETED_ROWS_RATIO;
}

/**
 * Delta's bin-packing: files smaller than the target (or to {@link purge}), smallest first, into bins of at most the
 * target size; a bin of one file is dropped unless that file is to be purged.
 */
function binPack(files: readonly DeltaFile[], target: number): DeltaFile[][] {
  const small = files.filter((f) => f.size < target || purge(f)).sort((a, b) => a.size - b.size);
  const bins: DeltaFile[][] = [];
  let bin: DeltaFile[] = [];
  let size = 0;
  for (const f of small) {
    if (bin.length && size + f.size > target) {
      bins.push(bin);
      bin = [];
      size = 0;
    }
    bin.push(f);
    size += f.size;
  }
  if (bin.length) bins.push(bin);
  return bins.filter((b) => b.length > 1 || b.some(purge));
}

async function writeCompacted(executor: DuckDBExecutor, snapshot: Parameters<typeof targetRelation>[1], files: readonly DeltaFile[], root: string): Promise<AddAction[]> {
  const params = new ParamCollector();
  const rel = await targetRelation(executor, snapshot, files, params, "t");
  const cols = rel.fields.map((f) => quoteIdent(f.name)).join(", ");
  // Keep the files' row order (file by file), as Spark's compaction does.
  return writeDataFiles(executor, { sql: `SELECT ${cols} FROM (${rel.sql}) ORDER BY "__weir_file", "__weir_row"`, params: params.bound, options: {} },
    snapshot.schema, snapshot.schema, snapshot.partitionColumns, root);
}

async function writeZOrdered(
  executor: DuckDBExecutor, snapshot: Parameters<typeof targetRelation>[1], files: readonly DeltaFile[], zorder: readonly string[], root: string, target: number,
): Promise<AddAction[]> {
  const params = new ParamCollector();
  const rel = await targetRelation(executor, snapshot, files, params, "t");
  const cols = rel.fields.map((f) => quoteIdent(f.name));
  const bits = Math.min(16, Math.floor(64 / zorder.length));
  const scale = 2 ** bits;
  // Rank-based ("range") coordinates make skewed columns interleave as well as uniform ones.
  const ranks = zorder.map((c, i) => `CAST(floor((rank() OVER (ORDER BY ${quoteIdent(c)} NULLS FIRST) - 1) * ${scale}.0 / count(*) OVER ()) AS UBIGINT) AS "__r${i}"`);
  const terms: string[] = [];
  for (let b = bits - 1; b >= 0; b--) {
    zorder.forEach((_, i) => {
      const shift = b * zorder.length + (zorder.length - 1 - i);
      terms.push(`((("__r${i}" >> ${b}) & 1::UBIGINT) << ${shift})`);
    });
  }
  const nFiles = Math.max(1, Math.ceil(files.reduce((n, f) => n + f.size, 0) / target));
  const table = `__weir_zorder_${process.pid}_${++tempCounter}`;
  await executor.exec(
    `CREATE TEMP TABLE ${quoteIdent(table)} AS SELECT ${cols.join(", ")}, "__z", ntile(${nFiles}) OVER (ORDER BY "__z") AS "__b" FROM ` +
    `(SELECT *, (${terms.join(" | ")}) AS "__z" FROM (SELECT ${cols.join(", ")}, ${ranks.join(", ")} FROM (${rel.sql})))`, params.bound, "optimize()",
  );
  try {
    const out: AddAction[] = [];
    for (let b = 1; b <= nFiles; b++) {
      out.push(...await writeDataFiles(executor, { sql: `SELECT ${cols.join(", ")} FROM ${quoteIdent(table)} WHERE "__b" = ${b} ORDER BY "__z"`, params: { values: {}, types: {} }, options: {} },
        snapshot.schema, snapshot.schema, snapshot.partitionColumns, root));
    }
    // ntile leaves buckets empty when there are fewer rows than files: drop their empty files.
    const empty = out.filter((a) => rowsOf([a]) === 0);
    await deleteWritten(root, empty);
    return out.filter((a) => !empty.includes(a));
  } finally {
    await executor.exec(`DROP TABLE IF EXISTS ${quoteIdent(table)}`).catch(() => undefined);
  }
}
