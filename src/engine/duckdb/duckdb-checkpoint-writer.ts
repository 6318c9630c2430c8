/**
 * {@link CheckpointParquetWriter} on DuckDB: checkpoint rows are bound as JSON text, decoded with `from_json`
 * into the protocol's checkpoint struct types, and written with `COPY … (FORMAT parquet)`.
 */
import type { CheckpointParquetWriter, CheckpointRow } from "../../delta/index.js";
import { quoteString } from "../../util/index.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { ParamCollector } from "./params.js";
import { t } from "../../types/index.js";

const MAP = "MAP(VARCHAR, VARCHAR)";
const DV = { storageType: "VARCHAR", pathOrInlineDv: "VARCHAR", offset: "INTEGER", sizeInBytes: "INTEGER", cardinality: "BIGINT" };
/** The checkpoint schema of PROTOCOL.md ("Checkpoint Schema"), as a DuckDB `from_json` structure. */
const STRUCTURE = {
  txn: { appId: "VARCHAR", version: "BIGINT", lastUpdated: "BIGINT" },
  add: { path: "VARCHAR", partitionValues: MAP, size: "BIGINT", modificationTime: "BIGINT", dataChange: "BOOLEAN", stats: "VARCHAR", tags: MAP, deletionVector: DV },
  remove: { path: "VARCHAR", deletionTimestamp: "BIGINT", dataChange: "BOOLEAN", extendedFileMetadata: "BOOLEAN", partitionValues: MAP, size: "BIGINT", stats: "VARCHAR", tags: MAP, deletionVector: DV },
  metaData: {
    id: "VARCHAR", name: "VARCHAR", description: "VARCHAR", format: { provider: "VARCHAR", options: MAP }, schemaString: "VARCHAR",
    partitionColumns: "VARCHAR[]", configuration: MAP, createdTime: "BIGINT",
  },
  protocol: { minReaderVersion: "INTEGER", minWriterVersion: "INTEGER", readerFeatures: "VARCHAR[]", writerFeatures: "VARCHAR[]" },
} as const;

/**
 * Writes Delta checkpoint Parquet files through a session's DuckDB.
 *
 * @example
 * ```ts
 * await writeCheckpoint(snapshot, store, new DuckDBCheckpointWriter(executor));
 * ```
 */
export class DuckDBCheckpointWriter implements CheckpointParquetWriter {
  constructor(private readonly executor: DuckDBExecutor) {}

  async writeCheckpointFile(filePath: string, rows: readonly CheckpointRow[]): Promise<void> {
    const params = new ParamCollector();
    const json = params.bind(rows.map((r) => JSON.stringify(r)), t.array(t.string()));
    const cols = Object.keys(STRUCTURE).map((k) => `j.${k} AS ${k}`).join(", ");
    const sql = `COPY (SELECT ${cols} FROM (SELECT from_json(unnest(${json}), ${quoteString(JSON.stringify(STRUCTURE))}) AS j)) TO ${quoteString(filePath)} (FORMAT parquet, COMPRESSION snappy)`;
    await this.executor.exec(sql, params.bound, "Delta checkpoint");
  }
}
