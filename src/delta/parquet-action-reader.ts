/**
 * The one thing the Delta layer needs from a Parquet engine: the rows of a checkpoint (or sidecar) file as
 * plain JS objects. Keeping it this narrow (delta-kernel's ParquetHandler idea) lets `delta/` stay below
 * `engine/` in the layering; `engine/duckdb/duckdb-parquet-reader.ts` implements it with DuckDB.
 */

/**
 * Reads the rows of one Parquet file as plain objects: structs → objects, maps → objects keyed by the map
 * key, lists → arrays, 64-bit integers → numbers (strings when beyond 2^53), missing values → `null`.
 *
 * @example
 * ```ts
 * const reader: ParquetActionReader = { readRows: async (p) => myParquetLib.read(p) };
 * const rows = await reader.readRows("/t/_delta_log/00000000000000000010.checkpoint.parquet");
 * rows[0]; // { add: null, remove: null, metaData: { id: "…", configuration: {} , … }, protocol: null, txn: null }
 * ```
 */
export interface ParquetActionReader {
  readRows(path: string): Promise<Record<string, unknown>[]>;
}
