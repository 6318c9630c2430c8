import type { Expr } from "../../expr/index.js";
import { forEachExpr } from "../../expr/index.js";
import type { Plan, Scan } from "../nodes.js";
import { mapPlan } from "../transform.js";

/** Scan formats that read only the columns named in `requiredColumns`. */
const PRUNABLE: ReadonlySet<Scan["format"]> = new Set(["postgres"]);

/**
 * Optimizer rule: a select()/groupBy().agg() directly over a scan (through any filters) of a source that can
 * prune columns records the columns it references on the scan (`requiredColumns`), so only those leave the
 * source (e.g. the Postgres COPY selects just them). Plans referencing columns opaquely (`*`, SQL strings) are
 * left alone. The scan keeps its id, so `df.col()` references still resolve.
 *
 * @example `pushScanColumns(project([a], filter(b > 1, scan))) // scan.requiredColumns = ["a", "b"]`
 */
export function pushScanColumns(root: Plan): Plan {
  return mapPlan(root, (p) => {
    if (p.kind !== "project" && p.kind !== "aggregate") return p;
    if (p.kind === "aggregate" && p.pivot) return p;
    const filters: Expr[] = [];
    let below: Plan = p.input;
    while (below.kind === "filter") {
      filters.push(below.condition);
      below = below.input;
    }
    if (below.kind !== "scan" || !PRUNABLE.has(below.format) || below.requiredColumns) return p;
    const exprs = p.kind === "project" ? p.exprs : [...p.keys, ...p.aggs];
    const names = referencedColumns([...exprs, ...filters]);
    if (!names) return p;
    const scan: Scan = Object.freeze({ ...below, requiredColumns: names });
    return rebuild(p, scan);
  });
}

function referencedColumns(exprs: readonly Expr[]): string[] | undefined {
  const names = new Set<string>();
  let opaque = false;
  for (const e of exprs) {
    forEachExpr(e, (x) => {
      if (x.kind === "column") names.add(x.name);
      else if (x.kind === "sql") opaque = true;
      else if (x.kind === "star" && !isCountStar(e)) opaque = true;
    });
  }
  return opaque ? undefined : [...names];
}

function isCountStar(e: Expr): boolean {
  let inner = e;
  while (inner.kind === "alias") inner = inner.expr;
  return inner.kind === "call" && inner.name === "count" && inner.args.length === 1 && inner.args[0]!.kind === "star";
}

function rebuild(p: Plan, scan: Scan): Plan {
  if (p.kind === "scan") return scan;
  if (p.kind !== "project" && p.kind !== "aggregate" && p.kind !== "filter") return p;
  return Object.freeze({ ...p, input: rebuild(p.input, scan) });
}
