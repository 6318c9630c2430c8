/**
 * io/postgres — Postgres as a source and a sink, over `pg` and COPY. No DuckDB here: reads stream
 * `COPY (SELECT …) TO STDOUT (FORMAT csv)` into files the engine reads (rows never become JS objects); writes
 * stream a CSV file the engine produced with `COPY … FROM STDIN` inside one transaction.
 *
 * Invariants
 * - Values are never interpolated into SQL: protocol parameters where Postgres allows them, and in COPY queries
 *   (which take none) transaction-local settings read back with `current_setting` (see PgParams).
 * - Identifiers are always quoted. A table name is split into schema/table and each part quoted as given.
 * - Passwords never leave: errors, explain() and logs show the URL with `***` (maskUrl, redactSecrets).
 * - All or nothing: a read that fails (connection lost, backend terminated) removes what it streamed and
 *   returns nothing; a write runs in one transaction and rolls back on any failure.
 *
 * ```
 *  read   describe (SELECT * … LIMIT 0 + pg_type) ─► partitions (Spark JDBC strides, one snapshot)
 *         ─► COPY (SELECT casts FROM src WHERE pushed AND partition) TO STDOUT ─► part-N.csv ─► DuckDB read_csv
 *  write  DuckDB COPY query TO x.csv ─► BEGIN; [CREATE | TRUNCATE]; COPY FROM STDIN [→ stage; INSERT … ON CONFLICT]; COMMIT
 * ```
 */
export { parseConnection, maskUrl, redactSecrets, connectPostgres, postgresError, type PostgresConnection, type PostgresConnectionOptions } from "./connection-config.js";
export { mapPostgresColumn, sparkTypeOfPostgres, postgresTypeOf, type PostgresColumn, type ColumnTransfer } from "./type-mapping.js";
export { PgParams } from "./pg-params.js";
export {
  relationSql, splitTableName, describePostgres, partitionPredicates, copyPostgresToFiles,
  type PostgresRelation, type DescribedColumn, type PartitionBound, type RangePartitioning, type CopyQuery,
} from "./pg-source.js";
export { loadPostgres, type PostgresWriteMode, type PostgresLoad, type PostgresLoadResult } from "./pg-sink.js";
