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
/** Sorted ascending. @example `F.arraySort("a")` */
export const arraySort = (x: ColumnLike): Column<unknown[]> => callExprs("array_sort", [c(x)]);
/** Sorted ascending or descending. @example `F.sortArray("a", false)` */
export const sortArray = (x: ColumnLike, asc = true): Column<unknown[]> => callExprs("sort_array", [c(x)], { asc });
/** Join elements into a string. @example `F.arrayJoin("a", ",")` */
export const arrayJoin = (x: ColumnLike, sep: string): Column<string> => callExprs("array_join", [c(x), val(sep)]);
/** Largest element. @example `F.arrayMax("a")` */
export const arrayMax = (x: ColumnLike): Column => callExprs("array_max", [c(x)]);
/** Smallest element. @example `F.arrayMin("a")` */
export const arrayMin = (x: ColumnLike): Column => callExprs("array_min", [c(x)]);
/** 1-based position of a value (0 if absent). @example `F.arrayPosition("a", 3)` */
export const arrayPosition = (x: ColumnLike, value: ColumnOrValue): Column<number> => callExprs("array_position", [c(x), toExpr(value)]);
/** Union of two arrays without duplicates. @example `F.arrayUnion("a", "b")` */
export const arrayUnion = (a: ColumnLike, b: ColumnLike): Column<unknown[]> => callExprs("array_union", [c(a), c(b)]);
/** Flatten an array of arrays. @example `F.flatten("aa")` */
export const flatten = (x: ColumnLike): Column<unknown[]> => callExprs("flatten", [c(x)]);
/** `length` elements from 1-based `start`. @example `F.slice("a", 1, 2)` */
export const slice = (x: ColumnLike, start: number, length: number): Column<unknown[]> => callExprs("slice", [c(x), val(start), val(length)]);
/** One output row per array element (rows with empty/null arrays are dropped). @example `df.select("id", F.explode("items").alias("item"))` */
export const explode = (x: ColumnLike): Column => callExprs("explode", [c(x)]);
/** Like explode, but keeps rows with empty/null arrays (with a null element). @example `F.explodeOuter("items")` */
export const explodeOuter = (x: ColumnLike): Column => callExprs("explode_outer", [c(x)]);

type Fn1 = (x: Column) => Column<unknown, string>;
let lambdaCounter = 0;
function lambda(fn: (...xs: Column[]) => Column<unknown, string>, arity: number): Expr {
  const params = Array.from({ length: arity }, () => `__x${++lambdaCounter}`);
  const body = fn(...params.map((p) => new Column(mk({ kind: "lambdaVar", name: p }))));
  return mk({ kind: "lambda", params, body: body.expr });
}
/** Apply a function to every element. @example `F.transform("a", (x) => x.multiply(2))` */
export const transform = (x: ColumnLike, fn: Fn1): Column<unknown[]> => callExprs("transform", [c(x), lambda(fn, 1)]);
/** Keep elements satisfying a predicate. @example `F.filter("a", (x) => x.gt(0))` */
export const filter = (x: ColumnLike, fn: Fn1): Column<unknown[]> => callExprs("filter", [c(x), lambda(fn, 1)]);
/** True if any element satisfies the predicate. @example `F.exists("a", (x) => x.isNull())` */
export const exists = (x: ColumnLike, fn: Fn1): Column<boolean> => callExprs("exists", [c(x), lambda(fn, 1)]);
/** True if all elements satisfy the predicate. @example `F.forall("a", (x) => x.gt(0))` */
export const forall = (x: ColumnLike, fn: Fn1): Column<boolean> => callExprs("forall", [c(x), lambda(fn, 1)]);
/** Fold an array from an initial value. @example `F.aggregate("a", F.lit(0), (acc, x) => acc.plus(x))` */
export const aggregate = (x: ColumnLike, initial: Column<unknown, string>, merge: (acc: Column, x: Column) => Column<unknown, string>): Column =>
  callExprs("aggregate", [c(x), initial.expr, lambda(merge as (...xs: Column[]) => Column<unknown, string>, 2)]);
