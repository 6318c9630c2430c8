/**
 * catalog — the warehouse: databases, tables and views by name, over a small versioned metadata store.
 *
 * Layout (Spark's): database `default` is the warehouse directory, database `db` is `<warehouse>/db.db/`; a
 * managed table is the Delta table directory `<database dir>/<table>/`. The metadata — names, locations,
 * views' SQL text, descriptions — is one JSON document stored as a put-if-absent log in
 * `<warehouse>/.weir-catalog/%020d.json` (a dot name can never be a table); table properties, schema and
 * partitioning live in each table's Delta log, the source of truth for data.
 *
 * Invariants:
 * - Names are `[A-Za-z_][A-Za-z0-9_]*` per part (optionally backquoted), lower-cased; so a name can never
 *   address `..`, an absolute path or a sibling. Managed directories are checked with real paths (symbolic
 *   links followed) to lie inside the warehouse.
 * - Every catalog change is one atomic metadata version; concurrent writers re-apply their change on the newer
 *   version (no lost update).
 * - Order of directory work around metadata updates, so a crash never loses a table:
 *
 * ```
 *   CREATE TABLE   write the Delta log (version 0) ─► register the name       crash between: an unnamed
 *                                                                             directory, reported by the next CREATE
 *   DROP TABLE     unregister + record pendingDelete ─► rm -r dir ─► forget    crash between: finished later
 *   RENAME t → u   ① names swap: u{location: t, moveTo: u}  (t gone, u visible — exactly one name at every instant)
 *                  ② rename(2) dir t → dir u                (readers use whichever directory exists)
 *                  ③ u{location: u}                         crash after ①: recoverRenames() finishes ②③
 * ```
 *
 * A query that already listed a table's files when the directory moves fails naming the missing file (the
 * same window exists in Spark's Hive catalog); plans built after ① resolve the new name.
 */
export { type MetadataStore, type CatalogData, type CatalogSnapshot, type CatalogUpdate, type DatabaseEntry, type TableEntry, EMPTY_CATALOG } from "./metadata-store.js";
export { InMemoryMetadataStore } from "./in-memory-metadata-store.js";
export { FileSystemMetadataStore, CATALOG_DIR } from "./file-system-metadata-store.js";
export { parseTableName, validateNamePart, formatTableIdent, type TableIdent } from "./table-name.js";
export { WarehousePaths } from "./warehouse-paths.js";
export { WarehouseCatalog, DEFAULT_DATABASE, type ResolvedTable } from "./warehouse-catalog.js";
export { renameTable, recoverRenames } from "./rename-table.js";
export { createEmptyDeltaTable, updateDeltaMetadata, type DeltaTableDefinition } from "./delta-table-metadata.js";
