import type { Expr } from "./nodes.js";
import { simpleString } from "../types/index.js";

/**
 * The output name Spark gives an expression without an alias: a column's own name, `sum(amount)`,
 * `(qty * price)`, `CAST(x AS INT)`…
 *
 * @example `exprName(F.sum(col("amount")).expr) // "sum(amount)"`
 */
export function exprName(e: Expr): string {
  switch (e.kind) {
    case "column": return e.name;
    case "star": return e.qualifier ? `${e.qualifier}.*` : "*";
    case "literal": return e.value === null ? "NULL" : typeof e.value === "string" ? e.value : String(e.value instanceof Date ? e.value.toISOString() : e.value);
    case "param": return `$${e.name}`;
    case "call": return `${e.name}(${e.distinct ? "DISTINCT " : ""}${e.args.map(exprName).join(", ")})`;
    case "binary": return `(${exprName(e.left)} ${e.op.toUpperCase()} ${exprName(e.right)})`;
    case "unary":
      switch (e.op) {
        case "not": return `(NOT ${exprName(e.operand)})`;
        case "negate": return `(- ${exprName(e.operand)})`;
        case "isnull": return `(${exprName(e.operand)} IS NULL)`;
        case "isnotnull": return `(${exprName(e.operand)} IS NOT NULL)`;
        case "isnan": return `isnan(${exprName(e.operand)})`;
        case "bitnot": return `~${exprName(e.operand)}`;
      }
    case "cast": return `CAST(${exprName(e.expr)} AS ${simpleString(e.type).toUpperCase()})`;
    case "alias": return e.name;
    case "case": return `CASE ${e.branches.map((b) => `WHEN ${exprName(b.when)} THEN ${exprName(b.then)}`).join(" ")}${e.otherwise ? ` ELSE ${exprName(e.otherwise)}` : ""} END`;
    case "in": return `(${exprName(e.expr)} IN (${e.values.map(exprName).join(", ")}))`;
    case "between": return `((${exprName(e.expr)} >= ${exprName(e.lower)}) AND (${exprName(e.expr)} <= ${exprName(e.upper)}))`;
    case "like": return `${exprName(e.expr)} ${e.op.toUpperCase()} ${exprName(e.pattern)}`;
    case "sort": return `${exprName(e.expr)} ${e.ascending ? "ASC" : "DESC"} NULLS ${e.nullsFirst ? "FIRST" : "LAST"}`;
    case "window": return `${exprName(e.fn)} OVER (...)`;
    case "sql": return e.text;
    case "getField": return `${exprName(e.expr)}.${e.field}`;
    case "getItem": return `${exprName(e.expr)}[${exprName(e.key)}]`;
    case "lambda": return `lambdafunction(${exprName(e.body)}, ${e.params.join(", ")})`;
    case "lambdaVar": return e.name;
    default: { const never: never = e; return never; }
  }
}

/**
 * Visit every sub-expression (pre-order).
 * @example `forEachExpr(e, (x) => { if (x.kind === "column") names.push(x.name); });`
 */
export function forEachExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  for (const c of children(e)) forEachExpr(c, visit);
}

/**
 * The direct children of an expression.
 * @example `children(col("a").plus(1).expr).length // 2`
 */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case "column": case "star": case "literal": case "param": case "sql": case "lambdaVar": return [];
    case "call": return e.args;
    case "binary": return [e.left, e.right];
    case "unary": return [e.operand];
    case "cast": case "alias": case "getField": case "sort": return [e.expr];
    case "case": return [...e.branches.flatMap((b) => [b.when, b.then]), ...(e.otherwise ? [e.otherwise] : [])];
    case "in": return [e.expr, ...e.values];
    case "between": return [e.expr, e.lower, e.upper];
    case "like": return [e.expr, e.pattern];
    case "window": return [e.fn, ...e.spec.partitionBy, ...e.spec.orderBy];
    case "getItem": return [e.expr, e.key];
    case "lambda": return [e.body];
    default: { const never: never = e; return never; }
  }
}
