import { WeirError, DeltaError } from "../../errors/index.js";
import { formatTableIdent } from "../../catalog/index.js";
import { loadDeltaSnapshot, type DeltaWriteResult } from "../../engine/index.js";
import type { SaveMode } from "../../io/index.js";
import type { Plan } from "../../plan/index.js";
import { quoteIdent, unknownColumnError } from "../../util/index.js";
import { toDuckDBType } from "../../types/index.js";
import type { Catalog } from "../catalog-api.js";
import { compile, writeSessionDelta, type Runtime } from "../runtime.js";

/** How a DataFrame is written to a catalog table. @example `{ mode: "append", partitionBy: [], options: {} }` */
export interface TableWriteOptions {
  readonly mode: SaveMode;
  readonly partitionBy: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  /** Table COMMENT for a new table. */
  readonly description?: string;
}

/**
 * `df.write.saveAsTable(name)` (Delta's semantics): a new table is created as a managed Delta table in the
 * warehouse and registered; an existing one is appended to (`append`), replaced — data and schema —
 * (`overwrite`), left alone (`ignore`) or refused with `WEIR_TABLE_EXISTS` (`error`, the default).
 *
 * @example
 * ```ts
 * await saveAsTable(runtime, catalog, df.plan, "gold.daily", { mode: "overwrite", partitionBy: ["day"], options: {} });
 * ```
 */
export async function saveAsTable(rt: Runtime, catalog: Catalog, plan: Plan, name: string, o: TableWriteOptions): Promise<DeltaWriteResult> {
  const id = catalog.ident(name);
  const found = catalog.warehouse.lookup(id);
  const mode = o.mode === "errorifexists" ? "error" : o.mode;
  const q = await compile(rt, plan, true);
  if (found) {
    if (found.entry.kind !== "table") throw new WeirError("WEIR_TABLE_EXISTS", `Cannot write to ${formatTableIdent(id)}: it is a view`, { hint: "drop the view or write to another name" });
    if (mode === "error") {
      throw new WeirError("WEIR_TABLE_EXISTS", `Cannot save as table ${formatTableIdent(id)}: it already exists`, { hint: 'use .mode("append"), .mode("overwrite") or .mode("ignore")', details: { table: formatTableIdent(id) } });
    }
    if (mode === "ignore") return { path: found.path!, files: [], rows: 0, committed: false };
    // A full overwrite replaces data and schema (Delta's saveAsTable = REPLACE TABLE AS SELECT). A partial one
    // (replaceWhere, dynamic partition overwrite) keeps the table's schema and partitioning: files it does not
    // replace still rely on them (their partition values live only in the metadata).
    const partial = o.options.replaceWhere !== undefined || (o.options.partitionOverwriteMode ?? rt.conf?.get("spark.sql.sources.partitionOverwriteMode", "static"))?.toLowerCase() === "dynamic";
    const options = mode === "overwrite" && !partial && o.options.overwriteSchema === undefined ? { ...o.options, overwriteSchema: "true" } : o.options;
    return rt.job(`write table ${formatTableIdent(id)}`, () => writeSessionDelta(rt, { sql: q.sql, params: q.params, columns: q.columns, path: found.path!, mode, partitionBy: o.partitionBy, options }));
  }
  const { location, path } = await catalog.warehouse.prepareManagedLocation(id);
  const description = o.description ?? o.options.description;
  const options = description !== undefined ? { ...o.options, description } : o.options;
  const res = await rt.job(`create table ${formatTableIdent(id)}`, () => writeSessionDelta(rt, { sql: q.sql, params: q.params, columns: q.columns, path, mode: "error", partitionBy: o.partitionBy, options }));
  await catalog.warehouse.register(id, { name: id.table, kind: "table", location, managed: true, createdAt: Date.now(), ...(description !== undefined ? { description } : {}) });
  return res;
}

/**
 * `df.write.insertInto(name)` / `INSERT INTO|OVERWRITE`: rows go to an existing table **by position** (as
 * Spark's insertInto), or by the names in `columns` (missing table columns get NULL). `overwrite` replaces
 * the table's data, keeping its schema.
 *
 * @example
 * ```ts
 * await insertInto(runtime, catalog, df.plan, "gold.orders", { overwrite: false });
 * ```
 */
export async function insertInto(
  rt: Runtime, catalog: Catalog, plan: Plan, target: { path: string; label: string }, o: { overwrite: boolean; columns?: readonly string[] },
): Promise<DeltaWriteResult> {
  const snap = await loadDeltaSnapshot(rt.executor, target.path);
  const tableColumns = snap.schema.fields.map((f) => f.name);
  const q = await compile(rt, plan, false);
  const names = o.columns ? o.columns.map((c) => tableColumns.find((t) => t.toLowerCase() === c.toLowerCase()) ?? unknownColumn(c, tableColumns, target.label)) : tableColumns;
  if (q.columns.length !== names.length) {
    throw new DeltaError("WEIR_DELTA_SCHEMA_MISMATCH", `Cannot insert into ${target.label}: the query has ${q.columns.length} columns (${q.columns.join(", ")}) but the table expects ${names.length} (${names.join(", ")})`, {
      hint: "INSERT INTO / insertInto() match columns by position; select the table's columns in its order, or name them: INSERT INTO t (a, b) SELECT …",
      details: { table: target.label },
    });
  }
  // Spark's store assignment: values are cast to the table's column types (decimal literal → double, int → bigint).
  const types = new Map(snap.schema.fields.map((f) => [f.name, toDuckDBType(f.type)]));
  const cols = names.map((n) => `CAST(${quoteIdent(n)} AS ${types.get(n)!}) AS ${quoteIdent(n)}`);
  const sql = `SELECT ${cols.join(", ")} FROM (${q.sql}) AS __weir_insert(${names.map(quoteIdent).join(", ")})`;
  // INSERT OVERWRITE honours the session's partitionOverwriteMode (dynamic: replace only the partitions written).
  const modeKey = "spark.sql.sources.partitionOverwriteMode";
  const options: Record<string, string> = o.overwrite && rt.conf?.isSet(modeKey) ? { partitionOverwriteMode: rt.conf.get(modeKey) } : {};
  return rt.job(`insert into ${target.label}`, () => writeSessionDelta(rt, { sql, params: q.params, columns: names, path: target.path, mode: o.overwrite ? "overwrite" : "append", partitionBy: [], options }));
}

function unknownColumn(c: string, columns: readonly string[], table: string): never {
  throw unknownColumnError(c, `INSERT INTO ${table}`, columns);
}
