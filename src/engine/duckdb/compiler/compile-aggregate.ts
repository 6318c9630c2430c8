import { AnalysisError } from "../../../errors/index.js";
import { exprName, mk, type Expr } from "../../../expr/index.js";
import type { Aggregate } from "../../../plan/index.js";
import { quoteIdent } from "../../../util/index.js";
import { compileExpr, type ExprContext } from "./compile-expr.js";
import { AGGREGATES } from "./function-sql.js";
import { outputName } from "./output-name.js";
import { uniqueSqlNames, withOutputCast, type Relation } from "./relation.js";
import type { StageEnv } from "./stage-env.js";

/**
 * Compile a groupBy/rollup/cube aggregation (or a pivot) over a compiled input: grouping keys first, then one
 * column per aggregate (per pivot value and aggregate when pivoting; Spark's naming for both).
 * @example `await compileAggregate(node, inputRelation, env)`
 */
export async function compileAggregate(p: Aggregate, input: Relation, env: StageEnv): Promise<Relation> {
  const a = env.alias();
  const ctx = env.exprContext([{ alias: a, fields: input.fields }], p.pivot ? "pivot()" : "groupBy().agg()");
  const keys = p.keys.map((k) => {
    const source = k.kind === "column" ? ctx.scope.lookup(k.name, k.qualifier)[0]?.field : undefined;
    const sql = compileExpr(k, ctx);
    return { name: outputName(k), sql: source ? withOutputCast(source, sql) : sql, qualifiers: source?.qualifiers ?? [] };
  });
  // A generator key (a sliding F.window unnests one row per window) is computed below the GROUP BY.
  let from = input.sql;
  if (keys.some((k) => /\bunnest\(/i.test(k.sql))) {
    from = `SELECT *, ${keys.map((k, i) => `${k.sql} AS "__weir_key${i}"`).join(", ")} FROM (${input.sql}) AS ${quoteIdent(a)}`;
    keys.forEach((k, i) => { k.sql = `${quoteIdent(a)}."__weir_key${i}"`; });
  }
  const aggs: { name: string; sql: string }[] = [];
  if (p.pivot) {
    const values = p.pivot.values ?? (await pivotValues(input, p, ctx, env));
    for (const v of values) {
      for (const agg of p.aggs) {
        const label = v === null ? "null" : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
        const cond: Expr = v === null
          ? mk({ kind: "unary", op: "isnull", operand: p.pivot.column })
          : mk({ kind: "binary", op: "=", left: p.pivot.column, right: mk({ kind: "literal", value: v }) });
        aggs.push({ name: p.aggs.length === 1 ? label : `${label}_${outputName(agg)}`, sql: compileExpr(restrictAggregate(agg, cond), ctx) });
      }
    }
  } else {
    for (const agg of p.aggs) aggs.push({ name: outputName(agg), sql: compileExpr(agg, ctx) });
  }
  const items = [...keys, ...aggs.map((x) => ({ ...x, qualifiers: [] as readonly string[] }))];
  if (items.length === 0) throw new AnalysisError("WEIR_INVALID_ARGUMENT", "agg() needs at least one aggregate expression", { hint: 'e.g. df.groupBy("k").agg(F.count("*"))' });
  const sqlNames = uniqueSqlNames(items.map((i) => i.name));
  const sel = items.map((it, i) => `${it.sql} AS ${quoteIdent(sqlNames[i]!)}`).join(", ");
  const keyList = keys.map((k) => k.sql).join(", ");
  const groupBy = keys.length === 0 ? "" : p.grouping === "groupBy" ? ` GROUP BY ${keyList}` : ` GROUP BY ${p.grouping.toUpperCase()} (${keyList})`;
  const fields = items.map((it, i) => ({ name: it.name, sqlName: sqlNames[i]!, qualifiers: [...it.qualifiers, `#${p.id}`] }));
  return { sql: `SELECT ${sel} FROM (${from}) AS ${quoteIdent(a)}${groupBy}`, fields };
}

/** Spark computes pivot values when not given: the sorted distinct values of the pivot column. */
async function pivotValues(input: Relation, p: Aggregate, ctx: ExprContext, env: StageEnv): Promise<unknown[]> {
  const col = compileExpr(p.pivot!.column, ctx);
  const a = ctx.scope.entries[0]?.alias ?? "q";
  const { rows } = await env.executor.query(`SELECT DISTINCT ${col} AS v FROM (${input.sql}) AS ${quoteIdent(a)} ORDER BY v NULLS FIRST LIMIT 10001`, env.params.bound, "pivot()");
  if (rows.length > 10000) throw new AnalysisError("WEIR_INVALID_ARGUMENT", "pivot() column has more than 10000 distinct values", { hint: "pass the values explicitly: pivot(col, [v1, v2, ...])" });
  return rows.map((r) => r.v);
}

/** Restrict an aggregate to the rows where `cond` holds, by nulling its arguments elsewhere (pivot). */
function restrictAggregate(agg: Expr, cond: Expr): Expr {
  const inner = agg.kind === "alias" ? agg.expr : agg;
  if (inner.kind !== "call" || !AGGREGATES.has(inner.name)) {
    throw new AnalysisError("WEIR_INVALID_ARGUMENT", `pivot() aggregates must be aggregate function calls, got ${exprName(inner)}`, { hint: 'e.g. .pivot("k").agg(F.sum("v"))' });
  }
  const args = (inner.args.length ? inner.args : [mk({ kind: "star" })]).map((a) =>
    mk<Expr>({ kind: "case", branches: [{ when: cond, then: a.kind === "star" ? mk({ kind: "literal", value: 1 }) : a }] }));
  return mk({ ...inner, args });
}
