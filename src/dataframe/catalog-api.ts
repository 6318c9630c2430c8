import { WeirError } from "../errors/index.js";
import { formatTableIdent, parseTableName, validateNamePart, WarehouseCatalog, type TableEntry, type TableIdent } from "../catalog/index.js";
import { plan, type Plan } from "../plan/index.js";
import { DataFrame } from "./dataframe.js";
import type { Runtime } from "./runtime.js";
import type { TableRef } from "./sql/statement-ast.js";
import { findTableReferences, replaceTableReferences } from "./sql/table-references.js";

/** A database as `spark.catalog.listDatabases()` returns it. @example `{ name: "gold", description: null, locationUri: "file:/wh/gold.db" }` */
export interface CatalogDatabase {
  readonly name: string;
  readonly description: string | null;
  readonly locationUri: string;
}

/** A table or view as `spark.catalog.listTables()` returns it. @example `{ name: "orders", database: "gold", description: null, tableType: "MANAGED", isTemporary: false }` */
export interface CatalogTable {
  readonly name: string;
  /** null for temporary views. */
  readonly database: string | null;
  readonly description: string | null;
  readonly tableType: "MANAGED" | "EXTERNAL" | "VIEW" | "TEMPORARY";
  readonly isTemporary: boolean;
}

const MAX_VIEW_DEPTH = 32;

/**
 * Spark's `Catalog` (`spark.catalog`): databases, tables and temporary views of the session's warehouse.
 * Table names resolve as in Spark: a temporary view first, then a table or view of the current database
 * (`default` until `setCurrentDatabase` / `USE`); `db.table` names the database.
 *
 * @example
 * ```ts
 * await spark.sql("CREATE DATABASE gold");
 * await spark.catalog.setCurrentDatabase("gold");
 * (await spark.catalog.listTables()).map((t) => t.name);
 * await spark.catalog.tableExists("orders"); // false
 * ```
 */
export class Catalog {
  private current = "default";

  constructor(private readonly runtime: Runtime, readonly warehouse: WarehouseCatalog) {}

  /** The current database. @example `spark.catalog.currentDatabase() // "default"` */
  currentDatabase(): string {
    return this.current;
  }

  /** Make `name` the current database (`USE name`); `WEIR_UNKNOWN_DATABASE` when it does not exist. @example `await spark.catalog.setCurrentDatabase("gold")` */
  async setCurrentDatabase(name: string): Promise<void> {
    this.current = this.warehouse.requireDatabase(name).name;
  }

  /** Every database (optionally matching a Spark `LIKE`-style pattern: `*` and `|`). @example `await spark.catalog.listDatabases()` */
  async listDatabases(pattern?: string): Promise<CatalogDatabase[]> {
    return this.warehouse.listDatabases()
      .filter((d) => matchesPattern(d.name, pattern))
      .map((d) => ({ name: d.name, description: d.description ?? null, locationUri: `file:${this.warehouse.paths.absolute(this.warehouse.paths.database(d.name))}` }));
  }

  /** Whether the database exists. @example `await spark.catalog.databaseExists("gold")` */
  async databaseExists(name: string): Promise<boolean> {
    return this.warehouse.databaseExists(name);
  }

  /**
   * Tables and views of a database (default: the current one), plus the session's temporary views.
   * @example `(await spark.catalog.listTables("gold")).map((t) => t.name)`
   */
  async listTables(dbName?: string, pattern?: string): Promise<CatalogTable[]> {
    const db = dbName === undefined ? this.current : validateNamePart(dbName, "database");
    const tables: CatalogTable[] = this.warehouse.listTables(db).map((e) => ({
      name: e.name, database: db, description: e.description ?? null, isTemporary: false,
      tableType: e.kind === "view" ? "VIEW" : e.managed ? "MANAGED" : "EXTERNAL",
    }));
    const temps: CatalogTable[] = [...this.runtime.views.values()].filter((v) => !v.name.startsWith("__"))
      .map((v) => ({ name: v.name, database: null, description: null, tableType: "TEMPORARY", isTemporary: true }));
    return [...tables, ...temps].filter((t) => matchesPattern(t.name, pattern));
  }

  /**
   * Whether a table or view exists: a temporary view (unqualified names), else a catalog table or view.
   * @example `await spark.catalog.tableExists("gold.orders")` or `tableExists("orders", "gold")`
   */
  async tableExists(tableName: string, dbName?: string): Promise<boolean> {
    if (dbName === undefined && !tableName.includes(".") && this.runtime.views.has(tableName.toLowerCase())) return true;
    const id = dbName === undefined ? this.ident(tableName) : { database: validateNamePart(dbName, "database"), table: validateNamePart(tableName, "table") };
    return this.warehouse.lookup(id) !== undefined;
  }

  /** Drop a temporary view; false when there was none. @example `spark.catalog.dropTempView("orders")` */
  dropTempView(viewName: string): boolean {
    return this.runtime.views.delete(viewName.toLowerCase());
  }

  /** Parse and validate a table name against the current database. @example `spark.catalog.ident("orders") // { database: "default", table: "orders" }` */
  ident(name: string): TableIdent {
    return parseTableName(name, this.current);
  }

  /**
   * The plan reading a table or view by name: a temporary view, a catalog table (a Delta `scan` of its
   * directory) or a catalog view (its SQL). `WEIR_UNKNOWN_TABLE` with "did you mean" otherwise.
   * @example `spark.catalog.relation("gold.orders") // scan delta /wh/gold.db/orders`
   */
  relation(name: string, depth = 0): Plan {
    const view = !name.includes(".") ? this.runtime.views.get(name.replaceAll("`", "").toLowerCase()) : undefined;
    if (view) return view.plan;
    const id = this.ident(name);
    const found = this.warehouse.require(id, [...this.runtime.views.values()].map((v) => v.name));
    return this.entryPlan(id, found.entry, found.path, depth);
  }

  /**
   * The Delta directory a statement operates on: a catalog table or a `` delta.`/path` ``.
   * @example `spark.catalog.deltaTarget({ kind: "name", name: "gold.orders" }) // { path: "/wh/gold.db/orders", id }`
   */
  deltaTarget(ref: TableRef): { path: string; id?: TableIdent; entry?: TableEntry } {
    if (ref.kind === "path") return { path: ref.path };
    const id = this.ident(ref.name);
    const found = this.warehouse.require(id);
    if (found.entry.kind !== "table") {
      throw new WeirError("WEIR_UNSUPPORTED_OPERATION", `${formatTableIdent(id)} is a view: this statement needs a Delta table`, { hint: "run it on the table the view reads" });
    }
    return { path: found.path!, id, entry: found.entry };
  }

  /**
   * The plan of a SQL query (`session.sql`): DataFrame params become `{name}` CTEs, temporary views and
   * catalog tables/views (`db.t`, `t`, `` delta.`/path` ``) referenced in FROM/JOIN become CTEs over their
   * plans; `$name` params stay bound parameters.
   * @example `spark.catalog.sqlPlan("SELECT * FROM gold.orders WHERE day >= $d", { d: "2025-01-01" })`
   */
  sqlPlan(query: string, params: Readonly<Record<string, unknown>> = {}, database = this.current, depth = 0): Plan {
    if (depth > MAX_VIEW_DEPTH) throw new WeirError("WEIR_INVALID_ARGUMENT", `Views nest deeper than ${MAX_VIEW_DEPTH} levels (a view that reads itself?)`, { hint: "check the views' definitions with SHOW CREATE / DESCRIBE EXTENDED" });
    const values: Record<string, unknown> = {};
    const inline: { name: string; plan: Plan }[] = [];
    for (const [k, v] of Object.entries(params)) {
      if (v instanceof DataFrame) inline.push({ name: k, plan: v.plan });
      else values[k] = v;
    }
    let text = query;
    for (const d of inline) text = text.replaceAll(`{${d.name}}`, `"__df_${d.name}"`);
    const catalogViews: { name: string; plan: Plan }[] = [];
    const refs = findTableReferences(text);
    text = replaceTableReferences(text, refs, (r) => {
      const resolved = this.resolveReference(r.ref, database, depth);
      if (!resolved) return undefined;
      const existing = catalogViews.find((v) => v.name === resolved.cte);
      if (!existing) catalogViews.push({ name: resolved.cte, plan: resolved.plan });
      return resolved.cte;
    });
    const used = [...this.runtime.views.values()].filter((v) => new RegExp(`(^|[^A-Za-z0-9_."])${escapeRegExp(v.name)}($|[^A-Za-z0-9_"])`, "i").test(text));
    const views = [...used, ...catalogViews, ...inline.map((d) => ({ name: `__df_${d.name}`, plan: d.plan }))];
    return plan({ kind: "sql", query: text, params: values, views });
  }

  /** A reference in a query → CTE name and plan; undefined when the name is not the catalog's (temp view, DuckDB's own). */
  private resolveReference(ref: TableRef, database: string, depth: number): { cte: string; plan: Plan } | undefined {
    if (ref.kind === "path") {
      return { cte: `__weir_path_${ref.path}`, plan: plan({ kind: "scan", format: "delta", paths: [ref.path], options: {} }) };
    }
    const parts = ref.name.split(".");
    if (parts.length === 1 && this.runtime.views.has(ref.name.replaceAll("`", "").toLowerCase())) return undefined;
    let id: TableIdent;
    try {
      id = parseTableName(ref.name, database);
    } catch {
      return undefined; // not a Weir name: leave it to DuckDB
    }
    const found = this.warehouse.lookup(id);
    if (!found) {
      // A typo in a catalog database's table deserves Weir's error; anything else may be DuckDB's.
      if (parts.length === 2 && this.warehouse.databaseExists(id.database)) this.warehouse.require(id);
      return undefined;
    }
    return { cte: `__weir_table_${id.database}.${id.table}`, plan: this.entryPlan(id, found.entry, found.path, depth) };
  }

  private entryPlan(id: TableIdent, entry: TableEntry, path: string | undefined, depth: number): Plan {
    if (entry.kind === "view") return this.sqlPlan(entry.viewText ?? "", {}, id.database, depth + 1);
    return plan({ kind: "scan", format: "delta", paths: [path!], options: {} });
  }
}

/** Spark's SHOW … LIKE patterns: `*` any characters, `|` alternatives, case-insensitive. */
export function matchesPattern(name: string, pattern: string | undefined): boolean {
  if (pattern === undefined) return true;
  return pattern.split("|").some((alt) => new RegExp(`^${alt.trim().split("*").map(escapeRegExp).join(".*")}$`, "i").test(name));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
