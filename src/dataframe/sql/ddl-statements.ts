import * as path from "node:path";
import { createEmptyDeltaTable, formatTableIdent, renameTable, updateDeltaMetadata } from "../../catalog/index.js";
import { DuckDBParquetReader, loadDeltaSnapshot, type BoundParams } from "../../engine/index.js";
import { WeirError } from "../../errors/index.js";
import { parseSchemaDDL, t, toDuckDBType } from "../../types/index.js";
import { quoteIdent } from "../../util/index.js";
import type { Catalog } from "../catalog-api.js";
import { compile, schemaOfPlan, writeSessionDelta, type Runtime } from "../runtime.js";
import { deltaTableDefaults } from "../write-options.js";
import type { CommandOutput } from "./command-result.js";
import type { WeirStatement } from "./statement-ast.js";

/** What statements run against. @example `{ runtime, catalog, params: { d: "2025-01-01" } }` */
export interface StatementContext {
  readonly runtime: Runtime;
  readonly catalog: Catalog;
  readonly params: Readonly<Record<string, unknown>>;
}

type Ddl = Extract<WeirStatement, { kind: "createDatabase" | "dropDatabase" | "use" | "showDatabases" | "showTables" | "createTable" | "createView" | "dropTable" | "renameTable" | "setProperties" | "unsetProperties" | "showTblProperties" }>;

const NONE: CommandOutput = { rows: [] };

/**
 * Run a catalog statement: databases, CREATE/DROP TABLE and VIEW, SHOW, ALTER TABLE RENAME / TBLPROPERTIES.
 *
 * @example
 * ```ts
 * await runDdl(ctx, { kind: "createDatabase", name: "gold", ifNotExists: true });
 * ```
 */
export async function runDdl(ctx: StatementContext, s: Ddl): Promise<CommandOutput> {
  const { catalog } = ctx;
  const wh = catalog.warehouse;
  switch (s.kind) {
    case "createDatabase":
      await wh.createDatabase(s.name, { ifNotExists: s.ifNotExists, ...(s.comment !== undefined ? { description: s.comment } : {}) });
      return NONE;
    case "dropDatabase": {
      await wh.dropDatabase(s.name, { ifExists: s.ifExists, cascade: s.cascade });
      if (!wh.databaseExists(catalog.currentDatabase())) await catalog.setCurrentDatabase("default");
      return NONE;
    }
    case "use":
      await catalog.setCurrentDatabase(s.name);
      return NONE;
    case "showDatabases":
      return { rows: (await catalog.listDatabases(s.like)).map((d) => ({ namespace: d.name })), schema: t.struct({ namespace: t.string() }) };
    case "showTables": {
      const tables = await catalog.listTables(s.database, s.like);
      const rows = tables.filter((x) => s.database === undefined || !x.isTemporary).map((x) => ({ namespace: x.database ?? "", tableName: x.name, isTemporary: x.isTemporary }));
      return { rows, schema: t.struct({ namespace: t.string(), tableName: t.string(), isTemporary: t.boolean() }) };
    }
    case "createTable": return createTable(ctx, s);
    case "createView": {
      const id = catalog.ident(s.name);
      const existing = wh.lookup(id);
      if (existing && s.ifNotExists) return NONE;
      if (existing && existing.entry.kind !== "view") throw new WeirError("WEIR_TABLE_EXISTS", `Cannot create view ${formatTableIdent(id)}: a table of that name exists`, { hint: "drop the table or choose another name" });
      await schemaOfPlan(ctx.runtime, catalog.sqlPlan(s.query, {}, id.database)); // the query must bind now, as in Spark
      await wh.register(id, { name: id.table, kind: "view", viewText: s.query, createdAt: Date.now(), ...(s.comment !== undefined ? { description: s.comment } : {}) }, { replace: s.replace });
      return NONE;
    }
    case "dropTable": {
      if (s.view && !s.name.includes(".") && catalog.dropTempView(s.name.replaceAll("`", ""))) return NONE;
      await wh.drop(catalog.ident(s.name), { ifExists: s.ifExists, kind: s.view ? "view" : "table" });
      return NONE;
    }
    case "renameTable": {
      const from = catalog.ident(s.from);
      // Spark: an unqualified new name stays in the table's database.
      const to = s.to.includes(".") ? catalog.ident(s.to) : { database: from.database, table: catalog.ident(s.to).table };
      await renameTable(wh, from, to);
      return NONE;
    }
    case "setProperties": case "unsetProperties": {
      const target = catalog.deltaTarget(s.table);
      const conn = await ctx.runtime.executor.connect();
      try {
        const reader = new DuckDBParquetReader(conn);
        await updateDeltaMetadata(target.path, s.kind === "setProperties" ? { set: s.properties } : { unset: s.keys }, reader);
      } finally {
        conn.closeSync();
      }
      return NONE;
    }
    case "showTblProperties": {
      const target = catalog.deltaTarget(s.table);
      const snap = await loadDeltaSnapshot(ctx.runtime.executor, target.path);
      const rows = Object.entries(snap.configuration).filter(([, v]) => v !== null).map(([key, value]) => ({ key, value }));
      return { rows, schema: t.struct({ key: t.string(), value: t.string() }) };
    }
    default: { const never: never = s; return never; }
  }
}

async function createTable(ctx: StatementContext, s: Extract<WeirStatement, { kind: "createTable" }>): Promise<CommandOutput> {
  const { catalog, runtime: rt } = ctx;
  const wh = catalog.warehouse;
  if (s.using !== undefined && s.using !== "delta") {
    throw new WeirError("WEIR_UNSUPPORTED_OPERATION", `Cannot create table ${s.name} USING ${s.using}: catalog tables are Delta tables`, { hint: "use USING DELTA (or leave USING out); write files with df.write.parquet(path)" });
  }
  if (s.columns !== undefined && s.query !== undefined) throw new WeirError("WEIR_SQL_ERROR", `CREATE TABLE ${s.name} has both a column list and AS SELECT`, { hint: "the query defines the columns: drop the column list" });
  const id = catalog.ident(s.name);
  const existing = wh.lookup(id);
  if (existing && s.ifNotExists) return NONE;
  if (existing && !s.replace) throw new WeirError("WEIR_TABLE_EXISTS", `Cannot create table ${formatTableIdent(id)}: it already exists`, { hint: "use CREATE TABLE IF NOT EXISTS or CREATE OR REPLACE TABLE", details: { table: formatTableIdent(id) } });
  if (existing && existing.entry.kind !== "table") throw new WeirError("WEIR_TABLE_EXISTS", `Cannot replace ${formatTableIdent(id)}: it is a view`, { hint: "DROP VIEW first" });
  const deltaProps = Object.fromEntries(Object.entries(s.properties).filter(([k]) => k.startsWith("delta.")));
  const otherProps = Object.fromEntries(Object.entries(s.properties).filter(([k]) => !k.startsWith("delta.")));
  const options = { ...deltaProps, ...(s.comment !== undefined ? { description: s.comment } : {}) };
  const query = s.query !== undefined ? await compile(rt, catalog.sqlPlan(s.query, ctx.params), true) : undefined;

  if (existing) {
    // CREATE OR REPLACE: a new version with the new schema, partitioning and data; history is kept (Delta's REPLACE).
    const q = query ?? emptyQuery(s.columns ?? missingColumns(s.name));
    await writeSessionDelta(rt, { sql: q.sql, params: q.params, columns: q.columns, path: existing.path!, mode: "overwrite", partitionBy: s.partitionedBy, options: { ...options, overwriteSchema: "true" } });
    await setOtherProperties(rt, existing.path!, otherProps);
    if (s.comment !== undefined) await wh.setDescription(id, s.comment);
    return NONE;
  }
  let location: string;
  let dir: string;
  let managed: boolean;
  if (s.location !== undefined) {
    dir = path.resolve(s.location);
    location = dir;
    managed = false;
  } else {
    ({ location, path: dir } = await wh.prepareManagedLocation(id));
    managed = true;
  }
  if (query) {
    await rt.job(`create table ${formatTableIdent(id)}`, () => writeSessionDelta(rt, { sql: query.sql, params: query.params, columns: query.columns, path: dir, mode: "error", partitionBy: s.partitionedBy, options }));
  } else if (s.columns !== undefined) {
    await createEmptyDeltaTable(dir, { schema: parseSchemaDDL(s.columns), partitionColumns: s.partitionedBy, properties: { ...deltaTableDefaults(rt.conf), ...deltaProps }, ...(s.comment !== undefined ? { description: s.comment } : {}), name: id.table });
  } else if (!(await hasDeltaLog(rt, dir))) {
    missingColumns(s.name);
  }
  await setOtherProperties(rt, dir, otherProps);
  await wh.register(id, { name: id.table, kind: "table", location, managed, createdAt: Date.now(), ...(s.comment !== undefined ? { description: s.comment } : {}) });
  return NONE;
}

/** Properties outside `delta.*` (owner, quality tags, …) go into the table's Delta configuration too. */
async function setOtherProperties(rt: Runtime, dir: string, props: Readonly<Record<string, string>>): Promise<void> {
  if (Object.keys(props).length === 0) return;
  const conn = await rt.executor.connect();
  try {
    await updateDeltaMetadata(dir, { set: props }, new DuckDBParquetReader(conn));
  } finally {
    conn.closeSync();
  }
}

async function hasDeltaLog(rt: Runtime, dir: string): Promise<boolean> {
  try {
    await loadDeltaSnapshot(rt.executor, dir);
    return true;
  } catch {
    return false;
  }
}

function emptyQuery(columns: string): { sql: string; params: BoundParams; columns: string[] } {
  const schema = parseSchemaDDL(columns);
  const sel = schema.fields.map((f) => `CAST(NULL AS ${toDuckDBType(f.type)}) AS ${quoteIdent(f.name)}`).join(", ");
  return { sql: `SELECT ${sel} LIMIT 0`, params: { values: {}, types: {} }, columns: schema.fields.map((f) => f.name) };
}

function missingColumns(name: string): never {
  throw new WeirError("WEIR_SQL_ERROR", `CREATE TABLE ${name} needs columns, AS SELECT, or a LOCATION holding a Delta table`, { hint: `e.g. CREATE TABLE ${name} (id BIGINT, day DATE) USING DELTA PARTITIONED BY (day)` });
}
