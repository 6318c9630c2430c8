import { mk } from "../../expr/index.js";
import { WeirError } from "../../errors/index.js";
import type { DataType } from "../../types/index.js";
import { Column, colExpr, toExpr, type ColumnOrValue } from "../column.js";
import { call, c, type ColumnLike } from "./helpers.js";

/**
 * A column by name. `"t.id"` refers to column `id` of the input aliased `t` (or field `id` of struct `t`);
 * backquote names that contain dots: `` col("`a.b`") ``.
 * @example `df.filter(col("amount").gt(100))`
 */
export function col<N extends string>(name: N): Column<unknown, N> {
  if (typeof name !== "string" || name === "") throw new WeirError("WEIR_INVALID_ARGUMENT", "col() needs a column name", { hint: 'e.g. col("amount")' });
  return new Column(colExpr(name));
}

/** Alias of {@link col}. @example `column("id")` */
export const column = col;

/**
 * A literal value (bound as a parameter, never interpolated). Optionally typed.
 * @example `df.withColumn("source", lit("web"))`
 */
export function lit<V extends ColumnOrValue>(value: V, type?: DataType): Column<V extends Column<infer T, string> ? T : V> {
  if (value instanceof Column) return value as never;
  return new Column(mk({ kind: "literal", value, ...(type ? { type } : {}) }));
}

/**
 * A SQL expression in DuckDB's dialect, like Spark's `F.expr`. Column names are the DataFrame's.
 * @example `df.select(F.expr("qty * price AS amount"))`
 */
export function expr(sql: string): Column {
  if (typeof sql !== "string" || sql.trim() === "") throw new WeirError("WEIR_INVALID_ARGUMENT", "expr() needs a SQL expression", { hint: 'e.g. F.expr("a + 1")' });
  const m = /^([\s\S]*?)\s+(?:AS\s+)?([A-Za-z_][A-Za-z0-9_]*|`[^`]+`)\s*$/i.exec(sql);
  // `expr AS name` → an aliased expression, so the output is named as in Spark.
  if (m && /\sAS\s/i.test(sql) && m[1]) {
    const name = m[2]!.replace(/^`|`$/g, "");
    return new Column(mk({ kind: "alias", expr: mk({ kind: "sql", text: m[1] }), name }));
  }
  return new Column(mk({ kind: "sql", text: sql }));
}

/**
 * Start a CASE WHEN chain: `when(cond, value).when(...).otherwise(default)`.
 * @example `F.when(col("qty").gt(10), "bulk").otherwise("retail")`
 */
export function when(condition: Column<unknown, string>, value: ColumnOrValue): Column {
  return new Column(mk({ kind: "case", branches: [{ when: condition.expr, then: toExpr(value) }] }));
}

/** First non-null argument. @example `F.coalesce(col("a"), lit(0))` */
export function coalesce(...cols: ColumnLike[]): Column { return call("coalesce", cols); }
/** Largest of the values, skipping nulls. @example `F.greatest("a", "b")` */
export function greatest(...cols: ColumnLike[]): Column { return call("greatest", cols); }
/** Smallest of the values, skipping nulls. @example `F.least("a", "b")` */
export function least(...cols: ColumnLike[]): Column { return call("least", cols); }
/** True when the value is null. @example `F.isnull("a")` */
export function isnull(x: ColumnLike): Column<boolean> { return new Column(mk({ kind: "unary", op: "isnull", operand: c(x) })); }
/** True when the value is not null. @example `F.isnotnull("a")` */
export function isnotnull(x: ColumnLike): Column<boolean> { return new Column(mk({ kind: "unary", op: "isnotnull", operand: c(x) })); }
/** True when the value is NaN. @example `F.isnan("x")` */
export function isnan(x: ColumnLike): Column<boolean> { return new Column(mk({ kind: "unary", op: "isnan", operand: c(x) })); }
/** `b` when `a` is NaN, else `a`. @example `F.nanvl("x", lit(0))` */
export function nanvl(a: ColumnLike, b: ColumnLike): Column { return call("nanvl", [a, b]); }
/** Null when a = b, else a. @example `F.nullif("a", "b")` */
export function nullif(a: ColumnLike, b: ColumnLike): Column { return call("nullif", [a, b]); }
/** `b` when `a` is null, else `a` (Spark's `ifnull`). @example `F.ifnull("nickname", "name")` */
export function ifnull(a: ColumnLike, b: ColumnLike): Column { return call("coalesce", [a, b]); }
/** Alias of {@link ifnull}. @example `F.nvl("discount", F.lit(0))` */
export function nvl(a: ColumnLike, b: ColumnLike): Column { return call("coalesce", [a, b]); }
/** `b` when `a` is not null, else `c`. @example `F.nvl2("email", F.lit("yes"), F.lit("no"))` */
export function nvl2(a: ColumnLike, b: ColumnLike, c2: ColumnLike): Column {
  return new Column(mk({ kind: "case", branches: [{ when: mk({ kind: "unary", op: "isnotnull", operand: c(a) }), then: c(b) }], otherwise: c(c2) }));
}
/** Logical NOT. @example `F.not(col("flag"))` */
export function not(x: ColumnLike): Column<boolean> { return new Column(mk({ kind: "unary", op: "not", operand: c(x) })); }
/** Bitwise NOT of an integer (Spark's `bitwise_not`). @example `F.bitwiseNot("flags")` */
export function bitwiseNot(x: ColumnLike): Column<number> { return new Column(mk({ kind: "unary", op: "bitnot", operand: c(x) })); }
/** Alias of {@link bitwiseNot} (Spark's older `bitwiseNOT`). @example `F.bitwiseNOT("flags")` */
export const bitwiseNOT = bitwiseNot;
/** A hash of the values (64-bit). @example `F.hash("id", "day")` */
export function hash(...cols: ColumnLike[]): Column<bigint> { return call("hash", cols); }
/** 64-bit hash (DuckDB's hash; values differ from Spark's xxhash64). @example `F.xxhash64("id")` */
export function xxhash64(...cols: ColumnLike[]): Column<bigint> { return call("xxhash64", cols); }
/** MD5 hex digest. @example `F.md5("s")` */
export function md5(x: ColumnLike): Column<string> { return call("md5", [x]); }
/** SHA-1 hex digest. @example `F.sha1("s")` */
export function sha1(x: ColumnLike): Column<string> { return call("sha1", [x]); }
/** SHA-2 hex digest (256 bits). @example `F.sha2("s", 256)` */
export function sha2(x: ColumnLike, bits = 256): Column<string> {
  if (bits !== 256) throw new WeirError("WEIR_INVALID_ARGUMENT", `sha2() supports 256 bits, got ${bits}`, { hint: "use F.sha2(col, 256)" });
  return call("sha2", [x]);
}
/** A unique, increasing 64-bit id per row (consecutive here, as one DuckDB statement numbers the rows). @example `F.monotonicallyIncreasingId()` */
export function monotonicallyIncreasingId(): Column<bigint> { return call("monotonically_increasing_id", []); }
/** Uniform random in [0, 1). @example `F.rand()` */
export function rand(): Column<number> { return call("rand", []); }
/** The file each row was read from (empty string when not reading files). @example `df.withColumn("src", F.inputFileName())` */
export function inputFileName(): Column<string> { return call("input_file_name", []); }
