import { exprName, mk, type Expr } from "../../../expr/index.js";
import { RANKING_FUNCTIONS } from "./function-sql.js";

/**
 * The output name of a select-list expression (alias, column name, or Spark's generated name).
 * @example `outputName(col("t.amount")) // "amount"`, `outputName(F.sum("v")) // "sum(v)"`
 */
export function outputName(e: Expr): string {
  if (e.kind === "alias") return e.name;
  if (e.kind === "column") {
    const dot = e.name.lastIndexOf(".");
    return dot > 0 && e.qualifier === undefined ? e.name.slice(dot + 1) : e.name;
  }
  if (e.kind === "getField") return e.field;
  return exprName(e);
}

/**
 * A select item that is a ranking window function, rewritten to defer its INT cast (see rankingInt);
 * `undefined` for any other item.
 * @example `deferredRanking(F.row_number().over(w).alias("rn")) // the same item with the cast deferred`
 */
export function deferredRanking(e: Expr): Expr | undefined {
  const inner = e.kind === "alias" ? e.expr : e;
  if (inner.kind !== "window" || inner.fn.kind !== "call" || !RANKING_FUNCTIONS.has(inner.fn.name)) return undefined;
  const fn = mk({ ...inner.fn, options: { ...(inner.fn.options ?? {}), deferCast: true } });
  const win = mk({ ...inner, fn });
  return e.kind === "alias" ? mk({ ...e, expr: win }) : win;
}
