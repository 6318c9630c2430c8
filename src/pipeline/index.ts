/**
 * pipeline — what batch ETL jobs do on top of DataFrames: data quality expectations (Great Expectations names,
 * policies warn/drop/fail/quarantine applied before anything is written) and the job run log. Weir's
 * bookkeeping lives in Delta tables of the `_weir` database (`<warehouse>/_weir.db/<table>`):
 * `quality_results`, `job_runs`, `quarantine_<suite>`.
 *
 * ```
 *  runJob(name, params) ── job_runs: running ──► work(ctx) ──► job_runs: success | failed (error, rows, versions)
 *     └─ validateExpectations(df) ── one aggregate scan ──► quality_results ──► fail? throw : quarantine, drop ──► rows to write
 * ```
 */
export * from "./quality/index.js";
export { runJob, listJobRuns, maskParams, type JobSpec, type JobContext, type JobRun } from "./job-run-log.js";
export { weirTablePath, QUALITY_RESULTS_SCHEMA, JOB_RUNS_SCHEMA } from "./weir-tables.js";
