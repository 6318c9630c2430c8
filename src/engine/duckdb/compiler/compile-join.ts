import { AnalysisError } from "../../../errors/index.js";
import type { Join } from "../../../plan/index.js";
import { quoteIdent } from "../../../util/index.js";
import { compileExpr } from "./compile-expr.js";
import { Scope, uniqueSqlNames, withOutputCast, type Field, type Relation } from "./relation.js";
import type { StageEnv } from "./stage-env.js";

/**
 * Compile a join over two compiled inputs, with Spark's rules: `using` columns appear once (first, coalesced for a
 * full join), semi/anti joins keep only the left side's columns, and a cross join takes no condition.
 * @example `compileJoin(node, leftRelation, rightRelation, env)`
 */
export function compileJoin(p: Join, left: Relation, right: Relation, env: StageEnv): Relation {
  const la = env.alias("l");
  const ra = env.alias("r");
  const lf = left.fields.filter((f) => !f.hidden);
  const rf = right.fields.filter((f) => !f.hidden);
  const entries = [{ alias: la, fields: lf }, { alias: ra, fields: rf }];
  const ctx = env.exprContext(entries, "join()");
  const kind = { inner: "INNER JOIN", left: "LEFT JOIN", right: "RIGHT JOIN", full: "FULL OUTER JOIN", left_semi: "SEMI JOIN", left_anti: "ANTI JOIN", cross: "CROSS JOIN" }[p.how];
  const from = `(${left.sql}) AS ${quoteIdent(la)} ${kind} (${right.sql}) AS ${quoteIdent(ra)}`;
  const items: { name: string; sql: string; qualifiers: readonly string[] }[] = [];
  const leftOnly = p.how === "left_semi" || p.how === "left_anti";
  let on = "";
  if (p.using) {
    const lscope = new Scope([{ alias: la, fields: lf }], "join() (left side)");
    const rscope = new Scope([{ alias: ra, fields: rf }], "join() (right side)");
    const usedL = new Set<Field>();
    const usedR = new Set<Field>();
    const conds: string[] = [];
    for (const name of p.using) {
      const l = lscope.lookup(name)[0];
      const r = rscope.lookup(name)[0];
      if (!l) throw lscope.unknown(name);
      if (!r) throw rscope.unknown(name);
      usedL.add(l.field);
      usedR.add(r.field);
      const lsql = `${quoteIdent(la)}.${quoteIdent(l.field.sqlName)}`;
      const rsql = `${quoteIdent(ra)}.${quoteIdent(r.field.sqlName)}`;
      conds.push(`${lsql} = ${rsql}`);
      const sql = p.how === "full" ? `COALESCE(${lsql}, ${rsql})` : p.how === "right" ? rsql : lsql;
      items.push({ name: l.field.name, sql: withOutputCast(l.field, sql), qualifiers: [...l.field.qualifiers, ...(leftOnly ? [] : r.field.qualifiers)] });
    }
    on = conds.length ? ` ON ${conds.join(" AND ")}` : "";
    for (const f of lf) if (!usedL.has(f)) items.push({ name: f.name, sql: withOutputCast(f, `${quoteIdent(la)}.${quoteIdent(f.sqlName)}`), qualifiers: f.qualifiers });
    if (!leftOnly) for (const f of rf) if (!usedR.has(f)) items.push({ name: f.name, sql: withOutputCast(f, `${quoteIdent(ra)}.${quoteIdent(f.sqlName)}`), qualifiers: f.qualifiers });
  } else {
    if (p.condition) on = ` ON ${compileExpr(p.condition, ctx)}`;
    else if (p.how !== "cross") on = " ON true";
    for (const f of lf) items.push({ name: f.name, sql: withOutputCast(f, `${quoteIdent(la)}.${quoteIdent(f.sqlName)}`), qualifiers: f.qualifiers });
    if (!leftOnly) for (const f of rf) items.push({ name: f.name, sql: withOutputCast(f, `${quoteIdent(ra)}.${quoteIdent(f.sqlName)}`), qualifiers: f.qualifiers });
  }
  if (p.how === "cross" && on) throw new AnalysisError("WEIR_INVALID_ARGUMENT", "A cross join takes no join condition", { hint: "use crossJoin(other), or an inner join with the condition" });
  const sqlNames = uniqueSqlNames(items.map((i) => i.name));
  const sel = items.map((it, i) => `${it.sql} AS ${quoteIdent(sqlNames[i]!)}`).join(", ");
  const fields = items.map((it, i) => ({ name: it.name, sqlName: sqlNames[i]!, qualifiers: [...it.qualifiers, `#${p.id}`] }));
  return { sql: `SELECT ${sel} FROM ${from}${on}`, fields };
}
