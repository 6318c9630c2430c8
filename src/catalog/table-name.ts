import { WeirError } from "../errors/index.js";

const PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A database-qualified name, lower-cased. @example `{ database: "gold", table: "orders" }` */
export interface TableIdent {
  readonly database: string;
  readonly table: string;
}

/**
 * Check one name part (database, table, view, constraint): `[A-Za-z_][A-Za-z0-9_]*`, optionally in backquotes.
 * Returns it lower-cased (Spark's names are case-insensitive). Anything else — dots, slashes, `..`, spaces —
 * is `WEIR_INVALID_NAME`, so no name can address a directory outside the warehouse.
 *
 * @example
 * ```ts
 * validateNamePart("Orders", "table"); // "orders"
 * validateNamePart("`daily_sales`", "table"); // "daily_sales"
 * validateNamePart("../etc", "table"); // throws WEIR_INVALID_NAME
 * ```
 */
export function validateNamePart(part: string, what: string): string {
  const bare = part.length >= 2 && part.startsWith("`") && part.endsWith("`") ? part.slice(1, -1) : part;
  if (!PART.test(bare)) {
    throw new WeirError("WEIR_INVALID_NAME", `Invalid ${what} name ${JSON.stringify(part)}: names are letters, digits and underscores, not starting with a digit`, {
      hint: "e.g. gold.daily_sales; read files by path with spark.read.format(\"delta\").load(path) or delta.`/path` in SQL", details: { name: part },
    });
  }
  return bare.toLowerCase();
}

/**
 * Split `db.table` / `table` (parts optionally backquoted) and validate each part; an unqualified name gets
 * `currentDatabase`.
 *
 * @example
 * ```ts
 * parseTableName("gold.`Orders`", "default"); // { database: "gold", table: "orders" }
 * parseTableName("orders", "sales");          // { database: "sales", table: "orders" }
 * ```
 */
export function parseTableName(name: string, currentDatabase: string): TableIdent {
  const parts = splitName(name);
  if (parts.length === 1) return { database: currentDatabase, table: validateNamePart(parts[0]!, "table") };
  if (parts.length === 2) return { database: validateNamePart(parts[0]!, "database"), table: validateNamePart(parts[1]!, "table") };
  throw new WeirError("WEIR_INVALID_NAME", `Invalid table name ${JSON.stringify(name)}: expected table or database.table`, { hint: "e.g. gold.daily_sales", details: { name } });
}

/** `db.t` as text. @example `formatTableIdent({ database: "gold", table: "orders" }) // "gold.orders"` */
export function formatTableIdent(id: TableIdent): string {
  return `${id.database}.${id.table}`;
}

/** Split on dots outside backquotes. */
function splitName(name: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (const ch of name.trim()) {
    if (ch === "`") quoted = !quoted;
    if (ch === "." && !quoted) {
      parts.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}
