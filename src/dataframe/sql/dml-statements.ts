import { WeirError } from "../../errors/index.js";
import { t } from "../../types/index.js";
import { DataFrame } from "../dataframe.js";
import { DeltaTable } from "../delta-table.js";
import type { Row } from "../typed.js";
import type { CommandOutput } from "./command-result.js";
import type { StatementContext } from "./ddl-statements.js";
import { tokenize } from "./sql-lexer.js";
import type { MergeClause, TableRef, WeirStatement } from "./statement-ast.js";
import { insertInto } from "./table-writes.js";
import type { Session } from "../session.js";

type Dml = Extract<WeirStatement, { kind: "insert" | "merge" | "update" | "delete" | "optimize" | "vacuum" | "restore" | "addConstraint" | "dropConstraint" }>;

/**
 * INSERT, MERGE, UPDATE, DELETE, OPTIMIZE, VACUUM, RESTORE on a catalog table or `` delta.`/path` ``, routed
 * onto delta-spark's `DeltaTable` API; the output rows are Delta's (`num_affected_rows`, …).
 *
 * @example
 * ```ts
 * await runDml(ctx, session, { kind: "delete", table: { kind: "name", name: "t" }, where: "id = 3" });
 * ```
 */
export async function runDml(ctx: StatementContext, session: Session, s: Dml): Promise<CommandOutput> {
  const { catalog } = ctx;
  switch (s.kind) {
    case "insert": {
      const target = catalog.deltaTarget(s.table);
      const source = catalog.sqlPlan(s.query, ctx.params);
      const res = await insertInto(ctx.runtime, catalog, source, { path: target.path, label: label(s.table) }, { overwrite: s.overwrite, ...(s.columns ? { columns: s.columns } : {}) });
      return counts({ num_affected_rows: res.rows, num_inserted_rows: res.rows });
    }
    case "merge": {
      noParams(ctx, [s.on, ...s.clauses.flatMap((c) => [c.condition ?? "", ...actionTexts(c.action)])], "MERGE");
      const table = await DeltaTable.forPath(session, catalog.deltaTarget(s.target).path);
      const sourceAlias = s.sourceAlias ?? (s.source.startsWith("(") ? "source" : s.source.split(".").pop()!.replaceAll("`", ""));
      const source = new DataFrame<Row>(ctx.runtime, catalog.sqlPlan(`SELECT * FROM ${s.source}`, ctx.params)).alias(sourceAlias);
      let b = table.alias(s.targetAlias ?? targetName(s.target)).merge(source as DataFrame<unknown>, s.on);
      if (s.withSchemaEvolution) b = b.withSchemaEvolution();
      for (const c of s.clauses) {
        const cond = c.condition;
        const a = c.action;
        if (c.when === "matched") {
          if (a.kind === "update") b = b.whenMatchedUpdate({ ...(cond !== undefined ? { condition: cond } : {}), set: assignments(a.set) });
          else if (a.kind === "updateAll") b = b.whenMatchedUpdateAll(cond);
          else if (a.kind === "delete") b = b.whenMatchedDelete(cond);
        } else if (c.when === "notMatched") {
          if (a.kind === "insert") b = b.whenNotMatchedInsert({ ...(cond !== undefined ? { condition: cond } : {}), values: Object.fromEntries(a.columns.map((col, i) => [col, a.values[i]!])) });
          else if (a.kind === "insertAll") b = b.whenNotMatchedInsertAll(cond);
        } else if (a.kind === "update") b = b.whenNotMatchedBySourceUpdate({ ...(cond !== undefined ? { condition: cond } : {}), set: assignments(a.set) });
        else if (a.kind === "delete") b = b.whenNotMatchedBySourceDelete(cond);
      }
      const m = await b.execute();
      const updated = m.numTargetRowsUpdated, deleted = m.numTargetRowsDeleted, inserted = m.numTargetRowsInserted;
      return counts({ num_affected_rows: updated + deleted + inserted, num_updated_rows: updated, num_deleted_rows: deleted, num_inserted_rows: inserted });
    }
    case "update": {
      noParams(ctx, [s.where ?? "", ...s.set.map((x) => x.expr)], "UPDATE");
      const table = await deltaTable(ctx, session, s.table, s.alias);
      const m = await table.update(s.where, assignments(s.set));
      return counts({ num_affected_rows: m.numUpdatedRows });
    }
    case "delete": {
      noParams(ctx, [s.where ?? ""], "DELETE");
      const table = await deltaTable(ctx, session, s.table, s.alias);
      const m = await table.delete(s.where);
      return counts({ num_affected_rows: m.numDeletedRows });
    }
    case "optimize": {
      noParams(ctx, [s.where ?? ""], "OPTIMIZE");
      const table = await deltaTable(ctx, session, s.table);
      let b = table.optimize();
      if (s.where !== undefined) b = b.where(s.where);
      const m = s.zorderBy.length ? await b.executeZOrderBy(...s.zorderBy) : await b.executeCompaction();
      const metrics = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      return { rows: [{ path: table.path, metrics }], schema: t.struct({ path: t.string(), metrics: t.map(t.string(), t.string()) }) };
    }
    case "vacuum": {
      const table = await deltaTable(ctx, session, s.table);
      const res = s.dryRun ? await table.vacuumDryRun(s.retainHours) : await table.vacuum(s.retainHours);
      // Spark: DRY RUN lists the files that would be deleted; a real run returns the table path.
      return s.dryRun ? { rows: res.filesDeleted.map((path) => ({ path })), schema: t.struct({ path: t.string() }) } : { rows: [{ path: table.path }], schema: t.struct({ path: t.string() }) };
    }
    case "restore": {
      const table = await deltaTable(ctx, session, s.table);
      const m = s.version !== undefined ? await table.restoreToVersion(s.version) : await table.restoreToTimestamp(s.timestamp!);
      return {
        rows: [{ table_size_after_restore: BigInt(m.tableSizeAfterRestore), num_of_files_after_restore: BigInt(m.numOfFilesAfterRestore), num_removed_files: BigInt(m.numRemovedFiles), num_restored_files: BigInt(m.numRestoredFiles), removed_files_size: BigInt(m.removedFilesSize), restored_files_size: BigInt(m.restoredFilesSize) }],
        schema: t.struct({ table_size_after_restore: t.int64(), num_of_files_after_restore: t.int64(), num_removed_files: t.int64(), num_restored_files: t.int64(), removed_files_size: t.int64(), restored_files_size: t.int64() }),
      };
    }
    case "addConstraint": {
      const table = await deltaTable(ctx, session, s.table);
      await table.addConstraint(s.name, s.check);
      return { rows: [] };
    }
    case "dropConstraint": {
      const table = await deltaTable(ctx, session, s.table);
      await table.dropConstraint(s.name, s.ifExists);
      return { rows: [] };
    }
    default: { const never: never = s; return never; }
  }
}

async function deltaTable(ctx: StatementContext, session: Session, ref: TableRef, alias?: string): Promise<DeltaTable> {
  const target = ctx.catalog.deltaTarget(ref);
  const table = await DeltaTable.forPath(session, target.path);
  return alias !== undefined ? table.alias(alias) : ref.kind === "name" ? table.alias(targetName(ref)) : table;
}

function targetName(ref: TableRef): string {
  return ref.kind === "name" ? ref.name.split(".").pop()!.replaceAll("`", "") : "delta";
}

function label(ref: TableRef): string {
  return ref.kind === "name" ? ref.name : `delta.\`${ref.path}\``;
}

function assignments(set: readonly { column: string; expr: string }[]): Record<string, string> {
  return Object.fromEntries(set.map((a) => [a.column, a.expr]));
}

function actionTexts(a: MergeClause["action"]): string[] {
  if (a.kind === "update") return a.set.map((x) => x.expr);
  if (a.kind === "insert") return [...a.values];
  return [];
}

function counts(values: Readonly<Record<string, number>>): CommandOutput {
  const row = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, BigInt(v)]));
  return { rows: [row], schema: t.structOf(Object.keys(values).map((name) => ({ name, type: t.int64(), nullable: false }))) };
}

/** `$params` are bound in queries (INSERT … SELECT, MERGE's USING subquery) but not inside DeltaTable expressions. */
function noParams(ctx: StatementContext, texts: readonly string[], what: string): void {
  for (const text of texts) {
    const p = tokenize(text).find((tok) => tok.kind === "param");
    if (p) {
      throw new WeirError("WEIR_UNSUPPORTED_OPERATION", `${what}: parameter ${p.text} cannot be used in a condition or SET value`, {
        hint: "bind it in a query instead, e.g. MERGE INTO t USING (SELECT *, $x AS x FROM s) s …, or use the DeltaTable API with lit(value)", details: { params: Object.keys(ctx.params) },
      });
    }
  }
}
