/**
 * One query over a pipeline batch answering every question a load asks of it before writing: how many rows,
 * how many with a NULL key, how many distinct keys (equal to the row count when the batch needs no per-key
 * dedupe) and the highest watermark — one query (a scan, and a sort of the keys) instead of one each.
 */
import type { DataFrame, Row, Session } from "../dataframe/index.js";
import { WeirError } from "../errors/index.js";
import type { DataType } from "../types/index.js";
import { quoteIdent } from "../util/index.js";
import type { WatermarkValue } from "./watermarks.js";

/** What {@link profileBatch} found. @example `{ rows: 1000, nullKeyRows: 0, distinctKeys: 998, maxWatermark: { type: "long", text: "41" } }` */
export interface BatchProfile {
  readonly rows: number;
  readonly nullKeyRows: number;
  /** Distinct key tuples among rows without a NULL key (meaningful when `nullKeyRows` is 0). */
  readonly distinctKeys: number;
  /** The highest watermark value (undefined without a watermark column or when every value is NULL). */
  readonly maxWatermark: WatermarkValue | undefined;
}

/**
 * Profile a batch in one scan. The key columns (and the watermark column, when given with its type) must exist.
 *
 * @example `const p = await profileBatch(spark, batch, ["id"], { column: "updated_at", type: t.timestamp() })`
 */
export async function profileBatch(
  session: Session, df: DataFrame<Row>, keys: readonly string[], watermark?: { readonly column: string; readonly type: DataType },
): Promise<BatchProfile> {
  const k = keys.map(quoteIdent);
  const nullKeys = k.map((c) => `${c} IS NULL`).join(" OR ");
  // Duplicate keys are counted as rows equal to their predecessor in key order: a sort of the key columns alone
  // (cheap when the batch arrives ordered, as extracts by watermark usually do) instead of count(DISTINCT)'s hash
  // table, ~1.5-2x faster on 1M rows. NULL keys never equal anything, and fail the load before the count matters.
  const tuple = k.length === 1 ? k[0]! : `(${k.join(", ")})`;
  const dup = `(SELECT count(*) FROM (SELECT ${tuple} AS "__weir_k", lag(${tuple}) OVER (ORDER BY ${k.join(", ")}) AS "__weir_p" FROM {b}) WHERE "__weir_k" = "__weir_p")`;
  const isTs = watermark !== undefined && (watermark.type.kind === "timestamp" || watermark.type.kind === "timestamp_ntz");
  const wm = watermark ? `, CAST(max(${quoteIdent(watermark.column)}) AS VARCHAR) AS w${isTs ? `, epoch_ms(max(${quoteIdent(watermark.column)})) AS ms` : ""}` : "";
  const rows = await session.sql(
    `SELECT count(*) AS n, count(*) FILTER (WHERE ${nullKeys}) AS nk, ${dup} AS dup${wm} FROM {b}`, { b: df },
  ).collect();
  const r = rows[0] ?? {};
  const max = r.w;
  const maxWatermark = watermark && max !== null && max !== undefined
    ? { type: watermark.type.kind, text: String(max), ...(isTs ? { epochMs: Number(r.ms) } : {}) } : undefined;
  const n = Number(r.n ?? 0);
  const nk = Number(r.nk ?? 0);
  return { rows: n, nullKeyRows: nk, distinctKeys: n - nk - Number(r.dup ?? 0), maxWatermark };
}

/**
 * Fail with `WEIR_PIPELINE_NULL_KEY` when the profile found rows with a NULL key (same error as `assertKeys`).
 *
 * @example `assertNoNullKeys(profile, ["order_id"], "incrementalLoad(orders)")`
 */
export function assertNoNullKeys(profile: BatchProfile, keys: readonly string[], what: string): void {
  const n = profile.nullKeyRows;
  if (n === 0) return;
  throw new WeirError("WEIR_PIPELINE_NULL_KEY", `${what} failed: ${n} source row${n === 1 ? " has" : "s have"} NULL in key column${keys.length > 1 ? "s" : ""} ${keys.join(", ")}; nothing was written`, {
    hint: "filter or fill the NULL keys first (e.g. in transform), or quarantine them with a quality suite", details: { keys: [...keys], count: n },
  });
}
