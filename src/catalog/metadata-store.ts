/**
 * The narrow storage seam of the catalog: one versioned document (databases → tables/views) read whole and
 * replaced by compare-and-swap. Implementations: {@link FileSystemMetadataStore} (the warehouse's
 * `.weir-catalog/` log) and {@link InMemoryMetadataStore}; both run `test/catalog/metadata-store-suite.ts`.
 */

/** A table or view registered in a database. @example `{ name: "orders", kind: "table", location: "gold.db/orders", managed: true, createdAt: 1700000000000 }` */
export interface TableEntry {
  /** Lower-case table name (Spark names are case-insensitive). */
  readonly name: string;
  readonly kind: "table" | "view";
  /** Tables: the directory, relative to the warehouse (managed) or absolute (external, `LOCATION`). */
  readonly location?: string;
  /** Managed tables' directories are deleted by DROP TABLE and moved by RENAME; external ones are left alone. */
  readonly managed?: boolean;
  /** Views: the SQL text of the query. */
  readonly viewText?: string;
  /** COMMENT of the table or view. */
  readonly description?: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /**
   * A rename in progress (see the protocol in src/catalog/index.ts): the directory at `location` is being
   * moved to `moveTo` (relative to the warehouse). Whichever of the two exists holds the table.
   */
  readonly moveTo?: string;
}

/** A database (Spark: schema). @example `{ name: "gold", createdAt: 1700000000000, tables: {} }` */
export interface DatabaseEntry {
  /** Lower-case name. */
  readonly name: string;
  readonly description?: string;
  readonly createdAt: number;
  readonly tables: Readonly<Record<string, TableEntry>>;
}

/** The whole catalog document. @example `{ databases: { default: {...} }, pendingDeletes: [] }` */
export interface CatalogData {
  readonly databases: Readonly<Record<string, DatabaseEntry>>;
  /** Managed directories of dropped tables not yet deleted (relative to the warehouse); finished lazily. */
  readonly pendingDeletes: readonly string[];
}

/** The document at one version (-1: nothing stored yet). @example `{ version: 4, data }` */
export interface CatalogSnapshot {
  readonly version: number;
  readonly data: CatalogData;
}

/** What a mutation returns: the new document (the same object means "no change") and a result. @example `{ data, result: true }` */
export interface CatalogUpdate<T> {
  readonly data: CatalogData;
  readonly result: T;
}

/** The empty catalog. @example `const s: CatalogSnapshot = { version: -1, data: EMPTY_CATALOG }` */
export const EMPTY_CATALOG: CatalogData = Object.freeze({ databases: Object.freeze({}), pendingDeletes: Object.freeze([]) as readonly string[] });

/**
 * Versioned storage of the catalog document.
 *
 * `read` is synchronous on purpose: table names are resolved while a DataFrame plan is built, which (as in
 * Spark's analyzer) happens synchronously in `session.sql()` / `read.table()`. An object-store implementation
 * would serve `read` from a cache refreshed before each statement.
 *
 * @example
 * ```ts
 * const store: MetadataStore = new FileSystemMetadataStore("/data/warehouse");
 * const created = await store.update((d) => ({ data: { ...d, databases: { ...d.databases, gold } }, result: true }));
 * store.read().data.databases.gold; // visible to every store on the same warehouse
 * ```
 */
export interface MetadataStore {
  /** The latest document. */
  read(): CatalogSnapshot;
  /**
   * Apply `mutate` to the latest document and store the result as the next version, atomically: when another
   * writer stored that version first, `mutate` runs again on the newer document. A throwing `mutate` changes
   * nothing; returning the same `data` object writes nothing.
   */
  update<T>(mutate: (current: CatalogData) => CatalogUpdate<T>): Promise<T>;
}
