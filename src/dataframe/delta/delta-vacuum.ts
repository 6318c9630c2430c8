/**
 * `DeltaTable.vacuum(retentionHours = 168)`: deletes data and deletion-vector files the table no longer
 * references — neither by the latest version nor by a tombstone younger than the retention — and that are older than the retention
 * (so files of writes still in flight survive). Hidden entries (`_delta_log`, names starting with `_` or `.`)
 * are never touched. Afterwards, reading a version whose files were vacuumed fails with
 * `WEIR_DELTA_MISSING_FILE` naming the file.
 *
 * Retention below 168 hours (or the table's `delta.deletedFileRetentionDuration`) is refused with
 * `WEIR_DELTA_RETENTION_TOO_SHORT` unless `spark.databricks.delta.retentionDurationCheck.enabled` is false.
 * As Delta ≥ 2.3 does, a run that deletes is logged in the table's history by two commits holding only a
 * commitInfo — `VACUUM START` (files to delete, their size) and `VACUUM END` (files deleted) — unless
 * `spark.databricks.delta.vacuum.logging.enabled` is false. A dry run writes nothing.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { deletionVectorPath, OptimisticTransaction, resolveDataPath, type DeletionVectorDescriptor } from "../../delta/index.js";
import { DeltaError, WeirError } from "../../errors/index.js";
import { DuckDBCheckpointWriter, DuckDBParquetReader, loadDeltaSnapshot } from "../../engine/index.js";
import type { Runtime } from "../runtime.js";

/** Default retention of VACUUM in hours (7 days). @example `DEFAULT_RETENTION_HOURS // 168` */
export const DEFAULT_RETENTION_HOURS = 168;

/** What VACUUM deleted (or, dry run, would delete). @example `{ dryRun: false, numDeletedFiles: 3, filesDeleted: ["/data/t/part-….parquet"] }` */
export interface VacuumResult {
  readonly dryRun: boolean;
  readonly numDeletedFiles: number;
  /** Absolute paths. */
  readonly filesDeleted: readonly string[];
}

/**
 * Vacuum the table at `root`.
 *
 * @example
 * ```ts
 * const { filesDeleted } = await vacuumTable(rt, "/data/t", 168, true); // dry run
 * ```
 */
export async function vacuumTable(rt: Runtime, root: string, retentionHours: number | undefined, dryRun: boolean): Promise<VacuumResult> {
  const snapshot = await loadDeltaSnapshot(rt.executor, root);
  const minimum = parseIntervalHours(snapshot.configuration["delta.deletedFileRetentionDuration"]) ?? DEFAULT_RETENTION_HOURS;
  const hours = retentionHours ?? minimum;
  if (!Number.isFinite(hours) || hours < 0) throw new WeirError("WEIR_INVALID_ARGUMENT", `vacuum() retention must be a non-negative number of hours, got ${hours}`, { hint: "e.g. vacuum(168)" });
  const check = conf(rt, "spark.databricks.delta.retentionDurationCheck.enabled", "true");
  if (hours < minimum && check !== "false") {
    throw new DeltaError("WEIR_DELTA_RETENTION_TOO_SHORT", `Cannot vacuum the Delta table at ${root} with a retention of ${hours} hours: it is shorter than the minimum of ${minimum} hours, and could delete files still needed by concurrent readers, writers or time travel`, {
      hint: 'keep retentionHours >= 168, or if you are sure, spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", false)', details: { table: root, retentionHours: hours, minimum },
    });
  }
  const cutoff = Date.now() - hours * 3_600_000;
  const keep = new Set(snapshot.files.map((f) => path.resolve(f.path)));
  // Deletion-vector files are kept while a live file or an unexpired tombstone refers to them.
  const keepDv = (dv: DeletionVectorDescriptor | undefined): void => {
    const p = dv ? deletionVectorPath(root, dv) : undefined;
    if (p) keep.add(path.resolve(p));
  };
  for (const f of snapshot.files) keepDv(f.add.deletionVector);
  for (const t of snapshot.tombstones) {
    if (t.deletionTimestamp !== undefined && t.deletionTimestamp < cutoff) continue;
    keep.add(path.resolve(resolveDataPath(root, t.path)));
    keepDv(t.deletionVector);
  }
  // One walk plans everything: the files to delete and the directories below the root (deepest first).
  const planned: string[] = [];
  const directories: string[] = [];
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      if (e.name.startsWith("_") || e.name.startsWith(".")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        await walk(p);
        directories.push(p);
        continue;
      }
      const stat = await fs.stat(p).catch(() => undefined);
      if (!stat || keep.has(p) || stat.mtimeMs >= cutoff) continue;
      planned.push(p);
      bytes += stat.size;
    }
  };
  await walk(path.resolve(root));
  const deleted = dryRun ? planned : [];
  if (!dryRun) {
    const logging = planned.length > 0 && conf(rt, "spark.databricks.delta.vacuum.logging.enabled", "true") !== "false";
    if (logging) {
      await logVacuum(rt, root, "VACUUM START", {
        retentionCheckEnabled: check !== "false", specifiedRetentionMillis: retentionHours === undefined ? null : Math.round(hours * 3_600_000),
        defaultRetentionMillis: Math.round(minimum * 3_600_000),
      }, { numFilesToDelete: planned.length, sizeOfDataToDelete: bytes });
    }
    for (const p of planned) {
      await fs.rm(p, { force: true });
      deleted.push(p);
    }
    // Directories left empty go too (rmdir refuses the others).
    for (const d of directories) await fs.rmdir(d).catch(() => undefined);
    if (logging) await logVacuum(rt, root, "VACUUM END", { status: "COMPLETED" }, { numDeletedFiles: deleted.length, numVacuumedDirectories: directories.length + 1 });
  }
  return { dryRun, numDeletedFiles: deleted.length, filesDeleted: deleted.sort() };
}

/** A commit holding only a commitInfo (Delta's VACUUM START / END history entries); it conflicts with nothing. */
async function logVacuum(rt: Runtime, root: string, operation: string, parameters: Record<string, unknown>, metrics: Record<string, number>): Promise<void> {
  // Checkpoints are decoded on a connection of the session's DuckDB (a reader without one would open, and here
  // never close, a DuckDB of its own).
  const conn = await rt.executor.connect();
  try {
    const txn = await OptimisticTransaction.start(root, { cache: rt.executor.snapshots, parquetReader: new DuckDBParquetReader(conn), checkpointWriter: new DuckDBCheckpointWriter(rt.executor) });
    await txn.commit([], { operation, operationParameters: parameters, operationMetrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, String(v)])) });
  } finally {
    conn.closeSync();
  }
}

function conf(rt: Runtime, key: string, fallback: string): string {
  return rt.conf?.isSet(key) ? rt.conf.get(key).toLowerCase() : fallback;
}

/** Hours of a Delta interval property such as "interval 7 days" / "168 hours". */
function parseIntervalHours(v: string | null | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^\s*(?:interval\s+)?(\d+(?:\.\d+)?)\s*(week|day|hour|minute|second)s?\s*$/i.exec(v);
  if (!m) return undefined;
  const per = { week: 168, day: 24, hour: 1, minute: 1 / 60, second: 1 / 3600 }[m[2]!.toLowerCase() as "day"];
  return Number(m[1]) * per;
}
