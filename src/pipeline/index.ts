/**
 * pipeline — what batch ETL jobs do on top of DataFrames: data quality expectations (Great Expectations names,
 * policies warn/drop/fail/quarantine applied before anything is written), the job run log, incremental loads with
 * watermarks, file ingestion with a ledger, and merge patterns (upsert, SCD2, full refresh, replaceWhere). Weir's
 * bookkeeping lives in Delta tables of the `_weir` database (`<warehouse>/_weir.db/<table>`):
 * `quality_results`, `job_runs`, `quarantine_<suite>`, `watermarks`, `ingested_files`.
 *
 * ```
 *  runJob(name, params) ── job_runs: running ──► work(ctx) ──► job_runs: success | failed (error, rows, versions)
 *     └─ validateExpectations(df) ── one aggregate scan ──► quality_results ──► fail? throw : quarantine, drop ──► rows to write
 * ```
 *
 * Exactly-once state: a pipeline's state (watermark, ingested files) is written INTO the data commit of its target
 * — a Delta `txn` action (appId = job, version = batch sequence) plus `commitInfo.userMetadata` holding the state —
 * so data and state become visible together. The `_weir` tables are derived copies, repaired from the target's log.
 *
 * incrementalLoad (batch n = last committed seq + 1; W = its watermark):
 * ```
 *   target log ── newest commit with userMetadata.weir.app = job ──► seq, W ──► repair _weir.watermarks if behind
 *        │
 *   bronze has batch n?  ── yes (crash after landing) ──► batch = bronze WHERE _weir_batch = n
 *        │ no
 *   source.filter(wm >= W)  (pushed down: Postgres WHERE / Delta skipping / file pruning; >= keeps ties)
 *     ANTI JOIN target ON keys AND t.wm >= s.wm   (drops rows already merged: ties, reruns)
 *     ──► cache table (one statement; every later step reads it, the source is read once)
 *     ──► profile: rows, NULL keys, distinct keys, max wm (one scan) ──► empty? stop, nothing committed
 *     ──► bronze: append batch + _weir_batch = n  [commit: txn(job, n), userMetadata{seq n}]
 *        │
 *   transform (cached) ──► latest row per key by wm (skipped when keys are unique) ──► MERGE INTO target ON keys
 *        [ONE commit: data files + txn(job, n) + userMetadata{seq n, watermark max(W, max wm of batch)}]
 *        │
 *   _weir.watermarks += (job, n, watermark, target version)       (a crash before this is repaired next run)
 * ```
 * A crash before the MERGE commit leaves batch n uncommitted (redone, from bronze when landed); after it, the
 * next run reads seq n from the target. Either way no row is lost or merged twice.
 *
 * ingestFiles (batch n):
 * ```
 *   target log ── newest commit of app "ingest:<target>" ──► seq ──► repair _weir.ingested_files if behind
 *   list source files ── minus ledger (path, size, mtime) ──► new files (sorted, ≤ maxFilesPerBatch)
 *   read them (schema | inferSchema; schemaEvolution; badRecordsPath) ──► _rescued_data in rescue mode
 *   append to target [ONE commit: data + txn(app, n) + userMetadata{files: [path, size, mtime], schema changes}]
 *   _weir.ingested_files += one row per file
 * ```
 */
export * from "./quality/index.js";
export { runJob, listJobRuns, maskParams, type JobSpec, type JobContext, type JobRun } from "./job-run-log.js";
export { weirTablePath, QUALITY_RESULTS_SCHEMA, JOB_RUNS_SCHEMA } from "./weir-tables.js";
export { incrementalLoad, BRONZE_BATCH_COLUMN, type IncrementalLoadOptions, type IncrementalLoadResult } from "./incremental-load.js";
export { getWatermark, WATERMARKS_SCHEMA, type WatermarkValue, type WatermarkRecord } from "./watermarks.js";
export { readCommittedState, type CommittedState } from "./committed-state.js";
export { readTableTarget, type TableTarget } from "./table-target.js";
export { ingestFiles, RESCUED_DATA_COLUMN, type IngestFilesOptions, type IngestFilesResult, type SchemaEvolutionMode } from "./ingest-files.js";
export { INGESTED_FILES_SCHEMA } from "./file-ledger.js";
export { upsert, type UpsertOptions, type UpsertResult } from "./upsert.js";
export { scd2, type Scd2Options, type Scd2Result } from "./scd2.js";
export { fullRefresh, replacePartitions, type FullRefreshOptions, type ReplacePartitionsOptions, type RefreshResult } from "./full-refresh.js";
