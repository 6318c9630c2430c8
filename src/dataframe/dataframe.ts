import { WeirError } from "../errors/index.js";
import { mk, type Expr } from "../expr/index.js";
import { plan, type Plan } from "../plan/index.js";
import { simpleString, treeString, type StructType } from "../types/index.js";
import { checkpointPlan, collectRows, countRows, explainText, persistPlan, showText, streamRows, unpersistPlan } from "./actions.js";
import { Column, colExpr, sortOrder } from "./column.js";
import { describeStats } from "./describe.js";
import { GroupedData } from "./grouped-data.js";
import { resolveJoinType, type JoinOn, type JoinRow, type JoinTypeName } from "./join-types.js";
import { schemaOfPlan, type Runtime } from "./runtime.js";
import type { ColName, IsRow, Renamed, Row, SelectItem, SelectRow, Simplify, WithColumn } from "./typed.js";
import { DataFrameWriter } from "./writer.js";
import type { Dataset } from "./dataset.js";
import { dataFrameToDataset } from "./dataset-streams.js";

/**
 * A lazy, immutable distributed-collection-style table, as in Spark: transformations build a plan, actions
 * (`collect`, `count`, `show`, `write`…) compile it to one DuckDB statement and run it. `S` is the row type:
 * static when the schema is known (column names are then checked by the compiler), `Row` otherwise.
 *
 * @example
 * ```ts
 * const daily = orders.filter(col("status").equalTo("completed"))
 *   .withColumn("amount", col("qty").multiply(col("price")))
 *   .groupBy(F.toDate("ts").alias("day")).agg(F.sum("amount").alias("revenue"));
 * await daily.show();
 * ```
 */
export class DataFrame<S = Row> {
  constructor(readonly runtime: Runtime, readonly plan: Plan) {}

  private next<T = S>(p: Plan): DataFrame<T> {
    return new DataFrame<T>(this.runtime, p);
  }

  // ---- projection -------------------------------------------------------------------------------
  /** Select columns or expressions (`"*"` expands all). */
  select<const I extends readonly SelectItem<S>[]>(...cols: I): DataFrame<SelectRow<S, I>> {
    if (cols.length === 0) throw new WeirError("WEIR_INVALID_ARGUMENT", "select() needs at least one column", { hint: 'e.g. df.select("id")' });
    return this.next(plan({ kind: "project", input: this.plan, exprs: cols.map((c) => colExpr(c as string | Column)) }));
  }
  /** Select SQL expressions (`"qty * price AS amount"`). */
  selectExpr(...exprs: string[]): DataFrame<Row> {
    return this.next(plan({ kind: "project", input: this.plan, exprs: exprs.map(sqlItem) }));
  }
  /** Add or replace a column. */
  withColumn<N extends string, T>(name: N, col: Column<T, string>): DataFrame<WithColumn<S, N, T>> {
    return this.withColumns({ [name]: col } as Record<N, Column<T, string>>) as never;
  }
  /** Add or replace several columns at once. */
  withColumns<M extends Record<string, Column<unknown, string>>>(columns: M): DataFrame<Simplify<Omit<S, keyof M> & { [K in keyof M]: M[K] extends Column<infer T, string> ? T : unknown }>> {
    const entries = Object.entries(columns).map(([name, c]) => {
      if (!(c instanceof Column)) throw new WeirError("WEIR_INVALID_ARGUMENT", `withColumn("${name}") needs a Column, got ${typeof c}`, { hint: `wrap values in lit(): withColumn("${name}", lit(value))` });
      return { name, expr: c.expr };
    });
    return this.next(plan({ kind: "withColumns", input: this.plan, columns: entries }));
  }
  /** Rename a column (no-op when absent, as in Spark). */
  withColumnRenamed<E extends ColName<S>, N extends string>(existing: E, newName: N): DataFrame<Renamed<S, E & keyof S, N>> {
    return this.next(plan({ kind: "rename", input: this.plan, renames: [{ from: existing, to: newName }] }));
  }
  /** Rename several columns. */
  withColumnsRenamed(renames: Partial<Record<ColName<S>, string>>): DataFrame<Row> {
    return this.next(plan({ kind: "rename", input: this.plan, renames: Object.entries(renames).map(([from, to]) => ({ from, to: to as string })) }));
  }
  /** Drop columns (unknown names are ignored, as in Spark). */
  drop<K extends ColName<S>>(...cols: (K | Column<unknown, string>)[]): DataFrame<IsRow<S, Simplify<Omit<S, K>>>> {
    return this.next(plan({ kind: "drop", input: this.plan, columns: cols.map((c) => colExpr(c)) }));
  }
  /** A column of this DataFrame, usable unambiguously after joins. */
  col<K extends ColName<S>>(name: K): Column<K extends keyof S ? S[K] : unknown, K> {
    if (name === "*") return new Column(mk({ kind: "star", qualifier: `#${this.plan.id}` }));
    return new Column(mk({ kind: "column", name, qualifier: `#${this.plan.id}` }));
  }
  /** Name this DataFrame so its columns can be referenced as `alias.column`. */
  alias(name: string): DataFrame<S> {
    return this.next(plan({ kind: "alias", input: this.plan, alias: name }));
  }
  /** Alias of {@link alias}. */
  as(name: string): DataFrame<S> {
    return this.alias(name);
  }

  // ---- filtering and ordering ------------------------------------------------------------------
  /** Keep rows matching a condition (a boolean Column or a SQL string). */
  filter(condition: Column<unknown, string> | string): DataFrame<S> {
    const e = typeof condition === "string" ? mk<Expr>({ kind: "sql", text: condition }) : condition.expr;
    return this.next(plan({ kind: "filter", input: this.plan, condition: e }));
  }
  /** Alias of {@link filter}. */
  where(condition: Column<unknown, string> | string): DataFrame<S> {
    return this.filter(condition);
  }
  /** Sort (ascending with nulls first by default, as in Spark; use `col(x).desc()` etc.). */
  orderBy(...cols: (ColName<S> | Column<unknown, string> | readonly (ColName<S> | Column<unknown, string>)[])[]): DataFrame<S> {
    const flat = cols.flat() as (string | Column)[];
    if (flat.length === 0) throw new WeirError("WEIR_INVALID_ARGUMENT", "orderBy() needs at least one column", { hint: 'e.g. df.orderBy(col("ts").desc())' });
    return this.next(plan({ kind: "sort", input: this.plan, orders: flat.map(sortOrder) }));
  }
  /** Alias of {@link orderBy}. */
  sort(...cols: (ColName<S> | Column<unknown, string> | readonly (ColName<S> | Column<unknown, string>)[])[]): DataFrame<S> {
    return this.orderBy(...cols);
  }
  /** The first `n` rows. */
  limit(n: number): DataFrame<S> {
    return this.next(plan({ kind: "limit", input: this.plan, limit: n }));
  }
  /** Skip the first `n` rows. */
  offset(n: number): DataFrame<S> {
    return this.next(plan({ kind: "limit", input: this.plan, limit: Number.MAX_SAFE_INTEGER, offset: n }));
  }
  /** Distinct rows. */
  distinct(): DataFrame<S> {
    return this.next(plan({ kind: "distinct", input: this.plan }));
  }
  /** Keep one row per distinct value of `subset` (all columns when omitted). */
  dropDuplicates(subset?: readonly ColName<S>[]): DataFrame<S> {
    return this.next(plan({ kind: "dropDuplicates", input: this.plan, subset: subset ?? [] }));
  }
  /** Alias of {@link dropDuplicates}. */
  drop_duplicates(subset?: readonly ColName<S>[]): DataFrame<S> {
    return this.dropDuplicates(subset);
  }
  /** A Bernoulli sample of about `fraction` of the rows (repeatable with `seed`). */
  sample(fraction: number, seed?: number): DataFrame<S>;
  sample(withReplacement: boolean, fraction: number, seed?: number): DataFrame<S>;
  sample(a: number | boolean, b?: number, c?: number): DataFrame<S> {
    const [withReplacement, fraction, seed] = typeof a === "boolean" ? [a, b ?? 0, c] : [false, a, b];
    if (withReplacement) throw new WeirError("WEIR_UNSUPPORTED_OPTION", "sample(withReplacement=true) is not supported", { hint: "use sample(fraction, seed)" });
    return this.next(plan({ kind: "sample", input: this.plan, fraction, withReplacement, ...(seed !== undefined ? { seed } : {}) }));
  }

  // ---- aggregation -----------------------------------------------------------------------------
  /** Group rows for aggregation. */
  groupBy<const K extends readonly SelectItem<S>[]>(...cols: K): GroupedData<S, SelectRow<S, K>> {
    return new GroupedData(this.runtime, this.plan, "groupBy", cols.map((c) => colExpr(c as string | Column)));
  }
  /** Alias of {@link groupBy}. */
  groupby<const K extends readonly SelectItem<S>[]>(...cols: K): GroupedData<S, SelectRow<S, K>> {
    return this.groupBy(...cols);
  }
  /** Hierarchical subtotals (GROUP BY ROLLUP). */
  rollup<const K extends readonly SelectItem<S>[]>(...cols: K): GroupedData<S, SelectRow<S, K>> {
    return new GroupedData(this.runtime, this.plan, "rollup", cols.map((c) => colExpr(c as string | Column)));
  }
  /** All subtotal combinations (GROUP BY CUBE). */
  cube<const K extends readonly SelectItem<S>[]>(...cols: K): GroupedData<S, SelectRow<S, K>> {
    return new GroupedData(this.runtime, this.plan, "cube", cols.map((c) => colExpr(c as string | Column)));
  }
  /** Aggregate over all rows. */
  agg<const C extends readonly Column<unknown, string>[]>(...aggs: C): DataFrame<SelectRow<S, C>> {
    return new GroupedData<S, {}>(this.runtime, this.plan, "groupBy", []).agg(...aggs) as never;
  }

  // ---- combining -------------------------------------------------------------------------------
  /**
   * Join with another DataFrame. `on` as column name(s) joins on equality and keeps one copy of each key
   * column; as a Column it is any condition, and both sides' columns are kept (ambiguous names must then be
   * referenced through `df.col(name)` or aliases).
   */
  join<S2, H extends JoinTypeName = "inner">(other: DataFrame<S2>, on?: JoinOn<S, S2>, how?: H): DataFrame<JoinRow<S, S2, H>> {
    const joinType = resolveJoinType(how ?? "inner");
    const base = { kind: "join" as const, left: this.plan, right: other.plan, how: on === undefined && joinType === "inner" ? ("cross" as const) : joinType };
    if (on === undefined) return this.next(plan(base));
    if (on instanceof Column) return this.next(plan({ ...base, condition: on.expr }));
    const names = (typeof on === "string" ? [on] : [...(on as readonly string[])]) as string[];
    if (names.length === 0) throw new WeirError("WEIR_INVALID_ARGUMENT", "join() failed: `on` lists no columns", { hint: 'name the key columns, e.g. join(other, ["id"])' });
    return this.next(plan({ ...base, using: names }));
  }
  /** Cartesian product. */
  crossJoin<S2>(other: DataFrame<S2>): DataFrame<JoinRow<S, S2, "cross">> {
    return this.next(plan({ kind: "join", left: this.plan, right: other.plan, how: "cross" }));
  }
  /** Rows of both, by column position (UNION ALL, as in Spark). */
  union(other: DataFrame<S>): DataFrame<S> {
    return this.next(plan({ kind: "setop", op: "union", left: this.plan, right: other.plan }));
  }
  /** Alias of {@link union}. */
  unionAll(other: DataFrame<S>): DataFrame<S> {
    return this.union(other);
  }
  /** Rows of both, matching columns by name; missing columns become null with `allowMissingColumns`. */
  unionByName<S2>(other: DataFrame<S2>, options: { allowMissingColumns?: boolean } = {}): DataFrame<IsRow<S, Simplify<S & Partial<S2>>>> {
    return this.next(plan({ kind: "setop", op: "unionByName", left: this.plan, right: other.plan, allowMissingColumns: options.allowMissingColumns ?? false }));
  }
  /** Distinct rows present in both. */
  intersect(other: DataFrame<S>): DataFrame<S> {
    return this.next(plan({ kind: "setop", op: "intersect", left: this.plan, right: other.plan }));
  }
  /** Rows present in both, keeping duplicates. */
  intersectAll(other: DataFrame<S>): DataFrame<S> {
    return this.next(plan({ kind: "setop", op: "intersectAll", left: this.plan, right: other.plan }));
  }
  /** Distinct rows of this not in other (Spark's `subtract`). */
  subtract(other: DataFrame<S>): DataFrame<S> {
    return this.next(plan({ kind: "setop", op: "except", left: this.plan, right: other.plan }));
  }
  /** Rows of this not in other, keeping duplicates. */
  exceptAll(other: DataFrame<S>): DataFrame<S> {
    return this.next(plan({ kind: "setop", op: "exceptAll", left: this.plan, right: other.plan }));
  }

  // ---- null handling ---------------------------------------------------------------------------
  /** Replace nulls: one value for every column of a matching type, or a value per column. */
  fillna(value: string | number | boolean | Partial<Record<ColName<S>, unknown>>, subset?: readonly ColName<S>[]): DataFrame<S> {
    const values = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : { all: value };
    return this.next(plan({ kind: "fillna", input: this.plan, values, ...(subset ? { subset } : {}) }));
  }
  /** Drop rows with nulls: `how` "any" (default) or "all", or fewer than `thresh` non-nulls. */
  dropna(how: "any" | "all" = "any", thresh?: number, subset?: readonly ColName<S>[]): DataFrame<S> {
    return this.next(plan({ kind: "dropna", input: this.plan, how, ...(thresh !== undefined ? { thresh } : {}), ...(subset ? { subset } : {}) }));
  }
  /**
   * Replace values in columns of a matching type (Spark's rules: numbers in numeric columns, strings in string
   * columns, booleans in boolean columns): a single pair, arrays of old/new values, `{ old: new }` (string keys)
   * or a `Map` (keys of any type).
   */
  replace(toReplace: unknown, value?: unknown, subset?: readonly ColName<S>[]): DataFrame<S> {
    const mapping: [unknown, unknown][] = toReplace instanceof Map ? [...toReplace.entries()]
      : toReplace !== null && typeof toReplace === "object" && !Array.isArray(toReplace)
      ? Object.entries(toReplace as Record<string, unknown>)
      : Array.isArray(toReplace) ? toReplace.map((v, i) => [v, Array.isArray(value) ? value[i] : value]) : [[toReplace, value]];
    return this.next(plan({ kind: "replace", input: this.plan, mapping, ...(subset ? { subset } : {}) }));
  }
  /** Null-handling functions grouped as in Spark (`df.na.fill`, `df.na.drop`, `df.na.replace`). */
  get na(): { fill: DataFrame<S>["fillna"]; drop: DataFrame<S>["dropna"]; replace: DataFrame<S>["replace"] } {
    return { fill: this.fillna.bind(this), drop: this.dropna.bind(this), replace: this.replace.bind(this) };
  }

  // ---- physical hints --------------------------------------------------------------------------
  /** Set the number of output partitions (files when written), optionally hash-partitioned by columns. */
  repartition(numPartitions: number, ...cols: (ColName<S> | Column<unknown, string>)[]): DataFrame<S> {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new WeirError("WEIR_INVALID_ARGUMENT", `repartition(${numPartitions}) needs a positive integer`, { hint: "e.g. df.repartition(4)" });
    return this.next(plan({ kind: "repartition", input: this.plan, numPartitions, keys: cols.map((c) => colExpr(c as string | Column)), shuffle: true }));
  }
  /** Reduce the number of output partitions (files when written). */
  coalesce(numPartitions: number): DataFrame<S> {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new WeirError("WEIR_INVALID_ARGUMENT", `coalesce(${numPartitions}) needs a positive integer`, { hint: "e.g. df.coalesce(1)" });
    return this.next(plan({ kind: "repartition", input: this.plan, numPartitions, keys: [], shuffle: false }));
  }
  /** Materialize once (into DuckDB memory, spilling to tempDir); later actions read only the cached data. */
  async cache(): Promise<DataFrame<S>> {
    return this.persist();
  }
  /** Same as cache(); Weir keeps cached data in DuckDB, which spills to tempDir under memory pressure. */
  async persist(): Promise<DataFrame<S>> {
    return this.next(await persistPlan(this.runtime, this.plan));
  }
  /** Drop a cached DataFrame's data; returns the uncached DataFrame. */
  async unpersist(): Promise<DataFrame<S>> {
    return this.next(await unpersistPlan(this.runtime, this.plan));
  }
  /** Write to Parquet under the session's temp directory and continue from there (the plan is truncated). */
  async checkpoint(): Promise<DataFrame<S>> {
    return this.next(await checkpointPlan(this.runtime, this.plan));
  }
  /** Register as a temporary view for `session.sql`. */
  createOrReplaceTempView(name: string): void {
    this.runtime.views.set(name.toLowerCase(), { name, plan: this.plan });
  }
  /** Register as a temporary view; fails if the name is taken. */
  createTempView(name: string): void {
    if (this.runtime.views.has(name.toLowerCase())) throw new WeirError("WEIR_INVALID_NAME", `Temporary view "${name}" already exists`, { hint: "use createOrReplaceTempView" });
    this.createOrReplaceTempView(name);
  }

  // ---- schema ----------------------------------------------------------------------------------
  /** The schema (analyzes the plan; no data is read beyond file metadata). */
  async schema(): Promise<StructType> {
    return schemaOfPlan(this.runtime, this.plan);
  }
  /** Column names. */
  async columns(): Promise<string[]> {
    return (await this.schema()).fields.map((f) => f.name);
  }
  /** Column names with Spark type names. */
  async dtypes(): Promise<[string, string][]> {
    return (await this.schema()).fields.map((f) => [f.name, simpleString(f.type)]);
  }
  /** Print the schema tree (returns it too). */
  async printSchema(): Promise<string> {
    const s = treeString(await this.schema());
    console.log(s);
    return s;
  }
  /** The logical plan, optimized plan, generated SQL and DuckDB's physical plan, with files scanned per scan. */
  async explain(options: { print?: boolean } = {}): Promise<string> {
    const text = await explainText(this.runtime, this.plan);
    if (options.print !== false) console.log(text);
    return text;
  }

  // ---- actions ---------------------------------------------------------------------------------
  /** All rows (long → bigint, date/timestamp → Date, decimal → number up to precision 15 else string, map → Map). */
  async collect(): Promise<S[]> {
    return (await collectRows(this.runtime, this.plan)) as S[];
  }
  /** Alias of collect(). */
  async toArray(): Promise<S[]> {
    return this.collect();
  }
  /** The first `n` rows. */
  async take(n: number): Promise<S[]> {
    return this.limit(n).collect();
  }
  /** The first row (or undefined when empty) without `n`, as PySpark's head(); the first `n` rows with it. */
  async head(): Promise<S | undefined>;
  async head(n: number): Promise<S[]>;
  async head(n?: number): Promise<S | S[] | undefined> {
    if (n === undefined) return (await this.take(1))[0];
    return this.take(n);
  }
  /** The first row, or undefined when empty. */
  async first(): Promise<S | undefined> {
    return (await this.take(1))[0];
  }
  /** Whether there are no rows. */
  async isEmpty(): Promise<boolean> {
    return (await this.limit(1).count()) === 0;
  }
  /** Number of rows. */
  async count(): Promise<number> {
    return countRows(this.runtime, this.plan);
  }
  /** Print the first `n` rows as a table, Spark-style (returns the text too). */
  async show(n = 20, truncate: boolean | number = true, vertical = false): Promise<string> {
    const text = await showText(this.runtime, this.limit(n + 1).plan, n, truncate, vertical);
    process.stdout.write(text);
    return text;
  }
  /** Summary statistics (count, mean, stddev, min, max) of numeric and string columns. */
  describe(...cols: ColName<S>[]): Promise<DataFrame<Row>> {
    return describeStats(this as DataFrame<Row>, cols, ["count", "mean", "stddev", "min", "max"]);
  }
  /** Like describe(), plus quartiles (`"25%"`, `"50%"`, `"75%"`). */
  summary(...statistics: string[]): Promise<DataFrame<Row>> {
    return describeStats(this as DataFrame<Row>, [], statistics.length ? statistics : ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"]);
  }
  /** Rows in batches of about `batchRows`, streamed from DuckDB (results larger than memory). */
  async *toLocalIterator(batchRows = 10_000): AsyncGenerator<S[]> {
    yield* streamRows(this.runtime, this.plan, batchRows) as AsyncGenerator<S[]>;
  }
  /** Iterate rows one by one, streamed. */
  async *[Symbol.asyncIterator](): AsyncGenerator<S> {
    for await (const batch of this.toLocalIterator()) yield* batch;
  }
  /**
   * The rows as a Dataset of plain objects for JS functions on worker threads (Spark's `df.rdd`); rows stream
   * from DuckDB into a spool file when the Dataset's first action runs. @example `df.toDataset().map((r) => r.id)`
   */
  // Generic (default S) rather than Dataset<S>: Dataset is invariant in its element type, and DataFrame<S> must
  // stay assignable to DataFrame<Row>.
  toDataset<R = S>(numPartitions?: number): Dataset<R> {
    const ctx = this.runtime.datasets?.();
    if (!ctx) throw new WeirError("WEIR_UNSUPPORTED_OPERATION", "toDataset(): this DataFrame's session has no worker-thread engine", { hint: "create the DataFrame from a Session" });
    return dataFrameToDataset<R>(ctx, this.runtime, this.plan, numPartitions);
  }
  /** Write this DataFrame out. */
  get write(): DataFrameWriter {
    return new DataFrameWriter(this.runtime, this.plan);
  }
}

function sqlItem(text: string): Expr {
  const m = /^([\s\S]+?)\s+AS\s+([A-Za-z_][A-Za-z0-9_]*|`[^`]+`|"[^"]+")\s*$/i.exec(text);
  if (m) return mk({ kind: "alias", expr: mk({ kind: "sql", text: m[1]! }), name: m[2]!.replace(/^[`"]|[`"]$/g, "") });
  return mk({ kind: "sql", text });
}
