/**
 * engine/js — user JavaScript functions on worker threads: the execution side of `Dataset` (Spark's RDD) and
 * `mapReduce`. Functions are shipped as source + explicit captures or as module references (ADR 002); the DAG
 * scheduler cuts lineage into stages at shuffles; tasks run on a worker pool; shuffles are hash/range
 * partitioned files in a compact binary encoding on local disk; aggregation, grouping and sorting spill sorted
 * runs beyond a per-task memory budget and merge them externally.
 *
 *   Dataset (lineage) ─action─▶ JsEngine.runJob ─▶ stages (cut at ShuffleDependency)
 *        shuffle-map stage: task = plan(partition) ─▶ narrow ops ─▶ ShuffleWriter ─▶ <tmp>/shuffle-N/map-M-stageS-A/part-R
 *        result stage:      task = shuffleRead(part-R of every map) ─▶ ExternalAggregator/Sorter ─▶ ops ─▶ sink
 *   WorkerPool: N threads, one task each; failures retried (maxFailures), dead workers replaced.
 *   LineageCleaner: a shuffle's files and a node's DISK blocks are deleted once its lineage object is collected.
 *
 * Invariants: a task's output is published only by the driver accepting its reply (attempt-specific shuffle
 * directories, so a failed attempt never mixes with a good one); functions that cannot run in a worker are
 * refused at submission (WEIR_FUNCTION_NOT_SERIALIZABLE); results never depend on the pool size, and on the
 * partition count only where Spark's do (sample/takeSample/randomSplit seed per partition, glom, zipWithUniqueId).
 */
export { JsEngine, type JsEngineOptions, type JobMetrics, type StageMetrics } from "./dag-scheduler.js";
export { LineageNode, ShuffleDependency, debugString, type NodeSource, type TextSplit, type RecordSplit, type Block } from "./lineage.js";
export { spoolRecords, type SpoolResult } from "./record-spool.js";
export { shipFunction, fnRef, FnRef, Broadcast, Accumulator, ShippedFunction, type FnOptions, type FnSpec, type CapturedValue } from "./ship-function.js";
export { analyzeFunctionSource, WORKER_GLOBALS, type FunctionAnalysis } from "./free-variables.js";
export { compareKeys, hashKey, partitionOf, KeyMap, canonicalKey } from "./keys.js";
export { encodeAll, decodeAll, Encoder, Decoder } from "./codec.js";
export { formatTextRecord } from "./text-file-writer.js";
export type { NarrowOp, ReduceSpec, Partitioner, MapSide, Sink, TaskPlan, TaskMetrics } from "./task-plan.js";
