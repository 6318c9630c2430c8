/**
 * `DeltaTable.restoreToVersion(v)` / `restoreToTimestamp(ts)`: one RESTORE commit that makes the latest version
 * hold exactly the files (and metadata) of the old one — files it lacks are re-added, files it did not have
 * are removed. Data files are not copied; a file already vacuumed makes the restore fail with
 * `WEIR_DELTA_MISSING_FILE` naming it, and nothing is committed.
 */
import { promises as fs } from "node:fs";
import {
  deletionVectorId, deletionVectorPath, OptimisticTransaction, removeOf, Snapshot, type Action, type AddAction, type DeltaFile, type VersionSpec,
} from "../../delta/index.js";
import { DeltaError, WeirError } from "../../errors/index.js";
import { DuckDBCheckpointWriter, DuckDBParquetReader } from "../../engine/index.js";
import type { Runtime } from "../runtime.js";

/**
 * Spark's RESTORE metrics, plus the version committed.
 *
 * @example `{ version: 8, tableSizeAfterRestore: 12345, numOfFilesAfterRestore: 3, numRemovedFiles: 2, numRestoredFiles: 1, removedFilesSize: 800, restoredFilesSize: 400 }`
 */
export interface RestoreMetrics {
  readonly version: number | undefined;
  readonly tableSizeAfterRestore: number;
  readonly numOfFilesAfterRestore: number;
  readonly numRemovedFiles: number;
  readonly numRestoredFiles: number;
  readonly removedFilesSize: number;
  readonly restoredFilesSize: number;
}

/**
 * Restore the table at `root` to a version or a timestamp (ms since the epoch).
 *
 * @example
 * ```ts
 * await restoreTable(rt, "/data/t", { version: 3 });
 * ```
 */
export async function restoreTable(rt: Runtime, root: string, spec: VersionSpec): Promise<RestoreMetrics> {
  const conn = await rt.executor.connect();
  try {
    const parquetReader = new DuckDBParquetReader(conn);
    const txn = await OptimisticTransaction.start(root, { parquetReader, checkpointWriter: new DuckDBCheckpointWriter(rt.executor), cache: rt.executor.snapshots });
    const latest = txn.snapshot!;
    const target = await Snapshot.load(root, { ...spec, parquetReader });
    if (target.version > latest.version) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot restore the Delta table at ${root} to version ${target.version}: the latest version is ${latest.version}`, { hint: "restore to an earlier version" });
    }
    // A logical file is its path plus its deletion vector: the same data file with another DV is another file.
    const key = (f: DeltaFile): string => `${f.path}\u0000${deletionVectorId(f.add.deletionVector)}`;
    const now = new Set(latest.files.map(key));
    const then = new Set(target.files.map(key));
    const restored = target.files.filter((f) => !now.has(key(f)));
    const removed = latest.files.filter((f) => !then.has(key(f)));
    for (const f of restored) {
      for (const file of [f.path, f.add.deletionVector ? deletionVectorPath(root, f.add.deletionVector) : undefined]) {
        if (file === undefined) continue;
        try {
          await fs.access(file);
        } catch (cause) {
          throw new DeltaError("WEIR_DELTA_MISSING_FILE", `Cannot restore the Delta table at ${root} to version ${target.version}: ${file === f.path ? "data" : "deletion vector"} file ${file} is missing`, {
            hint: "the file was probably removed by VACUUM; restore a later version", cause, details: { table: root, version: target.version, file },
          });
        }
      }
    }
    txn.readWholeTable();
    const actions: Action[] = [];
    if (target.metadata.schemaString !== latest.metadata.schemaString || JSON.stringify(target.metadata.partitionColumns) !== JSON.stringify(latest.metadata.partitionColumns)
      || JSON.stringify(target.metadata.configuration) !== JSON.stringify(latest.metadata.configuration)) {
      actions.push(target.metadata);
    }
    const ts = Date.now();
    actions.push(...removed.map((f) => removeOf(f.add, true, ts)));
    actions.push(...restored.map((f): AddAction => ({ ...f.add, dataChange: true })));
    const size = (fs2: readonly { size: number }[]): number => fs2.reduce((n, f) => n + f.size, 0);
    const metrics = {
      tableSizeAfterRestore: size(target.files), numOfFilesAfterRestore: target.files.length, numRemovedFiles: removed.length,
      numRestoredFiles: restored.length, removedFilesSize: size(removed), restoredFilesSize: size(restored),
    };
    const version = await txn.commit(actions, {
      operation: "RESTORE", operationParameters: { version: target.version, timestamp: spec.timestamp !== undefined ? new Date(spec.timestamp).toISOString() : null },
      operationMetrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, String(v)])),
    });
    return { ...metrics, version };
  } finally {
    conn.closeSync();
  }
}
