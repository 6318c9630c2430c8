import type { Plan } from "../nodes.js";
import { pushScanFilters } from "./push-scan-filters.js";
import { pushScanColumns } from "./push-scan-columns.js";

/** One optimizer rule: a pure plan → plan rewrite. @example `const rule: Rule = (p) => p;` */
export type Rule = (p: Plan) => Plan;

/** The rules applied, in order, before compilation. @example `RULES.length` */
export const RULES: readonly Rule[] = [pushScanFilters, pushScanColumns];

/**
 * Optimize a logical plan. DuckDB's own optimizer does join ordering, projection and predicate pushdown into
 * its scans; these rules add what only Weir knows (file lists, partition values, Delta stats).
 * @example `const optimized = optimize(df.plan);`
 */
export function optimize(p: Plan): Plan {
  return RULES.reduce((acc, rule) => rule(acc), p);
}
export { splitConjuncts } from "./push-scan-filters.js";
