import { AnalysisError } from "../../../errors/index.js";
import type { DropNa, FillNa, Replace } from "../../../plan/index.js";
import { toDuckDBType, type DataType } from "../../../types/index.js";
import { quoteIdent } from "../../../util/index.js";
import type { ColumnInfo } from "../duckdb-executor.js";
import type { ParamCollector } from "../params.js";
import { eqi, type Relation } from "./relation.js";

const NUMERIC = new Set(["byte", "short", "integer", "long", "float", "double", "decimal"]);

/** Whether a fill/replace value applies to a column of this type (Spark: numbers fill numeric columns, strings string columns, booleans boolean columns). */
function fits(value: unknown, type: DataType): boolean {
  if (value === null) return true;
  if (typeof value === "number" || typeof value === "bigint") return NUMERIC.has(type.kind);
  if (typeof value === "string") return type.kind === "string";
  if (typeof value === "boolean") return type.kind === "boolean";
  return false;
}

/**
 * Compile fillna / dropna / replace over an input whose column types are known.
 * @example `compileNa(fillNaNode, input, columns, params)`
 */
export function compileNa(p: FillNa | DropNa | Replace, input: Relation, cols: readonly ColumnInfo[], params: ParamCollector): string {
  const visible = input.fields.map((f, i) => ({ f, type: cols[i]!.type })).filter((x) => !x.f.hidden);
  const inSubset = (name: string): boolean => !p.subset || p.subset.some((s) => eqi(s, name));
  for (const s of p.subset ?? []) {
    if (!visible.some((x) => eqi(x.f.name, s))) {
      throw new AnalysisError("WEIR_UNKNOWN_COLUMN", `Unknown column "${s}" in ${p.kind}() subset. Columns: ${visible.map((x) => x.f.name).join(", ")}`, { hint: "pass existing column names" });
    }
  }
  const from = `FROM (${input.sql})`;
  switch (p.kind) {
    case "fillna": {
      const sel = visible.map(({ f, type }) => {
        const q = quoteIdent(f.sqlName);
        const value = "all" in p.values ? (inSubset(f.name) ? p.values.all : undefined) : Object.entries(p.values).find(([k]) => eqi(k, f.name))?.[1];
        if (value === undefined || value === null || !fits(value, type)) return q;
        return `COALESCE(${q}, CAST(${params.bind(value)} AS ${toDuckDBType(type)})) AS ${q}`;
      });
      return `SELECT ${sel.join(", ")} ${from}`;
    }
    case "dropna": {
      const targets = visible.filter((x) => inSubset(x.f.name)).map((x) => quoteIdent(x.f.sqlName));
      if (targets.length === 0) return `SELECT * ${from}`;
      const nonNull = targets.map((q) => `(CASE WHEN ${q} IS NOT NULL THEN 1 ELSE 0 END)`).join(" + ");
      const min = p.thresh ?? (p.how === "any" ? targets.length : 1);
      return `SELECT * ${from} WHERE (${nonNull}) >= ${Math.trunc(min)}`;
    }
    case "replace": {
      const sel = visible.map(({ f, type }) => {
        const q = quoteIdent(f.sqlName);
        const pairs = p.mapping.filter(([from]) => inSubset(f.name) && from !== null && fits(from, type));
        if (!pairs.length) return q;
        const whens = pairs.map(([a, b]) => `WHEN ${q} = ${params.bind(a)} THEN CAST(${params.bind(b)} AS ${toDuckDBType(type)})`).join(" ");
        return `CASE ${whens} ELSE ${q} END AS ${q}`;
      });
      return `SELECT ${sel.join(", ")} ${from}`;
    }
    default: { const never: never = p; return never; }
  }
}
