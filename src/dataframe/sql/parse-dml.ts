import { isKeyword } from "./sql-lexer.js";
import type { SqlCursor } from "./sql-cursor.js";
import type { Assignment, MergeClause, WeirStatement } from "./statement-ast.js";

const CLAUSE_WORDS = ["ON", "WHEN", "USING", "SET", "WHERE"];

/**
 * INSERT, MERGE, UPDATE, DELETE, OPTIMIZE, VACUUM, RESTORE (Delta's SQL); `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseDml(new SqlCursor(text, tokenize(text))); // { kind: "delete", table: { kind: "name", name: "t" }, where: "id = 3" }
 * ```
 */
export function parseDml(c: SqlCursor): WeirStatement | undefined {
  if (c.accept("INSERT")) {
    const overwrite = c.accept("OVERWRITE");
    if (!overwrite) c.expect("INTO");
    c.accept("TABLE");
    const table = c.tableRef();
    if (isKeyword(c.peek(), "PARTITION")) throw c.error("INSERT … PARTITION (…) is not supported; select the partition columns instead");
    let columns: string[] | undefined;
    if (c.peek()?.text === "(" && !["SELECT", "WITH", "VALUES", "FROM"].some((k) => isKeyword(c.peek(1), k))) columns = c.nameList().map(bare);
    const query = c.rest("a query (SELECT …, VALUES …)");
    return { kind: "insert", table, overwrite, query, ...(columns ? { columns } : {}) };
  }
  if (c.accept("MERGE")) {
    const withSchemaEvolution = c.accept("WITH");
    if (withSchemaEvolution) { c.expect("SCHEMA"); c.expect("EVOLUTION"); }
    c.expect("INTO");
    const target = c.tableRef();
    const targetAlias = alias(c);
    c.expect("USING");
    let source: string;
    if (c.acceptOp("(")) {
      source = `(${c.textUntil([")"], "a source query")})`;
      c.expectOp(")");
    } else {
      const ref = c.tableRef();
      source = ref.kind === "path" ? `delta.\`${ref.path}\`` : ref.name;
    }
    const sourceAlias = alias(c);
    c.expect("ON");
    const on = c.textUntil(["WHEN"], "a merge condition");
    const clauses: MergeClause[] = [];
    while (c.accept("WHEN")) clauses.push(mergeClause(c));
    if (!clauses.length) throw c.error("expected WHEN MATCHED / WHEN NOT MATCHED");
    c.end();
    return { kind: "merge", target, source, on, clauses, withSchemaEvolution, ...(targetAlias ? { targetAlias } : {}), ...(sourceAlias ? { sourceAlias } : {}) };
  }
  if (c.accept("UPDATE")) {
    const table = c.tableRef();
    const a = alias(c);
    c.expect("SET");
    const set = assignments(c, ["WHERE"]);
    const where = c.accept("WHERE") ? c.rest("a condition") : undefined;
    return { kind: "update", table, set, ...(a ? { alias: a } : {}), ...(where !== undefined ? { where } : {}) };
  }
  if (c.accept("DELETE")) {
    c.expect("FROM");
    const table = c.tableRef();
    const a = alias(c);
    const where = c.accept("WHERE") ? c.rest("a condition") : undefined;
    c.end();
    return { kind: "delete", table, ...(a ? { alias: a } : {}), ...(where !== undefined ? { where } : {}) };
  }
  if (c.accept("OPTIMIZE")) {
    const table = c.tableRef();
    const where = c.accept("WHERE") ? c.textUntil(["ZORDER"], "a partition condition") : undefined;
    let zorderBy: string[] = [];
    if (c.accept("ZORDER", "BY")) {
      if (c.peek()?.text === "(") zorderBy = c.nameList().map(bare);
      else {
        zorderBy = [bare(c.qualifiedName())];
        while (c.acceptOp(",")) zorderBy.push(bare(c.qualifiedName()));
      }
    }
    c.end();
    return { kind: "optimize", table, zorderBy, ...(where !== undefined ? { where } : {}) };
  }
  if (c.accept("VACUUM")) {
    const table = c.tableRef();
    let retainHours: number | undefined;
    if (c.accept("RETAIN")) {
      retainHours = c.integer("a number of hours");
      c.expect("HOURS");
    }
    const dryRun = c.accept("DRY", "RUN");
    c.end();
    return { kind: "vacuum", table, dryRun, ...(retainHours !== undefined ? { retainHours } : {}) };
  }
  if (c.accept("RESTORE")) {
    c.accept("TABLE");
    const table = c.tableRef();
    c.accept("TO");
    if (c.accept("VERSION", "AS", "OF")) {
      const version = c.integer("a version");
      c.end();
      return { kind: "restore", table, version };
    }
    c.expect("TIMESTAMP", "AS", "OF");
    const timestamp = c.string("a timestamp string");
    c.end();
    return { kind: "restore", table, timestamp };
  }
  return undefined;
}

function mergeClause(c: SqlCursor): MergeClause {
  let when: MergeClause["when"];
  if (c.accept("MATCHED")) when = "matched";
  else {
    c.expect("NOT", "MATCHED");
    when = c.accept("BY", "SOURCE") ? "notMatchedBySource" : (c.accept("BY", "TARGET"), "notMatched");
  }
  const condition = c.accept("AND") ? c.textUntil(["THEN"], "a clause condition") : undefined;
  c.expect("THEN");
  const cond = condition !== undefined ? { condition } : {};
  if (c.accept("DELETE")) {
    if (when === "notMatched") throw c.error("WHEN NOT MATCHED can only INSERT");
    return { when, ...cond, action: { kind: "delete" } };
  }
  if (c.accept("UPDATE", "SET")) {
    if (when === "notMatched") throw c.error("WHEN NOT MATCHED can only INSERT");
    if (c.acceptOp("*")) return { when, ...cond, action: { kind: "updateAll" } };
    return { when, ...cond, action: { kind: "update", set: assignments(c, ["WHEN"]) } };
  }
  c.expect("INSERT");
  if (when !== "notMatched") throw c.error("INSERT belongs to WHEN NOT MATCHED");
  if (c.acceptOp("*")) return { when, ...cond, action: { kind: "insertAll" } };
  const columns = c.nameList().map(bare);
  c.expect("VALUES");
  c.expectOp("(");
  const values = [c.textUntil([",", ")"], "a value")];
  while (c.acceptOp(",")) values.push(c.textUntil([",", ")"], "a value"));
  c.expectOp(")");
  if (values.length !== columns.length) throw c.error(`INSERT names ${columns.length} columns but gives ${values.length} values`);
  return { when, ...cond, action: { kind: "insert", columns, values } };
}

function assignments(c: SqlCursor, stops: readonly string[]): Assignment[] {
  const out: Assignment[] = [];
  do {
    const column = bare(c.qualifiedName());
    c.expectOp("=");
    out.push({ column, expr: c.textUntil([",", ...stops], "a value") });
  } while (c.acceptOp(","));
  return out;
}

/** `[AS] alias` unless the next word starts the next clause. */
function alias(c: SqlCursor): string | undefined {
  if (c.accept("AS")) return bare(c.identifier("an alias"));
  const t = c.peek();
  if ((t?.kind === "ident" && !CLAUSE_WORDS.includes(t.value.toUpperCase())) || t?.kind === "quoted") return bare(c.identifier());
  return undefined;
}

/** The last part of a possibly qualified, backquoted name (`t.qty` → `qty`). */
function bare(name: string): string {
  const parts = name.split(".");
  return parts[parts.length - 1]!.replaceAll("`", "");
}
