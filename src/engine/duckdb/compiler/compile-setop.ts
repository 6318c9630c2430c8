import { AnalysisError } from "../../../errors/index.js";
import type { SetOp } from "../../../plan/index.js";
import { quoteIdent } from "../../../util/index.js";
import { eqi, uniqueSqlNames, type Field, type Relation, withOutputCast } from "./relation.js";

const SET_OPS: Record<SetOp["op"], string> = {
  union: "UNION ALL", unionByName: "UNION ALL", intersect: "INTERSECT", intersectAll: "INTERSECT ALL", except: "EXCEPT", exceptAll: "EXCEPT ALL",
};

/**
 * Compile a set operation over two compiled inputs, with Spark's rules: `union` and friends match columns by
 * position (same count required, names from the left side); `unionByName` matches by name (case-insensitively)
 * and fills columns missing on one side with nulls only when `allowMissingColumns` is set.
 * @example `compileSetOp(node, leftRelation, rightRelation)`
 */
export function compileSetOp(p: SetOp, left: Relation, right: Relation): Relation {
  const lf = left.fields.filter((f) => !f.hidden);
  const rf = right.fields.filter((f) => !f.hidden);
  if (p.op === "unionByName") {
    const missingRight = lf.filter((f) => !rf.some((g) => eqi(g.name, f.name)));
    const missingLeft = rf.filter((g) => !lf.some((f) => eqi(g.name, f.name)));
    if ((missingLeft.length || missingRight.length) && !p.allowMissingColumns) {
      throw new AnalysisError("WEIR_INVALID_ARGUMENT", `unionByName() failed: the inputs have different columns (only left: ${missingRight.map((f) => f.name).join(", ") || "none"}; only right: ${missingLeft.map((f) => f.name).join(", ") || "none"})`, {
        hint: "pass { allowMissingColumns: true } to fill missing columns with nulls",
      });
    }
    const all = [...lf.map((f) => f.name), ...missingLeft.map((f) => f.name)];
    const side = (fs: readonly Field[]): string => all.map((n) => {
      const f = fs.find((x) => eqi(x.name, n));
      return f ? `${withOutputCast(f, quoteIdent(f.sqlName))} AS ${quoteIdent(n)}` : `NULL AS ${quoteIdent(n)}`;
    }).join(", ");
    const sqlNames = uniqueSqlNames(all);
    return {
      sql: `SELECT * FROM ((SELECT ${side(lf)} FROM (${left.sql})) UNION ALL BY NAME (SELECT ${side(rf)} FROM (${right.sql})))`,
      fields: all.map((n, i) => ({ name: n, sqlName: sqlNames[i]!, qualifiers: [`#${p.id}`] })),
    };
  }
  if (lf.length !== rf.length) {
    throw new AnalysisError("WEIR_INVALID_ARGUMENT", `${p.op}() failed: the inputs need the same number of columns, but left has ${lf.length} (${lf.map((f) => f.name).join(", ")}) and right has ${rf.length} (${rf.map((f) => f.name).join(", ")})`, {
      hint: "select matching columns first, or use unionByName(other, { allowMissingColumns: true })",
    });
  }
  const sel = (fs: readonly Field[]): string => fs.map((f, i) => `${quoteIdent(f.sqlName)} AS ${quoteIdent(lf[i]!.sqlName)}`).join(", ");
  return {
    sql: `SELECT * FROM ((SELECT ${sel(lf)} FROM (${left.sql})) ${SET_OPS[p.op]} (SELECT ${sel(rf)} FROM (${right.sql})))`,
    fields: lf.map((f) => ({ ...f, qualifiers: [...f.qualifiers, `#${p.id}`] })),
  };
}
