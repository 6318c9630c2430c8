import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from "@duckdb/node-api";
import { WeirError } from "../../errors/index.js";
import type { DataType, StructType } from "../../types/index.js";
import { t } from "../../types/index.js";
import type { BoundParams } from "./params.js";
import { fromDuckDBType, toJsValue } from "./duckdb-types.js";
import { translateDuckDBError } from "./translate-error.js";
import { SnapshotCache } from "../../delta/index.js";

/** Settings of the embedded DuckDB database. @example `{ threads: 2, memoryLimit: "4GB", tempDir: "/tmp/weir" }` */
export interface DuckDBSettings {
  threads?: number;
  memoryLimit?: string;
  tempDir?: string;
}

/** A named, typed output column. @example `{ name: "id", type: t.int64() }` */
export interface ColumnInfo {
  readonly name: string;
  readonly type: DataType;
}

/** A materialized query result: columns and JS rows. @example `const { rows } = await exec.query(sql, params)` */
export interface QueryResult {
  readonly columns: readonly ColumnInfo[];
  readonly rows: Record<string, unknown>[];
}

/**
 * Runs SQL on one embedded DuckDB instance. Statements on the main connection are serialized (a DuckDB
 * connection runs one statement at a time); streams get their own connection so iterating a large result
 * never blocks other work. Tables created for cache() live in the shared in-memory catalog, visible to all.
 *
 * @example
 * ```ts
 * const exec = await DuckDBExecutor.create({ threads: 2 });
 * const { rows } = await exec.query("SELECT 42 AS a");
 * await exec.close();
 * ```
 */
export class DuckDBExecutor {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly streams = new Set<DuckDBConnection>();
  private readonly describeCache = new Map<string, ColumnInfo[]>();
  /** The latest snapshot of each Delta table this session read or wrote (only new commits are replayed). */
  readonly snapshots = new SnapshotCache();

  private constructor(private readonly instance: DuckDBInstance, private readonly main: DuckDBConnection) {}

  static async create(settings: DuckDBSettings = {}): Promise<DuckDBExecutor> {
    const options: Record<string, string> = {};
    if (settings.threads !== undefined) options.threads = String(settings.threads);
    if (settings.memoryLimit !== undefined) options.memory_limit = settings.memoryLimit;
    if (settings.tempDir !== undefined) options.temp_directory = settings.tempDir;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(":memory:", options);
    } catch (e) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot start the embedded DuckDB: ${(e as Error).message}`, {
        hint: "check threads (a positive integer), memoryLimit (e.g. \"4GB\") and tempDir", cause: e,
      });
    }
    const main = await instance.connect();
    // Spark timestamps are instants; Weir shows and computes them in UTC regardless of the machine's zone.
    await main.run("SET TimeZone = 'UTC'");
    // cache() tables live in the shared in-memory catalog (so streams on other connections see them). DuckDB
    // checkpoints an in-memory database after 16 MiB of changes, compressing every table in one long stall and
    // making later scans slower; raw DuckDB's TEMP tables never pay that. Cached data is transient, so turn the
    // automatic checkpoint off.
    await main.run("SET checkpoint_threshold = '1000TB'");
    await main.run("CREATE SCHEMA IF NOT EXISTS weir_cache");
    return new DuckDBExecutor(instance, main);
  }

  /** Run a statement and return all rows converted to JS values. */
  async query(sql: string, params?: BoundParams, action = "query"): Promise<QueryResult> {
    return this.serialized(async () => {
      const used = usedParams(sql, params);
      const reader = await this.main.runAndReadAll(sql, used?.values, used?.types).catch((e: unknown) => {
        throw translateDuckDBError(e, action);
      });
      return readAll(reader);
    });
  }

  /** Run a statement for its effect. */
  async exec(sql: string, params?: BoundParams, action = "statement"): Promise<void> {
    await this.serialized(async () => {
      const used = usedParams(sql, params);
      await this.main.run(sql, used?.values, used?.types).catch((e: unknown) => {
        throw translateDuckDBError(e, action);
      });
    });
  }

  /** The output columns of a query, without running it. */
  async describe(sql: string, params?: BoundParams, action = "analysis", fingerprint?: string): Promise<ColumnInfo[]> {
    // Binding a file scan infers its schema from the files (costly for JSON/CSV); with a fingerprint of the
    // files (paths, sizes, mtimes) the answer is reused until they change.
    const key = fingerprint === undefined ? undefined : `${fingerprint}\u0000${sql}\u0000${paramsKey(sql, params)}`;
    const cached = key === undefined ? undefined : this.describeCache.get(key);
    if (cached) return cached;
    const columns = await this.describeUncached(sql, params, action);
    if (key !== undefined) {
      if (this.describeCache.size >= 256) this.describeCache.delete(this.describeCache.keys().next().value as string);
      this.describeCache.set(key, columns);
    }
    return columns;
  }

  private async describeUncached(sql: string, params: BoundParams | undefined, action: string): Promise<ColumnInfo[]> {
    return this.serialized(async () => {
      const used = usedParams(sql, params);
      // A statement without parameters is typed by a plain prepare. One with parameters is typed by binding them
      // and running it with LIMIT 0: a prepare would fail on a scan's unbound file-list parameter, or type a bare
      // `$param` as unknown. The LIMIT 0 form is also the fallback when a prepare cannot type a statement.
      if (!used || Object.keys(used.values).length === 0) {
        const typed = await this.prepareColumns(sql).catch(() => undefined);
        if (typed) return typed;
      }
      try {
        const reader = await this.main.runAndReadAll(`SELECT * FROM (${sql}) LIMIT 0`, used?.values, used?.types);
        return columnsOf(reader);
      } catch (e) {
        throw translateDuckDBError(e, action);
      }
    });
  }

  private async prepareColumns(sql: string): Promise<ColumnInfo[]> {
    const prepared = await this.main.prepare(sql);
    try {
      return Array.from({ length: prepared.columnCount }, (_, i) => ({ name: prepared.columnName(i), type: fromDuckDBType(prepared.columnType(i)) }));
    } finally {
      prepared.destroySync();
    }
  }

  /**
   * Stream a query's rows in batches (about `batchRows` rows each) on a dedicated connection.
   * Breaking out of the loop releases the connection.
   */
  async *stream(sql: string, params?: BoundParams, batchRows = 10_000, action = "toLocalIterator()"): AsyncGenerator<Record<string, unknown>[]> {
    this.ensureOpen();
    const conn = await this.instance.connect();
    this.streams.add(conn);
    try {
      const used = usedParams(sql, params);
      const result = await conn.stream(sql, used?.values, used?.types).catch((e: unknown) => {
        throw translateDuckDBError(e, action);
      });
      const columns = Array.from({ length: result.columnCount }, (_, i) => ({
        name: result.columnName(i),
        type: fromDuckDBType(result.columnType(i)),
      }));
      let batch: Record<string, unknown>[] = [];
      for (;;) {
        const chunk = await result.fetchChunk().catch((e: unknown) => {
          throw translateDuckDBError(e, action);
        });
        if (!chunk || chunk.rowCount === 0) break;
        const cols = columns.map((_, c) => chunk.getColumnVector(c));
        for (let r = 0; r < chunk.rowCount; r++) {
          const row: Record<string, unknown> = {};
          columns.forEach((col, c) => {
            row[col.name] = toJsValue(cols[c]!.getItem(r), col.type);
          });
          batch.push(row);
        }
        if (batch.length >= batchRows) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      this.streams.delete(conn);
      conn.closeSync();
    }
  }

  /** A fresh connection for work that must not wait on the main one (the caller closes it). */
  async connect(): Promise<DuckDBConnection> {
    this.ensureOpen();
    return this.instance.connect();
  }

  /** Close all connections and the database. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue.catch(() => undefined);
    this.closed = true;
    for (const c of this.streams) c.closeSync();
    this.main.closeSync();
    this.instance.closeSync();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private ensureOpen(): void {
    if (this.closed) {
      throw new WeirError("WEIR_SESSION_CLOSED", "The session is closed: no more queries can run on it", {
        hint: "create a new session with Session.create()",
      });
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    this.ensureOpen();
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * The parameters a statement references: a compiler collects the parameters of a whole plan (including
 * relations that end up unused, or that were only described), and DuckDB rejects named values a statement
 * does not reference.
 */
function usedParams(sql: string, params: BoundParams | undefined): BoundParams | undefined {
  if (!params) return undefined;
  const names = new Set([...sql.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
  const out: BoundParams = { values: {}, types: {} };
  for (const n of Object.keys(params.values)) {
    if (!names.has(n)) continue;
    out.values[n] = params.values[n]!;
    if (params.types[n]) out.types[n] = params.types[n];
  }
  return out;
}

function columnsOf(reader: DuckDBResultReader): ColumnInfo[] {
  return reader.columnNames().map((name, i) => ({ name, type: fromDuckDBType(reader.columnTypes()[i]!) }));
}

function readAll(reader: DuckDBResultReader): QueryResult {
  const columns = columnsOf(reader);
  const rows: Record<string, unknown>[] = [];
  const count = reader.currentRowCount;
  for (let r = 0; r < count; r++) {
    const row: Record<string, unknown> = {};
    columns.forEach((col, c) => {
      row[col.name] = toJsValue(reader.value(c, r), col.type);
    });
    rows.push(row);
  }
  return { columns, rows };
}

/** A struct type of the given columns (all nullable, as DuckDB reports). @example `schemaOf(await exec.describe(sql))` */
export function schemaOf(columns: readonly ColumnInfo[]): StructType {
  return t.structOf(columns.map((c) => ({ name: c.name, type: c.type, nullable: true })));
}

function paramsKey(sql: string, params: BoundParams | undefined): string {
  const used = usedParams(sql, params);
  if (!used) return "";
  return JSON.stringify(used.values, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}
