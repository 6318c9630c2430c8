/**
 * Classic single-file checkpoints: the state of a version (protocol, metaData, txn, live adds, unexpired
 * tombstones) as rows of `%020d.checkpoint.parquet` in the protocol's checkpoint schema, then the
 * `_last_checkpoint` pointer. The Parquet encoding is delegated to a {@link CheckpointParquetWriter}
 * (implemented by the engine), so this layer never imports DuckDB.
 *
 * ```
 *  Snapshot(v) ─► checkpointRows ─► writer.writeCheckpointFile(temp) ─► store.putIfAbsent(v.checkpoint.parquet)
 *                                                                     └► store.overwrite(_last_checkpoint)
 * ```
 * A crash before the put leaves only a hidden temp file (ignored by readers); a crash before the pointer
 * leaves a complete checkpoint that readers find by listing.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { toLogEntry } from "./commit.js";
import { checkpointFileName, DELTA_LOG_DIR, LAST_CHECKPOINT } from "./log-file-name.js";
import { readLastCheckpoint } from "./log-segment.js";
import type { LogStore } from "./log-store.js";
import type { Snapshot } from "./snapshot.js";
import { DEFAULT_TOMBSTONE_RETENTION_MS, retentionMs } from "./log-cleanup.js";

/** One checkpoint row: exactly one action key (`add`, `remove`, `metaData`, `protocol`, `txn`) set. @example `{ txn: { appId: "a", version: 3 } }` */
export type CheckpointRow = Readonly<Record<string, unknown>>;

/**
 * Encodes checkpoint rows as Parquet with the protocol's checkpoint schema (structs `txn`, `add`, `remove`,
 * `metaData`, `protocol`; maps for partitionValues/configuration).
 *
 * @example
 * ```ts
 * const writer: CheckpointParquetWriter = new DuckDBCheckpointWriter(executor);
 * await writer.writeCheckpointFile("/t/_delta_log/.tmp", rows);
 * ```
 */
export interface CheckpointParquetWriter {
  writeCheckpointFile(filePath: string, rows: readonly CheckpointRow[]): Promise<void>;
}

/**
 * The rows of a checkpoint of `snapshot`. Tombstones (removes) stay while younger than the table's
 * `delta.deletedFileRetentionDuration` (default 7 days), so VACUUM and concurrent readers still see them.
 *
 * @example
 * ```ts
 * const rows = checkpointRows(snapshot); // [{ protocol }, { metaData }, { txn }…, { add }…, { remove }…]
 * ```
 */
export function checkpointRows(snapshot: Snapshot, now = Date.now()): CheckpointRow[] {
  const rows: CheckpointRow[] = [toLogEntry(snapshot.protocol), toLogEntry(snapshot.metadata)];
  for (const [appId, version] of snapshot.appVersions) rows.push({ txn: { appId, version } });
  for (const f of snapshot.files) rows.push(toLogEntry({ ...f.add, dataChange: false }));
  const retention = retentionMs(snapshot.configuration, "delta.deletedFileRetentionDuration", DEFAULT_TOMBSTONE_RETENTION_MS);
  for (const r of snapshot.tombstones) {
    if (r.deletionTimestamp !== undefined && now - r.deletionTimestamp > retention) continue;
    rows.push(toLogEntry({ ...r, dataChange: false }));
  }
  return rows;
}

/**
 * Write the checkpoint of `snapshot` and point `_last_checkpoint` at it (unless a newer checkpoint exists).
 *
 * @example
 * ```ts
 * await writeCheckpoint(snapshot, new FileSystemLogStore(), new DuckDBCheckpointWriter(executor));
 * ```
 */
export async function writeCheckpoint(snapshot: Snapshot, store: LogStore, writer: CheckpointParquetWriter, now = Date.now()): Promise<void> {
  const logDir = path.join(snapshot.tableRoot, DELTA_LOG_DIR);
  const rows = checkpointRows(snapshot, now);
  const name = checkpointFileName(snapshot.version);
  const temp = path.join(logDir, `.${name}.${randomUUID()}.tmp`);
  try {
    await writer.writeCheckpointFile(temp, rows);
    // An existing checkpoint of this version (a concurrent writer's) holds the same state: keep it.
    await store.putIfAbsent(path.join(logDir, name), await fs.readFile(temp));
  } finally {
    await fs.rm(temp, { force: true });
  }
  const last = await readLastCheckpoint(store, logDir).catch(() => undefined);
  if (last && last.version >= snapshot.version) return;
  await store.overwrite(path.join(logDir, LAST_CHECKPOINT), new TextEncoder().encode(JSON.stringify({ version: snapshot.version, size: rows.length })));
}
