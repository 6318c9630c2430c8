import { isKeyword, tokenize } from "./sql-lexer.js";
import { SqlCursor } from "./sql-cursor.js";
import { parseDml } from "./parse-dml.js";
import type { TableRef, WeirStatement } from "./statement-ast.js";

/**
 * Recognize and parse a Weir statement; `undefined` means "an ordinary query for DuckDB" (SELECT, WITH,
 * VALUES, DuckDB's own DESCRIBE SELECT …). A statement that starts like a Weir statement but does not parse
 * is `WEIR_SQL_ERROR` pointing at the offending text.
 *
 * @example
 * ```ts
 * parseWeirStatement("DROP TABLE IF EXISTS gold.orders"); // { kind: "dropTable", name: "gold.orders", ifExists: true, view: false }
 * parseWeirStatement("SELECT 1");                         // undefined
 * ```
 */
export function parseWeirStatement(text: string): WeirStatement | undefined {
  const tokens = tokenize(text);
  const first = tokens[0];
  if (!first || first.kind !== "ident") return undefined;
  const c = new SqlCursor(text, tokens);
  switch (first.value.toUpperCase()) {
    case "CREATE": return parseCreate(c);
    case "DROP": return parseDrop(c);
    case "USE": {
      c.i++;
      c.accept("DATABASE") || c.accept("SCHEMA");
      const name = c.identifier("a database name");
      c.end();
      return { kind: "use", name };
    }
    case "SHOW": return parseShow(c);
    case "DESCRIBE": case "DESC": return parseDescribe(c);
    case "ALTER": return parseAlter(c);
    default: return parseDml(c);
  }
}

function parseCreate(c: SqlCursor): WeirStatement | undefined {
  c.expect("CREATE");
  if (c.accept("DATABASE") || c.accept("SCHEMA")) {
    const ifNotExists = c.accept("IF", "NOT", "EXISTS");
    const name = c.identifier("a database name");
    const comment = c.accept("COMMENT") ? c.string() : undefined;
    c.end();
    return { kind: "createDatabase", name, ifNotExists, ...(comment !== undefined ? { comment } : {}) };
  }
  const replace = c.accept("OR", "REPLACE");
  if (c.accept("VIEW")) {
    const ifNotExists = c.accept("IF", "NOT", "EXISTS");
    const name = c.qualifiedName();
    const comment = c.accept("COMMENT") ? c.string() : undefined;
    c.expect("AS");
    const query = c.rest("a query after AS");
    return { kind: "createView", name, replace, ifNotExists, query, ...(comment !== undefined ? { comment } : {}) };
  }
  // DuckDB's own CREATE (TEMP TABLE, SEQUENCE, MACRO, …) is not a catalog statement.
  if (!c.accept("TABLE")) return undefined;
  const ifNotExists = c.accept("IF", "NOT", "EXISTS");
  const name = c.qualifiedName();
  let columns: string | undefined;
  if (c.acceptOp("(")) {
    columns = c.textUntil([")"], "column definitions");
    c.expectOp(")");
  }
  let using: string | undefined;
  const partitionedBy: string[] = [];
  let comment: string | undefined;
  let properties: Record<string, string> = {};
  let location: string | undefined;
  let query: string | undefined;
  while (!c.atEnd()) {
    if (c.accept("USING")) using = c.identifier("a table provider (DELTA)").toLowerCase();
    else if (c.accept("PARTITIONED", "BY")) partitionedBy.push(...c.nameList());
    else if (c.accept("COMMENT")) comment = c.string();
    else if (c.accept("TBLPROPERTIES")) properties = { ...properties, ...c.properties() };
    else if (c.accept("LOCATION")) location = c.string("a location string");
    else if (c.accept("AS")) query = c.rest("a query after AS");
    else throw c.error("expected USING, PARTITIONED BY, COMMENT, TBLPROPERTIES, LOCATION or AS");
  }
  return {
    kind: "createTable", name, replace, ifNotExists, partitionedBy, properties,
    ...(columns !== undefined ? { columns } : {}), ...(using !== undefined ? { using } : {}), ...(comment !== undefined ? { comment } : {}),
    ...(location !== undefined ? { location } : {}), ...(query !== undefined ? { query } : {}),
  };
}

function parseDrop(c: SqlCursor): WeirStatement | undefined {
  c.expect("DROP");
  if (c.accept("DATABASE") || c.accept("SCHEMA")) {
    const ifExists = c.accept("IF", "EXISTS");
    const name = c.identifier("a database name");
    const cascade = c.accept("CASCADE");
    if (!cascade) c.accept("RESTRICT");
    c.end();
    return { kind: "dropDatabase", name, ifExists, cascade };
  }
  const view = c.accept("VIEW");
  if (!view && !c.accept("TABLE")) return undefined;
  const ifExists = c.accept("IF", "EXISTS");
  const name = c.qualifiedName();
  c.accept("PURGE");
  c.end();
  return { kind: "dropTable", name, ifExists, view };
}

function parseShow(c: SqlCursor): WeirStatement | undefined {
  c.expect("SHOW");
  if (c.accept("DATABASES") || c.accept("SCHEMAS")) {
    const like = c.accept("LIKE") ? c.string("a pattern") : undefined;
    c.end();
    return { kind: "showDatabases", ...(like !== undefined ? { like } : {}) };
  }
  if (c.accept("TABLES")) {
    const database = c.accept("IN") || c.accept("FROM") ? c.identifier("a database name") : undefined;
    const like = c.accept("LIKE") ? c.string("a pattern") : undefined;
    c.end();
    return { kind: "showTables", ...(database !== undefined ? { database } : {}), ...(like !== undefined ? { like } : {}) };
  }
  if (c.accept("TBLPROPERTIES")) {
    const table = c.tableRef();
    c.end();
    return { kind: "showTblProperties", table };
  }
  return undefined;
}

function parseDescribe(c: SqlCursor): WeirStatement | undefined {
  c.i++;
  // DuckDB's DESCRIBE SELECT … / DESCRIBE (query) stays DuckDB's.
  if (["SELECT", "WITH", "FROM", "VALUES"].some((k) => isKeyword(c.peek(), k)) || c.peek()?.text === "(") return undefined;
  if (c.accept("HISTORY")) {
    const table = c.tableRef();
    const limit = c.accept("LIMIT") ? c.integer("a limit") : undefined;
    c.end();
    return { kind: "describeHistory", table, ...(limit !== undefined ? { limit } : {}) };
  }
  if (c.accept("DETAIL")) {
    const table = c.tableRef();
    c.end();
    return { kind: "describeDetail", table };
  }
  c.accept("TABLE");
  const extended = c.accept("EXTENDED") || c.accept("FORMATTED");
  const table: TableRef = c.tableRef();
  c.end();
  return { kind: "describeTable", table, extended };
}

function parseAlter(c: SqlCursor): WeirStatement | undefined {
  c.expect("ALTER");
  if (!c.accept("TABLE")) return undefined;
  const table = c.tableRef();
  if (c.accept("RENAME", "TO")) {
    const to = c.qualifiedName();
    c.end();
    if (table.kind !== "name") throw c.error("RENAME needs a catalog table, not a path");
    return { kind: "renameTable", from: table.name, to };
  }
  if (c.accept("ADD", "CONSTRAINT")) {
    const name = c.identifier("a constraint name");
    c.expect("CHECK");
    c.expectOp("(");
    const check = c.textUntil([")"], "a condition");
    c.expectOp(")");
    c.end();
    return { kind: "addConstraint", table, name, check };
  }
  if (c.accept("DROP", "CONSTRAINT")) {
    const ifExists = c.accept("IF", "EXISTS");
    const name = c.identifier("a constraint name");
    c.end();
    return { kind: "dropConstraint", table, name, ifExists };
  }
  if (c.accept("SET", "TBLPROPERTIES")) {
    const properties = c.properties();
    c.end();
    return { kind: "setProperties", table, properties };
  }
  if (c.accept("UNSET", "TBLPROPERTIES")) {
    const ifExists = c.accept("IF", "EXISTS");
    const keys = Object.keys(propertyKeys(c));
    c.end();
    return { kind: "unsetProperties", table, keys, ifExists };
  }
  throw c.error("expected RENAME TO, ADD CONSTRAINT, DROP CONSTRAINT, SET TBLPROPERTIES or UNSET TBLPROPERTIES");
}

/** `('a', 'b')` → keys. */
function propertyKeys(c: SqlCursor): Record<string, true> {
  c.expectOp("(");
  const out: Record<string, true> = {};
  do out[c.peek()?.kind === "string" ? c.string() : c.qualifiedName().replaceAll("`", "")] = true;
  while (c.acceptOp(","));
  c.expectOp(")");
  return out;
}
