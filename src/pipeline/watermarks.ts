/**
 * Watermarks of incremental loads: the highest watermark-column value a job has merged into its target, encoded
 * so it survives JSON (the target's commit metadata) and Delta (`_weir.watermarks`) without losing precision.
 */
import { F, lit, type Column, type DataFrame, type Row, type Session } from "../dataframe/index.js";
import { t, type DataType, type StructType } from "../types/index.js";
import { WeirError } from "../errors/index.js";
import { appendWeirTable, readWeirTable } from "./weir-tables.js";

/**
 * A watermark value: the column's Spark type and the value as DuckDB renders it (full precision: timestamps keep
 * their microseconds), plus epoch milliseconds (floored) for timestamps.
 *
 * @example `{ type: "timestamp", text: "2025-01-02 03:04:05.123456+00", epochMs: 1735787045123 }`
 */
export interface WatermarkValue {
  readonly type: string;
  readonly text: string;
  readonly epochMs?: number;
}

/** Schema of `_weir.watermarks` (one row per advanced watermark; the highest seq of a job is its state). @example `WATERMARKS_SCHEMA.fields.map((f) => f.name)` */
export const WATERMARKS_SCHEMA: StructType = t.struct({
  job: t.string(), seq: t.int64(), watermark: t.string(), watermark_type: t.string(), target: t.string(), target_version: t.int64(),
  rows: t.int64(), updated_at: t.timestamp(),
});

/** One recorded watermark. @example `{ job: "orders", seq: 3, watermark: { type: "long", text: "42" }, target: "silver.orders", targetVersion: 7, rows: 10 }` */
export interface WatermarkRecord {
  readonly job: string;
  readonly seq: number;
  readonly watermark: WatermarkValue | null;
  readonly target: string;
  readonly targetVersion: number;
  readonly rows: number;
}

const ORDERED = new Set(["byte", "short", "integer", "long", "float", "double", "decimal", "string", "date", "timestamp", "timestamp_ntz"]);

/**
 * The type of the watermark column of `df`, checked to be orderable.
 *
 * @example `const type = await watermarkType(orders, "updated_at") // { kind: "timestamp" }`
 */
export async function watermarkType(df: DataFrame<Row>, column: string, what: string): Promise<DataType> {
  const schema = await df.schema();
  const f = schema.fields.find((x) => x.name === column) ?? schema.fields.find((x) => x.name.toLowerCase() === column.toLowerCase());
  if (!f) {
    throw new WeirError("WEIR_UNKNOWN_COLUMN", `Unknown watermark column "${column}" in ${what}. Columns: ${schema.fields.map((x) => x.name).join(", ")}`, {
      hint: "name a column that grows with every insert or update (updated_at, an id sequence)", details: { column },
    });
  }
  if (!ORDERED.has(f.type.kind)) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `Watermark column "${column}" of ${what} has type ${f.type.kind}, which has no order usable as a watermark`, {
      hint: "use a timestamp, date, number or string column", details: { column },
    });
  }
  return f.type;
}

/**
 * A filter keeping rows at or after the watermark, in a form pushed down to Postgres and file/Delta scans
 * (timestamps compare from the floored millisecond: a little more is read, never less).
 *
 * @example `source.filter(atOrAfter("updated_at", w, type))`
 */
export function atOrAfter(column: string, w: WatermarkValue, type: DataType): Column {
  return F.col(column).geq(watermarkLiteral(w, type));
}

function watermarkLiteral(w: WatermarkValue, type: DataType): Column {
  switch (type.kind) {
    case "timestamp": case "timestamp_ntz": return lit(new Date(w.epochMs ?? Date.parse(w.text)), type);
    case "byte": case "short": case "integer": return lit(Number(w.text), type);
    case "long": return lit(BigInt(w.text), type);
    case "float": case "double": return lit(Number(w.text), type);
    case "date": case "string": return lit(w.text, type);
    default: return lit(w.text).cast(type);
  }
}

/** Compare two watermark values of one type (`-1`, `0`, `1`). @example `compareWatermarks(a, b) > 0` */
export function compareWatermarks(a: WatermarkValue, b: WatermarkValue): number {
  if (a.epochMs !== undefined && b.epochMs !== undefined && a.epochMs !== b.epochMs) return Math.sign(a.epochMs - b.epochMs);
  switch (a.type) {
    case "byte": case "short": case "integer": case "float": case "double": return Math.sign(Number(a.text) - Number(b.text));
    case "long": { const x = BigInt(a.text); const y = BigInt(b.text); return x < y ? -1 : x > y ? 1 : 0; }
    case "decimal": return Math.sign(Number(a.text) - Number(b.text));
    default: return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }
}

/**
 * Append a watermark record to `_weir.watermarks`.
 *
 * @example `await recordWatermark(spark, { job: "orders", seq: 3, watermark: w, target: "silver.orders", targetVersion: 7, rows: 10 })`
 */
export async function recordWatermark(session: Session, r: WatermarkRecord): Promise<void> {
  await appendWeirTable(session, "watermarks", WATERMARKS_SCHEMA, [{
    job: r.job, seq: BigInt(r.seq), watermark: r.watermark ? JSON.stringify(r.watermark) : null, watermark_type: r.watermark?.type ?? null,
    target: r.target, target_version: BigInt(r.targetVersion), rows: BigInt(r.rows), updated_at: new Date(),
  }]);
}

/**
 * The latest watermark record of a job in `_weir.watermarks` (undefined before its first load).
 *
 * @example `const w = await getWatermark(spark, "invoices"); w?.watermark?.text // "2025-01-02 00:00:00+00"`
 */
export async function getWatermark(session: Session, job: string): Promise<WatermarkRecord | undefined> {
  const table = await readWeirTable(session, "watermarks");
  if (!table) return undefined;
  const rows = await session.sql("SELECT * FROM {w} WHERE job = $job ORDER BY seq DESC, updated_at DESC LIMIT 1", { w: table, job }).collect();
  const r = rows[0];
  if (!r) return undefined;
  return {
    job, seq: Number(r.seq), watermark: r.watermark ? JSON.parse(String(r.watermark)) as WatermarkValue : null, target: String(r.target),
    targetVersion: Number(r.target_version), rows: Number(r.rows),
  };
}
