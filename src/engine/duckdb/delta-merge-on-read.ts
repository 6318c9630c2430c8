/**
 * The merge-on-read MERGE (table with `delta.enableDeletionVectors = true`, no WHEN NOT MATCHED BY SOURCE
 * clause): one source ⟕ target join instead of copy-on-write's two passes, since no target row without a
 * source match changes.
 *
 * ```
 *   source ⟕ candidate files ON condition ──► TEMP TABLE pairs (file, position, clause, new row values)
 *        │                                       one pass over the candidate files
 *        ├─► several source rows acting on one target row? ──► WEIR_DELTA_MERGE_DUPLICATE_SOURCE (nothing written)
 *        ├─► rows per clause (the metrics), positions per file (the deletion vectors)
 *        └─► COPY the updated and inserted rows into new files
 * ```
 * Unmatched target rows never leave their files; matched rows a clause acts on are marked deleted by the
 * caller (delta-dv.ts) and, when updated, written anew.
 */
import type { AddAction, Snapshot, TableConstraint } from "../../delta/index.js";
import type { StructType } from "../../types/index.js";
import { quoteIdent } from "../../util/index.js";
import type { TargetRelation } from "./delta-dml.js";
import { TARGET_FILE, TARGET_ROW } from "./delta-dml.js";
import { writeDataFiles } from "./delta-writer.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import type { ParamCollector } from "./params.js";

/** The clause chosen for a row (`action`, a CASE yielding the clause index or `copy`) and the new row's column values. */
export interface ClausePick {
  readonly action: string;
  readonly values: readonly string[];
}

/** What {@link mergeOnRead} needs: compiled SQL pieces of the MERGE. @example see mergeIntoDelta */
export interface MergeOnReadRequest {
  readonly snapshot: Snapshot;
  readonly root: string;
  readonly params: ParamCollector;
  /** `"<source temp table>" AS "<alias>"`. */
  readonly source: string;
  readonly target: TargetRelation;
  readonly targetAlias: string;
  /** The MERGE condition, compiled. */
  readonly condition: string;
  /** WHEN MATCHED clauses (values default to the target's columns) and WHEN NOT MATCHED clauses (default NULL). */
  readonly matched: ClausePick;
  readonly inserts: ClausePick;
  /** Clause index meaning "no clause acts". */
  readonly copy: number;
  /** Indexes of delete clauses (their rows are not written). */
  readonly deletes: readonly number[];
  /** Whether several source rows may match one target row only when at most one of them acts (merges of WHEN MATCHED clauses only). */
  readonly matchedOnly: boolean;
  /** A single unconditional WHEN MATCHED DELETE: several matches are never ambiguous. */
  readonly unambiguous: boolean;
  /** The table schema after the MERGE (wider than the snapshot's with schema evolution). */
  readonly schema: StructType;
  readonly constraints: readonly TableConstraint[];
}

/** Rows per clause index, physical positions per touched file, the files written, or `duplicate` (nothing written). */
export interface MergeOnReadResult {
  readonly duplicate: boolean;
  readonly counts: ReadonlyMap<number, number>;
  readonly positions: ReadonlyMap<string, number[]>;
  readonly written: AddAction[];
  readonly scanTimeMs: number;
}

let tempCounter = 0;

/**
 * Run the join, check for ambiguous matches, count, and write the new rows.
 *
 * @example
 * ```ts
 * const r = await mergeOnRead(executor, { snapshot, root, params, source, target, targetAlias: "t", condition, matched, inserts, copy: -1, deletes: [], matchedOnly: false, unambiguous: false, constraints });
 * if (r.duplicate) throw duplicateSource(root, snapshot.version);
 * ```
 */
export async function mergeOnRead(executor: DuckDBExecutor, req: MergeOnReadRequest): Promise<MergeOnReadResult> {
  const started = Date.now();
  const T = quoteIdent(req.targetAlias);
  const isNew = `${T}.${TARGET_FILE} IS NULL`;
  const names = req.schema.fields.map((f) => f.name);
  const cols = names.map((n, k) => `CASE WHEN ${isNew} THEN ${req.inserts.values[k]} ELSE ${req.matched.values[k]} END AS ${quoteIdent(n)}`);
  const pairs = quoteIdent(`__weir_merge_pairs_${process.pid}_${++tempCounter}`);
  const COPY = req.copy;
  await executor.exec(
    `CREATE TEMP TABLE ${pairs} AS SELECT * FROM (SELECT ${T}.${TARGET_FILE} AS "__weir_f", ${T}.${TARGET_ROW} AS "__weir_pos", ` +
    `CASE WHEN ${isNew} THEN (${req.inserts.action}) ELSE (${req.matched.action}) END AS "__weir_action", ${cols.join(", ")} ` +
    `FROM ${req.source} LEFT JOIN (${req.target.sql}) AS ${T} ON (${req.condition})) WHERE "__weir_action" <> ${COPY} OR "__weir_f" IS NOT NULL`,
    req.params.bound, "merge()",
  );
  try {
    // Per touched file, the positions of matched pairs a clause acts on (p) and of the others (q): a position
    // twice among p (merges of WHEN MATCHED clauses only) or among p and q (otherwise) means several source rows
    // matched one target row. Checked on the sorted lists here, cheaper than DISTINCT counts in SQL.
    const acting = `"__weir_action" <> ${COPY}`;
    const pos = `CAST("__weir_pos" AS DOUBLE)`;
    const { rows: byFile } = await executor.query(
      `SELECT "__weir_f" AS f, list(${pos}) FILTER (WHERE ${acting}) AS p, list(${pos}) FILTER (WHERE NOT (${acting})) AS q FROM ${pairs} WHERE "__weir_f" IS NOT NULL GROUP BY 1`,
      undefined, "merge()",
    );
    const positions = new Map<string, number[]>();
    for (const r of byFile) {
      const p = sortedNumbers(r.p);
      const all = req.matchedOnly ? p : sortedNumbers([...p, ...((r.q ?? []) as unknown[])]);
      if (!req.unambiguous && hasRepeats(all)) return { duplicate: true, counts: new Map(), positions: new Map(), written: [], scanTimeMs: Date.now() - started };
      if (p.length) positions.set(String(r.f), req.unambiguous ? p.filter((x, i) => i === 0 || x !== p[i - 1]) : p);
    }
    const counts = new Map<number, number>();
    const { rows: perClause } = await executor.query(`SELECT "__weir_action" AS a, count(*) AS n FROM ${pairs} WHERE ${acting} GROUP BY 1`, undefined, "merge()");
    for (const r of perClause) counts.set(Number(r.a), Number(r.n));
    if (req.unambiguous) { // one delete clause; several source rows may name the same target row
      counts.set(req.deletes[0]!, [...positions.values()].reduce((n, p) => n + p.length, 0));
    }
    const scanTimeMs = Date.now() - started;
    const keep = [COPY, ...req.deletes].join(", ");
    const written = counts.size && [...counts.keys()].some((a) => !req.deletes.includes(a))
      ? await writeDataFiles(executor, { sql: `SELECT ${names.map(quoteIdent).join(", ")} FROM ${pairs} WHERE "__weir_action" NOT IN (${keep})`, params: { values: {}, types: {} }, options: {} },
        req.schema, req.schema, req.snapshot.partitionColumns, req.root, req.constraints)
      : [];
    return { duplicate: false, counts, positions, written, scanTimeMs };
  } finally {
    await executor.exec(`DROP TABLE IF EXISTS ${pairs}`).catch(() => undefined);
  }
}

function sortedNumbers(list: unknown): number[] {
  return ((list ?? []) as unknown[]).map(Number).sort((a, b) => a - b);
}

function hasRepeats(sorted: readonly number[]): boolean {
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return true;
  return false;
}
