import type { Expr } from "../../expr/index.js";
import type { DescribedColumn, PgParams } from "../../io/postgres/index.js";
import { quoteIdent } from "../../util/index.js";

/**
 * Translate the filters pushed onto a Postgres scan into Postgres WHERE conjuncts. Only what provably means the
 * same in Postgres and DuckDB is translated — comparisons, IN, BETWEEN, IS [NOT] NULL, NOT/AND/OR over columns
 * of the source and literals of a matching kind; range comparisons on text use `COLLATE "C"` (DuckDB compares
 * bytes). Anything else is left to DuckDB, and every filter also stays above the scan, so pushdown only ever
 * reduces the rows transferred. Literals are bound (PgParams), never interpolated.
 *
 * @example `pushdownFilters([gt(col("id"), lit(5))], columns, params) // ['"id" > CAST(current_setting(\'weir.p1\') AS bigint)']`
 */
export function pushdownFilters(filters: readonly Expr[], columns: readonly DescribedColumn[], params: PgParams): string[] {
  const out: string[] = [];
  for (const f of filters) {
    // Translate into a scratch list first so a conjunct that fails half-way binds nothing.
    const scratch: { text: string; type: string }[] = [];
    const sql = translate(f, columns, scratch);
    if (sql === undefined) continue;
    let final = sql;
    scratch.forEach((b, i) => { final = final.replace(`\u0000${i}\u0000`, () => params.bind(b.text, b.type)); });
    out.push(final);
  }
  return out;
}

type Binding = { text: string; type: string };

const COMPARE: Readonly<Record<string, string>> = { "=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=" };

function translate(e: Expr, cols: readonly DescribedColumn[], b: Binding[]): string | undefined {
  switch (e.kind) {
    case "binary": {
      if (e.op === "and" || e.op === "or") {
        const l = translate(e.left, cols, b);
        const r = l === undefined ? undefined : translate(e.right, cols, b);
        return l === undefined || r === undefined ? undefined : `(${l} ${e.op.toUpperCase()} ${r})`;
      }
      const op = COMPARE[e.op];
      if (!op) return undefined;
      const [c, v, flipped] = e.left.kind === "column" ? [e.left, e.right, false] : [e.right, e.left, true];
      if (c.kind !== "column") return undefined;
      const col = findColumn(cols, c.name);
      if (!col) return undefined;
      if (v.kind === "column") {
        const other = findColumn(cols, v.name);
        if (!other || kindOf(other) !== kindOf(col) || kindOf(col) === undefined || kindOf(col) === "text") return undefined;
        return `${quoteIdent(col.name)} ${op} ${quoteIdent(other.name)}`;
      }
      const value = literalFor(col, v, b);
      if (value === undefined) return undefined;
      const realOp = flipped ? flip(op) : op;
      return `${quoteIdent(col.name)}${collate(col, realOp)} ${realOp} ${value}`;
    }
    case "unary": {
      if (e.op === "not") {
        const inner = translate(e.operand, cols, b);
        return inner === undefined ? undefined : `(NOT ${inner})`;
      }
      if ((e.op === "isnull" || e.op === "isnotnull") && e.operand.kind === "column") {
        const col = findColumn(cols, e.operand.name);
        return col ? `${quoteIdent(col.name)} IS ${e.op === "isnull" ? "" : "NOT "}NULL` : undefined;
      }
      return undefined;
    }
    case "in": {
      if (e.expr.kind !== "column" || e.values.length === 0) return undefined;
      const col = findColumn(cols, e.expr.name);
      if (!col) return undefined;
      const values: string[] = [];
      for (const v of e.values) {
        const s = literalFor(col, v, b);
        if (s === undefined) return undefined;
        values.push(s);
      }
      return `${quoteIdent(col.name)} IN (${values.join(", ")})`;
    }
    case "between": {
      if (e.expr.kind !== "column") return undefined;
      const col = findColumn(cols, e.expr.name);
      if (!col) return undefined;
      const lo = literalFor(col, e.lower, b);
      const hi = lo === undefined ? undefined : literalFor(col, e.upper, b);
      if (lo === undefined || hi === undefined) return undefined;
      return `${quoteIdent(col.name)}${collate(col, "<")} BETWEEN ${lo} AND ${hi}`;
    }
    case "alias": return translate(e.expr, cols, b);
    case "column": case "star": case "literal": case "param": case "call": case "cast": case "case": case "like":
    case "sort": case "window": case "sql": case "getField": case "getItem": case "lambda": case "lambdaVar":
      return undefined;
    default: { const never: never = e; return never; }
  }
}

type ValueKind = "integer" | "number" | "text" | "bool" | "date" | "timestamp";

function kindOf(c: DescribedColumn): ValueKind | undefined {
  switch (c.typname) {
    case "int2": case "int4": case "int8": return "integer";
    case "numeric": case "float4": case "float8": return "number";
    case "text": case "varchar": case "bpchar": case "name": return "text";
    case "bool": return "bool";
    case "date": return "date";
    case "timestamp": case "timestamptz": return "timestamp";
    default: return undefined;
  }
}

/** A placeholder for a literal that fits the column's kind (the exact same comparison DuckDB would make), or undefined. */
function literalFor(col: DescribedColumn, e: Expr, b: Binding[]): string | undefined {
  if (e.kind !== "literal" || e.value === null || e.value === undefined) return undefined;
  const kind = kindOf(col);
  const v = e.value;
  let text: string | undefined;
  switch (kind) {
    case "integer":
      if (typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v))) text = String(v);
      break;
    case "number":
      // Decimal/float columns compare exactly against integers; fractional literals are left to DuckDB, which
      // may compare them as doubles.
      if (typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v))) text = String(v);
      break;
    case "text":
      if (typeof v === "string" && !v.includes("\u0000")) text = v;
      break;
    case "bool":
      if (typeof v === "boolean") text = String(v);
      break;
    case "date":
      if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) text = v;
      break;
    case "timestamp":
      if (v instanceof Date && Number.isFinite(v.getTime())) text = v.toISOString();
      break;
    case undefined: break;
    default: { const never: never = kind; return never; }
  }
  if (text === undefined) return undefined;
  b.push({ text, type: col.castType });
  return `\u0000${b.length - 1}\u0000`;
}

function findColumn(cols: readonly DescribedColumn[], name: string): DescribedColumn | undefined {
  return cols.find((c) => c.name === name) ?? cols.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

function flip(op: string): string {
  return ({ "<": ">", ">": "<", "<=": ">=", ">=": "<=" } as Record<string, string>)[op] ?? op;
}

function collate(col: DescribedColumn, op: string): string {
  return kindOf(col) === "text" && op !== "=" && op !== "<>" ? ' COLLATE "C"' : "";
}
