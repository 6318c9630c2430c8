/**
 * How `repartition`/`coalesce` decide the files of a write. The plan compiler treats a repartition node as a
 * no-op (DuckDB needs no shuffle); only the writer gives it meaning, as Spark's output-file count. A repartition
 * controls the output when nothing between it and the plan root redistributes rows again (Spark: narrow
 * operators keep their input's partitioning; aggregations, joins, sorts, distinct and limit do not).
 */
import { mk, type Expr } from "../expr/index.js";
import type { Plan } from "../plan/index.js";

/** The hidden column holding each row's bucket (output file group) when the plan computes it. @example `"__weir_bucket"` */
export const BUCKET_COLUMN = "__weir_bucket";

/**
 * How rows go to files: `none` (one group), `roundRobin` (repartition(n): n groups of equal size),
 * `contiguous` (coalesce(n): n consecutive runs, order kept) or `column` (repartition(n, keys): the plan
 * computes `pmod(hash(keys), n)` into {@link BUCKET_COLUMN}, so equal keys share a file).
 *
 * @example `{ kind: "roundRobin", n: 4 }`
 */
export type BucketSpec =
  | { readonly kind: "none" }
  | { readonly kind: "roundRobin" | "contiguous" | "column"; readonly n: number };

/**
 * Find the repartition/coalesce that decides the output files and, for a keyed repartition, rewrite the plan so
 * it carries the bucket column up to the root.
 *
 * @example
 * ```ts
 * const { plan, buckets } = planBuckets(df.repartition(4, "k").plan); // buckets: { kind: "column", n: 4 }
 * ```
 */
export function planBuckets(p: Plan): { plan: Plan; buckets: BucketSpec } {
  const found = rewrite(p);
  return found ?? { plan: p, buckets: { kind: "none" } };
}

function rewrite(p: Plan): { plan: Plan; buckets: BucketSpec } | undefined {
  switch (p.kind) {
    case "repartition": {
      if (p.keys.length === 0) {
        return { plan: p, buckets: p.numPartitions > 1 ? { kind: p.shuffle ? "roundRobin" : "contiguous", n: p.numPartitions } : { kind: "none" } };
      }
      const hash = mk({ kind: "call", name: "hash", args: p.keys });
      const bucket = mk({ kind: "call", name: "pmod", args: [hash, mk({ kind: "literal", value: p.numPartitions })] });
      // Same id as the repartition node, so `df.col()` references to it still resolve (as mapPlan keeps ids).
      const withBucket: Plan = Object.freeze({ kind: "withColumns", id: p.id, input: p.input, columns: [{ name: BUCKET_COLUMN, expr: bucket }] });
      return { plan: withBucket, buckets: { kind: "column", n: p.numPartitions } };
    }
    // Narrow operators: rows keep their bucket and the bucket column passes through them (it is never null,
    // so fillna/dropna leave it alone; drop and replace only touch it if a user names it).
    case "filter": case "withColumns": case "rename": case "alias": case "hint": case "sample": case "dropna":
    case "drop": case "fillna": case "replace": {
      const below = rewrite(p.input);
      return below && { plan: below.plan === p.input ? p : Object.freeze({ ...p, input: below.plan }) as Plan, buckets: below.buckets };
    }
    case "project": {
      const below = rewrite(p.input);
      if (!below || below.plan === p.input) return below && { plan: p, buckets: below.buckets };
      const exprs: Expr[] = p.exprs.some((e) => e.kind === "star") ? [...p.exprs] : [...p.exprs, mk({ kind: "column", name: BUCKET_COLUMN })];
      return { plan: Object.freeze({ ...p, input: below.plan, exprs }), buckets: below.buckets };
    }
    // Everything else redistributes rows (or has no input): the repartition below no longer decides the files.
    case "scan": case "sql": case "local": case "materialized": case "aggregate": case "join": case "sort": case "limit":
    case "distinct": case "dropDuplicates": case "setop":
      return undefined;
    default: { const never: never = p; return never; }
  }
}
