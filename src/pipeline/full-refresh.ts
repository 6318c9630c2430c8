import type { DataFrame, Row, Session } from "../dataframe/index.js";
import { WeirError } from "../errors/index.js";
import { resolveTarget, writeTarget, type TableTarget } from "./table-target.js";

/** What `fullRefresh` does. @example `{ target: "gold.daily_sales", source: daily }` */
export interface FullRefreshOptions {
  readonly target: TableTarget;
  readonly source: DataFrame<Row>;
  readonly partitionBy?: readonly string[];
}

/** What a refresh or partition overwrite did. @example `{ version: 7 }` */
export interface RefreshResult {
  /** The version the refresh committed (as the writer reports it: the log is not read again). */
  readonly version: number | undefined;
}

/**
 * Replace the whole content (and schema) of a Delta table with `source` in one overwrite commit: the commit
 * removes every old file and adds the new ones, so readers see the old table or the new one — never an empty or
 * partial table — and time travel keeps the old version. (A catalog table needs no CTAS + RENAME swap: its
 * directory stays and the commit is the swap.) The table is created when absent.
 *
 * @example `await fullRefresh(spark, { target: "gold.dim_product", source: products })`
 */
export async function fullRefresh(session: Session, opts: FullRefreshOptions): Promise<RefreshResult> {
  const target = await resolveTarget(session, opts.target);
  const written = await writeTarget(session, opts.source, target, "overwrite", { overwriteSchema: "true" }, opts.partitionBy ?? []);
  return { version: written.version };
}

/** What `replacePartitions` does. @example `{ target: "gold.sales", source: day, replaceWhere: "day = '2025-01-02'" }` */
export interface ReplacePartitionsOptions {
  readonly target: TableTarget;
  readonly source: DataFrame<Row>;
  /** The rows to replace (SQL predicate); every source row must satisfy it. */
  readonly replaceWhere: string;
  readonly partitionBy?: readonly string[];
}

/**
 * Idempotent partition overwrite: in one commit, remove the target's rows matching `replaceWhere` and add
 * `source` (whose rows must all match it; `WEIR_DELTA_SCHEMA_MISMATCH` otherwise). Rerunning a day's load with
 * the same predicate leaves exactly one copy of that day. The table is created when absent.
 *
 * @example `await replacePartitions(spark, { target: "gold.sales", source: sales, replaceWhere: "day = '2025-01-02'" })`
 */
export async function replacePartitions(session: Session, opts: ReplacePartitionsOptions): Promise<RefreshResult> {
  if (!opts.replaceWhere.trim()) throw new WeirError("WEIR_INVALID_ARGUMENT", "replacePartitions() needs a replaceWhere predicate", { hint: "e.g. replaceWhere: \"day = '2025-01-02'\"; use fullRefresh() to replace everything" });
  const target = await resolveTarget(session, opts.target);
  const written = await writeTarget(session, opts.source, target, "overwrite", { replaceWhere: opts.replaceWhere }, opts.partitionBy ?? []);
  return { version: written.version };
}
