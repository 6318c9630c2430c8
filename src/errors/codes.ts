/**
 * The registry of every stable error code Weir raises. `docs/errors.md` is checked against this list by a
 * test, so adding a code here means documenting it there.
 *
 * @example
 * ```ts
 * import { ERROR_CODES } from "weir";
 * console.log(ERROR_CODES.WEIR_UNKNOWN_COLUMN); // "A column name does not exist in the input."
 * ```
 */
export const ERROR_CODES = {
  WEIR_UNKNOWN_COLUMN: "A column name does not exist in the input.",
  WEIR_AMBIGUOUS_COLUMN: "A column name matches more than one input column (typically after a join).",
  WEIR_TYPE_MISMATCH: "An expression combines values of incompatible types, or a cast failed.",
  WEIR_INVALID_ARGUMENT: "An API was called with an argument it cannot accept.",
  WEIR_UNSUPPORTED_OPTION: "A reader/writer option or value is not supported.",
  WEIR_UNSUPPORTED_OPERATION: "The operation is not supported in this context.",
  WEIR_PATH_NOT_FOUND: "An input path, glob or directory matched no file.",
  WEIR_PARTITION_DISCOVERY: "Hive partition directories (k=v) are malformed or differ between input files.",
  WEIR_PATH_EXISTS: "The output path already exists and the save mode is \"error\".",
  WEIR_MALFORMED_RECORD: "An input record could not be parsed (FAILFAST mode).",
  WEIR_SCHEMA_PARSE: "A schema DDL string could not be parsed.",
  WEIR_SQL_ERROR: "DuckDB rejected a SQL statement (syntax or binder error).",
  WEIR_EXECUTION_FAILED: "A query failed while running.",
  WEIR_UNKNOWN_TABLE: "A table or view name is not registered.",
  WEIR_INVALID_NAME: "A table, view or path name is not valid or escapes the warehouse.",
  WEIR_TABLE_EXISTS: "A table or view of that name already exists in the catalog.",
  WEIR_UNKNOWN_DATABASE: "A database (schema) name is not in the catalog.",
  WEIR_DATABASE_EXISTS: "A database (schema) of that name already exists.",
  WEIR_DATABASE_NOT_EMPTY: "A database still holds tables or views and was dropped without CASCADE.",
  WEIR_CATALOG_IO: "Reading or writing the warehouse's catalog metadata failed at the storage level.",
  WEIR_SESSION_CLOSED: "The session was closed; no more work can run on it.",
  WEIR_WRITE_FAILED: "Writing output failed; the destination was left as it was.",
  WEIR_INTERNAL: "A broken invariant: this is a bug in Weir.",
  WEIR_DELTA_UNSUPPORTED_FEATURE: "A Delta table needs a reader/writer feature Weir does not implement.",
  WEIR_DELTA_NOT_A_TABLE: "The path holds no Delta table (no _delta_log/).",
  WEIR_DELTA_CORRUPT_LOG: "A Delta log file is missing, non-contiguous, truncated or unparsable.",
  WEIR_DELTA_VERSION_NOT_FOUND: "The requested Delta version or timestamp does not exist in the log.",
  WEIR_DELTA_MISSING_FILE: "A data file referenced by the Delta log is missing (e.g. vacuumed).",
  WEIR_DELTA_LOG_IO: "Reading, listing or creating a Delta log file failed at the storage level (permissions, disk, network).",
  WEIR_DELTA_CONCURRENT_MODIFICATION: "A Delta commit conflicts with a commit another writer made concurrently.",
  WEIR_DELTA_SCHEMA_MISMATCH: "Data written to a Delta table does not match the table's schema or partitioning.",
  WEIR_DELTA_MERGE_DUPLICATE_SOURCE: "A MERGE failed because several source rows matched the same target row (Spark's DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE).",
  WEIR_DELTA_CONSTRAINT_VIOLATION: "Rows written to a Delta table violate a NOT NULL column, a column invariant or a CHECK constraint (nothing was committed).",
  WEIR_DELTA_APPEND_ONLY: "An operation would remove or rewrite data files of an append-only Delta table (delta.appendOnly = true).",
  WEIR_DELTA_CHECKPOINT_FAILED: "A warning: a Delta commit succeeded but its checkpoint (or the expired-log cleanup after it) failed.",
  WEIR_DELTA_RETENTION_TOO_SHORT: "VACUUM was asked for a retention shorter than the table's safety minimum (168 hours by default).",
  WEIR_FUNCTION_NOT_SERIALIZABLE: "A function passed to a Dataset/mapReduce cannot be shipped to worker threads (it reads a variable from its enclosing scope, or a captured value cannot be copied).",
  WEIR_TASK_FAILED: "A Dataset task failed on every attempt (its user function threw or its worker thread died).",
  WEIR_RECORD_NOT_SERIALIZABLE: "A Dataset record (or a task's result) holds a value that cannot be sent between threads or encoded: a function, a symbol, a WeakMap, a class instance.",
  WEIR_RECORD_FILE_CORRUPT: "A shuffle, cache, checkpoint or spooled-source file Weir wrote is missing, truncated or corrupt and could not be recomputed from lineage.",
  WEIR_CLI_USAGE: "The command line could not be understood.",
  WEIR_POSTGRES_CONNECTION: "Connecting to Postgres failed, or the connection was lost during a read or write.",
  WEIR_POSTGRES_QUERY: "Postgres rejected a statement Weir sent (unknown table or column, constraint violation, type error).",
  WEIR_QUALITY_FAILED: "A data quality expectation with policy \"fail\" did not pass; nothing was written.",
  WEIR_PIPELINE_NULL_KEY: "Source rows of a merge pattern or incremental load have NULL in a key column; nothing was written.",
  WEIR_PIPELINE_NEW_COLUMNS: "File ingestion with schemaEvolution \"failOnNewColumns\" found columns the target does not have; nothing was written.",
  WEIR_PIPELINE_STATE_MISMATCH: "A pipeline's recorded state (watermark or file ledger) disagrees with the target table's commits in a way it cannot repair.",
} as const;

/** A stable Weir error code, e.g. `"WEIR_UNKNOWN_COLUMN"`. @example `const c: ErrorCode = "WEIR_SQL_ERROR";` */
export type ErrorCode = keyof typeof ERROR_CODES;
