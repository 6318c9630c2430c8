/**
 * Per-file statistics of an `add` action (the `stats` JSON string), used for data skipping and counts.
 */

/**
 * Parsed statistics. Column values mirror the data schema (nested for struct columns) and keep their JSON
 * form: numbers as numbers, dates/timestamps as the ISO-like strings writers emit, strings possibly truncated.
 *
 * @example
 * ```ts
 * const s: FileStats = { numRecords: 5, minValues: { id: 1 }, maxValues: { id: 9 }, nullCount: { id: 0 }, tightBounds: true };
 * ```
 */
export interface FileStats {
  readonly numRecords?: number;
  readonly minValues: Readonly<Record<string, unknown>>;
  readonly maxValues: Readonly<Record<string, unknown>>;
  readonly nullCount: Readonly<Record<string, unknown>>;
  /** `true` unless the writer said the bounds are only wide (e.g. after deletion vectors). */
  readonly tightBounds: boolean;
}

/**
 * Parse an `add.stats` JSON string. Statistics are an optimization only, so an absent or unparsable string
 * gives `undefined` (no skipping for that file) rather than an error.
 *
 * @example
 * ```ts
 * parseFileStats('{"numRecords":3,"minValues":{"id":1},"maxValues":{"id":3},"nullCount":{"id":0}}')?.numRecords; // 3
 * ```
 */
export function parseFileStats(json: string | undefined): FileStats | undefined {
  if (json === undefined || json === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const n = value.numRecords;
  return Object.freeze({
    ...(typeof n === "number" && Number.isFinite(n) ? { numRecords: n } : {}),
    minValues: isObject(value.minValues) ? value.minValues : {},
    maxValues: isObject(value.maxValues) ? value.maxValues : {},
    nullCount: isObject(value.nullCount) ? value.nullCount : {},
    tightBounds: value.tightBounds !== false,
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
