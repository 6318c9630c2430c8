import { WeirError } from "../errors/index.js";
import { Column } from "./column.js";
import type { DataFrame } from "./dataframe.js";
import { call } from "./functions/helpers.js";
import { lit } from "./functions/core.js";
import type { Row } from "./typed.js";

const NUMERIC = new Set(["byte", "short", "integer", "long", "float", "double", "decimal"]);

/**
 * Spark's describe()/summary(): one row per statistic, one string column per input column (numeric and
 * string columns; means and deviations only for numeric ones).
 * @example `await (await df.describe("amount")).show()`
 */
export async function describeStats(df: DataFrame<Row>, cols: readonly string[], stats: readonly string[]): Promise<DataFrame<Row>> {
  const schema = await df.schema();
  const fields = schema.fields.filter((f) => (cols.length ? cols.includes(f.name) : NUMERIC.has(f.type.kind) || f.type.kind === "string"));
  for (const c of cols) if (!schema.fields.some((f) => f.name === c)) throw new WeirError("WEIR_UNKNOWN_COLUMN", `Unknown column "${c}" in describe(). Columns: ${schema.fields.map((f) => f.name).join(", ")}`, { hint: "pass existing column names" });
  const rows = stats.map((stat) => {
    const exprs = fields.map((f) => {
      const numeric = NUMERIC.has(f.type.kind);
      const quant = /^(\d+(?:\.\d+)?)%$/.exec(stat);
      let agg: Column;
      if (stat === "count") agg = call("count", [f.name]);
      else if (stat === "mean") agg = numeric ? call("avg", [f.name]) : lit(null);
      else if (stat === "stddev") agg = numeric ? call("stddev", [f.name]) : lit(null);
      else if (stat === "min") agg = call("min", [f.name]);
      else if (stat === "max") agg = call("max", [f.name]);
      else if (quant) agg = numeric ? new Column({ kind: "call", name: "percentile_approx", args: [{ kind: "column", name: f.name }, { kind: "literal", value: Number(quant[1]) / 100 }] }) : lit(null);
      else throw new WeirError("WEIR_INVALID_ARGUMENT", `Unknown summary statistic "${stat}"`, { hint: 'use count, mean, stddev, min, max or a percentile like "25%"' });
      return agg.cast("string").alias(f.name);
    });
    return df.agg(lit(stat).alias("summary"), ...exprs) as DataFrame<Row>;
  });
  return rows.reduce((acc, r) => acc.union(r));
}
