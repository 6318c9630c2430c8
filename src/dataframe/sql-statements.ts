/**
 * Weir's SQL statements in `session.sql`: the catalog's DDL (databases, tables, views), DESCRIBE/SHOW, and
 * Delta's DML (INSERT, MERGE, UPDATE, DELETE, OPTIMIZE, VACUUM, RESTORE) on catalog tables and
 * `` delta.`/path` ``. Everything else is a query in DuckDB's dialect, where catalog tables are readable by
 * name (see `Catalog.sqlPlan`).
 *
 * ```
 *   session.sql(text, params) ─► parseWeirStatement ─┬─ undefined ─► Catalog.sqlPlan: table refs → CTEs ─► DataFrame
 *                                                    └─ statement ─► runStatement (eager) ─► DataFrame of its output
 * ```
 */
import type { Catalog } from "./catalog-api.js";
import type { DataFrame } from "./dataframe.js";
import type { Runtime } from "./runtime.js";
import type { Session } from "./session.js";
import type { Row } from "./typed.js";
import { commandDataFrame, type CommandOutput } from "./sql/command-result.js";
import { runDdl, type StatementContext } from "./sql/ddl-statements.js";
import { runDescribe } from "./sql/describe-statements.js";
import { runDml } from "./sql/dml-statements.js";
import type { WeirStatement } from "./sql/statement-ast.js";

export { parseWeirStatement } from "./sql/parse-statement.js";
export type { WeirStatement } from "./sql/statement-ast.js";

/**
 * Start a Weir statement (it runs eagerly, as in Spark) and return the DataFrame of its output; awaiting
 * that DataFrame waits for the statement and surfaces its error.
 *
 * @example
 * ```ts
 * const stmt = parseWeirStatement("SHOW TABLES");
 * if (stmt) await runStatement(session, runtime, catalog, stmt, {}).show();
 * ```
 */
export function runStatement(session: Session, runtime: Runtime, catalog: Catalog, statement: WeirStatement, params: Readonly<Record<string, unknown>>): DataFrame<Row> {
  const ctx: StatementContext = { runtime, catalog, params };
  return commandDataFrame(runtime, () => execute(ctx, session, statement));
}

async function execute(ctx: StatementContext, session: Session, s: WeirStatement): Promise<CommandOutput> {
  switch (s.kind) {
    case "createDatabase": case "dropDatabase": case "use": case "showDatabases": case "showTables": case "createTable": case "createView":
    case "dropTable": case "renameTable": case "setProperties": case "unsetProperties": case "showTblProperties":
      return runDdl(ctx, s);
    case "describeTable": case "describeHistory": case "describeDetail":
      return runDescribe(ctx, session, s);
    case "insert": case "merge": case "update": case "delete": case "optimize": case "vacuum": case "restore": case "addConstraint": case "dropConstraint":
      return runDml(ctx, session, s);
    default: { const never: never = s; return never; }
  }
}
