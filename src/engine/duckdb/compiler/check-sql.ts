import { WeirError } from "../../../errors/index.js";
import { forEachExpr, type Expr } from "../../../expr/index.js";
import { inputs, type Plan } from "../../../plan/index.js";
import type { DuckDBExecutor } from "../duckdb-executor.js";
import type { BoundParams } from "../params.js";
import type { Relation, Scope } from "./relation.js";

/** The expressions a plan node evaluates itself (not those of its inputs). */
function ownExprs(p: Plan): readonly Expr[] {
  switch (p.kind) {
    case "project": return p.exprs;
    case "withColumns": return p.columns.map((c) => c.expr);
    case "filter": return [p.condition];
    case "aggregate": return [...p.keys, ...p.aggs];
    case "sort": return p.orders;
    case "join": return p.condition ? [p.condition] : [];
    default: return [];
  }
}

/** Whether a node holds user SQL text (a filter string, selectExpr, F.expr) that Weir did not resolve itself. */
export function hasSqlText(p: Plan): boolean {
  let found = false;
  for (const e of ownExprs(p)) forEachExpr(e, (x) => { if (x.kind === "sql") found = true; });
  return found;
}

/**
 * Bind (without running) a relation that embeds user SQL text, so an unknown column in that text fails here
 * with Weir's "did you mean" error for the node's input columns instead of a raw DuckDB message at run time.
 * @example `await checkSqlText(rel, executor, params, scope)`
 */
export async function checkSqlText(rel: Relation, executor: DuckDBExecutor, params: BoundParams, scope: Scope): Promise<void> {
  try {
    await executor.describe(rel.sql, params, scope.context);
  } catch (e) {
    const cause = e instanceof WeirError && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : "";
    const m = /Referenced column "([^"]+)" not found/i.exec(cause);
    if (m) throw scope.unknown(m[1]!);
    throw e;
  }
}

/**
 * The qualifiers (`#<plan id>` and aliases) of every node under a plan: what a materialized (cached or
 * checkpointed) relation's columns answer to, so `df.col("x")` taken before cache() still resolves after it.
 * @example `subtreeQualifiers(df.plan) // ["#3", "#2", "o", "#1"]`
 */
export function subtreeQualifiers(p: Plan): string[] {
  const out = [`#${p.id}`];
  if (p.kind === "alias") out.push(p.alias);
  for (const c of inputs(p)) out.push(...subtreeQualifiers(c));
  return out;
}
