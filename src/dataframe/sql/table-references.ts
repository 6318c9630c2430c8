import { isKeyword, tokenize, type Token } from "./sql-lexer.js";
import type { TableRef } from "./statement-ast.js";
import { quoteIdent } from "../../util/index.js";

/** A table operand found in a query, with its text span. @example `{ start: 14, end: 25, ref: { kind: "name", name: "gold.orders" }, alias: false }` */
export interface TableReference {
  readonly start: number;
  readonly end: number;
  readonly ref: TableRef;
  /** Whether an alias follows (else the rewrite adds the table's own name as alias). */
  readonly aliased: boolean;
  /** The last name part, as written (the implicit alias). */
  readonly lastPart: string;
}

const NOT_ALIAS = new Set([
  "WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "OUTER", "ON", "USING", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION", "EXCEPT",
  "INTERSECT", "WINDOW", "QUALIFY", "NATURAL", "SEMI", "ANTI", "POSITIONAL", "ASOF", "LATERAL", "OFFSET", "TABLESAMPLE", "USING", "PIVOT",
  "UNPIVOT", "RETURNING", "SET", "WHEN", "THEN", "SELECT", "FROM", "VALUES",
]);
const END_FROM = new Set(["WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "QUALIFY", "WINDOW", "UNION", "EXCEPT", "INTERSECT", "SELECT", "ON", "USING", "OFFSET"]);

/**
 * Find the table operands of FROM / JOIN lists (including comma-separated ones) at every nesting level:
 * `` delta.`/path` ``, `db.table` and bare `table` names. Table functions (`range(3)`), subqueries and names
 * the query defines itself in WITH are skipped.
 *
 * @example
 * ```ts
 * findTableReferences("SELECT * FROM gold.orders o JOIN delta.`/d/x` ON …").map((r) => r.ref);
 * // [{ kind: "name", name: "gold.orders" }, { kind: "path", path: "/d/x" }]
 * ```
 */
export function findTableReferences(sql: string): TableReference[] {
  const tokens = tokenize(sql);
  const ownCtes = new Set<string>();
  for (let i = 0; i + 2 < tokens.length; i++) {
    if ((tokens[i]!.kind === "ident" || tokens[i]!.kind === "quoted") && isKeyword(tokens[i + 1], "AS") && tokens[i + 2]!.text === "(") ownCtes.add(tokens[i]!.value.toLowerCase());
  }
  const out: TableReference[] = [];
  const inFrom: boolean[] = [false];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "op" && t.text === "(") { depth++; inFrom[depth] = false; continue; }
    if (t.kind === "op" && t.text === ")") { depth = Math.max(0, depth - 1); continue; }
    if (isKeyword(t, "FROM") || isKeyword(t, "JOIN")) { inFrom[depth] = true; }
    else if (t.kind === "ident" && END_FROM.has(t.value.toUpperCase())) { inFrom[depth] = false; continue; }
    const prev = tokens[i - 1];
    const starts = isKeyword(prev, "FROM") || isKeyword(prev, "JOIN") || (prev?.kind === "op" && prev.text === "," && inFrom[depth] === true);
    if (!starts || (t.kind !== "ident" && t.kind !== "quoted") || isKeyword(t, "LATERAL")) continue;
    const found = readName(tokens, i);
    if (!found) continue;
    const next = tokens[found.next];
    if (next?.text === "(") continue; // table function
    if (found.ref.kind === "name" && !found.ref.name.includes(".") && ownCtes.has(found.last.toLowerCase())) continue;
    const aliased = next !== undefined && (isKeyword(next, "AS") || next.kind === "quoted" || (next.kind === "ident" && !NOT_ALIAS.has(next.value.toUpperCase())));
    out.push({ start: t.start, end: tokens[found.next - 1]!.end, ref: found.ref, aliased, lastPart: found.last });
    i = found.next - 1;
  }
  return out;
}

function readName(tokens: readonly Token[], i: number): { ref: TableRef; next: number; last: string } | undefined {
  const a = tokens[i]!;
  const dot = tokens[i + 1];
  const b = tokens[i + 2];
  if (isKeyword(a, "DELTA") && dot?.text === "." && b?.kind === "quoted" && b.quote === "`") return { ref: { kind: "path", path: b.value }, next: i + 3, last: "delta" };
  const parts = [a];
  let j = i + 1;
  while (tokens[j]?.text === "." && (tokens[j + 1]?.kind === "ident" || tokens[j + 1]?.kind === "quoted")) {
    parts.push(tokens[j + 1]!);
    j += 2;
  }
  if (parts.length > 2) return undefined; // catalog.db.table or a DuckDB path we do not own
  const name = parts.map((p) => (p.kind === "quoted" ? `\`${p.value}\`` : p.value)).join(".");
  return { ref: { kind: "name", name }, next: j, last: parts[parts.length - 1]!.value };
}

/**
 * Replace the given references in `sql` by `"<cte>" AS <alias>` (`cteName(ref)` returns the CTE to use, or
 * undefined to leave the reference alone).
 *
 * @example
 * ```ts
 * replaceTableReferences("SELECT * FROM gold.t", refs, () => "__weir_t1"); // SELECT * FROM "__weir_t1" AS "t"
 * ```
 */
export function replaceTableReferences(sql: string, refs: readonly TableReference[], cteName: (r: TableReference) => string | undefined): string {
  let out = "";
  let at = 0;
  for (const r of refs) {
    const name = cteName(r);
    if (name === undefined) continue;
    out += sql.slice(at, r.start) + quoteIdent(name) + (r.aliased ? "" : ` AS ${quoteIdent(r.lastPart)}`);
    at = r.end;
  }
  return out + sql.slice(at);
}
