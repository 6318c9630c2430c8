import { mk, type Expr } from "../../expr/index.js";
import { WeirError } from "../../errors/index.js";
import { Column, toExpr, type ColumnOrValue } from "../column.js";
import { c, callExprs, val, type ColumnLike } from "./helpers.js";

/** A struct of columns (field names from the columns' names/aliases). @example `F.struct("a", col("b").alias("c"))` */
export function struct(...cols: ColumnLike[]): Column<Record<string, unknown>> {
  const named = cols.map((x) => {
    const e = c(x);
    if (e.kind === "alias") return e;
    if (e.kind === "column") return mk<Expr>({ kind: "alias", expr: e, name: e.name });
    throw new WeirError("WEIR_INVALID_ARGUMENT", "struct() fields need names: pass column names or aliased columns", { hint: 'e.g. F.struct("a", F.lit(1).alias("one"))' });
  });
  return new Column(mk({ kind: "call", name: "struct", args: named, options: { names: named.map((n) => (n as { name: string }).name) } }));
}
/** An array of columns. @example `F.array("a", "b")` */
export const array = (...cols: ColumnLike[]): Column<unknown[]> => callExprs("array", cols.map(c));
/** A map from alternating key/value columns. @example `F.createMap(F.lit("k"), "v")` */
export const createMap = (...cols: ColumnLike[]): Column<Map<unknown, unknown>> => callExprs("create_map", cols.map(c));
/** A map from a key array and a value array. @example `F.mapFromArrays("ks", "vs")` */
export const mapFromArrays = (keys: ColumnLike, values: ColumnLike): Column<Map<unknown, unknown>> => callExprs("map_from_arrays", [c(keys), c(values)]);
/** The keys of a map. @example `F.mapKeys("m")` */
export const mapKeys = (x: ColumnLike): Column<unknown[]> => callExprs("map_keys", [c(x)]);
/** The values of a map. @example `F.mapValues("m")` */
export const mapValues = (x: ColumnLike): Column<unknown[]> => callExprs("map_values", [c(x)]);
/** Array element at a 1-based index (negative from the end) or map value by key. @example `F.elementAt("arr", 1)` */
export const elementAt = (x: ColumnLike, key: ColumnOrValue): Column => callExprs("element_at", [c(x), toExpr(key)]);
/** Array or map size (-1 for null, as Spark's legacy default). @example `F.size("arr")` */
export const size = (x: ColumnLike): Column<number> => callExprs("size", [c(x)]);
/** Whether the array contains the value. @example `F.arrayContains("tags", "new")` */
export const arrayContains = (x: ColumnLike, value: ColumnOrValue): Column<boolean> => callExprs("array_contains", [c(x), toExpr(value)]);
/** Distinct elements. @example `F.arrayDistinct("a")` */
export const arrayDistinct = (x: ColumnLike): Column<unknown[]> => callExprs("array_distinct", [c(x)]);
/** Sorted ascending with nulls last (Spark's `array_sort`). @example `F.arraySort("a")` */
export const arraySort = (x: ColumnLike): Column<unknown[]> => callExprs("array_sort", [c(x)]);
/** Sorted ascending (nulls first) or descending (nulls last), as Spark's `sort_array`. @example `F.sortArray("a", false)` */
export const sortArray = (x: ColumnLike, asc = true): Column<unknown[]> => callExprs("sort_array", [c(x)], { asc });
/** Join elements into a string, skipping nulls or writing `nullReplacement` for them. @example `F.arrayJoin("a", ",", "NA")` */
export const arrayJoin = (x: ColumnLike, sep: string, nullReplacement?: string): Column<string> =>
  callExprs("array_join", nullReplacement === undefined ? [c(x), val(sep)] : [c(x), val(sep), val(nullReplacement)]);
/** Largest element. @example `F.arrayMax("a")` */
export const arrayMax = (x: ColumnLike): Column => callExprs("array_max", [c(x)]);
/** Smallest element. @example `F.arrayMin("a")` */
export const arrayMin = (x: ColumnLike): Column => callExprs("array_min", [c(x)]);
/** 1-based position of a value (0 if absent). @example `F.arrayPosition("a", 3)` */
export const arrayPosition = (x: ColumnLike, value: ColumnOrValue): Column<number> => callExprs("array_position", [c(x), toExpr(value)]);
/** Union of two arrays without duplicates. @example `F.arrayUnion("a", "b")` */
export const arrayUnion = (a: ColumnLike, b: ColumnLike): Column<unknown[]> => callExprs("array_union", [c(a), c(b)]);
/** Distinct elements of `a` also in `b`, in `a`'s order. @example `F.arrayIntersect("a", "b")` */
export const arrayIntersect = (a: ColumnLike, b: ColumnLike): Column<unknown[]> => callExprs("array_intersect", [c(a), c(b)]);
/** Distinct elements of `a` not in `b`, in `a`'s order. @example `F.arrayExcept("a", "b")` */
export const arrayExcept = (a: ColumnLike, b: ColumnLike): Column<unknown[]> => callExprs("array_except", [c(a), c(b)]);
/** True when the arrays share a non-null element. @example `F.arraysOverlap("a", "b")` */
export const arraysOverlap = (a: ColumnLike, b: ColumnLike): Column<boolean> => callExprs("arrays_overlap", [c(a), c(b)]);
/** The array without every element equal to `value`. @example `F.arrayRemove("a", 3)` */
export const arrayRemove = (x: ColumnLike, value: ColumnOrValue): Column<unknown[]> => callExprs("array_remove", [c(x), toExpr(value)]);
/** An array of `count` copies of a column's value. @example `F.arrayRepeat("x", 3)` */
export const arrayRepeat = (x: ColumnLike, count: number): Column<unknown[]> => callExprs("array_repeat", [c(x), val(count)]);
/**
 * Integers from `start` to `stop` inclusive, by `step` (default 1, or -1 when start > stop), as Spark's `sequence`.
 * @example `F.sequence(F.lit(1), F.lit(5)) // [1, 2, 3, 4, 5]`
 */
export const sequence = (start: ColumnLike, stop: ColumnLike, step?: ColumnLike): Column<unknown[]> =>
  callExprs("sequence", step === undefined ? [c(start), c(stop)] : [c(start), c(stop), c(step)]);
/** Flatten an array of arrays. @example `F.flatten("aa")` */
export const flatten = (x: ColumnLike): Column<unknown[]> => callExprs("flatten", [c(x)]);
/** `length` elements from 1-based `start` (negative counts from the end). @example `F.slice("a", -2, 2)` */
export const slice = (x: ColumnLike, start: number, length: number): Column<unknown[]> => callExprs("slice", [c(x), val(start), val(length)]);
/** One output row per array element (rows with empty/null arrays are dropped). @example `df.select("id", F.explode("items").alias("item"))` */
export const explode = (x: ColumnLike): Column => callExprs("explode", [c(x)]);
/** Like explode, but keeps rows with empty/null arrays (with a null element). @example `F.explodeOuter("items")` */
export const explodeOuter = (x: ColumnLike): Column => callExprs("explode_outer", [c(x)]);

/**
 * One row per array element with its 0-based position: columns `pos` and `col` (rename with
 * `.alias("p", "c")`); rows with empty or null arrays are dropped.
 * @example `df.select("id", F.posexplode("items"))`
 */
export const posexplode = (x: ColumnLike): Column => callExprs("posexplode", [c(x)]);
/** Like posexplode, but an empty or null array gives one row of nulls. @example `df.select("id", F.posexplodeOuter("items"))` */
export const posexplodeOuter = (x: ColumnLike): Column => callExprs("posexplode_outer", [c(x)]);

/** A lambda over elements, optionally with the element's 0-based index (as in Spark). */
type ElementFn = (x: Column, i: Column) => Column<unknown, string>;
let lambdaCounter = 0;
function lambda(fn: (...xs: Column[]) => Column<unknown, string>, arity: number, indexed = false): Expr {
  const params = Array.from({ length: arity }, () => `__x${++lambdaCounter}`);
  const vars = params.map((p) => new Column(mk({ kind: "lambdaVar", name: p })));
  // DuckDB's lambda index is 1-based; Spark's is 0-based.
  if (indexed) vars[1] = vars[1]!.minus(1).cast("int");
  const body = fn(...vars);
  return mk({ kind: "lambda", params, body: body.expr });
}
const elementLambda = (fn: ElementFn): Expr => lambda(fn as (...xs: Column[]) => Column<unknown, string>, fn.length >= 2 ? 2 : 1, fn.length >= 2);
/** Apply a function to every element (optionally given its 0-based index). @example `F.transform("a", (x, i) => x.multiply(i))` */
export const transform = (x: ColumnLike, fn: ElementFn): Column<unknown[]> => callExprs("transform", [c(x), elementLambda(fn)]);
/** Keep elements satisfying a predicate (optionally given the 0-based index). @example `F.filter("a", (x) => x.gt(0))` */
export const filter = (x: ColumnLike, fn: ElementFn): Column<unknown[]> => callExprs("filter", [c(x), elementLambda(fn)]);
type Fn1 = (x: Column) => Column<unknown, string>;
/** True if any element satisfies the predicate. @example `F.exists("a", (x) => x.isNull())` */
export const exists = (x: ColumnLike, fn: Fn1): Column<boolean> => callExprs("exists", [c(x), lambda(fn, 1)]);
/** True if all elements satisfy the predicate. @example `F.forall("a", (x) => x.gt(0))` */
export const forall = (x: ColumnLike, fn: Fn1): Column<boolean> => callExprs("forall", [c(x), lambda(fn, 1)]);
/**
 * Fold an array from an initial value, then optionally apply `finish` to the result (Spark's `aggregate`).
 * @example `F.aggregate("a", F.lit(0), (acc, x) => acc.plus(x), (acc) => acc.multiply(10))`
 */
export const aggregate = (
  x: ColumnLike, initial: Column<unknown, string>, merge: (acc: Column, x: Column) => Column<unknown, string>, finish?: (acc: Column) => Column<unknown, string>,
): Column => callExprs("aggregate", [
  c(x), initial.expr, lambda(merge as (...xs: Column[]) => Column<unknown, string>, 2),
  ...(finish ? [lambda(finish as (...xs: Column[]) => Column<unknown, string>, 1)] : []),
]);
