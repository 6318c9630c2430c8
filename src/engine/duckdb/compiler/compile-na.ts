import { AnalysisError } from "../../../errors/index.js";
import type { DropNa, FillNa, Replace } from "../../../plan/index.js";
import { toDuckDBType, type DataType } from "../../../types/index.js";
import { quoteIdent, unknownColumnError } from "../../../util/index.js";
import type { ColumnInfo } from "../duckdb-executor.js";
import type { ParamCollector } from "../params.js";
import { eqi, type Field, type Relation } from "./relation.js";

const INTEGRAL = new Set(["byte", "short", "integer", "long"]);
const FRACTIONAL = new Set(["float", "double"]);
const NUMERIC = new Set([...INTEGRAL, ...FRACTIONAL, "decimal"]);

type Group = "numeric" | "string" | "boolean";

/** Spark's value groups for fill/replace: numbers match numeric columns, strings string columns, booleans boolean columns. */
function groupOf(value: unknown): Group | undefined {
  if (typeof value === "number" || typeof value === "bigint") return "numeric";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  return undefined;
}

function typeGroup(type: DataType): Group | undefined {
  if (NUMERIC.has(type.kind)) return "numeric";
  if (type.kind === "string") return "string";
  if (type.kind === "boolean") return "boolean";
  return undefined;
}

/** The value as Spark casts it into a column of `type` (a fractional number into an integral column truncates). */
function castValue(value: unknown, type: DataType): unknown {
  return typeof value === "number" && INTEGRAL.has(type.kind) && !Number.isInteger(value) ? Math.trunc(value) : value;
}

/** A null test that, as in Spark's na functions, also treats NaN as missing in float/double columns. */
function missing(q: string, type: DataType): string {
  return FRACTIONAL.has(type.kind) ? `(${q} IS NULL OR isnan(${q}))` : `${q} IS NULL`;
}

/**
 * Compile fillna / dropna / replace over an input whose column types are known, with Spark's type-matching
 * rules: a single fill/replace value applies only to columns of its group (numeric, string, boolean); a
 * per-column fill value is cast to the column's type; NaN counts as missing in float/double columns; named
 * columns (subset, dict keys) must exist.
 * @example `compileNa(fillNaNode, input, columns, params)`
 */
export function compileNa(p: FillNa | DropNa | Replace, input: Relation, cols: readonly ColumnInfo[], params: ParamCollector): string {
  const visible = input.fields.map((f, i) => ({ f, type: cols[i]!.type })).filter((x) => !x.f.hidden);
  const names = visible.map((x) => x.f.name);
  const check = (name: string, where: string): void => {
    if (!visible.some((x) => eqi(x.f.name, name))) throw unknownColumnError(name, where, names);
  };
  for (const s of p.subset ?? []) check(s, `${p.kind}() subset`);
  const inSubset = (name: string): boolean => !p.subset || p.subset.some((s) => eqi(s, name));
  const from = `FROM (${input.sql})`;
  const q = (f: Field): string => quoteIdent(f.sqlName);
  switch (p.kind) {
    case "fillna": {
      const perColumn = !("all" in p.values);
      if (perColumn) for (const k of Object.keys(p.values)) check(k, "fillna()");
      const sel = visible.map(({ f, type }) => {
        const value = perColumn ? Object.entries(p.values).find(([k]) => eqi(k, f.name))?.[1] : inSubset(f.name) ? (p.values as { all: unknown }).all : undefined;
        if (value === undefined || value === null) return q(f);
        const group = groupOf(value);
        if (group === undefined) throw new AnalysisError("WEIR_TYPE_MISMATCH", `fillna() failed: unsupported value ${String(value)} (${typeof value}) for column "${f.name}"`, { hint: "fill with a number, string or boolean" });
        // Spark: a single value fills only the columns of its kind; a per-column value is cast to the column type.
        if (!perColumn && group !== typeGroup(type)) return q(f);
        const bound = `TRY_CAST(${params.bind(castValue(value, type))} AS ${toDuckDBType(type)})`;
        return `CASE WHEN ${missing(q(f), type)} THEN ${bound} ELSE ${q(f)} END AS ${q(f)}`;
      });
      return `SELECT ${sel.join(", ")} ${from}`;
    }
    case "dropna": {
      const targets = visible.filter((x) => inSubset(x.f.name));
      if (targets.length === 0) return `SELECT * ${from}`;
      const present = targets.map((x) => `(CASE WHEN ${missing(q(x.f), x.type)} THEN 0 ELSE 1 END)`).join(" + ");
      const min = p.thresh ?? (p.how === "any" ? targets.length : 1);
      return `SELECT * ${from} WHERE (${present}) >= ${Math.trunc(min)}`;
    }
    case "replace": {
      const groups = new Set(p.mapping.flatMap(([a, b]) => [a, b]).filter((v) => v !== null && v !== undefined).map((v) => groupOf(v) ?? "other"));
      if (groups.size > 1) {
        throw new AnalysisError("WEIR_TYPE_MISMATCH", `replace() failed: mixed type replacements are not supported (${[...groups].join(", ")})`, {
          hint: "replace numbers with numbers, strings with strings and booleans with booleans (or with null)",
        });
      }
      const group = [...groups][0];
      const sel = visible.map(({ f, type }) => {
        const pairs = p.mapping.filter(([a]) => a !== null && a !== undefined);
        if (!inSubset(f.name) || !pairs.length || group !== typeGroup(type)) return q(f);
        const whens = pairs.map(([a, b]) => `WHEN ${q(f)} = ${params.bind(a)} THEN CAST(${params.bind(castValue(b, type))} AS ${toDuckDBType(type)})`).join(" ");
        return `CASE ${whens} ELSE ${q(f)} END AS ${q(f)}`;
      });
      return `SELECT ${sel.join(", ")} ${from}`;
    }
    default: { const never: never = p; return never; }
  }
}
