/**
 * What MERGE, UPDATE, DELETE and OPTIMIZE share: a transaction with checkpointing, the target relation with
 * row identity, file pruning by partition values and statistics, copy-on-write commits and metrics.
 *
 * Copy-on-write: a data file is never modified. An operation removes every file holding a changed row and
 * adds new files with the file's unchanged rows plus the changed ones; everything new is invisible until the
 * commit names it, so a crash leaves the table at its previous version (orphans are left for VACUUM), and a
 * failed commit deletes what it wrote.
 */
import * as path from "node:path";
import { promises as fs } from "node:fs";
import {
  OptimisticTransaction, type Action, type AddAction, type CommitDescription, type DeltaFile, type Snapshot,
} from "../../delta/index.js";
import { DeltaError } from "../../errors/index.js";
import { mk, type Expr } from "../../expr/index.js";
import { t, toDuckDBType } from "../../types/index.js";
import { quoteIdent } from "../../util/index.js";
import { compileExpr } from "./compiler/compile-expr.js";
import { Scope, type Field } from "./compiler/relation.js";
import { pruneDeltaFiles } from "./delta-data-skipping.js";
import { partitionText } from "./delta-file-stats.js";
import { deltaRelation } from "./delta-scan.js";
import { DuckDBCheckpointWriter } from "./duckdb-checkpoint-writer.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { DuckDBParquetReader } from "./duckdb-parquet-reader.js";
import { ParamCollector } from "./params.js";

/** A transaction on an existing table plus its snapshot; `close()` releases the checkpoint-reading connection. */
export interface DmlTransaction {
  readonly txn: OptimisticTransaction;
  readonly snapshot: Snapshot;
  close(): void;
}

/**
 * Start a transaction for a DML operation on the Delta table at `root` (which must exist).
 *
 * @example
 * ```ts
 * const { txn, snapshot, close } = await startDml(executor, "/data/orders", "DELETE");
 * try { … } finally { close(); }
 * ```
 */
export async function startDml(executor: DuckDBExecutor, root: string, operation: string): Promise<DmlTransaction> {
  const conn = await executor.connect();
  try {
    const txn = await OptimisticTransaction.start(root, { parquetReader: new DuckDBParquetReader(conn), checkpointWriter: new DuckDBCheckpointWriter(executor), cache: executor.snapshots });
    if (!txn.snapshot) {
      throw new DeltaError("WEIR_DELTA_NOT_A_TABLE", `Cannot run ${operation} on ${root}: it is not a Delta table (no commits in _delta_log)`, {
        hint: 'check the path, or create the table with df.write.format("delta").save(path)', details: { table: root },
      });
    }
    return { txn, snapshot: txn.snapshot, close: () => conn.closeSync() };
  } catch (e) {
    conn.closeSync();
    throw e;
  }
}

/** Rows recorded in the stats of adds. @example `rowsOf(adds) // 1200` */
export function rowsOf(adds: readonly AddAction[]): number {
  return adds.reduce((n, a) => n + ((JSON.parse(a.stats ?? "{}") as { numRecords?: number }).numRecords ?? 0), 0);
}

/**
 * Commit DML actions; when the commit fails (conflict, I/O) the files this operation wrote are deleted: the data
 * files of `written` and any other file it wrote (`writtenOther`, e.g. a deletion-vector file).
 * Returns the version committed, or undefined when there was nothing to commit (Delta's `commitIfNeeded`).
 *
 * @example
 * ```ts
 * const version = await commitDml(txn, root, [...removes, ...adds], adds, { operation: "DELETE", operationParameters, operationMetrics });
 * ```
 */
export async function commitDml(
  txn: OptimisticTransaction, root: string, actions: readonly Action[], written: readonly AddAction[], description: CommitDescription, writtenOther: readonly (string | undefined)[] = [],
): Promise<number | undefined> {
  if (actions.length === 0) return undefined;
  try {
    return await txn.commit(actions, description);
  } catch (e) {
    await deleteWritten(root, written);
    await Promise.all(writtenOther.map((f) => (f ? fs.rm(f, { force: true }) : undefined))).catch(() => undefined);
    throw e;
  }
}

/** Delete data files written by an operation that will not commit them. @example `await deleteWritten(root, adds)` */
export async function deleteWritten(root: string, written: readonly AddAction[]): Promise<void> {
  await Promise.all(written.map((a) => fs.rm(path.join(root, decodeURIComponent(a.path)), { force: true }))).catch(() => undefined);
}

/** Split a condition into its top-level AND conjuncts. @example `conjuncts(col("a").gt(1).and(col("b").lt(2)).expr) // [a > 1, b < 2]` */
export function conjuncts(e: Expr): Expr[] {
  if (e.kind === "binary" && e.op === "and") return [...conjuncts(e.left), ...conjuncts(e.right)];
  if (e.kind === "sql") return splitSqlAnd(e.text).map((text) => mk<Expr>({ kind: "sql", text }));
  return [e];
}

/** Split SQL text on top-level `AND` (outside parentheses, quotes and BETWEEN … AND). */
function splitSqlAnd(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let between = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      const close = text.indexOf(ch, i + 1);
      if (close < 0) return [text];
      i = close;
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0 && /[a-z]/i.test(ch) && (i === 0 || !/[\w$]/.test(text[i - 1]!))) {
      const word = /^[a-z_]\w*/i.exec(text.slice(i))![0];
      const upper = word.toUpperCase();
      if (upper === "BETWEEN") between++;
      else if (upper === "OR") return [text]; // top-level OR: one conjunct
      else if (upper === "AND") {
        if (between > 0) between--;
        else {
          out.push(text.slice(start, i));
          start = i + 3;
        }
      }
      i += word.length - 1;
    }
  }
  out.push(text.slice(start));
  const parts = out.map((s) => s.trim()).filter((s) => s.length > 0);
  return parts.length ? parts : [text];
}

/**
 * Evaluate a condition over the files' partition values alone: per file TRUE/FALSE/NULL, or undefined when
 * the condition needs data columns (or cannot be evaluated that way). Used so partition-only predicates need
 * no data read.
 *
 * @example
 * ```ts
 * const byFile = await evalOnPartitions(executor, snap, snap.files, col("day").equalTo("2024-01-01").expr, "t");
 * ```
 */
export async function evalOnPartitions(
  executor: DuckDBExecutor, snapshot: Snapshot, files: readonly DeltaFile[], condition: Expr, alias?: string,
): Promise<(boolean | null)[] | undefined> {
  const parts = snapshot.schema.fields.filter((f) => snapshot.partitionColumns.some((p) => p.toLowerCase() === f.name.toLowerCase()));
  if (!parts.length || !files.length) return undefined;
  const params = new ParamCollector();
  const fields: Field[] = parts.map((p) => ({ name: p.name, sqlName: p.name, qualifiers: alias ? [alias] : [] }));
  try {
    const cond = compileExpr(condition, { scope: new Scope([{ ...(alias ? { alias } : {}), fields }], "partition predicate"), params });
    const cols = parts.map((p) => `CAST(unnest(${params.bind(files.map((f) => partitionText(f, p.name)), t.array(t.string()))}) AS ${toDuckDBType(p.type)}) AS ${quoteIdent(p.name)}`);
    const from = `(SELECT unnest(${params.bind(files.map((_, i) => i))}) AS "__i", ${cols.join(", ")})${alias ? ` AS ${quoteIdent(alias)}` : ""}`;
    const { rows } = await executor.query(`SELECT "__i", CAST((${cond}) AS BOOLEAN) AS "__v" FROM ${from}`, params.bound, "partition predicate");
    const out: (boolean | null)[] = files.map(() => null);
    for (const r of rows) out[Number(r.__i)] = r.__v === null || r.__v === undefined ? null : Boolean(r.__v);
    return out;
  } catch {
    return undefined;
  }
}

/** The files a predicate can touch, and what the operation read for conflict detection. */
export interface CandidateFiles {
  /** Files that may hold rows satisfying the predicate (partition pruning + data skipping). */
  readonly files: readonly DeltaFile[];
  /** Files satisfying the partition conjuncts; their partitions are the ones read (undefined: all partitions). */
  readonly partitionFiles: readonly DeltaFile[] | undefined;
  /** True when the whole predicate was decided on partition values: every row of `files` satisfies it. */
  readonly exact: boolean;
}

/**
 * Prune the snapshot's files for a DML predicate (undefined: the whole table): conjuncts that bind to partition
 * columns alone are evaluated exactly, Column conjuncts on data columns skip files by min/max/nullCount stats.
 * SQL-string conjuncts on data columns do not skip files (the data scan still decides which rows match).
 *
 * @example
 * ```ts
 * const { files, exact } = await candidateFiles(executor, snap, condition, "t");
 * ```
 */
export async function candidateFiles(executor: DuckDBExecutor, snapshot: Snapshot, condition: Expr | undefined, alias?: string): Promise<CandidateFiles> {
  if (!condition) return { files: snapshot.files, partitionFiles: undefined, exact: true };
  let files = snapshot.files;
  let partitionOnly = 0;
  let partitionFiles: readonly DeltaFile[] | undefined;
  const dataConjuncts: Expr[] = [];
  const all = conjuncts(condition);
  for (const c of all) {
    const values = await evalOnPartitions(executor, snapshot, files, c, alias);
    if (!values) {
      dataConjuncts.push(c);
      continue;
    }
    partitionOnly++;
    files = files.filter((_, i) => values[i] === true);
    partitionFiles = files;
  }
  const exact = partitionOnly === all.length;
  if (!exact && files.length) files = await pruneDeltaFiles(files, snapshot.schema, snapshot.partitionColumns, dataConjuncts.map(unqualify(alias)), executor);
  return { files, partitionFiles, exact };
}

/** Drop the target alias from column references so stats pruning resolves them. */
function unqualify(alias: string | undefined): (e: Expr) => Expr {
  const go = (e: Expr): Expr => {
    if (!alias) return e;
    if (e.kind === "column") {
      if (e.qualifier?.toLowerCase() === alias.toLowerCase()) return mk<Expr>({ kind: "column", name: e.name });
      if (e.qualifier === undefined && e.name.toLowerCase().startsWith(`${alias.toLowerCase()}.`)) return mk<Expr>({ kind: "column", name: e.name.slice(alias.length + 1) });
      return e;
    }
    if (e.kind === "binary") return mk<Expr>({ ...e, left: go(e.left), right: go(e.right) });
    if (e.kind === "unary") return mk<Expr>({ ...e, operand: go(e.operand) });
    if (e.kind === "in") return mk<Expr>({ ...e, expr: go(e.expr), values: e.values.map(go) });
    if (e.kind === "between") return mk<Expr>({ ...e, expr: go(e.expr), lower: go(e.lower), upper: go(e.upper) });
    return e;
  };
  return go;
}

/**
 * Record in the transaction what a DML operation read: the candidate files, and the partitions its predicate
 * selects (all of them when it has no partition conjunct).
 *
 * @example `markRead(txn, candidates)`
 */
export function markRead(txn: OptimisticTransaction, c: CandidateFiles): void {
  txn.markFilesRead(c.files.map((f) => f.add.path));
  txn.markPartitionsRead(c.partitionFiles ? c.partitionFiles.map((f) => f.add.partitionValues) : "all");
}

/** Spark's file-size metrics over added files. @example `sizeMetrics(adds) // { minFileSize: "…", … }` */
export function sizeMetrics(adds: readonly AddAction[]): Record<string, string> {
  const sizes = adds.map((a) => a.size).sort((a, b) => a - b);
  if (!sizes.length) return {};
  const q = (p: number): string => String(sizes[Math.min(sizes.length - 1, Math.floor(p * sizes.length))]);
  return { minFileSize: String(sizes[0]), p25FileSize: q(0.25), p50FileSize: q(0.5), p75FileSize: q(0.75), maxFileSize: String(sizes[sizes.length - 1]) };
}

/** Metrics as `commitInfo.operationMetrics` stores them (string values). @example `operationMetrics({ numDeletedRows: 3 }) // { numDeletedRows: "3" }` */
export function operationMetrics(metrics: Readonly<Record<string, number>>): Record<string, string> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, String(v)]));
}

/** Bytes of adds or removes. @example `bytesOf(adds)` */
export function bytesOf(actions: readonly { size?: number | undefined }[]): number {
  return actions.reduce((n, a) => n + (a.size ?? 0), 0);
}

/** A Delta target relation whose columns carry their table names, plus hidden file and row columns. */
export interface TargetRelation {
  readonly sql: string;
  /** Table columns (sqlName = name), qualified by the alias. */
  readonly fields: readonly Field[];
  /** SQL names of the hidden columns. */
  readonly fileColumn: string;
  readonly rowColumn: string;
}

/** Hidden columns of {@link targetRelation}. */
export const TARGET_FILE = "__weir_file";
export const TARGET_ROW = "__weir_row";

/**
 * The rows of `files` with their table column names, the file path and the row position in its file.
 *
 * @example
 * ```ts
 * const rel = await targetRelation(executor, snap, files, params, "t");
 * `SELECT ${TARGET_FILE}, count(*) FROM (${rel.sql}) AS "t" GROUP BY 1`;
 * ```
 */
export async function targetRelation(executor: DuckDBExecutor, snapshot: Snapshot, files: readonly DeltaFile[], params: ParamCollector, alias: string): Promise<TargetRelation> {
  const rel = await deltaRelation(snapshot, files, alias, executor, params, { rowIndex: true });
  const visible = rel.fields.filter((f) => !f.hidden);
  const [file, row] = rel.fields.filter((f) => f.hidden);
  const cols = visible.map((f) => `${quoteIdent(f.sqlName)} AS ${quoteIdent(f.name)}`);
  cols.push(`${quoteIdent(file!.sqlName)} AS ${TARGET_FILE}`, `${quoteIdent(row!.sqlName)} AS ${TARGET_ROW}`);
  return {
    sql: `SELECT ${cols.join(", ")} FROM (${rel.sql})`,
    fields: visible.map((f) => ({ name: f.name, sqlName: f.name, qualifiers: [alias] })),
    fileColumn: TARGET_FILE, rowColumn: TARGET_ROW,
  };
}

/**
 * How many rows of each candidate file match a DML condition (one scan of the files): per file with rows, its
 * path, the matching rows and all its rows.
 *
 * @example `for (const { path, matched, total } of await matchCounts(executor, snap, files, cond, "t", "delete()")) …`
 */
export async function matchCounts(
  executor: DuckDBExecutor, snapshot: Snapshot, files: readonly DeltaFile[], condition: Expr, alias: string, context: string,
): Promise<{ path: string; matched: number; total: number }[]> {
  const params = new ParamCollector();
  const rel = await targetRelation(executor, snapshot, files, params, alias);
  const cond = targetExpr(condition, rel, params, alias, context);
  const { rows } = await executor.query(
    `SELECT ${TARGET_FILE} AS f, count(*) FILTER (WHERE ${cond}) AS m, count(*) AS n FROM (${rel.sql}) AS ${quoteIdent(alias)} GROUP BY 1`, params.bound, context,
  );
  return rows.map((r) => ({ path: String(r.f), matched: Number(r.m), total: Number(r.n) }));
}

/**
 * The physical row positions (ascending) of each candidate file's rows matching a DML condition — what a
 * deletion vector marks. Files without a match are absent.
 *
 * @example `const byFile = await matchPositions(executor, snap, files, cond, "t", "delete()"); // Map { "/t/part-0.parquet" => [3, 17] }`
 */
export async function matchPositions(
  executor: DuckDBExecutor, snapshot: Snapshot, files: readonly DeltaFile[], condition: Expr, alias: string, context: string,
): Promise<Map<string, number[]>> {
  const params = new ParamCollector();
  const rel = await targetRelation(executor, snapshot, files, params, alias);
  const cond = targetExpr(condition, rel, params, alias, context);
  const { rows } = await executor.query(
    `SELECT ${TARGET_FILE} AS f, list(CAST(${TARGET_ROW} AS DOUBLE) ORDER BY ${TARGET_ROW}) AS p FROM (${rel.sql}) AS ${quoteIdent(alias)} WHERE coalesce(${cond}, false) GROUP BY 1`, params.bound, context,
  );
  return new Map(rows.map((r) => [String(r.f), (r.p as number[]).map(Number)]));
}

/**
 * Compile a user condition or value (Column expression or SQL string) against the target table.
 *
 * @example `targetExpr(condition, rel, params, "t", "delete()")`
 */
export function targetExpr(e: Expr, rel: TargetRelation, params: ParamCollector, alias: string, context: string): string {
  return compileExpr(e, { scope: new Scope([{ alias, fields: rel.fields }], context), params });
}
