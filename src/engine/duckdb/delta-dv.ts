/**
 * Merge-on-read DML (PROTOCOL.md "Deletion Vectors"): instead of rewriting a data file that loses some rows,
 * DELETE/UPDATE/MERGE mark those rows' physical positions in a deletion vector (DV) and keep the file.
 *
 * ```
 *   per touched file: positions P ──► old DV ∪ P ──► covers every row? ──yes──► remove(file)
 *                                                    │ no
 *                                                    ▼
 *   one deletion_vector_<uuid>.bin for the operation ──► remove(file, old DV) + add(file, new DV, stats with tightBounds false)
 * ```
 * Used only when the table has `delta.enableDeletionVectors = true` (writers must not add DVs otherwise);
 * existing DVs are honoured either way (the scan skips their rows; a copy-on-write rewrite drops them).
 */
import {
  deletionVectorPath, readDeletionVectorShared, removeOf, unionPositions, writeDeletionVectors, type AddAction, type DeltaFile, type RemoveAction,
} from "../../delta/index.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { ParamCollector } from "./params.js";

/**
 * The actions marking rows deleted — a remove per touched file, and an add with its new DV for each that keeps a
 * row — and the DV file written (to delete if the commit fails). Spark's DV metrics: {@link removalCounts}.
 */
export interface DeletionVectorChanges {
  readonly removes: RemoveAction[];
  readonly adds: AddAction[];
  /** The new DV file, if one was written. */
  readonly dvFile: string | undefined;
}

/**
 * Mark `positions` (per file path, ascending distinct physical row positions) deleted in `files`.
 *
 * @example
 * ```ts
 * const dv = await markRowsDeleted(executor, snapshot.tableRoot, touched, new Map([[file.path, [3, 17]]]));
 * await commitDml(txn, root, [...dv.removes, ...dv.adds, ...written], written, description, [dv.dvFile]);
 * ```
 */
export async function markRowsDeleted(
  executor: DuckDBExecutor, tableRoot: string, files: readonly DeltaFile[], positions: ReadonlyMap<string, readonly number[]>,
): Promise<DeletionVectorChanges> {
  const touched = files.filter((f) => (positions.get(f.path)?.length ?? 0) > 0);
  const physical = await physicalRowCounts(executor, touched);
  const unions = await Promise.all(touched.map(async (f) => unionPositions(f.add.deletionVector ? await readDeletionVectorShared(tableRoot, f.add.deletionVector) : [], positions.get(f.path)!)));
  const removes = touched.map((f) => removeOf(f.add));
  // A file whose every row is now deleted is only removed.
  const kept = touched.flatMap((file, i) => (unions[i]!.length < physical[i]! ? [{ file, rows: unions[i]!, physical: physical[i]! }] : []));
  const descriptors = await writeDeletionVectors(tableRoot, kept.map((k) => k.rows));
  const adds = kept.map(({ file, physical: n }, i): AddAction => ({
    ...file.add, dataChange: true, stats: wideBounds(file.add.stats, n), deletionVector: descriptors[i]!,
  }));
  return { removes, adds, dvFile: descriptors.length ? deletionVectorPath(tableRoot, descriptors[0]!) : undefined };
}

/**
 * Spark's file and deletion-vector counts of a DML commit, from its actions: a removed file that comes back with
 * a (new) DV was not really removed; its DV was added if the remove carried none, else updated; the DVs dropped
 * are those of removed files minus the ones updated.
 *
 * @example `const { removed, dvAdded, dvUpdated, dvRemoved } = removalCounts(removes, dv); // removed: files gone for good`
 */
export function removalCounts(
  removes: readonly RemoveAction[], dv: DeletionVectorChanges | undefined,
): { removed: RemoveAction[]; dvAdded: number; dvUpdated: number; dvRemoved: number } {
  const readded = new Set(dv?.adds.map((a) => a.path) ?? []);
  const hadDv = new Set(removes.flatMap((r) => (r.deletionVector ? [r.path] : [])));
  const dvUpdated = dv?.adds.filter((a) => hadDv.has(a.path)).length ?? 0;
  return {
    removed: removes.filter((r) => !readded.has(r.path)), dvAdded: (dv?.adds.length ?? 0) - dvUpdated, dvUpdated,
    dvRemoved: removes.filter((r) => r.deletionVector).length - dvUpdated,
  };
}

/**
 * The rows a file logically holds: its physical `numRecords` minus the rows its deletion vector removes
 * (undefined without stats).
 *
 * @example `logicalRows(file) // 998`
 */
export function logicalRows(f: DeltaFile): number | undefined {
  const n = f.stats?.numRecords;
  return n === undefined ? undefined : n - (f.add.deletionVector?.cardinality ?? 0);
}

/** Rows physically in each file: `numRecords` from the stats, else the Parquet footer (DVs need it exact). */
async function physicalRowCounts(executor: DuckDBExecutor, files: readonly DeltaFile[]): Promise<number[]> {
  const missing = files.filter((f) => f.stats?.numRecords === undefined);
  const fromFooter = new Map<string, number>();
  if (missing.length) {
    const params = new ParamCollector();
    const { rows } = await executor.query(`SELECT file_name AS f, sum(row_group_num_rows) AS n FROM (SELECT DISTINCT file_name, row_group_id, row_group_num_rows FROM parquet_metadata(${params.bind(missing.map((f) => f.path))})) GROUP BY 1`, params.bound, "deletion vector");
    for (const r of rows) fromFooter.set(String(r.f), Number(r.n));
  }
  return files.map((f) => f.stats?.numRecords ?? fromFooter.get(f.path) ?? 0);
}

/** The stats of a file that gains a DV: same values, `numRecords` stated, bounds no longer tight. */
function wideBounds(stats: string | undefined, numRecords: number): string {
  let parsed: Record<string, unknown> = {};
  try {
    const v: unknown = JSON.parse(stats ?? "{}");
    if (v && typeof v === "object" && !Array.isArray(v)) parsed = v as Record<string, unknown>;
  } catch {
    // unparsable stats carry no information: keep only what DVs require
  }
  return JSON.stringify({ ...parsed, numRecords, tightBounds: false });
}
