import * as core from "./core.js";
import * as aggregate from "./aggregate.js";
import * as string from "./string.js";
import * as datetime from "./datetime.js";
import * as collection from "./collection.js";
import * as math from "./math.js";
import * as windowFns from "./window-functions.js";
import { broadcast } from "../broadcast.js";

/**
 * Weir's functions, named as PySpark's `pyspark.sql.functions` in camelCase (`to_date` → `toDate`).
 * String arguments are column names; wrap values in `lit()` where a column is expected.
 *
 * @example
 * ```ts
 * import { F, col } from "weir";
 * df.groupBy(F.toDate("ts").alias("day")).agg(F.sum("amount").alias("revenue"), F.countDistinct("customer_id"));
 * ```
 */
export const F = {
  ...core,
  ...aggregate,
  ...string,
  ...datetime,
  ...collection,
  ...math,
  ...windowFns,
  broadcast,
} as const;
export { col, lit, when, expr, column } from "./core.js";
