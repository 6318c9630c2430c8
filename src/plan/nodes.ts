import type { Expr, SortOrder } from "../expr/index.js";
import type { DataType, StructType } from "../types/index.js";

/**
 * Logical plan nodes: immutable trees built by DataFrame transformations and compiled by an executor at each
 * action. Every node has a process-unique `id`; `df.col("x")` refers to the column as produced under that id,
 * which is how `df1.col("id").equalTo(df2.col("id"))` stays unambiguous after a join.
 */
export type Plan =
  | Scan | SqlQuery | LocalRelation | Project | WithColumns | Drop | Rename | Filter | Aggregate | Join | Sort
  | Limit | Distinct | DropDuplicates | SetOp | Sample | SubqueryAlias | Hint | Materialized | FillNa | DropNa
  | Replace | Repartition;

interface Node<K extends string> { readonly kind: K; readonly id: number }

/** The file formats a scan reads. @example `"parquet"` */
export type FileFormat = "parquet" | "csv" | "json" | "text" | "delta" | "postgres";

/** Read files: formats, options and an optional user schema. @example `spark.read.parquet("data/")` */
export interface Scan extends Node<"scan"> {
  readonly format: FileFormat;
  readonly paths: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly schema?: StructType;
  /** Conjuncts of filters directly above the scan, pushed here by the optimizer for partition pruning. */
  readonly pushedFilters?: readonly Expr[];
  /** Columns the plan above needs (set by the optimizer for sources that can prune columns, e.g. postgres). */
  readonly requiredColumns?: readonly string[];
}
/** A SQL query (session.sql) with bound `$name` parameters. @example `spark.sql("select 1")` */
export interface SqlQuery extends Node<"sql"> {
  readonly query: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Temporary views (and DataFrames passed as params) the query references, captured when sql() was called. */
  readonly views: readonly { readonly name: string; readonly plan: Plan }[];
}
/** Rows given in memory (createDataFrame). @example `spark.createDataFrame([{ a: 1 }])` */
export interface LocalRelation extends Node<"local"> {
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly schema: StructType;
}
/** SELECT list. @example `df.select("a", col("b").plus(1))` */
export interface Project extends Node<"project"> { readonly input: Plan; readonly exprs: readonly Expr[] }
/** Add or replace named columns, keeping the others in place. @example `df.withColumn("c", col("a"))` */
export interface WithColumns extends Node<"withColumns"> {
  readonly input: Plan;
  readonly columns: readonly { readonly name: string; readonly expr: Expr }[];
}
/** Remove columns by name (missing names are ignored, as in Spark). @example `df.drop("a")` */
export interface Drop extends Node<"drop"> { readonly input: Plan; readonly columns: readonly Expr[] }
/** Rename one column (no-op when absent, as in Spark). @example `df.withColumnRenamed("a", "b")` */
export interface Rename extends Node<"rename"> { readonly input: Plan; readonly renames: readonly { readonly from: string; readonly to: string }[] }
/** WHERE. @example `df.filter(col("a").gt(1))` */
export interface Filter extends Node<"filter"> { readonly input: Plan; readonly condition: Expr }
/** GROUP BY / ROLLUP / CUBE, with an optional pivot. @example `df.groupBy("k").agg(F.sum("v"))` */
export interface Aggregate extends Node<"aggregate"> {
  readonly input: Plan;
  readonly grouping: "groupBy" | "rollup" | "cube";
  readonly keys: readonly Expr[];
  readonly aggs: readonly Expr[];
  readonly pivot?: { readonly column: Expr; readonly values?: readonly unknown[] };
}
/** Spark's join types. @example `"left_anti"` */
export type JoinType = "inner" | "left" | "right" | "full" | "left_semi" | "left_anti" | "cross";
/** A join. `using`: equi-join on same-named columns (coalesced into one output column). @example `a.join(b, "id")` */
export interface Join extends Node<"join"> {
  readonly left: Plan;
  readonly right: Plan;
  readonly how: JoinType;
  readonly using?: readonly string[];
  readonly condition?: Expr;
}
/** ORDER BY. @example `df.orderBy(col("a").desc())` */
export interface Sort extends Node<"sort"> { readonly input: Plan; readonly orders: readonly SortOrder[] }
/** LIMIT / OFFSET. @example `df.limit(10)` */
export interface Limit extends Node<"limit"> { readonly input: Plan; readonly limit: number; readonly offset?: number }
/** SELECT DISTINCT. @example `df.distinct()` */
export interface Distinct extends Node<"distinct"> { readonly input: Plan }
/** Keep the first row per subset of columns. @example `df.dropDuplicates(["id"])` */
export interface DropDuplicates extends Node<"dropDuplicates"> { readonly input: Plan; readonly subset: readonly string[] }
/** UNION / INTERSECT / EXCEPT (by position, or by name for unionByName). @example `a.union(b)` */
export interface SetOp extends Node<"setop"> {
  readonly op: "union" | "unionByName" | "intersect" | "intersectAll" | "except" | "exceptAll";
  readonly left: Plan;
  readonly right: Plan;
  readonly allowMissingColumns?: boolean;
}
/** Bernoulli sample. @example `df.sample(0.1, 42)` */
export interface Sample extends Node<"sample"> { readonly input: Plan; readonly fraction: number; readonly seed?: number; readonly withReplacement: boolean }
/** Name a relation so columns can be qualified (`t.id`). @example `df.alias("t")` */
export interface SubqueryAlias extends Node<"alias"> { readonly input: Plan; readonly alias: string }
/** An optimizer hint (`broadcast`). @example `F.broadcast(df)` */
export interface Hint extends Node<"hint"> { readonly input: Plan; readonly name: "broadcast" }
/** A relation materialized by cache()/checkpoint(): read from a DuckDB temp table or Parquet files. @example `df.cache()` */
export interface Materialized extends Node<"materialized"> {
  readonly storage: { readonly kind: "table"; readonly name: string } | { readonly kind: "parquet"; readonly path: string };
  readonly original: Plan;
}
/** fillna / na.fill: replace nulls in columns whose type fits the value. @example `df.fillna(0)` */
export interface FillNa extends Node<"fillna"> { readonly input: Plan; readonly values: Readonly<Record<string, unknown>> | { readonly all: unknown }; readonly subset?: readonly string[] }
/** dropna / na.drop. @example `df.dropna("any")` */
export interface DropNa extends Node<"dropna"> { readonly input: Plan; readonly how: "any" | "all"; readonly thresh?: number; readonly subset?: readonly string[] }
/** replace values (na.replace). @example `df.replace({ "N/A": null })` */
export interface Replace extends Node<"replace"> { readonly input: Plan; readonly mapping: readonly (readonly [unknown, unknown])[]; readonly subset?: readonly string[] }
/** repartition/coalesce: controls the number of output files when written. @example `df.repartition(4)` */
export interface Repartition extends Node<"repartition"> { readonly input: Plan; readonly numPartitions: number; readonly keys: readonly Expr[]; readonly shuffle: boolean }

/** Field types known before execution (e.g. a user schema): used only for documentation/type tests. */
export type KnownTypes = Readonly<Record<string, DataType>>;

let nextId = 1;
/**
 * Create a frozen plan node with a fresh id.
 * @example `const p = plan({ kind: "limit", input, limit: 5 });`
 */
export function plan<P extends Plan>(node: DistributiveOmit<P, "id">): P {
  return Object.freeze({ ...node, id: nextId++ }) as unknown as P;
}
/** Omit over each member of a union. @example `DistributiveOmit<Plan, "id">` */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The input plans of a node.
 * @example `inputs(join).length // 2`
 */
export function inputs(p: Plan): readonly Plan[] {
  switch (p.kind) {
    case "scan": case "sql": case "local": case "materialized": return [];
    case "join": case "setop": return [p.left, p.right];
    case "project": case "withColumns": case "drop": case "rename": case "filter": case "aggregate": case "sort":
    case "limit": case "distinct": case "dropDuplicates": case "sample": case "alias": case "hint": case "fillna":
    case "dropna": case "replace": case "repartition":
      return [p.input];
    default: { const never: never = p; return never; }
  }
}
