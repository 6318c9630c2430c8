import { randomUUID } from "node:crypto";
import { OptimisticTransaction, type Action, type ParquetActionReader } from "../delta/index.js";
import { DeltaError, WeirError } from "../errors/index.js";
import { toSparkSchemaJson, type StructType } from "../types/index.js";

/** What `CREATE TABLE … USING DELTA` declares. @example `{ schema, partitionColumns: ["day"], properties: { "delta.appendOnly": "true" }, description: "orders" }` */
export interface DeltaTableDefinition {
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  readonly properties: Readonly<Record<string, string>>;
  readonly description?: string;
  /** The table's name, stored in the Delta metadata (`metaData.name`). */
  readonly name?: string;
}

/**
 * Create an empty Delta table (version 0: protocol + metaData, no files) at `root`; `WEIR_PATH_EXISTS` when a
 * Delta table is already there.
 *
 * @example
 * ```ts
 * await createEmptyDeltaTable("/wh/gold.db/orders", { schema: parseSchemaDDL("id bigint, day date"), partitionColumns: ["day"], properties: {} });
 * ```
 */
export async function createEmptyDeltaTable(root: string, def: DeltaTableDefinition): Promise<number> {
  const names = def.schema.fields.map((f) => f.name);
  const partitionColumns = def.partitionColumns.map((p) => {
    const match = names.find((n) => n.toLowerCase() === p.toLowerCase());
    if (!match) throw new WeirError("WEIR_UNKNOWN_COLUMN", `Unknown partition column "${p}" in PARTITIONED BY. Columns: ${names.join(", ")}`, { hint: "partition by declared columns" });
    return match;
  });
  if (names.length === 0) throw new WeirError("WEIR_INVALID_ARGUMENT", "CREATE TABLE needs at least one column", { hint: "e.g. CREATE TABLE t (id BIGINT) USING DELTA" });
  if (partitionColumns.length >= names.length) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot partition a Delta table by all of its columns (${partitionColumns.join(", ")})`, { hint: "keep at least one column out of PARTITIONED BY" });
  }
  const txn = await OptimisticTransaction.start(root);
  if (txn.snapshot) {
    throw new WeirError("WEIR_PATH_EXISTS", `Cannot create a Delta table at ${root}: one already exists there (version ${txn.snapshot.version})`, { hint: "register it without a column list, or choose another location", details: { table: root } });
  }
  const actions: Action[] = [
    { kind: "protocol", minReaderVersion: 1, minWriterVersion: 2 },
    {
      kind: "metaData", id: randomUUID(), ...(def.name ? { name: def.name } : {}), ...(def.description !== undefined ? { description: def.description } : {}),
      format: { provider: "parquet", options: {} }, schemaString: toSparkSchemaJson(def.schema), partitionColumns, configuration: { ...def.properties }, createdTime: Date.now(),
    },
  ];
  return txn.commit(actions, {
    operation: "CREATE TABLE",
    operationParameters: { isManaged: "true", description: def.description ?? null, partitionBy: JSON.stringify(partitionColumns), properties: JSON.stringify(def.properties) },
    operationMetrics: {},
  });
}

/**
 * Commit a metaData change (properties set/unset, description) to the Delta table at `root`
 * (`ALTER TABLE … SET/UNSET TBLPROPERTIES`, `COMMENT ON TABLE`). Returns the version written.
 *
 * @example
 * ```ts
 * await updateDeltaMetadata("/wh/orders", { set: { "delta.appendOnly": "true" } }, reader);
 * ```
 */
export async function updateDeltaMetadata(
  root: string, change: { set?: Readonly<Record<string, string>>; unset?: readonly string[]; description?: string }, parquetReader?: ParquetActionReader,
): Promise<number> {
  const txn = await OptimisticTransaction.start(root, parquetReader ? { parquetReader } : {});
  const snap = txn.snapshot;
  if (!snap) throw new DeltaError("WEIR_DELTA_NOT_A_TABLE", `${root} is not a Delta table: it has no commits in _delta_log`, { hint: "check the table's location", details: { table: root } });
  const configuration: Record<string, string> = {};
  for (const [k, v] of Object.entries(snap.configuration)) if (v !== null && v !== undefined) configuration[k] = v;
  Object.assign(configuration, change.set ?? {});
  for (const k of change.unset ?? []) delete configuration[k];
  const m = snap.metadata;
  const description = change.description ?? m.description;
  txn.readWholeTable();
  return txn.commit([{ ...m, kind: "metaData", configuration, ...(description !== undefined ? { description } : {}) }], {
    operation: change.description !== undefined ? "CHANGE COLUMN" : change.unset ? "UNSET TBLPROPERTIES" : "SET TBLPROPERTIES",
    operationParameters: { properties: JSON.stringify(change.set ?? change.unset ?? {}) }, operationMetrics: {},
  });
}
