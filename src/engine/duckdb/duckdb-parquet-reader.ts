/**
 * {@link ParquetActionReader} on DuckDB: decodes Delta checkpoint and sidecar Parquet files into plain
 * objects for the Delta layer's log replay.
 */
import {
  DuckDBInstance, DuckDBListValue, DuckDBMapValue, DuckDBStructValue, DuckDBTimestampValue, type DuckDBConnection,
  type DuckDBValue,
} from "@duckdb/node-api";
import type { ParquetActionReader } from "../../delta/parquet-action-reader.js";

/**
 * Reads Parquet rows with DuckDB's `read_parquet` (the path is a bound parameter, never interpolated).
 * Pass a connection to share a session's DuckDB; otherwise an in-memory instance is created on first use and
 * released by {@link DuckDBParquetReader.close}.
 *
 * @example
 * ```ts
 * const reader = new DuckDBParquetReader();
 * const snap = await Snapshot.load("/data/orders", { parquetReader: reader });
 * reader.close();
 * ```
 */
export class DuckDBParquetReader implements ParquetActionReader {
  private owned: { instance: DuckDBInstance; connection: DuckDBConnection } | undefined;
  private opening: Promise<DuckDBConnection> | undefined;

  constructor(private readonly connection?: DuckDBConnection) {}

  async readRows(path: string): Promise<Record<string, unknown>[]> {
    const conn = await this.connect();
    const reader = await conn.runAndReadAll("SELECT * FROM read_parquet($1)", [path]);
    return reader.getRowObjects().map((row) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) out[k] = toPlain(v);
      return out;
    });
  }

  /** Release the DuckDB instance this reader created (a connection passed in is left open). */
  close(): void {
    this.owned?.connection.closeSync();
    this.owned?.instance.closeSync();
    this.owned = undefined;
    this.opening = undefined;
  }

  private connect(): Promise<DuckDBConnection> {
    if (this.connection) return Promise.resolve(this.connection);
    this.opening ??= (async () => {
      const instance = await DuckDBInstance.create(":memory:");
      const connection = await instance.connect();
      this.owned = { instance, connection };
      return connection;
    })();
    return this.opening;
  }
}

/** DuckDB values → what a JSON log line would have held: maps become objects, longs numbers. */
function toPlain(v: DuckDBValue): unknown {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof DuckDBStructValue) {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v.entries)) out[k] = toPlain(item);
    return out;
  }
  if (v instanceof DuckDBMapValue) {
    const out: Record<string, unknown> = {};
    for (const { key, value } of v.entries) out[String(toPlain(key))] = toPlain(value);
    return out;
  }
  if (v instanceof DuckDBListValue) return v.items.map(toPlain);
  // commitInfo.timestamp is a TIMESTAMP column in some checkpoints; the log's JSON form is epoch ms.
  if (v instanceof DuckDBTimestampValue) return Number(v.micros / 1000n);
  return String(v);
}
