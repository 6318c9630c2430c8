/**
 * DELETE FROM a Delta table (delta-spark's `DeltaTable.delete(condition)`), copy-on-write or, when the table
 * has `delta.enableDeletionVectors = true`, merge-on-read:
 *
 * ```
 *   candidate files ── partition-only predicate? ──yes──► remove them whole (no data read)
 *        │ no (stats pruning)
 *        ▼
 *   copy-on-write:  per file: rows matching / rows ──► all match: remove · some: remove + rewrite the others · none: keep
 *   DVs:            per file: positions matching ──► deletion vector (delta-dv.ts); no data file is written
 *        ▼
 *   commit DELETE (removes + adds) with Spark's operationMetrics
 * ```
 */
import { deletionVectorsEnabled, removeOf, type AddAction, type RemoveAction } from "../../delta/index.js";
import { exprName, type Expr } from "../../expr/index.js";
import { quoteIdent } from "../../util/index.js";
import {
  bytesOf, candidateFiles, commitDml, markRead, matchCounts, matchPositions, operationMetrics, startDml, targetExpr, targetRelation,
} from "./delta-dml.js";
import { logicalRows, markRowsDeleted, removalCounts, type DeletionVectorChanges } from "./delta-dv.js";
import { writeDataFiles } from "./delta-writer.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { ParamCollector } from "./params.js";

/** A DELETE on the table at `root`; no condition deletes every row. @example `{ root: "/data/t", condition: col("day").lt("2024-01-01").expr }` */
export interface DeltaDeleteRequest {
  readonly root: string;
  readonly condition?: Expr;
  /** The table's alias (conditions may reference `alias.column`). */
  readonly alias?: string;
}

/** What a DML operation committed: the version (undefined when nothing changed) and Spark's metrics. @example `{ version: 4, metrics: { numDeletedRows: 10, … } }` */
export interface DeltaDmlResult {
  readonly version: number | undefined;
  readonly metrics: Readonly<Record<string, number>>;
  /** What failed after the commit succeeded (checkpoint, expired-log cleanup). */
  readonly warnings?: readonly string[];
}

/**
 * Delete the rows satisfying `condition` (all rows without one). Rows where the condition is NULL stay, as in SQL.
 *
 * @example
 * ```ts
 * const { metrics } = await deleteFromDelta(executor, { root: "/data/orders", condition: mk({ kind: "sql", text: "qty = 0" }) });
 * ```
 */
export async function deleteFromDelta(executor: DuckDBExecutor, req: DeltaDeleteRequest): Promise<DeltaDmlResult> {
  const started = Date.now();
  const alias = req.alias ?? "__weir_t";
  const { txn, snapshot, close } = await startDml(executor, req.root, "DELETE");
  try {
    const c = await candidateFiles(executor, snapshot, req.condition, alias);
    if (!req.condition) txn.readWholeTable();
    markRead(txn, c);
    const removes: RemoveAction[] = [];
    let written: AddAction[] = [];
    let dv: DeletionVectorChanges | undefined;
    let deletedRows = 0;
    let copiedRows = 0;
    let scanTimeMs = 0;
    let rewriteTimeMs = 0;
    if (c.exact) {
      removes.push(...c.files.map((f) => removeOf(f.add)));
      deletedRows = c.files.reduce((n, f) => n + (logicalRows(f) ?? 0), 0);
    } else if (c.files.length && deletionVectorsEnabled(snapshot.configuration)) {
      const scanStart = Date.now();
      const positions = await matchPositions(executor, snapshot, c.files, req.condition!, alias, "delete()");
      scanTimeMs = Date.now() - scanStart;
      dv = await markRowsDeleted(executor, req.root, c.files, positions);
      for (const p of positions.values()) deletedRows += p.length;
      removes.push(...dv.removes);
    } else if (c.files.length) {
      const scanStart = Date.now();
      const counts = await matchCounts(executor, snapshot, c.files, req.condition!, alias, "delete()");
      scanTimeMs = Date.now() - scanStart;
      const byPath = new Map(c.files.map((f) => [f.path, f]));
      const partial = [];
      for (const r of counts) {
        const f = byPath.get(r.path);
        const m = r.matched;
        if (!f || m === 0) continue;
        removes.push(removeOf(f.add));
        deletedRows += m;
        if (m < r.total) {
          partial.push(f);
          copiedRows += r.total - m;
        }
      }
      if (partial.length) {
        const rewriteStart = Date.now();
        const p2 = new ParamCollector();
        const rel2 = await targetRelation(executor, snapshot, partial, p2, alias);
        const cond2 = targetExpr(req.condition!, rel2, p2, alias, "delete()");
        const cols = rel2.fields.map((f) => quoteIdent(f.name)).join(", ");
        written = await writeDataFiles(executor, { sql: `SELECT ${cols} FROM (${rel2.sql}) AS ${quoteIdent(alias)} WHERE NOT coalesce(${cond2}, false)`, params: p2.bound, options: {} },
          snapshot.schema, snapshot.schema, snapshot.partitionColumns, req.root);
        rewriteTimeMs = Date.now() - rewriteStart;
      }
    }
    const r = removalCounts(removes, dv);
    const metrics = {
      numRemovedFiles: r.removed.length, numAddedFiles: written.length, numDeletedRows: deletedRows, numCopiedRows: copiedRows,
      numAddedChangeFiles: 0, numRemovedBytes: bytesOf(r.removed), numAddedBytes: bytesOf(written),
      numDeletionVectorsAdded: r.dvAdded, numDeletionVectorsUpdated: r.dvUpdated, numDeletionVectorsRemoved: r.dvRemoved,
      executionTimeMs: Date.now() - started, scanTimeMs, rewriteTimeMs,
    };
    const version = await commitDml(txn, req.root, [...removes, ...(dv?.adds ?? []), ...written], written, {
      operation: "DELETE", operationParameters: { predicate: req.condition ? [exprName(req.condition)] : [] },
      operationMetrics: operationMetrics(metrics),
    }, [dv?.dvFile]);
    return { version, metrics, ...(txn.warnings.length ? { warnings: [...txn.warnings] } : {}) };
  } finally {
    close();
  }
}
