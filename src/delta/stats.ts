/**
 * Per-file statistics for `add.stats` (numRecords, minValues, maxValues, nullCount) built from the column
 * statistics a Parquet writer reports as text, in the JSON forms Delta readers expect: numbers for numeric
 * columns, `yyyy-mm-dd` for dates, ISO-8601 with milliseconds for timestamps, strings truncated to a prefix.
 */
import type { DataType, StructType } from "../types/index.js";

/** Strings longer than this keep a prefix as their min and no max (a truncated max would not bound the column). */
export const STATS_STRING_PREFIX = 32;

/** One column's statistics as the Parquet writer reported them (text). @example `{ min: "1", max: "9", nullCount: 0 }` */
export interface ColumnStatsText {
  readonly min?: string | null;
  readonly max?: string | null;
  readonly nullCount?: number;
}

/**
 * The `add.stats` JSON string for a file of `numRecords` rows with the given per-column statistics (keyed by
 * column name, case-insensitively matched to `dataSchema`). Columns whose type has no orderable statistics
 * (booleans, binary, nested) get only a null count.
 *
 * @example
 * ```ts
 * buildStatsJson(3, t.struct({ id: t.int64() }), new Map([["id", { min: "1", max: "3", nullCount: 0 }]]));
 * // '{"numRecords":3,"minValues":{"id":1},"maxValues":{"id":3},"nullCount":{"id":0}}'
 * ```
 */
export function buildStatsJson(numRecords: number, dataSchema: StructType, columns: ReadonlyMap<string, ColumnStatsText>): string {
  const lower = new Map([...columns].map(([k, v]) => [k.toLowerCase(), v]));
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, number> = {};
  for (const f of dataSchema.fields) {
    const s = lower.get(f.name.toLowerCase());
    if (!s) {
      // No statistics reported: a column that is entirely null in an empty file still has a null count.
      if (numRecords === 0) nullCount[f.name] = 0;
      continue;
    }
    if (s.nullCount !== undefined) nullCount[f.name] = s.nullCount;
    const min = statValue(s.min, f.type, "min");
    const max = statValue(s.max, f.type, "max");
    if (min !== undefined) minValues[f.name] = min;
    if (max !== undefined) maxValues[f.name] = max;
  }
  return JSON.stringify({ numRecords, minValues, maxValues, nullCount });
}

/** Convert a textual bound to its JSON form; `undefined` drops it (unknown is always safe). */
function statValue(text: string | null | undefined, type: DataType, bound: "min" | "max"): unknown {
  if (text === null || text === undefined) return undefined;
  switch (type.kind) {
    case "byte": case "short": case "integer": case "long": case "decimal": {
      const n = Number(text);
      return Number.isFinite(n) && (type.kind !== "long" || Number.isSafeInteger(n)) && (type.kind !== "decimal" || Math.abs(n) < 2 ** 53) ? n : undefined;
    }
    case "float": case "double": {
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case "date": return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
    case "timestamp": case "timestamp_ntz": return timestampStat(text, bound, type.kind === "timestamp");
    case "string": {
      const chars = [...text];
      if (chars.length <= STATS_STRING_PREFIX) return text;
      return bound === "min" ? chars.slice(0, STATS_STRING_PREFIX).join("") : undefined;
    }
    default: return undefined;
  }
}

const TS = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(?:([+-]\d{2})(?::?(\d{2}))?|Z)?$/;

/** Milliseconds precision, as Spark writes them: the min rounded down, the max rounded up. */
function timestampStat(text: string, bound: "min" | "max", utc: boolean): string | undefined {
  const m = TS.exec(text.trim());
  if (!m) return undefined;
  const frac = (m[3] ?? "").padEnd(9, "0");
  let ms = Date.parse(`${m[1]}T${m[2]}.${frac.slice(0, 3)}Z`);
  if (Number.isNaN(ms)) return undefined;
  if (m[4]) {
    const sign = m[4].startsWith("-") ? -1 : 1;
    ms -= sign * (Math.abs(Number(m[4])) * 60 + Number(m[5] ?? 0)) * 60_000;
  }
  if (bound === "max" && /[1-9]/.test(frac.slice(3))) ms += 1;
  const iso = new Date(ms).toISOString();
  return utc ? iso : iso.slice(0, -1);
}
