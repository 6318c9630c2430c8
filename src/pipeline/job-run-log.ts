import { randomUUID } from "node:crypto";
import { maskUrl } from "../io/postgres/index.js";
import type { Row, Session } from "../dataframe/index.js";
import { JOB_RUNS_SCHEMA, appendWeirTable, readWeirTable } from "./weir-tables.js";

/** A job's identity and parameters (secrets are masked before they are recorded). @example `{ name: "daily_sales", params: { day: "2025-01-01" } }` */
export interface JobSpec {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * What a running job reports: rows read and written, and the table versions it produced (Delta versions,
 * Postgres tables …). Everything is recorded in `_weir.job_runs` when the job ends, whether it succeeds or fails.
 *
 * @example `ctx.addRowsRead(n); ctx.addTableVersion("silver.orders", 12)`
 */
export interface JobContext {
  readonly session: Session;
  readonly runId: string;
  readonly job: string;
  readonly params: Readonly<Record<string, unknown>>;
  addRowsRead(n: number): void;
  addRowsWritten(n: number): void;
  addTableVersion(table: string, version: number | string): void;
}

/** One recorded run. @example `{ job: "daily_sales", runId: "…", status: "failed", error: "Quality suite orders failed: …" }` */
export interface JobRun {
  readonly job: string;
  readonly runId: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: "running" | "success" | "failed";
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly tableVersions: Readonly<Record<string, number | string>>;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly error: string | null;
}

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|credential|private[-_]?key/i;

/**
 * Run a job and record it in `_weir.job_runs`: a `running` row when it starts (so a crashed run stays visible)
 * and a `success` or `failed` row when it ends, with parameters (secrets masked: password-like keys and the
 * password of URLs), rows read/written, table versions produced, start, end and the error message. The job's
 * result is returned; its error is rethrown after it was recorded.
 *
 * @example
 * ```ts
 * await runJob(spark, { name: "load_orders", params: { day } }, async (ctx) => {
 *   const res = await orders.write.postgres("dw.orders", { url, mode: "upsert", keys: ["id"] });
 *   ctx.addRowsWritten(res.rows);
 * });
 * ```
 */
export async function runJob<T>(session: Session, spec: JobSpec, work: (ctx: JobContext) => Promise<T>): Promise<T> {
  const runId = randomUUID();
  const params = maskParams(spec.params ?? {});
  const startedAt = new Date();
  let rowsRead = 0;
  let rowsWritten = 0;
  const versions: Record<string, number | string> = {};
  const record = (status: JobRun["status"], endedAt: Date | null, error: string | null) => appendWeirTable(session, "job_runs", JOB_RUNS_SCHEMA, [{
    job: spec.name, run_id: runId, params: JSON.stringify(params), status, rows_read: BigInt(rowsRead), rows_written: BigInt(rowsWritten),
    table_versions: JSON.stringify(versions), started_at: startedAt, ended_at: endedAt, error, recorded_at: new Date(),
  }]);
  await record("running", null, null);
  const ctx: JobContext = {
    session, runId, job: spec.name, params: spec.params ?? {},
    addRowsRead: (n) => { rowsRead += n; },
    addRowsWritten: (n) => { rowsWritten += n; },
    addTableVersion: (table, version) => { versions[table] = version; },
  };
  try {
    const result = await work(ctx);
    await record("success", new Date(), null);
    return result;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await record("failed", new Date(), maskSecretsIn(message, spec.params ?? {})).catch(() => undefined);
    throw e;
  }
}

/**
 * The latest state of recorded runs, newest first (`weir runs` prints these).
 *
 * @example `const runs = await listJobRuns(spark, { job: "load_orders", limit: 20 })`
 */
export async function listJobRuns(session: Session, opts: { job?: string; limit?: number } = {}): Promise<JobRun[]> {
  const table = await readWeirTable(session, "job_runs");
  if (!table) return [];
  const limit = Math.max(1, Math.floor(opts.limit ?? 50));
  const rows = await session.sql(
    `SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY run_id ORDER BY recorded_at DESC, status <> 'running' DESC) AS rn FROM {runs}
      WHERE $job IS NULL OR job = $job) WHERE rn = 1 ORDER BY started_at DESC, recorded_at DESC LIMIT ${limit}`,
    { runs: table, job: opts.job ?? null },
  ).collect();
  return rows.map(toJobRun);
}

function toJobRun(r: Row): JobRun {
  return {
    job: String(r.job), runId: String(r.run_id), params: JSON.parse(String(r.params ?? "{}")) as Record<string, unknown>,
    status: r.status as JobRun["status"], rowsRead: Number(r.rows_read ?? 0), rowsWritten: Number(r.rows_written ?? 0),
    tableVersions: JSON.parse(String(r.table_versions ?? "{}")) as Record<string, number | string>,
    startedAt: r.started_at as Date, endedAt: (r.ended_at as Date | null) ?? null, error: (r.error as string | null) ?? null,
  };
}

/**
 * Parameters as recorded: values of password-like keys become `***`, URLs lose their password.
 *
 * @example `maskParams({ url: "postgres://u:pw@h/db", token: "x" }) // { url: "postgres://u:***@h/db", token: "***" }`
 */
export function maskParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (SECRET_KEY.test(k)) out[k] = "***";
    else if (typeof v === "string" && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(v)) out[k] = /^postgres(ql)?:/i.test(v) ? maskUrl(v) : v.replace(/(\/\/[^/:@\s]*:)[^/@\s]*@/, "$1***@");
    else if (typeof v === "bigint") out[k] = v.toString();
    else if (v instanceof Date) out[k] = v.toISOString();
    else if (v && typeof v === "object" && !Array.isArray(v)) out[k] = maskParams(v as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

function maskSecretsIn(message: string, params: Readonly<Record<string, unknown>>): string {
  let out = message;
  for (const [k, v] of Object.entries(params)) if (SECRET_KEY.test(k) && typeof v === "string" && v.length > 0) out = out.split(v).join("***");
  return out;
}
