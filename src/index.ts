/**
 * Weir — batch data processing for TypeScript: lazy DataFrames and SQL on embedded DuckDB, file I/O with atomic
 * writes, Delta Lake tables and a catalog, worker-thread datasets (RDD/MapReduce), and ETL pipelines.
 *
 * @example
 * ```ts
 * import { Session, col, F, t } from "weir";
 * await using spark = await Session.create();
 * const df = spark.read.option("header", true).csv("orders.csv");
 * await df.groupBy("status").agg(F.count("*").alias("n")).show();
 * ```
 */
export * from "./dataframe/index.js";
export * from "./pipeline/index.js";
export { type PostgresLoadResult, type PostgresWriteMode, maskUrl } from "./io/postgres/index.js";
export { type PostgresReadOptions } from "./dataframe/postgres-reader.js";
export { type PostgresWriteOptions } from "./dataframe/postgres-writer.js";
export { t, parseSchemaDDL, parseDataType, treeString, simpleString } from "./types/index.js";
export type * from "./types/index.js";
export { WeirError, AnalysisError, IoError, ExecutionError, DeltaError, ERROR_CODES, type ErrorCode } from "./errors/index.js";
export { fnRef, FnRef, Broadcast, Accumulator, type FnOptions, type JobMetrics, type StageMetrics } from "./engine/index.js";
