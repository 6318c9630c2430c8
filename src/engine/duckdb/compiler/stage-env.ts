import type { DuckDBExecutor } from "../duckdb-executor.js";
import type { ParamCollector } from "../params.js";
import type { ExprContext } from "./compile-expr.js";
import type { ScopeEntry } from "./relation.js";

/**
 * What a plan-node compiler stage (join, aggregate) needs from the PlanCompiler: the executor and parameters
 * of the statement being built, fresh subquery aliases, and expression contexts over its inputs.
 * @example `const ctx = env.exprContext([{ alias: env.alias(), fields: input.fields }], "filter()")`
 */
export interface StageEnv {
  readonly executor: DuckDBExecutor;
  readonly params: ParamCollector;
  /** A fresh SQL alias for a subquery. */
  alias(prefix?: string): string;
  /** The context to compile expressions over `entries` (the input-file-name column included when present). */
  exprContext(entries: readonly ScopeEntry[], context: string): ExprContext;
}
