/**
 * UPDATE of a Delta table (delta-spark's `DeltaTable.update(condition, set)`), copy-on-write: files holding a
 * row that satisfies the condition are removed and rewritten whole, changed rows with their new values and
 * the others copied; files without such rows are not touched. Candidate files come from partition pruning and
 * data skipping, so partition-only and min/max-selective predicates read little. With
 * `delta.enableDeletionVectors = true` (merge-on-read) only the changed rows are written, to new files, and
 * their old versions are marked deleted in deletion vectors (delta-dv.ts).
 */
import { deletionVectorsEnabled, removeOf, tableConstraints, type AddAction, type RemoveAction } from "../../delta/index.js";
import { AnalysisError } from "../../errors/index.js";
import { exprName, type Expr } from "../../expr/index.js";
import { didYouMean, quoteIdent } from "../../util/index.js";
import type { DeltaDmlResult } from "./delta-delete.js";
import {
  bytesOf, candidateFiles, commitDml, markRead, matchCounts, matchPositions, operationMetrics, startDml, targetExpr, targetRelation,
} from "./delta-dml.js";
import { logicalRows, markRowsDeleted, removalCounts, type DeletionVectorChanges } from "./delta-dv.js";
import { writeDataFiles } from "./delta-writer.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { ParamCollector } from "./params.js";

/** One `column = value` of an UPDATE or MERGE clause. @example `{ column: "qty", value: col("qty").plus(1).expr }` */
export interface DeltaAssignment {
  readonly column: string;
  readonly value: Expr;
}

/** An UPDATE of the table at `root`. @example `{ root: "/data/t", condition, set: [{ column: "qty", value }] }` */
export interface DeltaUpdateRequest {
  readonly root: string;
  readonly condition?: Expr;
  readonly set: readonly DeltaAssignment[];
  readonly alias?: string;
}

/**
 * Set columns of the rows satisfying `condition` (every row without one).
 *
 * @example
 * ```ts
 * await updateDelta(executor, { root: "/data/orders", condition: mk({ kind: "sql", text: "status = 'new'" }), set: [{ column: "status", value: lit("open").expr }] });
 * ```
 */
export async function updateDelta(executor: DuckDBExecutor, req: DeltaUpdateRequest): Promise<DeltaDmlResult> {
  const started = Date.now();
  const alias = req.alias ?? "__weir_t";
  const { txn, snapshot, close } = await startDml(executor, req.root, "UPDATE");
  try {
    const set = resolveAssignments(req.set, snapshot.schema.fields.map((f) => f.name), alias, "update()");
    const c = await candidateFiles(executor, snapshot, req.condition, alias);
    if (!req.condition) txn.readWholeTable();
    markRead(txn, c);
    let touched = c.files;
    let updatedRows = 0;
    let copiedRows = 0;
    let scanTimeMs = 0;
    let positions: Map<string, number[]> | undefined;
    if (c.exact) {
      updatedRows = c.files.reduce((n, f) => n + (logicalRows(f) ?? 0), 0);
    } else if (c.files.length && deletionVectorsEnabled(snapshot.configuration)) {
      const scanStart = Date.now();
      positions = await matchPositions(executor, snapshot, c.files, req.condition!, alias, "update()");
      touched = c.files.filter((f) => positions!.has(f.path));
      for (const p of positions.values()) updatedRows += p.length;
      scanTimeMs = Date.now() - scanStart;
    } else if (c.files.length) {
      const scanStart = Date.now();
      const counts = await matchCounts(executor, snapshot, c.files, req.condition!, alias, "update()");
      const hit = new Map(counts.filter((r) => r.matched > 0).map((r) => [r.path, r]));
      touched = c.files.filter((f) => hit.has(f.path));
      for (const r of hit.values()) {
        updatedRows += r.matched;
        copiedRows += r.total - r.matched;
      }
      scanTimeMs = Date.now() - scanStart;
    }
    let dv: DeletionVectorChanges | undefined;
    let removes: RemoveAction[] = touched.map((f) => removeOf(f.add));
    let written: AddAction[] = [];
    const rewriteStart = Date.now();
    if (touched.length) {
      const params = new ParamCollector();
      const rel = await targetRelation(executor, snapshot, touched, params, alias);
      const cond = req.condition && !c.exact ? `coalesce(${targetExpr(req.condition, rel, params, alias, "update()")}, false)` : "true";
      const cols = rel.fields.map((f) => {
        const a = set.get(f.name);
        if (!a) return quoteIdent(f.name);
        const value = targetExpr(a, rel, params, alias, "update()");
        return positions ? `${value} AS ${quoteIdent(f.name)}` : `CASE WHEN ${cond} THEN ${value} ELSE ${quoteIdent(alias)}.${quoteIdent(f.name)} END AS ${quoteIdent(f.name)}`;
      });
      // Merge-on-read writes only the changed rows; copy-on-write rewrites the files whole.
      const where = positions ? ` WHERE ${cond}` : "";
      written = await writeDataFiles(executor, { sql: `SELECT ${cols.join(", ")} FROM (${rel.sql}) AS ${quoteIdent(alias)}${where}`, params: params.bound, options: {} },
        snapshot.schema, snapshot.schema, snapshot.partitionColumns, req.root, tableConstraints(snapshot.schema, snapshot.configuration));
      if (positions) {
        dv = await markRowsDeleted(executor, req.root, touched, positions);
        removes = dv.removes;
      }
    }
    const r = removalCounts(removes, dv);
    const metrics = {
      numRemovedFiles: r.removed.length, numAddedFiles: written.length, numUpdatedRows: updatedRows, numCopiedRows: copiedRows, numAddedChangeFiles: 0,
      numRemovedBytes: bytesOf(r.removed), numAddedBytes: bytesOf(written), numDeletionVectorsAdded: r.dvAdded, numDeletionVectorsUpdated: r.dvUpdated,
      numDeletionVectorsRemoved: r.dvRemoved,
      executionTimeMs: Date.now() - started, scanTimeMs, rewriteTimeMs: touched.length ? Date.now() - rewriteStart : 0,
    };
    const version = await commitDml(txn, req.root, [...removes, ...(dv?.adds ?? []), ...written], written, {
      operation: "UPDATE", operationParameters: { predicate: req.condition ? [exprName(req.condition)] : [] },
      operationMetrics: operationMetrics(metrics),
    }, [dv?.dvFile]);
    return { version, metrics, ...(txn.warnings.length ? { warnings: [...txn.warnings] } : {}) };
  } finally {
    close();
  }
}

/**
 * Map target column → value expression, with the target alias stripped from names (`"t.qty"` → `qty`) and
 * unknown columns reported Spark's way with "did you mean".
 *
 * @example `resolveAssignments([{ column: "t.qty", value }], ["id", "qty"], "t", "update()") // Map { "qty" => value }`
 */
export function resolveAssignments(assignments: readonly DeltaAssignment[], columns: readonly string[], alias: string, context: string): Map<string, Expr> {
  const out = new Map<string, Expr>();
  for (const a of assignments) {
    let name = a.column;
    if (name.toLowerCase().startsWith(`${alias.toLowerCase()}.`)) name = name.slice(alias.length + 1);
    const found = columns.find((c) => c === name) ?? columns.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!found) {
      const guess = didYouMean(name, columns);
      throw new AnalysisError("WEIR_UNKNOWN_COLUMN", `Unknown column "${a.column}" in ${context} assignments.${guess ? ` Did you mean "${guess}"?` : ""} Columns: ${columns.join(", ")}`, {
        hint: guess ? `use "${guess}"` : "assign columns of the target table", details: { column: a.column, available: [...columns] },
      });
    }
    if (out.has(found)) {
      throw new AnalysisError("WEIR_INVALID_ARGUMENT", `Column "${found}" is assigned more than once in ${context}`, { hint: "assign each target column once" });
    }
    out.set(found, a.value);
  }
  return out;
}
