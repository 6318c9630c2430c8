/**
 * engine — executes logical plans. `duckdb/` compiles a plan into one DuckDB statement per action and runs it
 * on the embedded database; `js/` (later) runs user functions on worker threads.
 *
 *   Plan ──optimize──▶ PlanCompiler (resolve + check columns, bind literals) ──▶ SQL ──▶ DuckDBExecutor
 *                          │ scans: list files, prune partitions (io)                 │ rows / stream / describe
 *
 * Invariants: every identifier in generated SQL is quoted; every literal is a bound parameter; one
 * connection statement at a time on the main connection, streams on their own connections.
 */
export { DuckDBExecutor, schemaOf, type DuckDBSettings, type ColumnInfo, type QueryResult } from "./duckdb/duckdb-executor.js";
export { compileQuery, type CompiledQuery } from "./duckdb/compile-query.js";
export { PlanCompiler, outputName, type ExternalScans } from "./duckdb/compiler/compile-plan.js";
export { ParamCollector, type BoundParams } from "./duckdb/params.js";
export { registerFunctions, AGGREGATES, type FunctionRenderer } from "./duckdb/compiler/function-sql.js";
export { INPUT_FILE_COLUMN, type ScanReport } from "./duckdb/compiler/compile-scan.js";
export { type Relation, type Field } from "./duckdb/compiler/relation.js";
export { translateDuckDBError } from "./duckdb/translate-error.js";
export { compileDeltaScan, loadDeltaSnapshot } from "./duckdb/delta-scan.js";
export { releasePostgresExtracts, POSTGRES_SCAN_OPTIONS } from "./duckdb/postgres-scan.js";
export { writeDeltaTable, type DeltaWriteRequest, type DeltaWriteResult } from "./duckdb/delta-writer.js";
export { DuckDBCheckpointWriter } from "./duckdb/duckdb-checkpoint-writer.js";
export { mergeIntoDelta, type DeltaMergeRequest, type DeltaMergeClause } from "./duckdb/delta-merge.js";
export { updateDelta, type DeltaUpdateRequest, type DeltaAssignment } from "./duckdb/delta-update.js";
export { addDeltaConstraint, dropDeltaConstraint } from "./duckdb/delta-constraints.js";
export { deleteFromDelta, type DeltaDeleteRequest, type DeltaDmlResult } from "./duckdb/delta-delete.js";
export { optimizeDelta, type DeltaOptimizeRequest, type DeltaOptimizeResult } from "./duckdb/delta-optimize.js";
export { DuckDBParquetReader } from "./duckdb/duckdb-parquet-reader.js";
export * from "./js/index.js";
