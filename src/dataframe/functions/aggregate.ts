import { mk } from "../../expr/index.js";
import { WeirError } from "../../errors/index.js";
import { Column } from "../column.js";
import { c, call, callExprs, val, type ColumnLike } from "./helpers.js";

/** Count of rows (`"*"`) or of non-null values. @example `F.count("*")` */
export function count(x: ColumnLike = "*"): Column<bigint> {
  return x === "*" ? callExprs("count", [mk({ kind: "star" })]) : call("count", [x]);
}
/** Count of distinct (non-null) values. @example `F.countDistinct("customer_id")` */
export function countDistinct(...cols: ColumnLike[]): Column<bigint> { return call("count_distinct", cols); }
/** Approximate distinct count (HyperLogLog). @example `F.approxCountDistinct("user")` */
export function approxCountDistinct(x: ColumnLike): Column<bigint> { return call("approx_count_distinct", [x]); }
/** Sum. @example `F.sum("amount")` */
export function sum(x: ColumnLike): Column<number> { return call("sum", [x]); }
/** Sum of distinct values. @example `F.sumDistinct("x")` */
export function sumDistinct(x: ColumnLike): Column<number> { return callExprs("sum", [c(x)], undefined, true); }
/** Average. @example `F.avg("amount")` */
export function avg(x: ColumnLike): Column<number> { return call("avg", [x]); }
/** Alias of avg. @example `F.mean("amount")` */
export function mean(x: ColumnLike): Column<number> { return call("avg", [x]); }
/** Minimum. @example `F.min("ts")` */
export function min(x: ColumnLike): Column { return call("min", [x]); }
/** Maximum. @example `F.max("ts")` */
export function max(x: ColumnLike): Column { return call("max", [x]); }
/** First value in the group (optionally the first non-null). @example `F.first("name", true)` */
export function first(x: ColumnLike, ignoreNulls = false): Column { return call("first", [x], { ignoreNulls }); }
/** Last value in the group. @example `F.last("name")` */
export function last(x: ColumnLike, ignoreNulls = false): Column { return call("last", [x], { ignoreNulls }); }
/** The group's non-null values as an array. @example `F.collectList("item")` */
export function collectList(x: ColumnLike): Column<unknown[]> { return call("collect_list", [x]); }
/** The group's distinct non-null values as an array. @example `F.collectSet("tag")` */
export function collectSet(x: ColumnLike): Column<unknown[]> { return call("collect_set", [x]); }
/** Sample standard deviation. @example `F.stddev("v")` */
export function stddev(x: ColumnLike): Column<number> { return call("stddev", [x]); }
/** Sample standard deviation. @example `F.stddevSamp("v")` */
export function stddevSamp(x: ColumnLike): Column<number> { return call("stddev_samp", [x]); }
/** Population standard deviation. @example `F.stddevPop("v")` */
export function stddevPop(x: ColumnLike): Column<number> { return call("stddev_pop", [x]); }
/** Sample variance. @example `F.variance("v")` */
export function variance(x: ColumnLike): Column<number> { return call("variance", [x]); }
/** Sample variance. @example `F.varSamp("v")` */
export function varSamp(x: ColumnLike): Column<number> { return call("var_samp", [x]); }
/** Population variance. @example `F.varPop("v")` */
export function varPop(x: ColumnLike): Column<number> { return call("var_pop", [x]); }
/** Pearson correlation. @example `F.corr("a", "b")` */
export function corr(a: ColumnLike, b: ColumnLike): Column<number> { return call("corr", [a, b]); }
/** Population covariance. @example `F.covarPop("a", "b")` */
export function covarPop(a: ColumnLike, b: ColumnLike): Column<number> { return call("covar_pop", [a, b]); }
/** Sample covariance. @example `F.covarSamp("a", "b")` */
export function covarSamp(a: ColumnLike, b: ColumnLike): Column<number> { return call("covar_samp", [a, b]); }
/** Exact median. @example `F.median("v")` */
export function median(x: ColumnLike): Column<number> { return call("median", [x]); }
/**
 * Spark's approximate percentile: the smallest value with at least `percentage` of the values at or below it
 * (rank ceil(p·n)), or an array of them for an array of percentages. Computed exactly here, which is within
 * any accuracy Spark would allow, so `accuracy` is accepted for compatibility and ignored.
 * @example `F.percentileApprox("latency", 0.95)` · `F.percentileApprox("latency", [0.5, 0.9, 0.99])`
 */
export function percentileApprox(x: ColumnLike, percentage: number | readonly number[], accuracy = 10000): Column {
  const ps = Array.isArray(percentage) ? percentage : [percentage as number];
  if (ps.some((p) => typeof p !== "number" || !(p >= 0 && p <= 1)) || !(accuracy > 0)) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `percentileApprox() needs percentages in [0, 1] and a positive accuracy, got ${JSON.stringify(percentage)}`, { hint: "e.g. F.percentileApprox(\"x\", [0.5, 0.9])" });
  }
  const list = Array.isArray(percentage);
  return callExprs("percentile_approx", [c(x), val(list ? ([...ps] as never) : ps[0]!)], { list });
}
/** Exact percentile (interpolated). @example `F.percentile("v", 0.5)` */
export function percentile(x: ColumnLike, percentage: number): Column<number> { return callExprs("percentile", [c(x), val(percentage)]); }
/** Any value of the group. @example `F.anyValue("name")` */
export function anyValue(x: ColumnLike): Column { return call("any_value", [x]); }
/** True if all values are true. @example `F.boolAnd("ok")` */
export function boolAnd(x: ColumnLike): Column<boolean> { return call("bool_and", [x]); }
/** True if any value is true. @example `F.boolOr("ok")` */
export function boolOr(x: ColumnLike): Column<boolean> { return call("bool_or", [x]); }
