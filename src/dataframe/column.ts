import { mk, type BinaryOp, type Expr, type SortOrder, type WindowSpecNode } from "../expr/index.js";
import { parseDataType, type DataType } from "../types/index.js";
import { WeirError } from "../errors/index.js";

/** Anything a Column API method accepts as an operand: a Column or a plain value (bound as a literal). */
export type ColumnOrValue = Column<unknown, string> | string | number | bigint | boolean | Date | null | Uint8Array;

/** Something that can produce a window spec (a `WindowSpec`). */
export interface WindowSpecLike {
  readonly spec: WindowSpecNode;
}

/**
 * A column expression, as in Spark's `Column`: built with `col()`, `lit()`, `F.*` or `df.col()`, combined with
 * Spark's Java/Scala method names, evaluated lazily inside DataFrame transformations. `T` is the value type when
 * known, `N` the output name when known (set by `alias`), so typed DataFrames can infer result rows.
 *
 * @example
 * ```ts
 * const amount = col("qty").multiply(col("price")).alias("amount");
 * df.filter(col("status").equalTo("completed").and(col("qty").gt(0)));
 * ```
 */
export class Column<T = unknown, N extends string = string> {
  /** Phantom: value type and name carried for the typed API. */
  declare readonly __type?: T;
  declare readonly __name?: N;

  constructor(readonly expr: Expr) {}

  // arithmetic
  /** `this + other`. */
  plus(other: ColumnOrValue): Column<T> { return this.bin("+", other); }
  /** `this - other`. */
  minus(other: ColumnOrValue): Column<T> { return this.bin("-", other); }
  /** `this * other`. */
  multiply(other: ColumnOrValue): Column<T> { return this.bin("*", other); }
  /** `this / other` (always fractional for integers, as in Spark). */
  divide(other: ColumnOrValue): Column<number> { return this.bin("/", other); }
  /** `this % other`. */
  mod(other: ColumnOrValue): Column<T> { return this.bin("%", other); }
  /** Unary minus. */
  negate(): Column<T> { return new Column(mk({ kind: "unary", op: "negate", operand: this.expr })); }
  /** Bitwise AND. @example `col("flags").bitwiseAND(4)` */
  bitwiseAND(other: ColumnOrValue): Column<T> { return this.bin("&", other); }
  /** Bitwise OR. @example `col("flags").bitwiseOR(4)` */
  bitwiseOR(other: ColumnOrValue): Column<T> { return this.bin("|", other); }
  /** Bitwise XOR. @example `col("flags").bitwiseXOR(4)` */
  bitwiseXOR(other: ColumnOrValue): Column<T> { return this.bin("^", other); }

  // comparison
  /** `this = other` (null if either is null). */
  equalTo(other: ColumnOrValue): Column<boolean> { return this.bin("=", other); }
  /** `this <> other`. */
  notEqual(other: ColumnOrValue): Column<boolean> { return this.bin("!=", other); }
  /** Null-safe equality (`<=>`): true when both are null. */
  eqNullSafe(other: ColumnOrValue): Column<boolean> { return this.bin("<=>", other); }
  /** `this > other` (null if either is null). @example `col("qty").gt(10)` */
  gt(other: ColumnOrValue): Column<boolean> { return this.bin(">", other); }
  /** `this < other`. @example `col("qty").lt(10)` */
  lt(other: ColumnOrValue): Column<boolean> { return this.bin("<", other); }
  /** `this >= other`. @example `col("qty").geq(10)` */
  geq(other: ColumnOrValue): Column<boolean> { return this.bin(">=", other); }
  /** `this <= other`. @example `col("qty").leq(10)` */
  leq(other: ColumnOrValue): Column<boolean> { return this.bin("<=", other); }
  /** Short aliases of equalTo / notEqual / geq / leq. */
  eq(other: ColumnOrValue): Column<boolean> { return this.equalTo(other); }
  ne(other: ColumnOrValue): Column<boolean> { return this.notEqual(other); }
  ge(other: ColumnOrValue): Column<boolean> { return this.geq(other); }
  le(other: ColumnOrValue): Column<boolean> { return this.leq(other); }

  // boolean
  /** Logical AND (three-valued: null AND false is false). @example `col("a").gt(1).and(col("b").lt(2))` */
  and(other: ColumnOrValue): Column<boolean> { return this.bin("and", other); }
  /** Logical OR (three-valued: null OR true is true). @example `col("a").isNull().or(col("a").equalTo(0))` */
  or(other: ColumnOrValue): Column<boolean> { return this.bin("or", other); }
  /** Logical NOT. @example `col("active").not()` */
  not(): Column<boolean> { return new Column(mk({ kind: "unary", op: "not", operand: this.expr })); }

  // nulls
  /** True when null. @example `col("email").isNull()` */
  isNull(): Column<boolean> { return new Column(mk({ kind: "unary", op: "isnull", operand: this.expr })); }
  /** True when not null. @example `col("email").isNotNull()` */
  isNotNull(): Column<boolean> { return new Column(mk({ kind: "unary", op: "isnotnull", operand: this.expr })); }
  /** True when NaN (false for null, as Spark). @example `col("ratio").isNaN()` */
  isNaN(): Column<boolean> { return new Column(mk({ kind: "unary", op: "isnan", operand: this.expr })); }

  // predicates
  /** `this IN (values…)`; accepts values or an array of values. */
  isin(...values: (ColumnOrValue | readonly ColumnOrValue[])[]): Column<boolean> {
    const flat = values.flatMap((v) => (Array.isArray(v) ? v : [v])) as ColumnOrValue[];
    return new Column(mk({ kind: "in", expr: this.expr, values: flat.map(toExpr) }));
  }
  /** `lower <= this <= upper`. */
  between(lower: ColumnOrValue, upper: ColumnOrValue): Column<boolean> {
    return new Column(mk({ kind: "between", expr: this.expr, lower: toExpr(lower), upper: toExpr(upper) }));
  }
  /** SQL LIKE (`%`, `_`). */
  like(pattern: string): Column<boolean> { return new Column(mk({ kind: "like", op: "like", expr: this.expr, pattern: toExpr(pattern) })); }
  /** Case-insensitive LIKE. */
  ilike(pattern: string): Column<boolean> { return new Column(mk({ kind: "like", op: "ilike", expr: this.expr, pattern: toExpr(pattern) })); }
  /** Regular-expression match anywhere in the string (Spark `rlike`). */
  rlike(regex: string): Column<boolean> { return new Column(mk({ kind: "like", op: "rlike", expr: this.expr, pattern: toExpr(regex) })); }
  /** String starts with the prefix. @example `col("sku").startsWith("A-")` */
  startsWith(prefix: ColumnOrValue): Column<boolean> { return this.call("startswith", prefix); }
  /** String ends with the suffix. @example `col("file").endsWith(".csv")` */
  endsWith(suffix: ColumnOrValue): Column<boolean> { return this.call("endswith", suffix); }
  /** String contains the value. @example `col("name").contains("son")` */
  contains(other: ColumnOrValue): Column<boolean> { return this.call("contains", other); }
  /** Substring, 1-based position (Spark `substr`). */
  substr(pos: ColumnOrValue, len: ColumnOrValue): Column<string> { return this.call("substring", pos, len); }

  // types and names
  /** Cast to a type (`t.*` or a Spark type name such as `"decimal(10,2)"`); invalid values become null, as in Spark. */
  cast(type: DataType | string): Column { return new Column(mk({ kind: "cast", expr: this.expr, type: typeof type === "string" ? parseDataType(type) : type })); }
  /** Alias of cast. */
  astype(type: DataType | string): Column { return this.cast(type); }
  /**
   * Name the column. A generator of several columns (`F.posexplode`) takes one name per column.
   * @example `col("qty").multiply(2).alias("double_qty")` · `F.posexplode("items").alias("i", "item")`
   */
  alias<A extends string>(name: A, ...more: string[]): Column<T, A> {
    if (typeof name !== "string" || name === "" || more.some((m) => typeof m !== "string" || m === "")) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", "alias() needs a non-empty name", { hint: 'e.g. col("a").alias("b")' });
    }
    const inner = this.expr.kind === "alias" ? this.expr.expr : this.expr;
    if (more.length > 0 && !(inner.kind === "call" && (inner.name === "posexplode" || inner.name === "posexplode_outer"))) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `alias() got ${more.length + 1} names for a single-column expression`, { hint: "pass one name; several names are for F.posexplode(...)" });
    }
    // Several names travel comma-joined; the plan compiler splits them per generated column.
    return new Column(mk({ kind: "alias", expr: inner, name: [name, ...more].join(",") as A }));
  }
  /** Alias of alias (Spark's `as`). */
  as<A extends string>(name: A): Column<T, A> { return this.alias(name); }
  /** Alias of alias. */
  name<A extends string>(name: A): Column<T, A> { return this.alias(name); }

  // sort
  /** Ascending sort order, nulls first (Spark's default). @example `df.orderBy(col("ts").asc())` */
  asc(): Column<T, N> { return this.sort(true, true); }
  /** Descending sort order, nulls last (Spark's default). @example `df.orderBy(col("ts").desc())` */
  desc(): Column<T, N> { return this.sort(false, false); }
  asc_nulls_first(): Column<T, N> { return this.sort(true, true); }
  asc_nulls_last(): Column<T, N> { return this.sort(true, false); }
  desc_nulls_first(): Column<T, N> { return this.sort(false, true); }
  desc_nulls_last(): Column<T, N> { return this.sort(false, false); }
  /** camelCase forms of the null-ordering sorts. */
  ascNullsFirst(): Column<T, N> { return this.sort(true, true); }
  ascNullsLast(): Column<T, N> { return this.sort(true, false); }
  descNullsFirst(): Column<T, N> { return this.sort(false, true); }
  descNullsLast(): Column<T, N> { return this.sort(false, false); }

  // conditionals
  /** Continue a `when(...)` chain. */
  when(condition: Column<unknown, string>, value: ColumnOrValue): Column<T> {
    if (this.expr.kind !== "case" || this.expr.otherwise) throw new WeirError("WEIR_INVALID_ARGUMENT", "when() can only follow F.when(...) or another when()", { hint: "start with F.when(cond, value)" });
    return new Column(mk({ ...this.expr, branches: [...this.expr.branches, { when: condition.expr, then: toExpr(value) }] }));
  }
  /** The value when no `when` branch matched. */
  otherwise(value: ColumnOrValue): Column<T> {
    if (this.expr.kind !== "case" || this.expr.otherwise) throw new WeirError("WEIR_INVALID_ARGUMENT", "otherwise() can only follow when()", { hint: "use F.when(cond, a).otherwise(b)" });
    return new Column(mk({ ...this.expr, otherwise: toExpr(value) }));
  }

  // windows
  /** Evaluate this aggregate or ranking function over a window. */
  over(window?: WindowSpecLike): Column<T, N> {
    return new Column(mk({ kind: "window", fn: this.expr, spec: window?.spec ?? { partitionBy: [], orderBy: [] } }));
  }

  // complex types
  /** Struct field access. */
  getField(name: string): Column { return new Column(mk({ kind: "getField", expr: this.expr, field: name })); }
  /** Array element (0-based, as in Spark) or map value. */
  getItem(key: ColumnOrValue): Column { return new Column(mk({ kind: "getItem", expr: this.expr, key: toExpr(key) })); }

  private bin<R>(op: BinaryOp, other: ColumnOrValue): Column<R> {
    return new Column(mk({ kind: "binary", op, left: this.expr, right: toExpr(other) }));
  }
  private call<R>(name: string, ...args: ColumnOrValue[]): Column<R> {
    return new Column(mk({ kind: "call", name, args: [this.expr, ...args.map(toExpr)] }));
  }
  private sort(ascending: boolean, nullsFirst: boolean): Column<T, N> {
    const inner = this.expr.kind === "sort" ? this.expr.expr : this.expr;
    return new Column(mk({ kind: "sort", expr: inner, ascending, nullsFirst }));
  }
}

/**
 * A Column's expression, or a literal for a plain value (strings are values here, not column names).
 * @example `toExpr(5) // { kind: "literal", value: 5 }`
 */
export function toExpr(v: ColumnOrValue): Expr {
  if (v instanceof Column) return v.expr;
  return mk({ kind: "literal", value: v });
}

/**
 * A column name or Column as an expression (strings are column names, `"*"` is star).
 * @example `colExpr("amount") // { kind: "column", name: "amount" }`
 */
export function colExpr(c: string | Column<unknown, string>): Expr {
  if (c instanceof Column) return c.expr;
  if (typeof c !== "string") throw new WeirError("WEIR_INVALID_ARGUMENT", `Expected a column name or Column, got ${typeof c}`, { hint: 'use col("name") or a string name' });
  if (c === "*") return mk({ kind: "star" });
  if (c.endsWith(".*")) return mk({ kind: "star", qualifier: c.slice(0, -2) });
  if (c.startsWith("`") && c.endsWith("`") && c.length > 1) return mk({ kind: "column", name: c.slice(1, -1).replaceAll("``", "`") });
  return mk({ kind: "column", name: c });
}

/**
 * A sort order from a name or Column (ascending, nulls first by default — Spark's defaults).
 * @example `sortOrder("ts") // ts ASC NULLS FIRST`
 */
export function sortOrder(c: string | Column<unknown, string>): SortOrder {
  const e = colExpr(c);
  if (e.kind === "sort") return e;
  return mk({ kind: "sort", expr: e, ascending: true, nullsFirst: true });
}
