import { Option, type Command } from "commander";
import { t } from "../types/index.js";
import type { Session } from "../dataframe/index.js";
import { listJobRuns } from "../pipeline/index.js";
import { printRows, type OutputFormat } from "./format-rows.js";

const RUNS_SCHEMA = t.struct({
  job: t.string(), run_id: t.string(), status: t.string(), started_at: t.timestamp(), seconds: t.float64(), rows_read: t.int64(), rows_written: t.int64(),
  table_versions: t.string(), params: t.string(), error: t.string(),
});

/**
 * Register `weir runs [--job X] [-n N]`: the latest state of the runs recorded in `_weir.job_runs`, newest first
 * (a failed run shows its error; a run still `running` with no end crashed or is in progress).
 *
 * @example `addRunsCommand(program, withSession)` then `weir runs --job daily_sales -n 5`
 */
export function addRunsCommand(program: Command, withSession: (cmd: Command, work: (s: Session) => Promise<void>) => Promise<void>): void {
  program.command("runs")
    .description("list pipeline runs recorded in _weir.job_runs of the warehouse, newest first")
    .option("--job <name>", "only runs of this job")
    .addOption(new Option("-n, --limit <n>", "number of runs").default(20).argParser((v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`Invalid -n "${v}": expected a positive integer`);
      return n;
    }))
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "csv", "json"]).default("table"))
    .action((opts: { job?: string; limit: number; format: OutputFormat }, cmd: Command) => withSession(cmd, async (s) => {
      const runs = await listJobRuns(s, { ...(opts.job !== undefined ? { job: opts.job } : {}), limit: opts.limit });
      if (runs.length === 0 && opts.format === "table") {
        process.stdout.write(`No runs recorded${opts.job !== undefined ? ` for job "${opts.job}"` : ""} in ${s.warehouse}/_weir.db/job_runs\n`);
        return;
      }
      const rows = runs.map((r) => ({
        job: r.job, run_id: r.runId, status: r.status, started_at: r.startedAt, seconds: r.endedAt ? (r.endedAt.getTime() - r.startedAt.getTime()) / 1000 : null,
        rows_read: BigInt(r.rowsRead), rows_written: BigInt(r.rowsWritten), table_versions: JSON.stringify(r.tableVersions), params: JSON.stringify(r.params), error: r.error,
      }));
      await printRows(s.createDataFrame(rows, RUNS_SCHEMA), { format: opts.format, maxRows: opts.limit, truncate: false, progress: "never" });
    }));
}
