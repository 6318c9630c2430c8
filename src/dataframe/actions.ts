import { plan, planTreeString, optimize, type Plan } from "../plan/index.js";
import { mkdirSync } from "node:fs";
import { quoteIdent, quoteString } from "../util/index.js";
import type { DataType } from "../types/index.js";
import { compile, type Runtime } from "./runtime.js";
import { formatTable } from "./show.js";

/**
 * The plan-running half of DataFrame: every action compiles the plan once and runs one DuckDB statement.
 * DataFrame's methods delegate here so the builder stays readable.
 */

/** All rows of a plan as objects (duplicate output names are an error). @example `await collectRows(rt, df.plan)` */
export async function collectRows(rt: Runtime, p: Plan): Promise<Record<string, unknown>[]> {
  const q = await compile(rt, p, true);
  const res = await rt.job("collect", () => rt.executor.query(q.sql, q.params, "collect()"));
  return res.rows;
}

/** The number of rows of a plan. @example `await countRows(rt, df.plan)` */
export async function countRows(rt: Runtime, p: Plan): Promise<number> {
  const q = await compile(rt, p);
  const res = await rt.job("count", () => rt.executor.query(`SELECT count(*) AS n FROM (${q.sql})`, q.params, "count()"));
  return Number(res.rows[0]?.n ?? 0);
}

/** Rows streamed in batches of about `batchRows` on a dedicated connection. @example `for await (const b of streamRows(rt, p, 1000)) …` */
export async function* streamRows(rt: Runtime, p: Plan, batchRows: number): AsyncGenerator<Record<string, unknown>[]> {
  const q = await compile(rt, p, true);
  yield* rt.executor.stream(q.sql, q.params, batchRows);
}

/**
 * Spark's show() text for the first `n` rows of `limited` (a plan already limited to n + 1 rows, so "only
 * showing top n rows" is known without counting). Duplicate column names are allowed here.
 * @example `await showText(rt, df.limit(21).plan, 20, true, false)`
 */
export async function showText(rt: Runtime, limited: Plan, n: number, truncate: boolean | number, vertical: boolean): Promise<string> {
  const q = await compile(rt, limited);
  const positional = q.columns.map((_, i) => `c${i}`);
  const sql = `SELECT ${positional.map((c, i) => `#${i + 1} AS ${c}`).join(", ")} FROM (${q.sql})`;
  const res = await rt.job("show", () => rt.executor.query(sql, q.params, "show()"));
  const types: DataType[] = res.columns.map((c) => c.type);
  const rows = res.rows.map((r) => Object.fromEntries(positional.map((c, i) => [i, r[c]])));
  const columns = q.columns.map((_, i) => String(i));
  const text = formatTable(columns, rows.slice(0, n), { truncate, more: rows.length > n, shown: n, vertical, types, headers: q.columns });
  return text;
}

/** explain(): the logical plan, the optimized plan, files per scan, the SQL and DuckDB's physical plan. @example `await explainText(rt, df.plan)` */
export async function explainText(rt: Runtime, p: Plan): Promise<string> {
  const q = await compile(rt, p, false, true);
  const physical = await rt.executor.query(`EXPLAIN ${q.sql}`, q.params, "explain()");
  const scans = q.scans.map((s) => `  ${s.format} ${s.paths.join(", ")}: ${s.filesScanned} of ${s.filesTotal} files`).join("\n");
  return [
    "== Logical Plan ==", planTreeString(p), "",
    "== Optimized Plan ==", planTreeString(optimize(p)), "",
    "== Scans ==", scans || "  (none)", "",
    "== SQL ==", q.sql, "",
    "== Physical Plan (DuckDB) ==", physical.rows.map((r) => String(r.explain_value ?? "")).join("\n"),
  ].join("\n");
}

/**
 * cache()/persist(): run the plan once into a DuckDB table (in memory, spilling to tempDir) and return a plan
 * that reads only that table — the source is never read again.
 * @example `const cached = await persistPlan(rt, df.plan)`
 */
export async function persistPlan(rt: Runtime, p: Plan): Promise<Plan> {
  if (p.kind === "materialized") return p;
  const name = rt.nextCacheName();
  const q = await compile(rt, p, true);
  await rt.job("cache", () => rt.executor.exec(`CREATE TABLE weir_cache.${quoteIdent(name)} AS ${q.sql}`, q.params, "cache()"));
  return plan({ kind: "materialized", storage: { kind: "table", name }, original: p });
}

/** unpersist(): drop a cached table and return the original plan. @example `await unpersistPlan(rt, cached.plan)` */
export async function unpersistPlan(rt: Runtime, p: Plan): Promise<Plan> {
  if (p.kind !== "materialized" || p.storage.kind !== "table") return p;
  await rt.executor.exec(`DROP TABLE IF EXISTS weir_cache.${quoteIdent(p.storage.name)}`);
  return p.original;
}

/**
 * checkpoint(): write the result as Parquet under the session's scratch directory and return a plan that
 * starts there (the lineage is truncated: explain() shows one Materialized node).
 * @example `const cp = await checkpointPlan(rt, df.plan)`
 */
export async function checkpointPlan(rt: Runtime, p: Plan): Promise<Plan> {
  const dir = `${rt.scratchDir}/checkpoint-${rt.nextCacheName()}`;
  const q = await compile(rt, p, true);
  mkdirSync(dir, { recursive: true });
  // One file, so an empty result still leaves a readable Parquet file with the schema. The path is Weir's own
  // (COPY cannot take it as a parameter), quoted as a string literal.
  await rt.job("checkpoint", () => rt.executor.exec(`COPY (${q.sql}) TO ${quoteString(`${dir}/part-0.parquet`)} (FORMAT parquet)`, q.params, "checkpoint()"));
  return plan({ kind: "materialized", storage: { kind: "parquet", path: dir }, original: p });
}
