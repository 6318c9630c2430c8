import { AnalysisError, bug } from "../../../errors/index.js";
import type { Expr, FrameBound, SortOrder, WindowSpecNode } from "../../../expr/index.js";
import { toDuckDBType } from "../../../types/index.js";
import { quoteIdent, quoteString } from "../../../util/index.js";
import type { ParamCollector } from "../params.js";
import { compileCast } from "./compile-cast.js";
import { renderFunction } from "./function-sql.js";
import type { Scope } from "./relation.js";

/** What an expression compiles against: the visible relations and the statement's parameter collector. */
export interface ExprContext {
  readonly scope: Scope;
  readonly params: ParamCollector;
  /** SQL of the hidden input-file-name column, when the input is a file scan. */
  readonly inputFileName?: string;
  /** Names of lambda parameters in scope. */
  readonly lambdaVars?: ReadonlySet<string>;
}

const BINARY_SQL: Record<string, string> = {
  "+": "+", "-": "-", "*": "*", "/": "/", "%": "%", "=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
  and: "AND", or: "OR", "<=>": "IS NOT DISTINCT FROM", "||": "||", "&": "&", "|": "|", "^": "xor",
};

/**
 * Compile an expression to DuckDB SQL. Column references are resolved (and checked) against the scope;
 * literals become bound parameters; aliases are transparent (the caller names select-list items).
 *
 * @example `compileExpr(col("qty").multiply(col("price")).expr, ctx) // '("qty" * "price")'`
 */
export function compileExpr(e: Expr, ctx: ExprContext): string {
  const go = (x: Expr): string => compileExpr(x, ctx);
  switch (e.kind) {
    case "column":
      if (ctx.lambdaVars?.has(e.name) && e.qualifier === undefined) return quoteIdent(e.name);
      return ctx.scope.resolve(e.name, e.qualifier);
    case "star":
      throw new AnalysisError("WEIR_INVALID_ARGUMENT", `"*" is only allowed directly in select(), not inside an expression (${ctx.scope.context})`, {
        hint: 'use select("*", ...) or list the columns',
      });
    case "literal": {
      const placeholder = ctx.params.bind(e.value, e.type);
      // A typed literal travels in its wire type (dates and decimals as text): cast it to the declared type.
      return e.type && e.value !== null && e.value !== undefined ? `CAST(${placeholder} AS ${toDuckDBType(e.type)})` : placeholder;
    }
    case "param": return `$${e.name}`;
    case "call": {
      if (e.name === "input_file_name") return ctx.inputFileName ?? "''";
      const args = e.args.map((a) => (a.kind === "star" ? "*" : go(a)));
      return renderFunction(e.name, args, { distinct: e.distinct ?? false, options: e.options ?? {} });
    }
    case "binary": {
      if (e.op === "^") return `xor(${go(e.left)}, ${go(e.right)})`;
      // Spark's `/` and `%` are null for a zero divisor (DuckDB's `/` gives ±Infinity).
      if (e.op === "/" || e.op === "%") return `(${go(e.left)} ${e.op} NULLIF(${go(e.right)}, 0))`;
      return `(${go(e.left)} ${BINARY_SQL[e.op] ?? bug(`unknown operator ${e.op}`)} ${go(e.right)})`;
    }
    case "unary":
      switch (e.op) {
        case "not": return `(NOT ${go(e.operand)})`;
        case "negate": return `(- ${go(e.operand)})`;
        case "isnull": return `(${go(e.operand)} IS NULL)`;
        case "isnotnull": return `(${go(e.operand)} IS NOT NULL)`;
        // Spark's isnan(null) is false, not null.
        case "isnan": return `coalesce(isnan(${go(e.operand)}), false)`;
        case "bitnot": return `(~ ${go(e.operand)})`;
        default: return bug("unknown unary operator", { e });
      }
    case "cast": return compileCast(go(e.expr), e.type, e.strict ?? false);
    case "alias": return go(e.expr);
    case "case": {
      const branches = e.branches.map((b) => `WHEN ${go(b.when)} THEN ${go(b.then)}`).join(" ");
      return `CASE ${branches}${e.otherwise ? ` ELSE ${go(e.otherwise)}` : ""} END`;
    }
    case "in":
      if (e.values.length === 0) return "false";
      return `(${go(e.expr)} IN (${e.values.map(go).join(", ")}))`;
    case "between": return `(${go(e.expr)} BETWEEN ${go(e.lower)} AND ${go(e.upper)})`;
    case "like":
      if (e.op === "rlike") return `regexp_matches(${go(e.expr)}, ${go(e.pattern)})`;
      // Spark's LIKE escapes with a backslash by default; DuckDB's has no default escape character.
      return `(${go(e.expr)} ${e.op === "like" ? "LIKE" : "ILIKE"} ${go(e.pattern)} ESCAPE '\\')`;
    case "sort": return compileSortOrder(e, ctx);
    case "window": {
      const over = ` OVER (${compileWindowSpec(e.spec, ctx)})`;
      const fn = e.fn.kind === "alias" ? e.fn.expr : e.fn;
      if (fn.kind !== "call") return `${go(fn)}${over}`;
      const args = fn.args.map((a) => (a.kind === "star" ? "*" : go(a)));
      return renderFunction(fn.name, args, { distinct: fn.distinct ?? false, options: fn.options ?? {}, over });
    }
    case "sql": return `(${e.text})`;
    case "getField": return `struct_extract(${go(e.expr)}, ${quoteString(e.field)})`;
    case "getItem": {
      const key = e.key;
      // Spark arrays are 0-based; numeric keys index arrays, other keys look up maps.
      if (key.kind === "literal" && typeof key.value === "number") {
        // A negative index is null in Spark (DuckDB would count from the end).
        return key.value < 0 ? `(CASE WHEN ${go(e.expr)} IS NULL THEN NULL ELSE NULL END)` : `${go(e.expr)}[${Math.trunc(key.value) + 1}]`;
      }
      return `${go(e.expr)}[${go(key)}]`;
    }
    case "lambda": {
      const vars = new Set([...(ctx.lambdaVars ?? []), ...e.params]);
      return `lambda ${e.params.map(quoteIdent).join(", ")}: ${compileExpr(e.body, { ...ctx, lambdaVars: vars })}`;
    }
    case "lambdaVar": return quoteIdent(e.name);
    default: { const never: never = e; return never; }
  }
}

/** Compile one ORDER BY item with Spark's null ordering. @example `"a" ASC NULLS FIRST` */
export function compileSortOrder(o: SortOrder, ctx: ExprContext): string {
  return `${compileExpr(o.expr, ctx)} ${o.ascending ? "ASC" : "DESC"} NULLS ${o.nullsFirst ? "FIRST" : "LAST"}`;
}

function bound(b: FrameBound, type: "rows" | "range"): string {
  // PySpark spells unbounded as huge numbers (-sys.maxsize, Long.MinValue); ±Infinity reads the same way.
  if (b === "unboundedPreceding" || (typeof b === "number" && b <= -9223372036854775807)) return "UNBOUNDED PRECEDING";
  if (b === "unboundedFollowing" || (typeof b === "number" && b >= 9223372036854775807)) return "UNBOUNDED FOLLOWING";
  if (b === "currentRow" || b === 0) return "CURRENT ROW";
  if (!Number.isFinite(b) || (type === "rows" && !Number.isInteger(b))) {
    throw new AnalysisError("WEIR_INVALID_ARGUMENT", `Invalid window frame boundary ${b}`, { hint: "use an integer offset or Window.unboundedPreceding/currentRow/unboundedFollowing" });
  }
  return b < 0 ? `${-b} PRECEDING` : `${b} FOLLOWING`;
}

function compileWindowSpec(spec: WindowSpecNode, ctx: ExprContext): string {
  const parts: string[] = [];
  if (spec.partitionBy.length) parts.push(`PARTITION BY ${spec.partitionBy.map((p) => compileExpr(p, ctx)).join(", ")}`);
  if (spec.orderBy.length) parts.push(`ORDER BY ${spec.orderBy.map((o) => compileSortOrder(o, ctx)).join(", ")}`);
  if (spec.frame) parts.push(`${spec.frame.type.toUpperCase()} BETWEEN ${bound(spec.frame.start, spec.frame.type)} AND ${bound(spec.frame.end, spec.frame.type)}`);
  return parts.join(" ");
}
