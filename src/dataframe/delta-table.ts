/**
 * delta-spark's `DeltaTable` for tables addressed by path: `forPath`, `isDeltaTable`, `toDF`, `history`,
 * `detail`. (MERGE/UPDATE/DELETE/OPTIMIZE/VACUUM builders come later.)
 */
import * as path from "node:path";
import { DeltaError } from "../errors/index.js";
import { DELTA_LOG_DIR, FileSystemLogStore, parseLogFileName, readHistory } from "../delta/index.js";
import { loadDeltaSnapshot } from "../engine/index.js";
import { t } from "../types/index.js";
import type { DataFrame } from "./dataframe.js";
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
  private constructor(private readonly session: Session, readonly path: string) {}

  /**
   * The Delta table at `tablePath`; fails with `WEIR_DELTA_NOT_A_TABLE` when there is none.
   *
   * @example
   * ```ts
   * const t = await DeltaTable.forPath(spark, "/data/orders");
   * ```
   */
  static async forPath(session: Session, tablePath: string): Promise<DeltaTable> {
    const root = path.resolve(tablePath);
    if (!(await DeltaTable.isDeltaTable(session, root))) {
      throw new DeltaError("WEIR_DELTA_NOT_A_TABLE", `${root} is not a Delta table: it has no commits in _delta_log`, {
        hint: 'check the path, or create the table with df.write.format("delta").save(path)', details: { table: root },
      });
    }
    return new DeltaTable(session, root);
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

  /** The latest version as a DataFrame. @example `table.toDF().filter(col("day").equalTo("2024-01-01"))` */
  toDF(): DataFrame<Row> {
    return this.session.read.format("delta").load(this.path);
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
