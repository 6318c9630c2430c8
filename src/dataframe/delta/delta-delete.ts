/**
 * `DeltaTable.delete(condition?)`: deletes rows copy-on-write, or with deletion vectors when the table has
 * `delta.enableDeletionVectors = true` (see engine/duckdb/delta-delete.ts). Files whose rows all match (e.g. a
 * partition-only predicate) are removed without being read or rewritten.
 */
import { deleteFromDelta } from "../../engine/index.js";
import type { Runtime } from "../runtime.js";
import { toExpr, type DeltaExpr } from "./merge-builder.js";

/**
 * Spark's DELETE metrics as numbers, plus the version committed (undefined when no row matched).
 *
 * @example `{ version: 5, numDeletedRows: 12, numRemovedFiles: 2, numAddedFiles: 1, numCopiedRows: 30, … }`
 */
export interface DeleteMetrics {
  readonly version: number | undefined;
  readonly numDeletedRows: number;
  readonly numRemovedFiles: number;
  readonly numAddedFiles: number;
  readonly numCopiedRows: number;
  /** Merge-on-read (`delta.enableDeletionVectors`): files that got a first DV / whose DV was replaced / whose DV went with the file. */
  readonly numDeletionVectorsAdded: number;
  readonly numDeletionVectorsUpdated: number;
  readonly numDeletionVectorsRemoved: number;
  readonly [metric: string]: number | undefined;
}

/**
 * Delete the rows of the table at `root` satisfying `condition` (every row without one).
 *
 * @example
 * ```ts
 * await deleteRows(df.runtime, "/data/orders", "t", "day < '2024-01-01'");
 * ```
 */
export async function deleteRows(rt: Runtime, root: string, alias: string | undefined, condition?: DeltaExpr): Promise<DeleteMetrics> {
  const { version, metrics, warnings } = await rt.job(`DELETE FROM ${root}`, () => deleteFromDelta(rt.executor, {
    root, ...(condition !== undefined ? { condition: toExpr(condition) } : {}), ...(alias ? { alias } : {}),
  }));
  return { ...metrics, ...(warnings?.length ? { checkpointFailed: 1 } : {}), version } as DeleteMetrics;
}
