import { existsSync, mkdirSync, promises as fs, readdirSync } from "node:fs";
import * as path from "node:path";
import { WeirError } from "../errors/index.js";
import { didYouMean } from "../util/index.js";
import { FileSystemMetadataStore } from "./file-system-metadata-store.js";
import type { CatalogData, DatabaseEntry, MetadataStore, TableEntry } from "./metadata-store.js";
import { formatTableIdent, validateNamePart, type TableIdent } from "./table-name.js";
import { WarehousePaths } from "./warehouse-paths.js";

/** A table or view as the catalog resolves it. @example `{ id: { database: "gold", table: "orders" }, entry, path: "/wh/gold.db/orders" }` */
export interface ResolvedTable {
  readonly id: TableIdent;
  readonly entry: TableEntry;
  /** Tables: the absolute directory holding the Delta table now. */
  readonly path?: string;
}

/** The built-in database, always present (Spark's `default`). @example `DEFAULT_DATABASE // "default"` */
export const DEFAULT_DATABASE = "default";

/**
 * Databases, tables and views of one warehouse directory, over a {@link MetadataStore}. Every mutation is one
 * atomic metadata update (plus directory work ordered around it, see src/catalog/index.ts); lookups read the
 * latest metadata, so several sessions and processes on one warehouse see each other's changes.
 *
 * @example
 * ```ts
 * const catalog = new WarehouseCatalog("/data/wh");
 * await catalog.createDatabase("gold");
 * catalog.listTables("gold"); // []
 * ```
 */
export class WarehouseCatalog {
  readonly paths: WarehousePaths;

  constructor(warehouse: string, readonly store: MetadataStore = new FileSystemMetadataStore(warehouse)) {
    this.paths = new WarehousePaths(warehouse);
  }

  // ---- databases -------------------------------------------------------------------------------
  /** Every database, `default` included, sorted by name. @example `catalog.listDatabases().map((d) => d.name)` */
  listDatabases(): DatabaseEntry[] {
    return Object.values(withDefault(this.store.read().data).databases).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** @example `catalog.databaseExists("gold")` */
  databaseExists(name: string): boolean {
    return withDefault(this.store.read().data).databases[validateNamePart(name, "database")] !== undefined;
  }

  /** The database or `WEIR_UNKNOWN_DATABASE` (with did-you-mean). @example `catalog.requireDatabase("gold")` */
  requireDatabase(name: string): DatabaseEntry {
    return requireDb(withDefault(this.store.read().data), validateNamePart(name, "database"));
  }

  /**
   * Create a database and its directory; `WEIR_DATABASE_EXISTS` unless `ifNotExists`. Returns false when it existed.
   * @example `await catalog.createDatabase("gold", { ifNotExists: true, description: "curated" })`
   */
  async createDatabase(name: string, options: { ifNotExists?: boolean; description?: string } = {}): Promise<boolean> {
    const db = validateNamePart(name, "database");
    const dir = this.paths.assertInside(this.paths.database(db));
    mkdirSync(dir, { recursive: true });
    return this.store.update((data) => {
      const d = withDefault(data);
      if (d.databases[db]) {
        if (options.ifNotExists) return { data, result: false };
        throw new WeirError("WEIR_DATABASE_EXISTS", `Cannot create database ${db}: it already exists`, { hint: "use CREATE DATABASE IF NOT EXISTS", details: { database: db } });
      }
      const entry: DatabaseEntry = { name: db, createdAt: Date.now(), tables: {}, ...(options.description !== undefined ? { description: options.description } : {}) };
      return { data: { ...d, databases: { ...d.databases, [db]: entry } }, result: true };
    });
  }

  /**
   * Drop a database; with `cascade` its tables and views too (managed directories deleted), otherwise
   * `WEIR_DATABASE_NOT_EMPTY` when it has any. `default` cannot be dropped.
   * @example `await catalog.dropDatabase("tmp", { cascade: true })`
   */
  async dropDatabase(name: string, options: { ifExists?: boolean; cascade?: boolean } = {}): Promise<boolean> {
    const db = validateNamePart(name, "database");
    if (db === DEFAULT_DATABASE) throw new WeirError("WEIR_INVALID_ARGUMENT", "Cannot drop the default database", { hint: "drop its tables instead" });
    const dropped = await this.store.update((data) => {
      const d = withDefault(data);
      const entry = d.databases[db];
      if (!entry) {
        if (options.ifExists) return { data, result: undefined };
        requireDb(d, db);
      }
      const tables = Object.values(entry!.tables);
      if (tables.length && !options.cascade) {
        throw new WeirError("WEIR_DATABASE_NOT_EMPTY", `Cannot drop database ${db}: it holds ${tables.map((t) => t.name).join(", ")}`, { hint: `drop them first, or DROP DATABASE ${db} CASCADE`, details: { database: db } });
      }
      const { [db]: _gone, ...rest } = d.databases;
      const dirs = [...tables.flatMap((t) => managedDirs(t)), this.paths.database(db)];
      return { data: { databases: rest, pendingDeletes: [...d.pendingDeletes, ...dirs] }, result: dirs };
    });
    if (!dropped) return false;
    await this.finishDeletes(dropped);
    return true;
  }

  // ---- tables ----------------------------------------------------------------------------------
  /** Tables and views of a database, sorted. @example `catalog.listTables("gold").map((t) => t.name)` */
  listTables(database: string): TableEntry[] {
    return Object.values(this.requireDatabase(database).tables).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The table or view, or undefined (also when its database does not exist). @example `catalog.lookup({ database: "gold", table: "orders" })` */
  lookup(id: TableIdent): ResolvedTable | undefined {
    const entry = withDefault(this.store.read().data).databases[id.database]?.tables[id.table];
    if (!entry) return undefined;
    return entry.kind === "table" ? { id, entry, path: this.tablePath(entry) } : { id, entry };
  }

  /**
   * The table or view, or `WEIR_UNKNOWN_TABLE` suggesting the closest existing name (`extra` adds candidates,
   * e.g. temporary views).
   * @example `catalog.require({ database: "gold", table: "ordres" }) // throws: … Did you mean gold.orders?`
   */
  require(id: TableIdent, extra: readonly string[] = []): ResolvedTable {
    const found = this.lookup(id);
    if (found) return found;
    const data = withDefault(this.store.read().data);
    const all = Object.values(data.databases).flatMap((d) => Object.keys(d.tables).map((t) => (d.name === id.database ? t : `${d.name}.${t}`)));
    const guess = didYouMean(id.table, [...all, ...extra]) ?? didYouMean(formatTableIdent(id), all);
    throw new WeirError("WEIR_UNKNOWN_TABLE", `Unknown table or view ${formatTableIdent(id)}${guess ? `. Did you mean ${guess}?` : ""}`, {
      hint: data.databases[id.database] ? `SHOW TABLES IN ${id.database} lists its tables` : `database ${id.database} does not exist; SHOW DATABASES lists them`,
      details: { table: formatTableIdent(id), ...(guess ? { suggestion: guess } : {}) },
    });
  }

  /**
   * Where a table's directory is now. During a rename (entry has `moveTo`) the directory is at one of two
   * places; the one that exists wins, so readers never see the table missing.
   * @example `catalog.tablePath(entry) // "/wh/gold.db/orders"`
   */
  tablePath(entry: TableEntry): string {
    const loc = entry.location ?? "";
    if (entry.moveTo !== undefined) {
      const target = this.paths.absolute(entry.moveTo);
      if (existsSync(target) || !existsSync(this.paths.absolute(loc))) return entry.managed ? this.paths.assertInside(entry.moveTo) : target;
    }
    return entry.managed ? this.paths.assertInside(loc) : this.paths.absolute(loc);
  }

  /**
   * Prepare the managed directory of a new table: inside the warehouse, and empty (a leftover of a dropped
   * table still being deleted is deleted now). Returns the relative and absolute paths.
   * @example `const { location, path } = await catalog.prepareManagedLocation({ database: "gold", table: "t" })`
   */
  async prepareManagedLocation(id: TableIdent): Promise<{ location: string; path: string }> {
    this.requireDatabase(id.database);
    const location = this.paths.managedTable(id);
    const abs = this.paths.assertInside(location);
    if (this.store.read().data.pendingDeletes.includes(location)) await this.finishDeletes([location]);
    if (existsSync(abs) && readdirSync(abs).length > 0) {
      throw new WeirError("WEIR_PATH_EXISTS", `Cannot create table ${formatTableIdent(id)}: its directory ${abs} exists and is not empty, but no table names it (left by a crashed CREATE?)`, {
        hint: `remove the directory, or register it: CREATE TABLE ${formatTableIdent(id)} USING DELTA LOCATION '${abs}'`, details: { table: formatTableIdent(id), path: abs },
      });
    }
    return { location, path: abs };
  }

  /**
   * Register a table or view under `id`; `WEIR_TABLE_EXISTS` when the name is taken (unless `replace`, which
   * returns the replaced entry).
   * @example `await catalog.register({ database: "gold", table: "t" }, { name: "t", kind: "table", location: "gold.db/t", managed: true, createdAt: Date.now() })`
   */
  async register(id: TableIdent, entry: TableEntry, options: { replace?: boolean } = {}): Promise<TableEntry | undefined> {
    return this.store.update((data) => {
      const d = withDefault(data);
      const db = requireDb(d, id.database);
      const old = db.tables[id.table];
      if (old && !options.replace) throw tableExists(id, old);
      const next = { ...db, tables: { ...db.tables, [id.table]: { ...entry, name: id.table } } };
      return { data: { ...d, databases: { ...d.databases, [id.database]: next } }, result: old };
    });
  }

  /**
   * Unregister a table or view (`kind` restricts which) and delete a managed table's directory afterwards.
   * Returns false when absent and `ifExists`.
   * @example `await catalog.drop({ database: "gold", table: "t" }, { ifExists: true })`
   */
  async drop(id: TableIdent, options: { ifExists?: boolean; kind?: "table" | "view" } = {}): Promise<boolean> {
    const dirs = await this.store.update((data) => {
      const d = withDefault(data);
      const entry = d.databases[id.database]?.tables[id.table];
      if (!entry) {
        if (options.ifExists) return { data, result: undefined };
        this.require(id);
      }
      if (options.kind && entry!.kind !== options.kind) {
        throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot drop ${formatTableIdent(id)} with DROP ${options.kind.toUpperCase()}: it is a ${entry!.kind}`, { hint: `use DROP ${entry!.kind.toUpperCase()}` });
      }
      const db = d.databases[id.database]!;
      const { [id.table]: _gone, ...tables } = db.tables;
      const dirs = managedDirs(entry!);
      return { data: { databases: { ...d.databases, [id.database]: { ...db, tables } }, pendingDeletes: [...d.pendingDeletes, ...dirs] }, result: dirs };
    });
    if (!dirs) return false;
    await this.finishDeletes(dirs);
    return true;
  }

  /** Replace a registered entry's description (views and tables). @example `await catalog.setDescription(id, "curated orders")` */
  async setDescription(id: TableIdent, description: string): Promise<void> {
    await this.store.update((data) => {
      const d = withDefault(data);
      const db = requireDb(d, id.database);
      const entry = db.tables[id.table] ?? this.require(id).entry;
      return { data: { ...d, databases: { ...d.databases, [id.database]: { ...db, tables: { ...db.tables, [id.table]: { ...entry, description } } } } }, result: undefined };
    });
  }

  /** Delete directories recorded in `pendingDeletes`, then forget them. */
  private async finishDeletes(dirs: readonly string[]): Promise<void> {
    for (const rel of dirs) {
      if (rel === "") continue; // never the warehouse itself
      await fs.rm(this.paths.assertInside(rel), { recursive: true, force: true });
    }
    await this.store.update((data) => {
      const left = data.pendingDeletes.filter((p) => !dirs.includes(p));
      return { data: left.length === data.pendingDeletes.length ? data : { ...data, pendingDeletes: left }, result: undefined };
    });
  }

  /** Finish interrupted drops (crash between unregistering and deleting). @example `await catalog.recover()` */
  async recoverDeletes(): Promise<void> {
    const pending = this.store.read().data.pendingDeletes;
    if (pending.length) await this.finishDeletes(pending);
  }
}

/** The document with the implicit `default` database. @example `withDefault(store.read().data).databases.default` */
export function withDefault(data: CatalogData): CatalogData {
  if (data.databases[DEFAULT_DATABASE]) return data;
  return { ...data, databases: { ...data.databases, [DEFAULT_DATABASE]: { name: DEFAULT_DATABASE, createdAt: 0, tables: {}, description: "default database" } } };
}

/** The database or `WEIR_UNKNOWN_DATABASE`. */
export function requireDb(data: CatalogData, db: string): DatabaseEntry {
  const entry = data.databases[db];
  if (entry) return entry;
  const guess = didYouMean(db, Object.keys(data.databases));
  throw new WeirError("WEIR_UNKNOWN_DATABASE", `Unknown database ${db}${guess ? `. Did you mean ${guess}?` : ""}`, { hint: `create it with CREATE DATABASE ${db}; SHOW DATABASES lists them`, details: { database: db } });
}

/** `WEIR_TABLE_EXISTS` for a taken name. */
export function tableExists(id: TableIdent, old: TableEntry): WeirError {
  return new WeirError("WEIR_TABLE_EXISTS", `Cannot create ${formatTableIdent(id)}: a ${old.kind} of that name already exists`, {
    hint: old.kind === "table" ? "use IF NOT EXISTS, CREATE OR REPLACE, or another name" : "use CREATE OR REPLACE VIEW, or another name", details: { table: formatTableIdent(id) },
  });
}

function managedDirs(entry: TableEntry): string[] {
  if (entry.kind !== "table" || !entry.managed) return [];
  return [entry.location ?? "", ...(entry.moveTo !== undefined ? [entry.moveTo] : [])].filter((p) => p !== "" && !path.isAbsolute(p));
}
