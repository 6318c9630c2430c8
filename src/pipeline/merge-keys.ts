/**
 * Key handling shared by the merge patterns: NULL-key checks, latest-record-per-key dedupe, and the merge
 * condition on the keys.
 */
import { WeirError } from "../errors/index.js";
import type { DataFrame, Row, Session } from "../dataframe/index.js";
import { quoteIdent } from "../util/index.js";

/**
 * Fail with `WEIR_PIPELINE_NULL_KEY` when a key column is missing or some row has NULL in a key column.
 *
 * @example `await assertKeys(spark, batch, ["order_id"], "incrementalLoad(orders)")`
 */
export async function assertKeys(session: Session, df: DataFrame<Row>, keys: readonly string[], what: string): Promise<void> {
  await assertKeyColumns(df, keys, what);
  const rows = await session.sql(`SELECT count(*) AS n FROM {b} WHERE ${keys.map((k) => `${quoteIdent(k)} IS NULL`).join(" OR ")}`, { b: df }).collect();
  const n = Number(rows[0]?.n ?? 0);
  if (n > 0) {
    throw new WeirError("WEIR_PIPELINE_NULL_KEY", `${what} failed: ${n} source row${n === 1 ? " has" : "s have"} NULL in key column${keys.length > 1 ? "s" : ""} ${keys.join(", ")}; nothing was written`, {
      hint: "filter or fill the NULL keys first (e.g. in transform), or quarantine them with a quality suite", details: { keys: [...keys], count: n },
    });
  }
}

/**
 * Fail when no key is given (`WEIR_INVALID_ARGUMENT`) or a key is not a column of `df` (`WEIR_UNKNOWN_COLUMN`);
 * reads only the schema.
 *
 * @example `await assertKeyColumns(batch, ["order_id"], "incrementalLoad(orders)")`
 */
export async function assertKeyColumns(df: DataFrame<Row>, keys: readonly string[], what: string): Promise<void> {
  if (!keys.length) throw new WeirError("WEIR_INVALID_ARGUMENT", `${what} needs at least one key column`, { hint: 'e.g. keys: ["id"]' });
  const columns = await df.columns();
  const missing = keys.filter((k) => !columns.includes(k));
  if (missing.length) {
    throw new WeirError("WEIR_UNKNOWN_COLUMN", `Unknown key column${missing.length > 1 ? "s" : ""} ${missing.map((k) => `"${k}"`).join(", ")} in ${what}. Columns: ${columns.join(", ")}`, {
      hint: "keys must be columns of the source (after transform)", details: { keys: [...keys] },
    });
  }
}

/**
 * One row per key: the row with the greatest `orderBy` values (later rows win ties in no particular order), or an
 * arbitrary row per key without `orderBy`.
 *
 * @example `const latest = latestPerKey(spark, batch, ["id"], ["updated_at"])`
 */
export function latestPerKey(session: Session, df: DataFrame<Row>, keys: readonly string[], orderBy: readonly string[] = []): DataFrame<Row> {
  const order = orderBy.length ? orderBy.map((c) => `${quoteIdent(c)} DESC NULLS LAST`).join(", ") : "1";
  return session.sql(`SELECT * FROM {b} QUALIFY row_number() OVER (PARTITION BY ${keys.map(quoteIdent).join(", ")} ORDER BY ${order}) = 1`, { b: df });
}

/**
 * The MERGE condition matching target `t` and source `s` on the keys.
 *
 * @example `keyCondition(["id", "day"]) // 't."id" = s."id" AND t."day" = s."day"'`
 */
export function keyCondition(keys: readonly string[], target = "t", source = "s"): string {
  return keys.map((k) => `${target}.${quoteIdent(k)} = ${source}.${quoteIdent(k)}`).join(" AND ");
}
