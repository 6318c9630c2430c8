import { WeirError } from "../errors/index.js";
import { plan, type FileFormat } from "../plan/index.js";
import { parseSchemaDDL, type StructType } from "../types/index.js";
import { DataFrame } from "./dataframe.js";
import type { Runtime } from "./runtime.js";
import type { Row } from "./typed.js";
import { postgresScanPlan, type PostgresReadOptions } from "./postgres-reader.js";

const FORMATS: readonly FileFormat[] = ["parquet", "csv", "json", "text", "delta", "postgres"];

type OptionValue = string | number | boolean | Date;

/**
 * Spark's `DataFrameReader`: `session.read.format(...).option(...).schema(...).load(path)` or the shortcuts
 * `csv`, `json`, `parquet`, `text`, `table`. A `t.struct` schema makes the DataFrame's row type static.
 *
 * Paths may be files, directories or globs; `k=v/` directories become partition columns, pruned by filters.
 * CSV and JSON follow Spark's read modes (option `mode`): `PERMISSIVE` (default; a malformed record's raw text goes
 * to the schema's `_corrupt_record` string column — or `columnNameOfCorruptRecord` — if it has one, its data
 * columns are NULL), `DROPMALFORMED`, `FAILFAST` (WEIR_MALFORMED_RECORD naming file:line and reason);
 * `badRecordsPath` writes every rejected record (path, line, reason, record) there as JSON lines and leaves it out
 * of the result. Options are checked when the DataFrame is first compiled (WEIR_UNSUPPORTED_OPTION lists the
 * supported ones).
 *
 * @example
 * ```ts
 * const orders = spark.read.schema(t.struct({ id: t.string(), qty: t.int32() })).option("header", true).csv("data/*.csv");
 * ```
 */
export class DataFrameReader<S = Row> {
  constructor(
    private readonly runtime: Runtime,
    private readonly fmt: FileFormat = "parquet",
    private readonly opts: Readonly<Record<string, string>> = {},
    private readonly userSchema?: StructType,
  ) {}

  /** The input format: parquet (default), csv, json, text, delta. */
  format(source: string): DataFrameReader<S> {
    const f = source.toLowerCase() as FileFormat;
    if (!FORMATS.includes(f)) throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported format "${source}"`, { hint: `use one of ${FORMATS.join(", ")}` });
    return new DataFrameReader(this.runtime, f, this.opts, this.userSchema);
  }
  /** Set one option (Spark names: header, sep, inferSchema, mode, modifiedAfter, …). */
  option(key: string, value: OptionValue): DataFrameReader<S> {
    return new DataFrameReader(this.runtime, this.fmt, { ...this.opts, [key]: optionString(value) }, this.userSchema);
  }
  /** Set several options. */
  options(options: Readonly<Record<string, OptionValue>>): DataFrameReader<S> {
    let r: DataFrameReader<S> = this;
    for (const [k, v] of Object.entries(options)) r = r.option(k, v);
    return r;
  }
  /** Declare the schema: a `t.struct(...)` (typed rows) or a Spark DDL string. */
  schema<R>(schema: StructType<R>): DataFrameReader<R>;
  schema(ddl: string): DataFrameReader<Row>;
  schema(schema: StructType | string): DataFrameReader<any> {
    const s = typeof schema === "string" ? parseSchemaDDL(schema) : schema;
    return new DataFrameReader(this.runtime, this.fmt, this.opts, s);
  }
  /** Load files (path, glob, directory or several). */
  load(...paths: (string | readonly string[])[]): DataFrame<S> {
    const flat = paths.flat();
    if (this.fmt === "postgres") {
      if (flat.length) throw new WeirError("WEIR_INVALID_ARGUMENT", "A postgres read takes no path", { hint: 'set options url and table (or query): spark.read.format("postgres").option("url", url).option("table", "orders").load()' });
      return new DataFrame<S>(this.runtime, postgresScanPlan(this.opts));
    }
    if (flat.length === 0) throw new WeirError("WEIR_INVALID_ARGUMENT", "load() needs at least one path", { hint: 'e.g. spark.read.parquet("data/")' });
    return new DataFrame<S>(this.runtime, plan({ kind: "scan", format: this.fmt, paths: flat, options: this.opts, ...(this.userSchema ? { schema: this.userSchema } : {}) }));
  }
  /** CSV files. */
  csv(...paths: (string | readonly string[])[]): DataFrame<S> { return this.format("csv").load(...paths); }
  /** JSON lines (or whole-file JSON with `multiLine`). */
  json(...paths: (string | readonly string[])[]): DataFrame<S> { return this.format("json").load(...paths); }
  /** Parquet files. */
  parquet(...paths: (string | readonly string[])[]): DataFrame<S> { return this.format("parquet").load(...paths); }
  /**
   * A Postgres table or query, streamed with COPY (see {@link PostgresReadOptions}); filters and selected columns
   * directly on it are pushed into the Postgres query.
   * @example `spark.read.postgres({ url: "postgres://etl@localhost/shop", table: "public.orders" })`
   */
  postgres(options: PostgresReadOptions): DataFrame<S> {
    const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Record<string, OptionValue>;
    return this.format("postgres").options(set).load();
  }
  /** Text files: one row per line in column `value`. */
  text(...paths: (string | readonly string[])[]): DataFrame<S> { return this.format("text").load(...paths); }
  /** A temporary view, else a catalog table or view (`db.table`, or `table` in the current database). */
  table(name: string): DataFrame<S> {
    const view = this.runtime.views.get(name.toLowerCase());
    if (view) return new DataFrame<S>(this.runtime, view.plan);
    if (this.runtime.catalog) return new DataFrame<S>(this.runtime, this.runtime.catalog.relation(name));
    const names = [...this.runtime.views.values()].map((v) => v.name);
    throw new WeirError("WEIR_UNKNOWN_TABLE", `Unknown table or view "${name}"${names.length ? `. Views: ${names.join(", ")}` : ""}`, { hint: "register it with df.createOrReplaceTempView(name)" });
  }
}

function optionString(v: OptionValue): string {
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
