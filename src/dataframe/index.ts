/**
 * dataframe — the user-facing API: Session, DataFrame (lazy, typed), Column, functions (F), Window,
 * DataFrameReader/Writer. Transformations only build plans; actions compile and run them through the engine.
 *
 *   Session ─read/sql/createDataFrame─▶ DataFrame ─transformations─▶ DataFrame … ─action─▶ engine ─▶ rows/files
 *
 * Invariants: DataFrames are immutable; nothing runs until an action; every action is one DuckDB statement
 * (plus file listing and partition pruning); writes are atomic.
 */
export { Session, type SessionOptions } from "./session.js";
export { DataFrame } from "./dataframe.js";
export type { JoinOn, JoinTypeName, JoinRow } from "./join-types.js";
export { GroupedData } from "./grouped-data.js";
export { Column, type ColumnOrValue } from "./column.js";
export { F, col, lit, when, expr, column } from "./functions/index.js";
export { Window, WindowSpec } from "./window.js";
export { DataFrameReader } from "./reader.js";
export { DataFrameWriter, type WriteResult } from "./writer.js";
export { DeltaTable } from "./delta-table.js";
export { Catalog, type CatalogDatabase, type CatalogTable } from "./catalog-api.js";
export { DeltaMergeBuilder, type MergeMetrics, type DeltaExpr, type DeltaAssignments } from "./delta/merge-builder.js";
export { DeltaOptimizeBuilder, DEFAULT_TARGET_FILE_SIZE, type OptimizeMetrics } from "./delta/delta-optimize.js";
export type { UpdateMetrics } from "./delta/delta-update.js";
export type { DeleteMetrics } from "./delta/delta-delete.js";
export { DEFAULT_RETENTION_HOURS, type VacuumResult } from "./delta/delta-vacuum.js";
export type { RestoreMetrics } from "./delta/delta-restore.js";
export { RuntimeConfig } from "./runtime-config.js";
export { formatTable, formatValue } from "./show.js";
export type { Row, ColName, SelectItem, SelectRow, Simplify, WithColumn, Renamed, IsRow, IsUntyped } from "./typed.js";
export { Dataset, type UserFn, type StorageLevel } from "./dataset.js";
export { StatCounter } from "./stat-counter.js";
export { type MapReduceSpec, type Emit, type TextFileOptions } from "./dataset-sources.js";
export { JobTracker, type JobRecord, type JobListener } from "./job-tracker.js";
