import { plan } from "../plan/index.js";
import type { DataFrame } from "./dataframe.js";

/**
 * Mark a DataFrame as small enough to broadcast in joins (Spark's `F.broadcast`). DuckDB picks join sides by
 * its own statistics; the hint is kept in the plan and shown by explain().
 * @example `big.join(F.broadcast(small), "id")`
 */
export function broadcast<S>(df: DataFrame<S>): DataFrame<S> {
  const Ctor = df.constructor as new (rt: DataFrame<S>["runtime"], p: DataFrame<S>["plan"]) => DataFrame<S>;
  return new Ctor(df.runtime, plan({ kind: "hint", input: df.plan, name: "broadcast" }));
}
