/**
 * delta-spark's `DeltaTable` for tables addressed by path or catalog name: `forPath`, `forName`, `isDeltaTable`, `toDF`, `alias`, `history`,
 * `detail`, and the table operations, one per file under `delta/`: `merge` (merge-builder.ts), `update`,
 * `delete`, `optimize`, `vacuum`, `restoreToVersion` / `restoreToTimestamp`.
 */
import * as path from "node:path";
import { WeirError } from "../errors/index.js";
import { DELTA_LOG_DIR, FileSystemLogStore, parseLogFileName, readHistory } from "../delta/index.js";
import { addDeltaConstraint, dropDeltaConstraint, loadDeltaSnapshot } from "../engine/index.js";
import { t } from "../types/index.js";
import type { DataFrame } from "./dataframe.js";
import { deleteRows, type DeleteMetrics } from "./delta/delta-delete.js";
import { DeltaOptimizeBuilder } from "./delta/delta-optimize.js";
import { restoreTable, type RestoreMetrics } from "./delta/delta-restore.js";
import { updateRows, type UpdateMetrics } from "./delta/delta-update.js";
import { vacuumTable, type VacuumResult } from "./delta/delta-vacuum.js";
import { DeltaMergeBuilder, type DeltaAssignments, type DeltaExpr } from "./delta/merge-builder.js";
import type { Session } from "./session.js";
import type { Row } from "./typed.js";

const HISTORY_SCHEMA = t.struct({
  version: t.int64(), timestamp: t.timestamp(), operation: t.string(), operationParameters: t.map(t.string(), t.string()),
  readVersion: t.int64(), isolationLevel: t.string(), isBlindAppend: t.boolean(), operationMetrics: t.map(t.string(), t.string()),
  userMetadata: t.string(), engineInfo: t.string(),
});

const DETAIL_SCHEMA = t.struct({
  format: t.string(), id: t.string(), name: t.string(), description: t.string(), location: t.string(), createdAt: t.timestamp(),
  lastModified: t.timestamp(), partitionColumns: t.array(t.string()), numFiles: t.int64(), sizeInBytes: t.int64(),
  properties: t.map(t.string(), t.string()), minReaderVersion: t.int32(), minWriterVersion: t.int32(),
});

/**
 * A Delta table by path.
 *
 * @example
 * ```ts
 * const table = await DeltaTable.forPath(spark, "/data/orders");
 * await table.toDF().show();
 * await (await table.history(5)).show();
 * ```
 */
export class DeltaTable {
  private constructor(private readonly session: Session, readonly path: string, readonly aliasName?: string) {}

  /**
   * The Delta table at `tablePath`, its latest snapshot loaded; fails with `WEIR_DELTA_NOT_A_TABLE` when there
   * is none and `WEIR_DELTA_UNSUPPORTED_FEATURE` when Weir cannot read it.
   *
   * @example
   * ```ts
   * const t = await DeltaTable.forPath(spark, "/data/orders");
   * ```
   */
  static async forPath(session: Session, tablePath: string): Promise<DeltaTable> {
    const table = new DeltaTable(session, path.resolve(tablePath));
    // Like Spark's DeltaLog.forTable: load the snapshot now (one listing of the log, which also finds a directory
    // that is no table: WEIR_DELTA_NOT_A_TABLE), refusing unreadable tables here and keeping the snapshot in the
    // session's cache so the next read or DML only replays newer commits.
    await loadDeltaSnapshot(table.runtime.executor, table.path);
    return table;
  }

  /**
   * The catalog table `name` (`"db.table"` or `"table"` in the current database); fails with
   * `WEIR_UNKNOWN_TABLE` (with did-you-mean) when there is none, and on views.
   *
   * @example
   * ```ts
   * await DeltaTable.forName(spark, "gold.customers").alias("t").merge(updates.alias("s"), "t.id = s.id")…
   * ```
   */
  static async forName(session: Session, name: string): Promise<DeltaTable> {
    return DeltaTable.forPath(session, session.catalog.deltaTarget({ kind: "name", name }).path);
  }

  /**
   * Whether `tablePath` holds a Delta table (a `_delta_log` with at least one commit or checkpoint).
   *
   * @example
   * ```ts
   * if (await DeltaTable.isDeltaTable(spark, "/data/orders")) { … }
   * ```
   */
  static async isDeltaTable(_session: Session, tablePath: string): Promise<boolean> {
    const listing = await new FileSystemLogStore().list(path.join(path.resolve(tablePath), DELTA_LOG_DIR));
    return listing !== undefined && listing.some((f) => parseLogFileName(f.name) !== undefined);
  }

  /** The latest version as a DataFrame (aliased when the table is). @example `table.toDF().filter(col("day").equalTo("2024-01-01"))` */
  toDF(): DataFrame<Row> {
    const df = this.session.read.format("delta").load(this.path);
    return this.aliasName ? df.alias(this.aliasName) : df;
  }

  /** This table under an alias, for merge conditions and values (`"t.id = s.id"`). @example `table.alias("t").merge(src.alias("s"), "t.id = s.id")` */
  alias(name: string): DeltaTable {
    return new DeltaTable(this.session, this.path, name);
  }

  /** Alias of {@link alias}. @example `table.as("t")` */
  as(name: string): DeltaTable {
    return this.alias(name);
  }

  /**
   * Start a MERGE of `source` into this table on `condition`; add WHEN clauses and call `execute()`.
   *
   * @example
   * ```ts
   * await table.alias("t").merge(updates.alias("s"), "t.id = s.id")
   *   .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
   * ```
   */
  merge<S>(source: DataFrame<S>, condition: DeltaExpr): DeltaMergeBuilder {
    return new DeltaMergeBuilder({ path: this.path, aliasName: this.aliasName }, source, condition);
  }

  /**
   * Update rows: `update(set)` for every row, `update(condition, set)` for rows satisfying the condition.
   * Values are Columns or SQL strings.
   *
   * @example
   * ```ts
   * await table.update("status = 'new'", { status: "'open'", qty: col("qty").plus(1) });
   * ```
   */
  update(set: DeltaAssignments): Promise<UpdateMetrics>;
  update(condition: DeltaExpr | undefined, set: DeltaAssignments): Promise<UpdateMetrics>;
  update(a: DeltaAssignments | DeltaExpr | undefined, b?: DeltaAssignments): Promise<UpdateMetrics> {
    if (b === undefined) return updateRows(this.runtime, this.path, this.aliasName, undefined, a as DeltaAssignments);
    return updateRows(this.runtime, this.path, this.aliasName, a as DeltaExpr | undefined, b);
  }

  /**
   * Delete the rows satisfying `condition` (every row without one).
   *
   * @example
   * ```ts
   * await table.delete("day < '2024-01-01'");
   * ```
   */
  delete(condition?: DeltaExpr): Promise<DeleteMetrics> {
    return deleteRows(this.runtime, this.path, this.aliasName, condition);
  }

  /** Start an OPTIMIZE (compaction or Z-order). @example `await table.optimize().where("day = '2024-01-01'").executeCompaction()` */
  optimize(): DeltaOptimizeBuilder {
    return new DeltaOptimizeBuilder(this.runtime, this.path);
  }

  /**
   * Delete files no longer referenced and older than the retention (default 168 hours).
   *
   * @example
   * ```ts
   * const { numDeletedFiles } = await table.vacuum();
   * ```
   */
  vacuum(retentionHours?: number): Promise<VacuumResult> {
    return vacuumTable(this.runtime, this.path, retentionHours, false);
  }

  /** The files {@link vacuum} would delete, without deleting them (SQL's `VACUUM … DRY RUN`). @example `(await table.vacuumDryRun(200)).filesDeleted` */
  vacuumDryRun(retentionHours?: number): Promise<VacuumResult> {
    return vacuumTable(this.runtime, this.path, retentionHours, true);
  }

  /** Make the latest version hold the data of `version` (one RESTORE commit). @example `await table.restoreToVersion(3)` */
  restoreToVersion(version: number): Promise<RestoreMetrics> {
    if (!Number.isInteger(version) || version < 0) throw new WeirError("WEIR_INVALID_ARGUMENT", `restoreToVersion() needs a non-negative integer version, got ${version}`, { hint: "e.g. restoreToVersion(3)" });
    return restoreTable(this.runtime, this.path, { version });
  }

  /**
   * Restore the version current at `timestamp` (a Date, ms since the epoch, or a string; zone-less strings are UTC).
   *
   * @example `await table.restoreToTimestamp("2024-05-01 12:00:00")`
   */
  restoreToTimestamp(timestamp: string | Date | number): Promise<RestoreMetrics> {
    const ms = timestamp instanceof Date ? timestamp.getTime() : typeof timestamp === "number" ? timestamp : parseTimestamp(timestamp);
    if (Number.isNaN(ms)) throw new WeirError("WEIR_INVALID_ARGUMENT", `restoreToTimestamp() got "${String(timestamp)}", which is not a timestamp`, { hint: 'e.g. restoreToTimestamp("2024-05-01 12:00:00")' });
    return restoreTable(this.runtime, this.path, { timestamp: ms });
  }

  /**
   * Add a CHECK constraint (SQL's `ALTER TABLE t ADD CONSTRAINT name CHECK (condition)`; delta-rs'
   * `alter.add_constraint`): every existing row must satisfy it, and every later write is checked against it.
   * Upgrades the table protocol to writer version 3 (or adds the `checkConstraints` feature). Returns the version.
   *
   * @example
   * ```ts
   * await table.addConstraint("positive_qty", "qty > 0");
   * ```
   */
  addConstraint(name: string, condition: string): Promise<number> {
    const rt = this.runtime;
    return rt.job(`ADD CONSTRAINT ${name} ON ${this.path}`, () => addDeltaConstraint(rt.executor, this.path, name, condition));
  }

  /**
   * Drop a CHECK constraint (`ALTER TABLE t DROP CONSTRAINT [IF EXISTS] name`). Returns the version written,
   * or undefined when it did not exist and `ifExists` is true.
   *
   * @example
   * ```ts
   * await table.dropConstraint("positive_qty");
   * ```
   */
  dropConstraint(name: string, ifExists = false): Promise<number | undefined> {
    const rt = this.runtime;
    return rt.job(`DROP CONSTRAINT ${name} ON ${this.path}`, () => dropDeltaConstraint(rt.executor, this.path, name, ifExists));
  }

  private get runtime(): DataFrame<Row>["runtime"] {
    return this.session.read.format("delta").load(this.path).runtime;
  }

  /**
   * The commits still in the log, newest first (at most `limit`), with Spark's `DESCRIBE HISTORY` columns.
   *
   * @example
   * ```ts
   * const [last] = await (await table.history(1)).collect(); // { version: 3n, operation: "WRITE", … }
   * ```
   */
  async history(limit?: number): Promise<DataFrame<Row>> {
    const entries = await readHistory(new FileSystemLogStore(), this.path, limit);
    const strings = (o: Readonly<Record<string, unknown>> | undefined): Record<string, string> | null =>
      o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])) : null;
    const rows = entries.map((e) => {
      const raw = e.commitInfo?.raw ?? {};
      return {
        version: BigInt(e.version), timestamp: new Date(e.timestamp), operation: e.operation ?? null,
        operationParameters: strings(e.commitInfo?.operationParameters), readVersion: e.commitInfo?.readVersion !== undefined ? BigInt(e.commitInfo.readVersion) : null,
        isolationLevel: typeof raw.isolationLevel === "string" ? raw.isolationLevel : null, isBlindAppend: e.commitInfo?.isBlindAppend ?? null,
        operationMetrics: strings(e.commitInfo?.operationMetrics), userMetadata: typeof raw.userMetadata === "string" ? raw.userMetadata : null,
        engineInfo: e.commitInfo?.engineInfo ?? null,
      };
    });
    return this.session.createDataFrame(rows as never, HISTORY_SCHEMA) as DataFrame<Row>;
  }

  /**
   * One row describing the latest version (Spark's `DESCRIBE DETAIL`): format, id, location, partition
   * columns, number and size of files, properties, protocol versions.
   *
   * @example
   * ```ts
   * const [d] = await (await table.detail()).collect(); // { format: "delta", numFiles: 4n, … }
   * ```
   */
  async detail(): Promise<DataFrame<Row>> {
    const snap = await loadDeltaSnapshot(this.toDF().runtime.executor, this.path);
    const row = {
      format: "delta", id: snap.metadata.id, name: snap.metadata.name ?? null, description: snap.metadata.description ?? null, location: this.path,
      createdAt: snap.metadata.createdTime !== undefined ? new Date(snap.metadata.createdTime) : null, lastModified: new Date(snap.timestamp),
      partitionColumns: [...snap.partitionColumns], numFiles: BigInt(snap.files.length), sizeInBytes: BigInt(snap.files.reduce((n, f) => n + f.size, 0)),
      properties: Object.fromEntries(Object.entries(snap.configuration).filter(([, v]) => v !== null)), minReaderVersion: snap.protocol.minReaderVersion,
      minWriterVersion: snap.protocol.minWriterVersion,
    };
    return this.session.createDataFrame([row] as never, DETAIL_SCHEMA) as DataFrame<Row>;
  }
}

function parseTimestamp(text: string): number {
  const s = text.trim();
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s.replace(" ", "T") : `${s.replace(" ", "T")}Z`;
  return Date.parse(iso);
}
