import { AnalysisError } from "../../errors/index.js";
import { optimize, type Plan } from "../../plan/index.js";
import { quoteIdent } from "../../util/index.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { PlanCompiler, type ExternalScans } from "./compiler/compile-plan.js";
import { withOutputCast } from "./compiler/relation.js";
import type { ScanReport } from "./compiler/compile-scan.js";
import type { BoundParams } from "./params.js";

/** A plan compiled for one action: the final SQL, its bound parameters and what the scans will read. */
export interface CompiledQuery {
  readonly sql: string;
  readonly params: BoundParams;
  readonly columns: readonly string[];
  readonly scans: readonly ScanReport[];
  readonly optimized: Plan;
  readonly compiler: PlanCompiler;
}

/**
 * Optimize and compile a plan into the one SELECT an action runs; output columns carry the user-visible names.
 * With `requireUniqueNames` (collect, write), duplicate output names fail with a clear error instead of
 * silently overwriting each other in row objects.
 *
 * @example `const q = await compileQuery(df.plan, executor); await executor.query(q.sql, q.params)`
 */
export async function compileQuery(plan: Plan, executor: DuckDBExecutor, external: ExternalScans = {}, requireUniqueNames = false): Promise<CompiledQuery> {
  const optimized = optimize(plan);
  const compiler = new PlanCompiler(executor, external);
  const rel = await compiler.compile(optimized);
  const visible = rel.fields.filter((f) => !f.hidden);
  if (requireUniqueNames) {
    const seen = new Set<string>();
    for (const f of visible) {
      if (seen.has(f.name)) {
        throw new AnalysisError("WEIR_AMBIGUOUS_COLUMN", `Duplicate output column "${f.name}": rows cannot hold two columns of the same name`, {
          hint: `rename one side before the join (withColumnRenamed) or select the columns you need, e.g. select(left.col("${f.name}"))`,
        });
      }
      seen.add(f.name);
    }
  }
  const sel = visible.map((f) => (f.sqlName === f.name && !f.outputCast ? quoteIdent(f.name) : `${withOutputCast(f, quoteIdent(f.sqlName))} AS ${quoteIdent(f.name)}`));
  const sql = `SELECT ${sel.join(", ") || "*"} FROM (${rel.sql})`;
  return { sql, params: compiler.params.bound, columns: visible.map((f) => f.name), scans: compiler.scans, optimized, compiler };
}
