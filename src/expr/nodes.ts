import type { DataType } from "../types/index.js";

/**
 * Expression nodes: frozen plain objects tagged by `kind`, built by the Column API and compiled by the engine.
 * Every `switch (expr.kind)` over them ends in a `never` check, so a new kind breaks every pass at compile time.
 */
export type Expr =
  | ColumnRef | Star | Literal | Param | Call | Binary | Unary | Cast | Alias | CaseWhen | InList | Between
  | Like | SortOrder | WindowExpr | RawSql | GetField | GetItem | Lambda | LambdaVar;

/** A reference to an input column, optionally qualified by a DataFrame id (`#12`) or alias. @example `{ kind: "column", name: "id" }` */
export interface ColumnRef { readonly kind: "column"; readonly name: string; readonly qualifier?: string }
/** `*` or `t.*`. @example `{ kind: "star" }` */
export interface Star { readonly kind: "star"; readonly qualifier?: string }
/** A literal value; always bound as a parameter, never interpolated. @example `{ kind: "literal", value: 5 }` */
export interface Literal { readonly kind: "literal"; readonly value: unknown; readonly type?: DataType }
/** A named `$param` of `session.sql`. @example `{ kind: "param", name: "d" }` */
export interface Param { readonly kind: "param"; readonly name: string }
/** A call of a Weir function by its Spark name (`sum`, `to_date`, …). @example `{ kind: "call", name: "upper", args: [...] }` */
export interface Call { readonly kind: "call"; readonly name: string; readonly args: readonly Expr[]; readonly distinct?: boolean; readonly options?: Readonly<Record<string, unknown>> }
/** Binary operators. @example `"+"` */
export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "and" | "or" | "<=>" | "||" | "&" | "|" | "^";
/** A binary operation. @example `{ kind: "binary", op: "+", left, right }` */
export interface Binary { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
/** A unary operation. @example `{ kind: "unary", op: "not", operand }` */
export interface Unary { readonly kind: "unary"; readonly op: "not" | "negate" | "isnull" | "isnotnull" | "isnan" | "bitnot"; readonly operand: Expr }
/** A cast (Spark semantics: an invalid cast yields null unless `strict`). @example `{ kind: "cast", expr, type: t.int32() }` */
export interface Cast { readonly kind: "cast"; readonly expr: Expr; readonly type: DataType; readonly strict?: boolean }
/** A named expression. @example `{ kind: "alias", expr, name: "total" }` */
export interface Alias { readonly kind: "alias"; readonly expr: Expr; readonly name: string }
/** `CASE WHEN … THEN … ELSE … END`. @example `when(c, 1).otherwise(0)` */
export interface CaseWhen { readonly kind: "case"; readonly branches: readonly { readonly when: Expr; readonly then: Expr }[]; readonly otherwise?: Expr }
/** `x IN (…)`. @example `col("s").isin("a", "b")` */
export interface InList { readonly kind: "in"; readonly expr: Expr; readonly values: readonly Expr[] }
/** `x BETWEEN a AND b`. @example `col("q").between(1, 5)` */
export interface Between { readonly kind: "between"; readonly expr: Expr; readonly lower: Expr; readonly upper: Expr }
/** LIKE / ILIKE / RLIKE (regex, partial match as in Spark). @example `col("s").like("a%")` */
export interface Like { readonly kind: "like"; readonly op: "like" | "ilike" | "rlike"; readonly expr: Expr; readonly pattern: Expr }
/** An ordering for sort and window specs. @example `col("a").desc()` */
export interface SortOrder { readonly kind: "sort"; readonly expr: Expr; readonly ascending: boolean; readonly nullsFirst: boolean }
/** A window frame boundary: `"unboundedPreceding"`, `"currentRow"`, `"unboundedFollowing"` or a signed offset. */
export type FrameBound = number | "unboundedPreceding" | "currentRow" | "unboundedFollowing";
/** A window specification. @example `Window.partitionBy("k").orderBy("t")` */
export interface WindowSpecNode {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortOrder[];
  readonly frame?: { readonly type: "rows" | "range"; readonly start: FrameBound; readonly end: FrameBound };
}
/** A window function application `fn OVER (spec)`. @example `F.rowNumber().over(w)` */
export interface WindowExpr { readonly kind: "window"; readonly fn: Expr; readonly spec: WindowSpecNode }
/** A SQL expression written by the user (`F.expr`, `selectExpr`, string filters), in DuckDB's dialect. @example `F.expr("a + 1")` */
export interface RawSql { readonly kind: "sql"; readonly text: string }
/** Struct field access. @example `col("addr").getField("city")` */
export interface GetField { readonly kind: "getField"; readonly expr: Expr; readonly field: string }
/** Array element (0-based, Spark) or map value access. @example `col("arr").getItem(0)` */
export interface GetItem { readonly kind: "getItem"; readonly expr: Expr; readonly key: Expr }
/** A lambda for higher-order functions (`transform`, `filter`, `aggregate`). @example `F.transform(col("a"), (x) => x.plus(1))` */
export interface Lambda { readonly kind: "lambda"; readonly params: readonly string[]; readonly body: Expr }
/** A lambda parameter inside a lambda body. @example `{ kind: "lambdaVar", name: "x" }` */
export interface LambdaVar { readonly kind: "lambdaVar"; readonly name: string }

/**
 * Freeze an expression node (shallow; children are already frozen).
 * @example `const e = mk({ kind: "column", name: "id" });`
 */
export function mk<E extends Expr>(node: E): E {
  return Object.freeze(node);
}
