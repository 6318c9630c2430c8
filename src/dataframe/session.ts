import { JobTracker } from "./job-tracker.js";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WeirError } from "../errors/index.js";
import { DuckDBExecutor, compileDeltaScan, releasePostgresExtracts, type ExternalScans } from "../engine/index.js";
import { plan, type Plan } from "../plan/index.js";
import { t, type DataType, type StructType, parseSchemaDDL } from "../types/index.js";
import { DataFrame } from "./dataframe.js";
import { DataFrameReader } from "./reader.js";
import type { Runtime } from "./runtime.js";
import type { Row } from "./typed.js";
import { RuntimeConfig } from "./runtime-config.js";
import { DatasetContext } from "./dataset-context.js";
import { fromAsyncIterable, fromStream } from "./dataset-streams.js";
import { parallelize, textFile, mapReduce, type MapReduceSpec, type TextFileOptions } from "./dataset-sources.js";
import type { Dataset } from "./dataset.js";
import type { Accumulator, Broadcast } from "../engine/index.js";
import { WarehouseCatalog } from "../catalog/index.js";
import { Catalog } from "./catalog-api.js";
import { parseWeirStatement, runStatement } from "./sql-statements.js";

/** Options of {@link Session.create}. @example `{ warehouse: "./warehouse", threads: 2, memoryLimit: "4GB" }` */
export interface SessionOptions {
  /** Warehouse directory for catalog tables (default `./warehouse`). */
  warehouse?: string;
  /** DuckDB worker threads (default: all cores). */
  threads?: number;
  /** DuckDB memory limit, e.g. `"4GB"` (default: 80% of RAM); beyond it operators spill to `tempDir`. */
  memoryLimit?: string;
  /** Directory for spill files and checkpoints (default: a fresh directory under the OS temp dir). */
  tempDir?: string;
  /** Application name shown in job logs. */
  appName?: string;
  /** Initial configuration values (`session.conf`). */
  conf?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The entry point, like Spark's `SparkSession`: owns an embedded DuckDB database, reads data, runs SQL and
 * creates DataFrames. Close it (or use `await using`) to release the database and temporary files.
 *
 * @example
 * ```ts
 * await using spark = await Session.create({ threads: 2, memoryLimit: "4GB" });
 * const df = spark.read.option("header", true).csv("data/orders.csv");
 * await df.show();
 * ```
 */
export class Session implements AsyncDisposable {
  readonly conf: RuntimeConfig;
  /** Every action run by this session, timed (`spark.jobs.recent()`), with start/end events (`spark.jobs.onJob`). */
  readonly jobs = new JobTracker();
  /** Databases, tables and views of the warehouse (Spark's `spark.catalog`). */
  readonly catalog: Catalog;
  private readonly runtime: Runtime;
  private cacheCounter = 0;
  private closed = false;

  private constructor(
    private readonly executor: DuckDBExecutor,
    readonly warehouse: string,
    readonly tempDir: string,
    private readonly ownsTempDir: boolean,
    conf: RuntimeConfig,
  ) {
    this.conf = conf;
    const views = new Map<string, { name: string; plan: Plan }>();
    this.runtime = {
      executor,
      external: { compileDeltaScan } as ExternalScans,
      scratchDir: tempDir,
      views,
      nextCacheName: () => `c${++this.cacheCounter}`,
      conf,
      job: (description, work) => this.jobs.run(description, work),
      datasets: () => this.datasets,
    };
    this.catalog = new Catalog(this.runtime, new WarehouseCatalog(warehouse));
    this.runtime.catalog = this.catalog;
  }

  /** Start a session. */
  static async create(options: SessionOptions = {}): Promise<Session> {
    if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `threads must be a positive integer, got ${options.threads}`, { hint: "e.g. Session.create({ threads: 2 })" });
    }
    const ownsTempDir = options.tempDir === undefined;
    const tempDir = options.tempDir ? path.resolve(options.tempDir) : mkdtempSync(path.join(os.tmpdir(), "weir-"));
    mkdirSync(tempDir, { recursive: true });
    const conf = new RuntimeConfig({
      "weir.app.name": options.appName ?? "weir",
      "weir.sql.shuffle.partitions": "2",
      ...Object.fromEntries(Object.entries(options.conf ?? {}).map(([k, v]) => [k, String(v)])),
    });
    const executor = await DuckDBExecutor.create({
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
      tempDir: path.join(tempDir, "spill"),
    });
    return new Session(executor, path.resolve(options.warehouse ?? "warehouse"), tempDir, ownsTempDir, conf);
  }

  /** Read files and tables. */
  get read(): DataFrameReader<Row> {
    this.ensureOpen();
    return new DataFrameReader(this.runtime);
  }

  /**
   * A DataFrame from a SQL query in DuckDB's dialect. `$name` parameters are bound from `params`; a param whose
   * value is a DataFrame is queryable as `{name}` in the text. Temporary views, catalog tables and views
   * (`db.table`, `table` in the current database) and `` delta.`/path` `` are queryable by name. Weir statements
   * (CREATE/DROP DATABASE|TABLE|VIEW, SHOW, DESCRIBE, ALTER TABLE, INSERT, MERGE, UPDATE, DELETE, OPTIMIZE,
   * VACUUM, RESTORE) run eagerly; `await` the result to wait for them.
   * @example `spark.sql("SELECT * FROM orders WHERE day >= $d", { d: "2025-01-01" })`
   */
  sql(query: string, params: Readonly<Record<string, unknown>> = {}): DataFrame<Row> {
    this.ensureOpen();
    // Weir statements (CREATE TABLE … USING DELTA, MERGE INTO, SHOW TABLES, …) run eagerly, as in Spark.
    const statement = parseWeirStatement(query);
    if (statement) return runStatement(this, this.runtime, this.catalog, statement, params);
    return new DataFrame(this.runtime, this.catalog.sqlPlan(query, params));
  }

  /**
   * A DataFrame from rows. Without a schema the column types are inferred from the first non-null values.
   * @example `spark.createDataFrame([{ id: 1, name: "a" }])`
   */
  createDataFrame<R extends Row>(rows: readonly R[], schema?: StructType<R> | StructType | string): DataFrame<R> {
    this.ensureOpen();
    const s = typeof schema === "string" ? parseSchemaDDL(schema) : schema ?? inferSchema(rows);
    return new DataFrame<R>(this.runtime, plan({ kind: "local", rows, schema: s }));
  }

  /** Rows `id` from start (inclusive) to end (exclusive) by step, as Spark's `range`. @example `spark.range(10)` */
  range(start: number, end?: number, step = 1): DataFrame<{ id: bigint }> {
    const [from, to] = end === undefined ? [0, start] : [start, end];
    return this.sql(`SELECT range AS id FROM range($__range_from::BIGINT, $__range_to::BIGINT, $__range_step::BIGINT)`, { __range_from: from, __range_to: to, __range_step: step }) as never;
  }

  /** Worker-thread Datasets (conf: weir.js.workers, weir.js.memoryPerTask, weir.task.maxFailures). */
  private get datasets(): DatasetContext {
    this.ensureOpen();
    return (this.datasetContext ??= new DatasetContext(this.conf, this.tempDir, this.runtime));
  }
  private datasetContext: DatasetContext | undefined;

  /** A Dataset (Spark's RDD) from local values, in `numSlices` partitions (default: worker count). @example `spark.parallelize([1, 2, 3], 2)` */
  parallelize<T>(data: Iterable<T>, numSlices?: number): Dataset<T> {
    return parallelize(this.datasets, data, numSlices);
  }

  /** Lines of text files (paths, directories, globs), split by byte range at line boundaries. @example `await spark.textFile("logs/*.txt")` */
  textFile(paths: string | readonly string[], minPartitions?: number): Promise<Dataset<string>> {
    return textFile(this.datasets, paths, minPartitions === undefined ? {} : ({ minPartitions } satisfies TextFileOptions));
  }

  /** A Dataset of the records of an async (or sync) iterable, read once when the first action runs. @example `spark.fromAsyncIterable(fetchPages(), 4)` */
  fromAsyncIterable<T>(source: AsyncIterable<T> | Iterable<T>, numPartitions?: number): Dataset<T> {
    return fromAsyncIterable(this.datasets, source, numPartitions);
  }

  /** A Dataset of a Node Readable: object-mode chunks are records, a byte stream is read as UTF-8 lines. @example `spark.fromStream(fs.createReadStream("a.txt"))` */
  fromStream<T = string>(stream: NodeJS.ReadableStream, numPartitions?: number): Dataset<T> {
    return fromStream<T>(this.datasets, stream, numPartitions);
  }

  /** A MapReduce job over text files or pairs; returns the reducers' output as a Dataset. @example `await spark.mapReduce({ input: "a.txt", map, reduce })` */
  mapReduce<K1, V1, K2, V2, K3, V3>(spec: MapReduceSpec<K1, V1, K2, V2, K3, V3>): Promise<Dataset<[K3, V3]>> {
    return mapReduce(this.datasets, spec);
  }

  /** A read-only value sent once to each worker; capture it and read `.value`. @example `const b = spark.broadcast(lookup)` */
  broadcast<T>(value: T): Broadcast<T> {
    return this.datasets.broadcast(value);
  }

  /** A numeric accumulator tasks add to (successful attempts only). @example `const n = spark.accumulator(0)` */
  accumulator(initial = 0): Accumulator {
    return this.datasets.accumulator(initial);
  }

  /** A temporary view or catalog table as a DataFrame. @example `spark.table("gold.orders")` */
  table(name: string): DataFrame<Row> {
    return this.read.table(name);
  }

  /** Stop the session: close DuckDB and delete its temporary directory. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.datasetContext?.close();
    await this.executor.close();
    await releasePostgresExtracts(this.executor);
    if (this.ownsTempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }

  /** Alias of close(), as Spark's `stop()`. */
  stop(): Promise<void> {
    return this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new WeirError("WEIR_SESSION_CLOSED", "The session is closed", { hint: "create a new one with Session.create()" });
  }
}

function inferType(v: unknown): DataType {
  if (typeof v === "string") return t.string();
  if (typeof v === "boolean") return t.boolean();
  if (typeof v === "bigint") return t.int64();
  if (typeof v === "number") return Number.isInteger(v) ? t.int32() : t.float64();
  if (v instanceof Date) return t.timestamp();
  if (v instanceof Uint8Array) return t.binary();
  if (Array.isArray(v)) return t.array(inferType(v.find((x) => x !== null && x !== undefined) ?? ""));
  return t.string();
}

function inferSchema(rows: readonly Row[]): StructType {
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  if (names.length === 0) throw new WeirError("WEIR_INVALID_ARGUMENT", "createDataFrame() cannot infer a schema from no rows", { hint: "pass a schema: createDataFrame([], t.struct({...}))" });
  return t.structOf(names.map((name) => {
    const present = rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
    const sample = present[0];
    let type = sample === undefined ? t.string() : inferType(sample);
    // JS numbers: int when every value is a 32-bit integer, bigint beyond, double when any has a fraction.
    if (type.kind === "integer" || type.kind === "double") {
      const nums = present.filter((v): v is number => typeof v === "number");
      type = nums.some((v) => !Number.isInteger(v)) ? t.float64() : nums.some((v) => Math.abs(v) > 2147483647) ? t.int64() : t.int32();
    }
    return { name, type, nullable: true };
  }));
}
