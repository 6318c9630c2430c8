/**
 * One aggregate over a pipeline batch answering every question a load asks of it before writing: how many rows,
 * how many with a NULL key, how many distinct keys (equal to the row count when the batch needs no per-key
 * dedupe) and the highest watermark — one scan instead of one query each.
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
  /** Distinct non-NULL key tuples (meaningful when `nullKeyRows` is 0). */
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
  // A row value of the keys: count(DISTINCT) counts key tuples; NULL keys fail the load before this matters.
  const distinct = k.length === 1 ? k[0]! : `(${k.join(", ")})`;
  const isTs = watermark !== undefined && (watermark.type.kind === "timestamp" || watermark.type.kind === "timestamp_ntz");
  const wm = watermark ? `, CAST(max(${quoteIdent(watermark.column)}) AS VARCHAR) AS w${isTs ? `, epoch_ms(max(${quoteIdent(watermark.column)})) AS ms` : ""}` : "";
  const rows = await session.sql(
    `SELECT count(*) AS n, count(*) FILTER (WHERE ${nullKeys}) AS nk, count(DISTINCT ${distinct}) AS dk${wm} FROM {b}`, { b: df },
  ).collect();
  const r = rows[0] ?? {};
  const w = r.w;
  const maxWatermark = watermark && w !== null && w !== undefined
    ? { type: watermark.type.kind, text: String(w), ...(isTs ? { epochMs: Number(r.ms) } : {}) } : undefined;
  return { rows: Number(r.n ?? 0), nullKeyRows: Number(r.nk ?? 0), distinctKeys: Number(r.dk ?? 0), maxWatermark };
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
