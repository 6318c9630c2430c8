import { compileQuery, schemaOf, writeDeltaTable, type CompiledQuery, type DeltaWriteRequest, type DeltaWriteResult, type DuckDBExecutor, type ExternalScans } from "../engine/index.js";
import type { Plan } from "../plan/index.js";
import type { StructType } from "../types/index.js";
import type { RuntimeConfig } from "./runtime-config.js";
import { deltaTableDefaults } from "./write-options.js";
import type { Catalog } from "./catalog-api.js";
import type { DatasetContext } from "./dataset-context.js";

/**
 * What a DataFrame needs from its session to run: compile a plan (with Weir's external scans such as Delta)
 * and the executor. Kept narrow so DataFrame does not depend on Session.
 */
export interface Runtime {
  readonly executor: DuckDBExecutor;
  readonly external: ExternalScans;
  /** Directory for checkpoint() and other session-scoped files. */
  readonly scratchDir: string;
  /** Temporary views by lower-cased name. */
  readonly views: Map<string, { name: string; plan: Plan }>;
  /** Name for a new cache table (unique in the session). */
  nextCacheName(): string;
  /** The session's configuration (`spark.conf`), e.g. `spark.sql.sources.partitionOverwriteMode` for writes. */
  readonly conf?: RuntimeConfig;
  /** The session's catalog (`read.table`, `saveAsTable`, `insertInto`); set once the session is built. */
  catalog?: Catalog;
  /** Run work as a tracked job (progress, metrics); returns its result. */
  job<T>(description: string, work: () => Promise<T>): Promise<T>;
  /** The session's worker-thread Dataset context (df.toDataset()). */
  readonly datasets?: () => DatasetContext;
}

/**
 * Compile a plan for an action. `describeOnly` (explain, schema) builds the SQL without reading sources that
 * copy their data first (Postgres). @example `await compile(rt, df.plan, true)`
 */
export function compile(rt: Runtime, plan: Plan, requireUniqueNames = false, describeOnly = false): Promise<CompiledQuery> {
  return compileQuery(plan, rt.executor, describeOnly ? { ...rt.external, describeOnly: true } : rt.external, requireUniqueNames);
}

/** The schema of a plan (names and types; DuckDB binds the query without running it). @example `await schemaOfPlan(rt, df.plan)` */
export async function schemaOfPlan(rt: Runtime, plan: Plan): Promise<StructType> {
  const q = await compile(rt, plan, false, true);
  const cols = await rt.executor.describe(q.sql, q.params, "schema");
  return schemaOf(cols.map((c, i) => ({ name: q.columns[i] ?? c.name, type: c.type })));
}

/**
 * Write a Delta table for this session: the engine's writer, with the session's
 * `spark.databricks.delta.properties.defaults.*` as the properties of a table the write creates.
 * @example `await writeSessionDelta(rt, { sql, params, columns, path, mode: "append", partitionBy: [], options: {} })`
 */
export function writeSessionDelta(rt: Runtime, req: Omit<DeltaWriteRequest, "tableDefaults">): Promise<DeltaWriteResult> {
  return writeDeltaTable(rt.executor, { ...req, tableDefaults: deltaTableDefaults(rt.conf) });
}
