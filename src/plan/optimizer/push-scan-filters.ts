import type { Plan, Scan } from "../nodes.js";
import type { Expr } from "../../expr/index.js";
import { mapPlan } from "../transform.js";

/**
 * Optimizer rule: attach the conjuncts of filters sitting directly above a file scan to the scan
 * (`pushedFilters`), so the executor can prune partitions and skip files before reading. The filters stay in
 * place — pruning is an optimization, the filter remains the source of truth for correctness.
 *
 * @example `pushScanFilters(filter(scan)) // filter(scan{ pushedFilters: [year = 2024] })`
 */
export function pushScanFilters(root: Plan): Plan {
  return mapPlan(root, (p) => {
    if (p.kind !== "filter") return p;
    const conjuncts: Expr[] = [];
    let below: Plan = p;
    while (below.kind === "filter") {
      conjuncts.push(...splitConjuncts(below.condition));
      below = below.input;
    }
    if (below.kind !== "scan" || conjuncts.length === 0) return p;
    // Keep the scan's id: df.col() references are qualified by the ids of the nodes that produced them.
    const scan: Scan = Object.freeze({ ...below, pushedFilters: [...(below.pushedFilters ?? []), ...conjuncts] });
    return rebuildFilters(p, scan);
  });
}

/**
 * Split `a AND b AND c` into `[a, b, c]`.
 * @example `splitConjuncts(and(a, b)) // [a, b]`
 */
export function splitConjuncts(e: Expr): Expr[] {
  if (e.kind === "binary" && e.op === "and") return [...splitConjuncts(e.left), ...splitConjuncts(e.right)];
  return [e];
}

function rebuildFilters(p: Plan, scan: Scan): Plan {
  if (p.kind !== "filter") return scan;
  return Object.freeze({ ...p, input: rebuildFilters(p.input, scan) });
}
