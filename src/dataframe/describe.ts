import { WeirError } from "../errors/index.js";
import { quoteIdent, unknownColumnError } from "../util/index.js";
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
  const names = schema.fields.map((f) => f.name);
  for (const c of cols) if (!names.includes(c)) throw unknownColumnError(c, "describe()", names);
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
      else if (quant) agg = numeric ? percentile(f.name, Number(quant[1]) / 100) : lit(null);
      else throw new WeirError("WEIR_INVALID_ARGUMENT", `Unknown summary statistic "${stat}"`, { hint: 'use count, mean, stddev, min, max or a percentile like "25%"' });
      return agg.cast("string").alias(f.name);
    });
    return df.agg(lit(stat).alias("summary"), ...exprs) as DataFrame<Row>;
  });
  return rows.reduce((acc, r) => acc.union(r));
}

/**
 * Spark's summary percentiles are values of the column (not interpolated): DuckDB's quantile_disc. It needs a
 * constant fraction (a bound parameter is rejected), so it is written as SQL
 * text; the fraction is a number parsed from the statistic name, never user text.
 */
function percentile(name: string, fraction: number): Column {
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) throw new WeirError("WEIR_INVALID_ARGUMENT", `summary() failed: percentile ${fraction * 100}% is outside 0%..100%`, { hint: 'use e.g. "25%"' });
  return new Column({ kind: "sql", text: `quantile_disc(${quoteIdent(name)}, ${fraction})` });
}
