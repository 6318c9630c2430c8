/**
 * `DeltaTable.update(condition?, set)`: rewrites the files holding matching rows, or with
 * `delta.enableDeletionVectors = true` writes only the changed rows and marks their old versions in deletion
 * vectors (see engine/duckdb/delta-update.ts); values are Columns or SQL strings and may reference the row's columns.
 */
import { updateDelta } from "../../engine/index.js";
import type { Runtime } from "../runtime.js";
import { toAssignments, toExpr, type DeltaAssignments, type DeltaExpr } from "./merge-builder.js";

/**
 * Spark's UPDATE metrics as numbers, plus the version committed (undefined when no row matched).
 *
 * @example `{ version: 6, numUpdatedRows: 3, numCopiedRows: 97, numRemovedFiles: 1, numAddedFiles: 1, … }`
 */
export interface UpdateMetrics {
  readonly version: number | undefined;
  readonly numUpdatedRows: number;
  readonly numCopiedRows: number;
  readonly numRemovedFiles: number;
  readonly numAddedFiles: number;
  readonly [metric: string]: number | undefined;
}

/**
 * Set columns of the rows satisfying `condition` (every row without one).
 *
 * @example
 * ```ts
 * await updateRows(df.runtime, "/data/orders", undefined, "status = 'new'", { status: "'open'" });
 * ```
 */
export async function updateRows(rt: Runtime, root: string, alias: string | undefined, condition: DeltaExpr | undefined, set: DeltaAssignments): Promise<UpdateMetrics> {
  const { version, metrics, warnings } = await rt.job(`UPDATE ${root}`, () => updateDelta(rt.executor, {
    root, set: toAssignments(set), ...(condition !== undefined ? { condition: toExpr(condition) } : {}), ...(alias ? { alias } : {}),
  }));
  return { ...metrics, ...(warnings?.length ? { checkpointFailed: 1 } : {}), version } as UpdateMetrics;
}
