/**
 * Compiles a `scan` of format "postgres" (`session.read.postgres(...)`) into DuckDB SQL over CSV files streamed
 * from Postgres — DuckDB's `postgres` extension is not available offline, and COPY is the fast path anyway:
 *
 * ```
 *   describe (LIMIT 0, once per scan) column names, types, typmods → Spark types (io/postgres/type-mapping)
 *   columns  = scan.requiredColumns (pushed by the optimizer) or all
 *   where    = pushed filters Postgres can evaluate identically (postgres-pushdown) AND partition range
 *   COPY (SELECT <cols as text> FROM <table|query> WHERE …) TO STDOUT (FORMAT csv)   × numPartitions, one snapshot
 *        ▼ part-N.csv under a per-session temp dir (removed when the session closes)
 *   SELECT CAST(c0 AS DECIMAL(12,2)) AS "amount", … FROM read_csv([...parts], all VARCHAR)
 * ```
 *
 * `explain()` compiles with `describeOnly`: the query is built and shown (URL masked, values as $n), nothing is
 * read. Every other action reads the source again, as Spark's JDBC source does; `cache()` reads it once.
 */
import { mkdtempSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WeirError } from "../../errors/index.js";
import {
  PgParams, connectPostgres, copyPostgresToFiles, describePostgres, mapPostgresColumn, parseConnection, partitionPredicates, relationSql,
  type DescribedColumn, type PostgresConnection, type PostgresRelation,
} from "../../io/postgres/index.js";
import type { Scan } from "../../plan/index.js";
import { toDuckDBType } from "../../types/index.js";
import { quoteIdent } from "../../util/index.js";
import type { PlanCompiler } from "./compiler/compile-plan.js";
import type { Relation } from "./compiler/relation.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { pushdownFilters } from "./postgres-pushdown.js";

/** The options a Postgres scan accepts (all strings in the plan, as every reader option). @example `["url", "table"]` */
export const POSTGRES_SCAN_OPTIONS: readonly string[] = ["url", "user", "password", "table", "dbtable", "query", "partitionColumn", "lowerBound", "upperBound", "numPartitions", "fetchSize", "parallelism"];

const extracts = new WeakMap<DuckDBExecutor, Set<string>>();
// A read's columns, by scan id: resolved once per DataFrame (as Spark's JDBC source resolves its schema when the
// DataFrame is created), so `df.schema()` followed by an action does not ask Postgres twice.
const described = new WeakMap<DuckDBExecutor, Map<number, readonly DescribedColumn[]>>();

/**
 * The `scan` → Relation step for format "postgres".
 *
 * @example `const rel = await compilePostgresScan(scan, compiler, false)`
 */
export async function compilePostgresScan(scan: Scan, compiler: PlanCompiler, describeOnly: boolean): Promise<Relation> {
  const o = checkOptions(scan.options);
  const conn = parseConnection({ url: o.url!, ...(o.user ? { user: o.user } : {}), ...(o.password !== undefined ? { password: o.password } : {}) });
  const rel: PostgresRelation = o.query !== undefined ? { query: o.query } : { table: (o.table ?? o.dbtable)! };
  const from = relationSql(rel);
  const all = await describeOnce(compiler.executor, scan.id, () => describe(conn, from));
  const columns = selectColumns(all, scan.requiredColumns);
  const transfers = columns.map(mapPostgresColumn);
  const params = new PgParams();
  const pushed = pushdownFilters(scan.pushedFilters ?? [], all, params);
  const partitions = o.partitionColumn ? partitionsOf(o, all, params) : [];
  const select = `SELECT ${transfers.map((t) => `${t.pgSelect} AS ${quoteIdent(t.name)}`).join(", ")} FROM ${from}`;
  const queries = (partitions.length ? partitions : [undefined]).map((p) => {
    const where = [...pushed, ...(p ? [`(${p})`] : [])];
    return { sql: where.length ? `${select} WHERE ${where.join(" AND ")}` : select, params };
  });
  const shown = `${queries[0]!.sql.replace(/CAST\(current_setting\('weir\.p(\d+)'\) AS [^)]+\)/g, "$$$1")}${queries.length > 1 ? ` (+ ${queries.length - 1} more partitions)` : ""}`;
  compiler.scans.push({ paths: [`${conn.display} ${shown}`], format: "postgres", filesTotal: queries.length, filesScanned: queries.length });

  const names = transfers.map((t) => t.name);
  const qualifiers = [`#${scan.id}`];
  const sqlNames = names.map((_, i) => `c${i}`);
  const fields = names.map((name, i) => ({ name, sqlName: sqlNames[i]!, qualifiers }));
  if (describeOnly) {
    const sel = transfers.map((t, i) => `CAST(NULL AS ${toDuckDBType(t.type)}) AS ${sqlNames[i]}`).join(", ");
    return { sql: `SELECT ${sel} LIMIT 0`, fields };
  }
  const dir = extractDir(compiler.executor, scan.id);
  const parallelism = Math.max(1, Number(o.parallelism ?? Math.min(queries.length, 4)));
  const files = await copyPostgresToFiles(conn, queries, dir, parallelism);
  const csvColumns = `{${sqlNames.map((n) => `'${n}': 'VARCHAR'`).join(", ")}}`;
  const fileList = compiler.params.bind(files);
  const read = `read_csv(${fileList}, columns = ${csvColumns}, header = false, delim = ',', quote = '"', escape = '"', auto_detect = false, allow_quoted_nulls = false, null_padding = false, parallel = true)`;
  const sel = transfers.map((t, i) => `${t.duckdbExpr(sqlNames[i]!)} AS ${sqlNames[i]}`).join(", ");
  return { sql: `SELECT ${sel} FROM ${read}`, fields };
}

/**
 * Delete every file a session's Postgres scans extracted (called when the session closes).
 *
 * @example `await releasePostgresExtracts(executor)`
 */
export async function releasePostgresExtracts(executor: DuckDBExecutor): Promise<void> {
  const dirs = extracts.get(executor);
  if (!dirs) return;
  extracts.delete(executor);
  await Promise.all([...dirs].map((d) => fs.rm(d, { recursive: true, force: true }).catch(() => undefined)));
}

function extractDir(executor: DuckDBExecutor, scanId: number): string {
  let dirs = extracts.get(executor);
  if (!dirs) extracts.set(executor, (dirs = new Set()));
  const dir = mkdtempSync(path.join(os.tmpdir(), `weir-pg-${scanId}-`));
  dirs.add(dir);
  return dir;
}

function checkOptions(o: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  for (const k of Object.keys(o)) {
    if (!POSTGRES_SCAN_OPTIONS.includes(k)) {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported option "${k}" for the postgres reader`, { hint: `supported options: ${POSTGRES_SCAN_OPTIONS.join(", ")}` });
    }
  }
  if (!o.url) throw new WeirError("WEIR_INVALID_ARGUMENT", "read.postgres() needs a url", { hint: 'e.g. spark.read.postgres({ url: "postgres://user@127.0.0.1:5432/db", table: "orders" })' });
  const sources = [o.table ?? o.dbtable, o.query].filter((s) => s !== undefined);
  if (sources.length !== 1) throw new WeirError("WEIR_INVALID_ARGUMENT", "read.postgres() needs exactly one of table or query", { hint: 'e.g. { table: "public.orders" } or { query: "SELECT …" }' });
  if (o.partitionColumn && (o.lowerBound === undefined || o.upperBound === undefined || o.numPartitions === undefined)) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", "partitionColumn needs lowerBound, upperBound and numPartitions (as in Spark's JDBC source)", { hint: '{ partitionColumn: "id", lowerBound: 1, upperBound: 1000000, numPartitions: 4 }' });
  }
  return o;
}

async function describe(conn: PostgresConnection, from: string): Promise<DescribedColumn[]> {
  const client = await connectPostgres(conn);
  try {
    return await describePostgres(client, conn, from);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function describeOnce(executor: DuckDBExecutor, scanId: number, run: () => Promise<DescribedColumn[]>): Promise<readonly DescribedColumn[]> {
  let byScan = described.get(executor);
  if (!byScan) described.set(executor, (byScan = new Map()));
  const known = byScan.get(scanId);
  if (known) return known;
  const cols = await run();
  byScan.set(scanId, cols);
  return cols;
}

function selectColumns(all: readonly DescribedColumn[], required: readonly string[] | undefined): readonly DescribedColumn[] {
  if (!required) return all;
  const keep = all.filter((c) => required.some((r) => r.toLowerCase() === c.name.toLowerCase()));
  // count() and friends need rows but no column: read the narrowest one.
  return keep.length ? keep : all.slice(0, 1);
}

function partitionsOf(o: Readonly<Record<string, string>>, all: readonly DescribedColumn[], params: PgParams): string[] {
  const name = o.partitionColumn!;
  const col = all.find((c) => c.name === name) ?? all.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!col) {
    throw new WeirError("WEIR_UNKNOWN_COLUMN", `Unknown partitionColumn "${name}" in read.postgres(). Columns: ${all.map((c) => c.name).join(", ")}`, { hint: "partition by a numeric, date or timestamp column of the table or query" });
  }
  return partitionPredicates({ column: col.name, typname: col.typname, castType: col.castType, lowerBound: o.lowerBound!, upperBound: o.upperBound!, numPartitions: Number(o.numPartitions) }, params);
}
