/**
 * MERGE INTO a Delta table (delta-spark's `DeltaTable.merge(source, condition)` builder), copy-on-write, in
 * Delta's two passes:
 *
 * ```
 *   source ──► TEMP TABLE (evaluated once; numSourceRows) — a view when the source is a cache table already
 *      │ source keys of `t.k = s.k` conjuncts vs each file's partition value / min-max stats (merge-pruning.ts)
 *      ▼
 *   candidate files ◄── partition pruning + data skipping (all files when NOT MATCHED BY SOURCE clauses exist)
 *      │ pass 1: target ⋈ source on the condition (key columns only), per target row: #matching source rows
 *      │         and the clause acting → touched files, rows per clause (the metrics)
 *      │         → several source rows for one target row: WEIR_DELTA_MERGE_DUPLICATE_SOURCE (nothing written)
 *      │         source ▷ candidate files (key columns only) → rows per insert clause
 *      ▼
 *   pass 2, one COPY … RETURN_STATS:
 *           touched files ⟕ source  → first clause whose condition holds decides: update / delete / copy
 *           ∪ source ▷ candidate files → insert clauses (source rows matching no target row)
 *      ▼
 *   new files (partitioned as the table, constraints checked) ─► commit MERGE: remove touched files, add new ones
 * ```
 * Files holding no row that a clause acts on are neither read in full nor rewritten; rows are counted in
 * pass 1 (copied rows = rows of rewritten files no clause acts on, from the files' stats), so the rewrite
 * streams straight into the data files without being materialized first.
 *
 * With `delta.enableDeletionVectors = true` (merge-on-read), pass 1 also collects the positions of the target
 * rows a clause acts on; pass 2 writes only updated and inserted rows, and those positions become deletion
 * vectors on the touched files (delta-dv.ts) — nothing is copied.
 */
import { deletionVectorsEnabled, removeOf, tableConstraints, type DeltaFile, type RemoveAction } from "../../delta/index.js";
import { DeltaError, AnalysisError } from "../../errors/index.js";
import { exprName, mk, type Expr } from "../../expr/index.js";
import { optimize, type Plan } from "../../plan/index.js";
import { t, toSparkSchemaJson, type StructType } from "../../types/index.js";
import { quoteIdent } from "../../util/index.js";
import type { ExternalScans } from "./compiler/compile-plan.js";
import { PlanCompiler } from "./compiler/compile-plan.js";
import { compileExpr } from "./compiler/compile-expr.js";
import { Scope, type Field } from "./compiler/relation.js";
import type { DeltaDmlResult } from "./delta-delete.js";
import { bytesOf, commitDml, operationMetrics, startDml, targetRelation, TARGET_FILE, TARGET_ROW } from "./delta-dml.js";
import { logicalRows, markRowsDeleted, removalCounts, type DeletionVectorChanges } from "./delta-dv.js";
import { mergeOnRead } from "./delta-merge-on-read.js";
import { resolveAssignments, type DeltaAssignment } from "./delta-update.js";
import { writeDataFiles } from "./delta-writer.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { mergeKeys } from "./merge-keys.js";
import { pruneByKeys } from "./merge-pruning.js";
import type { ParamCollector } from "./params.js";

/** One WHEN clause of a MERGE, in the order given. `"*"` = all columns from the source column of the same name. @example `{ kind: "matchedDelete" }` */
export type DeltaMergeClause =
  | { readonly kind: "matchedUpdate"; readonly condition?: Expr; readonly set: readonly DeltaAssignment[] | "*" }
  | { readonly kind: "matchedDelete"; readonly condition?: Expr }
  | { readonly kind: "notMatchedInsert"; readonly condition?: Expr; readonly values: readonly DeltaAssignment[] | "*" }
  | { readonly kind: "notMatchedBySourceUpdate"; readonly condition?: Expr; readonly set: readonly DeltaAssignment[] }
  | { readonly kind: "notMatchedBySourceDelete"; readonly condition?: Expr };

/** A MERGE of `source` into the table at `root`. @example `{ root, targetAlias: "t", source: updates.alias("s").plan, condition, clauses, external }` */
export interface DeltaMergeRequest {
  readonly root: string;
  readonly targetAlias?: string;
  readonly source: Plan;
  readonly condition: Expr;
  readonly clauses: readonly DeltaMergeClause[];
  /** How the source's own Delta scans are compiled (the session's). */
  readonly external: ExternalScans;
  /** Idempotent DML (Delta's txnAppId/txnVersion): skipped when the table already has this appId at `version` or later; else the commit carries the txn action. */
  readonly txn?: { readonly appId: string; readonly version: number };
  /** Stored as `commitInfo.userMetadata`. */
  readonly userMetadata?: string;
  /** Delta's MERGE schema evolution: source columns the table lacks are added to it by `*` clauses. */
  readonly schemaEvolution?: boolean;
}

const COPY = -1;
let tempCounter = 0;

/**
 * Run a MERGE and commit it; returns the version and Spark's MERGE metrics (`numTargetRowsInserted`, …).
 *
 * @example
 * ```ts
 * const { metrics } = await mergeIntoDelta(executor, { root, targetAlias: "t", source: src.alias("s").plan, condition: mk({ kind: "sql", text: "t.id = s.id" }),
 *   clauses: [{ kind: "matchedUpdate", set: "*" }, { kind: "notMatchedInsert", values: "*" }], external });
 * ```
 */
export async function mergeIntoDelta(executor: DuckDBExecutor, req: DeltaMergeRequest): Promise<DeltaDmlResult> {
  const started = Date.now();
  if (!req.clauses.length) throw new AnalysisError("WEIR_INVALID_ARGUMENT", "MERGE needs at least one WHEN clause", { hint: "add e.g. .whenMatchedUpdateAll() or .whenNotMatchedInsertAll()" });
  checkClauseOrder(req.clauses);
  const { txn, snapshot, close } = await startDml(executor, req.root, "MERGE");
  if (req.txn && (snapshot.txnVersion(req.txn.appId) ?? -1) >= req.txn.version) {
    close();
    return { version: undefined, metrics: { numSourceRows: 0, executionTimeMs: Date.now() - started } };
  }
  const srcTable = `__weir_merge_src_${process.pid}_${++tempCounter}`;
  let srcIsView = false;
  try {
    const compiler = new PlanCompiler(executor, req.external);
    const params = compiler.params;
    const srcAlias = sourceAlias(req.source) ?? "__weir_s";
    const tAlias = req.targetAlias ?? "__weir_t";
    if (srcAlias.toLowerCase() === tAlias.toLowerCase()) {
      throw new AnalysisError("WEIR_INVALID_ARGUMENT", `MERGE target and source have the same alias "${tAlias}"`, { hint: 'alias them differently: table.alias("t").merge(df.alias("s"), …)' });
    }
    // Evaluate the source once: it may be costly or non-deterministic, and both passes read it.
    const srcRel = await compiler.compile(optimize(req.source));
    const srcVisible = srcRel.fields.filter((f) => !f.hidden);
    assertUnique(srcVisible.map((f) => f.name));
    const srcCols = srcVisible.map((f) => `${quoteIdent(f.sqlName)} AS ${quoteIdent(f.name)}`);
    // A source already held in a cache table is fixed and cheap to read: a view over it spares copying it.
    srcIsView = cachedTable(req.source) !== undefined;
    await executor.exec(`CREATE TEMP ${srcIsView ? "VIEW" : "TABLE"} ${quoteIdent(srcTable)} AS SELECT ${srcCols.join(", ")}, true AS "__weir_sp" FROM (${srcRel.sql})`, params.bound, "merge()");
    const numSourceRows = Number((await executor.query(`SELECT count(*) AS n FROM ${quoteIdent(srcTable)}`, undefined, "merge()")).rows[0]?.n ?? 0);
    const srcFields: Field[] = srcVisible.map((f) => ({ name: f.name, sqlName: f.name, qualifiers: [srcAlias, ...f.qualifiers] }));
    const tFields: Field[] = snapshot.schema.fields.map((f) => ({ name: f.name, sqlName: f.name, qualifiers: [tAlias] }));
    // Schema evolution: source columns the table lacks are appended to its schema when a * clause sets them.
    const star = req.clauses.some((c) => ("set" in c && c.set === "*") || ("values" in c && c.values === "*"));
    const schema = req.schemaEvolution && star ? await evolvedSchema(executor, srcTable, snapshot.schema) : snapshot.schema;
    const known = new Set(snapshot.schema.fields.map((f) => f.name));
    /** A target column's value; NULL for a column the table gains in this MERGE. */
    const tCol = (n: string): string => (known.has(n) ? `${quoteIdent(tAlias)}.${quoteIdent(n)}` : "NULL");
    const scope = new Scope([{ alias: tAlias, fields: tFields }, { alias: srcAlias, fields: srcFields }], "merge()");
    const sql = (e: Expr, p: ParamCollector = params): string => compileExpr(e, { scope, params: p });
    const src = `${quoteIdent(srcTable)} AS ${quoteIdent(srcAlias)}`;
    const clauses = req.clauses.map((c) => expandClause(c, schema, srcFields, tAlias, srcAlias));

    const matched = clauses.filter((c) => c.kind === "matchedUpdate" || c.kind === "matchedDelete");
    const bySource = clauses.filter((c) => c.kind === "notMatchedBySourceUpdate" || c.kind === "notMatchedBySourceDelete");
    const inserts = clauses.filter((c) => c.kind === "notMatchedInsert");

    // ---- candidate files ----------------------------------------------------------------------
    const keys = mergeKeys(req.condition, scope, tAlias, srcAlias);
    let candidates = snapshot.files;
    let partitionCandidates: readonly DeltaFile[] | undefined;
    if (!bySource.length && snapshot.files.length && keys.length) {
      const pruned = await pruneByKeys(executor, srcTable, keys, snapshot);
      candidates = pruned.files;
      partitionCandidates = pruned.partitionFiles;
    }
    txn.markFilesRead(candidates.map((f) => f.add.path));
    txn.markPartitionsRead(partitionCandidates ? partitionCandidates.map((f) => f.add.partitionValues) : "all");

    // The clause a row goes to: CASE over the clauses' conditions, COPY when none holds.
    const names = schema.fields.map((f) => f.name);
    const constraints = tableConstraints(schema, snapshot.configuration);
    const kindOf = new Map<number, DeltaMergeClause["kind"] | "copy">([[COPY, "copy"]]);
    clauses.forEach((c, i) => kindOf.set(i, c.kind));
    const pick = (list: readonly ExpandedClause[], ref: (name: string) => string): { action: string; values: string[] } => {
      const whens = list.map((c) => `WHEN ${c.condition ? sql(c.condition) : "true"} THEN ${clauses.indexOf(c)}`);
      const action = whens.length ? `CASE ${whens.join(" ")} ELSE ${COPY} END` : String(COPY);
      const values = names.map((n) => {
        const sets = list.flatMap((c) => (c.assign?.has(n) ? [`WHEN ${clauses.indexOf(c)} THEN ${sql(c.assign.get(n)!)}`] : []));
        return sets.length ? `CASE "__weir_action" ${sets.join(" ")} ELSE ${ref(n)} END` : ref(n);
      });
      return { action, values };
    };
    const counts = new Map<string, number>();
    const count = (action: unknown, n: unknown): void => {
      const kind = kindOf.get(Number(action)) ?? "copy";
      counts.set(kind, (counts.get(kind) ?? 0) + Number(n));
    };

    // Merge-on-read: positions of the target rows some clause acts on, per file.
    const useDv = deletionVectorsEnabled(snapshot.configuration);
    const positions = new Map<string, number[]>();
    const deletes = clauses.flatMap((c, idx) => (c.kind === "matchedDelete" || c.kind === "notMatchedBySourceDelete" ? [idx] : []));
    const matchedOnly = !inserts.length && !bySource.length;
    const unambiguous = matched.length === 1 && matched[0]!.kind === "matchedDelete" && !matched[0]!.condition;
    let touched: readonly DeltaFile[] = [];
    let written: Awaited<ReturnType<typeof writeDataFiles>> = [];
    let scanTimeMs = 0;
    let rewriteStart = Date.now();
    if (useDv && !bySource.length && candidates.length) {
      // ---- merge-on-read: one source ⟕ target join (delta-merge-on-read.ts) ----------------------------
      const target = await targetRelation(executor, snapshot, candidates, params, tAlias);
      const r = await mergeOnRead(executor, {
        snapshot, root: req.root, params, source: src, target, targetAlias: tAlias, condition: sql(req.condition),
        // A target column is read only if some update keeps it (rows no clause acts on are not written): an
        // update-all MERGE reads just the key columns of the candidate files.
        matched: pick(matched, (n) => (matched.some((c) => c.kind === "matchedUpdate" && !c.assign?.has(n)) ? tCol(n) : "NULL")),
        inserts: pick(inserts, () => "NULL"), copy: COPY, deletes, matchedOnly, unambiguous, schema, constraints,
      });
      if (r.duplicate) throw duplicateSource(req.root, snapshot.version);
      for (const [a, n] of r.counts) count(a, n);
      for (const [f, p] of r.positions) positions.set(f, p);
      touched = candidates.filter((f) => positions.has(f.path));
      written = r.written;
      scanTimeMs = r.scanTimeMs;
      rewriteStart += r.scanTimeMs; // rewriteTimeMs: what followed the join
    } else {
      // ---- pass 1: touched files, duplicate matches, rows per clause --------------------------------
      // Only join keys and condition columns are read here (DuckDB prunes the other columns).
      const scanStart = Date.now();
      const touchedPaths = new Set<string>();
      const addPositions = (f: unknown, pos: unknown): void => {
        if (!useDv) return;
        const list = positions.get(String(f)) ?? [];
        for (const p of pos as unknown[]) list.push(Number(p));
        positions.set(String(f), list);
      };
      const posList = useDv ? `, list(CAST("__weir_pos" AS DOUBLE)) AS pos` : "";
      let maxPairs = 0;
      let actedRows = 0;
      if (candidates.length && (matched.length || bySource.length)) {
        const tgt = await targetRelation(executor, snapshot, candidates, params, tAlias);
        const target = `(${tgt.sql}) AS ${quoteIdent(tAlias)}`;
        const cond = sql(req.condition);
        const file = `${quoteIdent(tAlias)}.${TARGET_FILE}`;
        if (matched.length) {
          const acts = anyOf(matched.map((c) => c.condition), sql);
          // Per target row: #matching source rows (n), #of them some clause acts on (a), the clause acting (max:
          // with a <= 1 the acting pair's clause, COPY otherwise).
          const { rows } = await executor.query(
            `SELECT f, act, max(n) AS n, max(a) AS a, count(*) AS r${posList} FROM (SELECT ${file} AS f, ${quoteIdent(tAlias)}.${TARGET_ROW} AS "__weir_pos", count(*) AS n, count(*) FILTER (WHERE ${acts}) AS a, ` +
            `max(${pick(matched, () => "NULL").action}) AS act FROM ${target} JOIN ${src} ON (${cond}) GROUP BY ${file}, ${quoteIdent(tAlias)}.${TARGET_ROW}) GROUP BY f, act`,
            params.bound, "merge()",
          );
          // Spark counts every matching source row, except in merges made only of WHEN MATCHED clauses, where it
          // counts those satisfying some clause's condition. One unconditional delete is never ambiguous.
          for (const r of rows) {
            maxPairs = Math.max(maxPairs, Number(r.n));
            if (Number(r.a) > 0) touchedPaths.add(String(r.f));
            if (!unambiguous && Number(matchedOnly ? r.a : r.n) > 1) throw duplicateSource(req.root, snapshot.version);
          }
          for (const r of rows) {
            if (Number(r.act) === COPY) continue;
            count(r.act, r.r);
            actedRows += Number(r.r);
            addPositions(r.f, r.pos);
          }
        }
        if (bySource.length) {
          const { rows } = await executor.query(
            `SELECT f, act, count(*) AS r${posList} FROM (SELECT ${file} AS f, ${quoteIdent(tAlias)}.${TARGET_ROW} AS "__weir_pos", ${pick(bySource, () => "NULL").action} AS act FROM ${target} ANTI JOIN ${src} ON (${cond})) GROUP BY 1, 2`,
            params.bound, "merge()",
          );
          for (const r of rows) {
            if (Number(r.act) === COPY) continue;
            touchedPaths.add(String(r.f));
            count(r.act, r.r);
            actedRows += Number(r.r);
            addPositions(r.f, r.pos);
          }
        }
      }
      touched = candidates.filter((f) => touchedPaths.has(f.path));
      scanTimeMs = Date.now() - scanStart;

      // ---- pass 2: rewrite touched files and insert unmatched source rows, in one COPY ----------------
      rewriteStart = Date.now();
      const branches: string[] = [];
      if (touched.length) {
        const tgt = await targetRelation(executor, snapshot, touched, params, tAlias);
        const m = pick(matched, tCol);
        const b = pick(bySource, tCol);
        const action = `CASE WHEN ${quoteIdent(srcAlias)}."__weir_sp" THEN (${m.action}) ELSE (${b.action}) END`;
        const cols = names.map((n, i) => {
          const mc = m.values[i]!;
          const bc = b.values[i]!;
          return mc === bc ? `${mc} AS ${quoteIdent(n)}` : `CASE WHEN ${quoteIdent(srcAlias)}."__weir_sp" THEN ${mc} ELSE ${bc} END AS ${quoteIdent(n)}`;
        });
        const dedupe = maxPairs > 1 ? ` QUALIFY row_number() OVER (PARTITION BY ${quoteIdent(tAlias)}.${TARGET_FILE}, ${quoteIdent(tAlias)}.${TARGET_ROW} ORDER BY ("__weir_action" = ${COPY})) = 1` : "";
        // Merge-on-read keeps only rows a clause acts on.
        const changed = `SELECT ${action} AS "__weir_action", ${cols.join(", ")} FROM (${tgt.sql}) AS ${quoteIdent(tAlias)} LEFT JOIN ${src} ON (${sql(req.condition)})${dedupe}`;
        branches.push(useDv ? `SELECT * FROM (${changed}) WHERE "__weir_action" <> ${COPY}` : changed);
        if (!useDv) {
          // Rows of rewritten files no clause acts on are copied.
          let total = touched.every((f) => logicalRows(f) !== undefined) ? touched.reduce((n, f) => n + logicalRows(f)!, 0) : undefined;
          if (total === undefined) total = Number((await executor.query(`SELECT count(*) AS n FROM (${tgt.sql})`, params.bound, "merge()")).rows[0]?.n ?? 0);
          count(COPY, total - actedRows);
        }
      }
      if (inserts.length && numSourceRows > 0) {
        const tgt = await targetRelation(executor, snapshot, candidates, params, tAlias);
        const i = pick(inserts, () => "NULL");
        const unmatched = `${src} ANTI JOIN (${tgt.sql}) AS ${quoteIdent(tAlias)} ON (${sql(req.condition)})`;
        // Counted apart from the COPY below (reading only the target's key columns) so the rewrite is one pass.
        const { rows } = await executor.query(`SELECT ${i.action} AS a, count(*) AS n FROM ${unmatched} GROUP BY 1`, params.bound, "merge()");
        for (const r of rows) if (Number(r.a) !== COPY) count(r.a, r.n);
        if (rows.some((r) => Number(r.a) !== COPY)) {
          branches.push(`SELECT * FROM (SELECT ${i.action} AS "__weir_action", ${i.values.map((v, k) => `${v} AS ${quoteIdent(names[k]!)}`).join(", ")} FROM ${unmatched}) WHERE "__weir_action" <> ${COPY}`);
        }
      }
      if (branches.length) {
        const body = branches.length === 1 ? branches[0]! : branches.map((x) => `(${x})`).join(" UNION ALL ");
        const keep = deletes.length ? ` WHERE "__weir_action" NOT IN (${deletes.join(", ")})` : "";
        written = await writeDataFiles(executor, { sql: `SELECT ${names.map(quoteIdent).join(", ")} FROM (${body})${keep}`, params: params.bound, options: {} },
          schema, schema, snapshot.partitionColumns, req.root, constraints);
      }
    }
    let dv: DeletionVectorChanges | undefined;
    let removes: RemoveAction[] = touched.map((f) => removeOf(f.add));
    if (useDv && touched.length) {
      for (const list of positions.values()) list.sort((a, b) => a - b);
      dv = await markRowsDeleted(executor, req.root, touched, positions);
      removes = dv.removes;
    }
    const r = removalCounts(removes, dv);
    const n = (k: DeltaMergeClause["kind"] | "copy"): number => counts.get(k) ?? 0;
    const metrics = {
      numSourceRows, numTargetRowsInserted: n("notMatchedInsert"), numTargetRowsUpdated: n("matchedUpdate") + n("notMatchedBySourceUpdate"),
      numTargetRowsMatchedUpdated: n("matchedUpdate"), numTargetRowsNotMatchedBySourceUpdated: n("notMatchedBySourceUpdate"),
      numTargetRowsDeleted: n("matchedDelete") + n("notMatchedBySourceDelete"), numTargetRowsMatchedDeleted: n("matchedDelete"),
      numTargetRowsNotMatchedBySourceDeleted: n("notMatchedBySourceDelete"), numTargetRowsCopied: n("copy"),
      numOutputRows: n("notMatchedInsert") + n("matchedUpdate") + n("notMatchedBySourceUpdate") + n("copy"),
      numTargetFilesAdded: written.length, numTargetFilesRemoved: r.removed.length, numTargetChangeFilesAdded: 0,
      numTargetBytesAdded: bytesOf(written), numTargetBytesRemoved: bytesOf(r.removed), numTargetDeletionVectorsAdded: r.dvAdded,
      numTargetDeletionVectorsUpdated: r.dvUpdated, numTargetDeletionVectorsRemoved: r.dvRemoved,
      executionTimeMs: Date.now() - started, scanTimeMs, rewriteTimeMs: Date.now() - rewriteStart,
    };
    // Returned, not logged (Spark's commitInfo has no such metrics).
    const scanned = { numTargetFilesScanned: candidates.length, numTargetFilesTotal: snapshot.files.length };
    const txnAction = req.txn ? [{ kind: "txn" as const, appId: req.txn.appId, version: req.txn.version, lastUpdated: Date.now() }] : [];
    const evolved = schema === snapshot.schema ? [] : [{ ...snapshot.metadata, schemaString: toSparkSchemaJson(schema) }];
    const version = await commitDml(txn, req.root, [...evolved, ...removes, ...(dv?.adds ?? []), ...written, ...txnAction], written, {
      operation: "MERGE",
      operationParameters: {
        predicate: exprName(req.condition),
        matchedPredicates: matched.map((c) => ({ ...(c.condition ? { predicate: exprName(c.condition) } : {}), actionType: c.kind === "matchedDelete" ? "delete" : "update" })),
        notMatchedPredicates: inserts.map((c) => ({ ...(c.condition ? { predicate: exprName(c.condition) } : {}), actionType: "insert" })),
        notMatchedBySourcePredicates: bySource.map((c) => ({ ...(c.condition ? { predicate: exprName(c.condition) } : {}), actionType: c.kind === "notMatchedBySourceDelete" ? "delete" : "update" })),
      },
      operationMetrics: operationMetrics(metrics),
      ...(req.userMetadata !== undefined ? { userMetadata: req.userMetadata } : {}),
    }, [dv?.dvFile]);
    return { version, metrics: { ...metrics, ...scanned }, ...(txn.warnings.length ? { warnings: [...txn.warnings] } : {}) };
  } finally {
    await executor.exec(`DROP ${srcIsView ? "VIEW" : "TABLE"} IF EXISTS ${quoteIdent(srcTable)}`).catch(() => undefined);
    close();
  }
}

interface ExpandedClause {
  readonly kind: DeltaMergeClause["kind"];
  readonly condition: Expr | undefined;
  readonly assign: Map<string, Expr> | undefined;
}

function expandClause(c: DeltaMergeClause, schema: StructType, srcFields: readonly Field[], tAlias: string, srcAlias: string): ExpandedClause {
  const all = (): DeltaAssignment[] => schema.fields.map((f) => {
    const s = srcFields.find((x) => x.name === f.name) ?? srcFields.find((x) => x.name.toLowerCase() === f.name.toLowerCase());
    if (!s) {
      throw new AnalysisError("WEIR_UNKNOWN_COLUMN", `Cannot resolve ${tAlias === "__weir_t" ? "" : `${tAlias}.`}${f.name} in ${c.kind === "notMatchedInsert" ? "whenNotMatchedInsertAll" : "whenMatchedUpdateAll"}(): the source has no column "${f.name}". Source columns: ${srcFields.map((x) => x.name).join(", ")}`, {
        hint: "add the column to the source, or list the assignments with whenMatchedUpdate({ set }) / whenNotMatchedInsert({ values })", details: { column: f.name },
      });
    }
    return { column: f.name, value: mk<Expr>({ kind: "column", name: s.name, qualifier: srcAlias }) };
  });
  const names = schema.fields.map((f) => f.name);
  switch (c.kind) {
    case "matchedUpdate": return { kind: c.kind, condition: c.condition, assign: resolveAssignments(c.set === "*" ? all() : c.set, names, tAlias, "whenMatchedUpdate()") };
    case "notMatchedInsert": return { kind: c.kind, condition: c.condition, assign: resolveAssignments(c.values === "*" ? all() : c.values, names, tAlias, "whenNotMatchedInsert()") };
    case "notMatchedBySourceUpdate": return { kind: c.kind, condition: c.condition, assign: resolveAssignments(c.set, names, tAlias, "whenNotMatchedBySourceUpdate()") };
    case "matchedDelete": case "notMatchedBySourceDelete": return { kind: c.kind, condition: c.condition, assign: undefined };
    default: { const never: never = c; return never; }
  }
}

/** Spark: within each kind, only the last clause may omit its condition. */
function checkClauseOrder(clauses: readonly DeltaMergeClause[]): void {
  const groups: Record<string, string> = { matchedUpdate: "WHEN MATCHED", matchedDelete: "WHEN MATCHED", notMatchedInsert: "WHEN NOT MATCHED", notMatchedBySourceUpdate: "WHEN NOT MATCHED BY SOURCE", notMatchedBySourceDelete: "WHEN NOT MATCHED BY SOURCE" };
  for (const g of new Set(Object.values(groups))) {
    const list = clauses.filter((c) => groups[c.kind] === g);
    list.slice(0, -1).forEach((c) => {
      if (!c.condition) {
        throw new AnalysisError("WEIR_INVALID_ARGUMENT", `When there are more than one ${g} clauses in a MERGE statement, only the last ${g} clause can omit the condition`, {
          hint: "add a condition to the earlier clause or move the unconditional one last",
        });
      }
    });
  }
}

function anyOf(conditions: readonly (Expr | undefined)[], sql: (e: Expr) => string): string {
  if (conditions.some((c) => !c)) return "true";
  return conditions.map((c) => `coalesce(${sql(c!)}, false)`).join(" OR ");
}

/** The cache table a source plan reads as it is (`cached.alias("s")`), if any. */
function cachedTable(p: Plan): string | undefined {
  const inner = p.kind === "alias" ? p.input : p;
  return inner.kind === "materialized" && inner.storage.kind === "table" ? inner.storage.name : undefined;
}

function sourceAlias(p: Plan): string | undefined {
  return p.kind === "alias" ? p.alias : undefined;
}

/** The table schema plus the source's columns it lacks (nullable, appended in source order). */
async function evolvedSchema(executor: DuckDBExecutor, srcTable: string, table: StructType): Promise<StructType> {
  const cols = await executor.describe(`SELECT * EXCLUDE ("__weir_sp") FROM ${quoteIdent(srcTable)}`, undefined, "merge()");
  const added = cols.filter((c) => !table.fields.some((f) => f.name.toLowerCase() === c.name.toLowerCase()));
  return added.length ? t.structOf([...table.fields, ...added.map((c) => ({ name: c.name, type: c.type, nullable: true }))]) : table;
}

function assertUnique(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase())) {
      throw new AnalysisError("WEIR_AMBIGUOUS_COLUMN", `The MERGE source has two columns named "${n}"`, { hint: "rename or drop one of them before merging" });
    }
    seen.add(n.toLowerCase());
  }
}

/**
 * Spark's DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE, as WEIR_DELTA_MERGE_DUPLICATE_SOURCE.
 */
function duplicateSource(root: string, version: number): DeltaError {
  return new DeltaError("WEIR_DELTA_MERGE_DUPLICATE_SOURCE",
    `Cannot perform Merge as multiple source rows matched and attempted to modify the same target row in the Delta table at ${root} in possibly conflicting ways. ` +
    "By SQL semantics of Merge, when multiple source rows match on the same target row, the result may be ambiguous as it is unclear which source row should be used to update or delete the matching target row", {
      hint: "preprocess the source to eliminate the possibility of multiple matches, e.g. source.dropDuplicates([\"id\"]) or keep the latest row per key with a window",
      details: { table: root, version },
    });
}
