import { existsSync } from "node:fs";
import path from "node:path";
import type { DataFrame, Row, Session } from "../dataframe/index.js";
import { t, type StructType } from "../types/index.js";

/**
 * Weir's own bookkeeping tables: Delta tables in the `_weir` database of the warehouse
 * (`<warehouse>/_weir.db/<name>`), readable by any Delta reader.
 *
 * @example `weirTablePath(spark, "job_runs") // "/abs/warehouse/_weir.db/job_runs"`
 */
export function weirTablePath(session: Session, name: string): string {
  return path.join(session.warehouse, "_weir.db", name);
}

/** Schema of `_weir.quality_results`. @example `QUALITY_RESULTS_SCHEMA.fields.length` */
export const QUALITY_RESULTS_SCHEMA: StructType = t.struct({
  run_id: t.string(), suite: t.string(), expectation: t.string(), expectation_type: t.string(), column: t.string(),
  policy: t.string(), success: t.boolean(), observed_value: t.string(), element_count: t.int64(), unexpected_count: t.int64(),
  sample_unexpected_rows: t.string(), evaluated_at: t.timestamp(),
});

/** Schema of `_weir.job_runs` (one row per state change; the latest row of a run_id is its state). @example `JOB_RUNS_SCHEMA` */
export const JOB_RUNS_SCHEMA: StructType = t.struct({
  job: t.string(), run_id: t.string(), params: t.string(), status: t.string(), rows_read: t.int64(), rows_written: t.int64(),
  table_versions: t.string(), started_at: t.timestamp(), ended_at: t.timestamp(), error: t.string(), recorded_at: t.timestamp(),
});

/**
 * Append rows to a `_weir` table (created on first use; a blind Delta append, retried on concurrent appends).
 *
 * @example `await appendWeirTable(spark, "job_runs", JOB_RUNS_SCHEMA, [row])`
 */
export async function appendWeirTable(session: Session, name: string, schema: StructType, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  await session.createDataFrame(rows as Row[], schema).write.format("delta").mode("append").save(weirTablePath(session, name));
}

/**
 * A `_weir` table as a DataFrame, or undefined when nothing was recorded yet.
 *
 * @example `const runs = await readWeirTable(spark, "job_runs")`
 */
export async function readWeirTable(session: Session, name: string): Promise<DataFrame<Row> | undefined> {
  const p = weirTablePath(session, name);
  if (!existsSync(path.join(p, "_delta_log"))) return undefined;
  return session.read.format("delta").load(p);
}
