import { type Plan } from "./nodes.js";

/**
 * Rebuild a plan bottom-up, applying `f` to each node after its inputs were rebuilt. Nodes whose inputs did not
 * change are passed to `f` unchanged, so ids (and with them `df.col()` references) survive optimization.
 *
 * @example `mapPlan(root, (p) => (p.kind === "hint" ? p.input : p))`
 */
export function mapPlan(root: Plan, f: (p: Plan) => Plan): Plan {
  const memo = new Map<Plan, Plan>();
  const go = (p: Plan): Plan => {
    const seen = memo.get(p);
    if (seen) return seen;
    let rebuilt: Plan = p;
    switch (p.kind) {
      case "join": case "setop": {
        const left = go(p.left);
        const right = go(p.right);
        if (left !== p.left || right !== p.right) rebuilt = Object.freeze({ ...p, left, right });
        break;
      }
      case "scan": case "sql": case "local": case "materialized": break;
      default: {
        const input = go(p.input);
        if (input !== p.input) rebuilt = Object.freeze({ ...p, input }) as Plan;
      }
    }
    const out = f(rebuilt);
    memo.set(p, out);
    return out;
  };
  return go(root);
}
