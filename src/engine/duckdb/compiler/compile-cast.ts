import type { DataType } from "../../../types/index.js";
import { toDuckDBType } from "../../../types/index.js";

/*
 * Spark's (non-ANSI) cast rules differ from DuckDB's TRY_CAST by source type: fractional → integral truncates
 * (DuckDB rounds), strings are trimmed and may carry a fraction ("1.5" → 1), double → decimal rounds the
 * shortest decimal text half-up (1.005 → 1.01; DuckDB rounds the binary value), timestamps ↔ numbers are epoch
 * seconds, timestamps print without a zone offset. The compiler has no static types, so the SQL dispatches on
 * `typeof(x)`: DuckDB folds it to a constant at plan time and drops the dead CASE branches, so the dispatch
 * costs nothing per row. Every branch must still bind for any input type, hence TRY_CAST/VARCHAR inside them.
 */

const FRACTIONAL = ["DOUBLE", "FLOAT"];
const TIMESTAMPS = ["TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"];
const INTEGRAL = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"];

const list = (xs: readonly string[]): string => xs.map((x) => `'${x}'`).join(", ");

/**
 * SQL of a Spark-semantics cast of the compiled expression `x` to `type`: invalid values become null, as in
 * Spark with ANSI mode off. With `strict`, DuckDB's CAST (an error on invalid values).
 *
 * @example `compileCast('"qty"', t.int32(), false) // CASE WHEN typeof("qty") IN ('DOUBLE', …) THEN … END`
 */
export function compileCast(x: string, type: DataType, strict: boolean): string {
  const duck = toDuckDBType(type);
  if (strict) return `CAST(${x} AS ${duck})`;
  const ty = `typeof(${x})`;
  const isDecimal = `${ty} LIKE 'DECIMAL%'`;
  const str = `CAST(${x} AS VARCHAR)`;
  const epochSeconds = `epoch(TRY_CAST(${x} AS TIMESTAMPTZ))`;
  const dispatch = (branches: [string, string][], otherwise: string): string =>
    `CASE ${branches.map(([when, then]) => `WHEN ${when} THEN ${then}`).join(" ")} ELSE ${otherwise} END`;
  switch (type.kind) {
    case "byte": case "short": case "integer": case "long":
      return dispatch([
        [`${ty} IN (${list(FRACTIONAL)})`, `TRY_CAST(trunc(TRY_CAST(${x} AS DOUBLE)) AS ${duck})`],
        // Decimals and strings: keep the integer digits of the text ("-1.9" → -1), exactly.
        [`${isDecimal} OR ${ty} = 'VARCHAR'`, `TRY_CAST(regexp_extract(trim(${str}), '^([+-]?[0-9]+)(\\.[0-9]*)?$', 1) AS ${duck})`],
        [`${ty} IN (${list(TIMESTAMPS)})`, `TRY_CAST(floor(${epochSeconds}) AS ${duck})`],
      ], `TRY_CAST(${x} AS ${duck})`);
    case "decimal":
      return dispatch([
        [`${ty} IN (${list(FRACTIONAL)})`, `TRY_CAST(${str} AS ${duck})`],
        [`${ty} = 'VARCHAR'`, `TRY_CAST(trim(${str}) AS ${duck})`],
      ], `TRY_CAST(${x} AS ${duck})`);
    case "float": case "double":
      return dispatch([
        [`${ty} = 'VARCHAR'`, `TRY_CAST(trim(${str}) AS ${duck})`],
        [`${ty} IN (${list(TIMESTAMPS)})`, `TRY_CAST(${epochSeconds} AS ${duck})`],
      ], `TRY_CAST(${x} AS ${duck})`);
    case "boolean":
      return dispatch([[`${ty} = 'VARCHAR'`, `TRY_CAST(trim(${str}) AS BOOLEAN)`]], `TRY_CAST(${x} AS BOOLEAN)`);
    case "date":
      return dispatch([[`${ty} = 'VARCHAR'`, `TRY_CAST(trim(${str}) AS DATE)`]], `TRY_CAST(${x} AS DATE)`);
    case "timestamp": case "timestamp_ntz":
      return dispatch([
        [`${ty} = 'VARCHAR'`, `TRY_CAST(trim(${str}) AS ${duck})`],
        // Numbers are seconds since the epoch.
        [`${ty} IN (${list([...INTEGRAL, ...FRACTIONAL])}) OR ${isDecimal}`, `TRY_CAST(to_timestamp(TRY_CAST(${x} AS DOUBLE)) AS ${duck})`],
      ], `TRY_CAST(${x} AS ${duck})`);
    case "string":
      // Spark prints timestamps in the session zone without an offset ("2024-03-10 12:34:56.5").
      return dispatch([[`${ty} = 'TIMESTAMP WITH TIME ZONE'`, `regexp_replace(${str}, '[+-][0-9]{2}(:[0-9]{2})?$', '')`]], `TRY_CAST(${x} AS VARCHAR)`);
    default:
      return `TRY_CAST(${x} AS ${duck})`;
  }
}
