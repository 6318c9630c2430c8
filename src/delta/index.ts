/**
 * delta — Delta Lake tables in TypeScript: the transaction log, its replay into snapshots, and the storage
 * seam commits go through. Implements the reader side of the protocol in delta-io/delta `PROTOCOL.md`.
 *
 * Invariants:
 * - A snapshot is built only from a contiguous run of versions: the newest *complete* checkpoint at or
 *   below the version, then every JSON commit after it. A gap, a truncated line or a damaged checkpoint is
 *   `WEIR_DELTA_CORRUPT_LOG` naming the file (and line); nothing is skipped silently.
 * - Unknown fields and unknown actions are ignored (the protocol demands it); unknown *reader features* are
 *   refused with `WEIR_DELTA_UNSUPPORTED_FEATURE` naming the feature, because ignoring them gives wrong rows.
 * - Commits are created with `LogStore.putIfAbsent` (temp file + hard link, never a rename over): of two
 *   writers racing for a version exactly one gets `"created"`.
 * - This layer never imports the engine: checkpoint Parquet is decoded through the `ParquetActionReader`
 *   interface, which `engine/duckdb` implements.
 *
 * Log replay of version 12 with a checkpoint at 10:
 *
 * ```
 *   _delta_log/
 *   ├─ _last_checkpoint ─────────────┐ {"version":10}  (hint; else list the directory)
 *   ├─ 00000000000000000000.json     │  ignored: covered by the checkpoint
 *   ├─ …                             ▼
 *   ├─ 00000000000000000010.checkpoint.parquet ──► ParquetActionReader ─┐
 *   ├─ 00000000000000000011.json ──► parseCommitFile ─────────────────┤ apply in order
 *   └─ 00000000000000000012.json ──► parseCommitFile ─────────────────┤
 *                                                                     ▼
 *        ReplayState: protocol, metaData   latest wins
 *                     add/remove           keyed by (decoded path, deletion-vector id); newest wins
 *                     txn                  latest version per appId
 *                     domainMetadata       latest per domain, removed = tombstone
 *                                                                     │
 *                        assertReadable(protocol, metaData) ◄─────────┘
 *                                                                     ▼
 *        Snapshot { version, timestamp, schema, partitionColumns, files[ path, typed partitionValues,
 *                   size, stats ], tombstones, appVersions, commitInfo }
 * ```
 */
export * from "./actions.js";
export { FileSystemLogStore, type LogStore, type LogFileInfo, type PutIfAbsentResult } from "./log-store.js";
export {
  LAST_CHECKPOINT, DELTA_LOG_DIR, parseLogFileName, versionPrefix, commitFileName, checkpointFileName,
  checkpointPartFileName, type LogFileName,
} from "./log-file-name.js";
export {
  LogSegment, completeCheckpoints, readLastCheckpoint, readCommitTimestamps, findVersionAtTimestamp,
  type CheckpointFiles, type CommitFile, type VersionSpec, type LastCheckpointInfo,
} from "./log-segment.js";
export type { ParquetActionReader } from "./parquet-action-reader.js";
export { parsePartitionValue, HIVE_DEFAULT_PARTITION, type PartitionValue } from "./partition-value.js";
export { parseFileStats, type FileStats } from "./file-stats.js";
export { assertReadable, SUPPORTED_READER_FEATURES, MAX_READER_VERSION } from "./reader-features.js";
export { readDeletionVector, readDeletionVectorShared, deletionVectorPath, writeDeletionVectors, unionPositions, DV_PORTABLE_MAGIC } from "./deletion-vector.js";
export { decodeRoaring32, decodeRoaringBitmapArray, encodeRoaringBitmapArray } from "./roaring-bitmap.js";
export { z85Decode, z85DecodeUuid, z85Encode, z85EncodeUuid, Z85_ALPHABET } from "./z85.js";
export { Snapshot, readSnapshot, resolveDataPath, type DeltaFile, type SnapshotOptions } from "./snapshot.js";
export { SnapshotCache } from "./snapshot-cache.js";
export { readHistory, historyNewestFirst, type HistoryEntry } from "./history.js";
export { ENGINE_INFO, toLogEntry, serializeCommit, buildCommitInfo, type CommitDescription } from "./commit.js";
export { buildStatsJson, STATS_STRING_PREFIX, type ColumnStatsText } from "./stats.js";
export { checkConflicts, partitionKey, type TransactionSummary, type PartitionReadSet } from "./conflict-checker.js";
export { checkpointRows, writeCheckpoint, type CheckpointParquetWriter, type CheckpointRow } from "./checkpoint-writer.js";
export { OptimisticTransaction, DEFAULT_CHECKPOINT_INTERVAL, type TransactionOptions } from "./transaction.js";
export { reconcileSchema, type SchemaEvolution, type ReconciledSchema } from "./write-schema.js";
export { tableConstraints, hasInvariants, CONSTRAINT_PREFIX, type TableConstraint } from "./table-constraints.js";
export { assertWritable, featuresInUse, upgradedProtocol, isAppendOnly, deletionVectorsEnabled, SUPPORTED_WRITER_FEATURES, MAX_WRITER_VERSION } from "./writer-features.js";
export {
  cleanupExpiredLogs, parseIntervalMs, retentionMs, DEFAULT_LOG_RETENTION_MS, DEFAULT_TOMBSTONE_RETENTION_MS, type LogCleanupResult,
} from "./log-cleanup.js";
