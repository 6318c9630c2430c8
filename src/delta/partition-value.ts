/**
 * Delta's partition value serialization (every value is a string in the log) turned into typed JS values,
 * following Weir's value mapping (long → bigint, date/timestamp → Date, …).
 */
import { DeltaError } from "../errors/index.js";
import type { DataType } from "../types/index.js";

/** A typed partition value. @example `const v: PartitionValue = 2021n;` */
export type PartitionValue = string | number | bigint | boolean | Date | Uint8Array | null;

/** Hive's spelling of a null partition, which some writers store literally. @example `raw === HIVE_DEFAULT_PARTITION` */
export const HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

const DATE = /^(-?\d{4,})-(\d{1,2})-(\d{1,2})$/;
const TIMESTAMP = /^(-?\d{4,})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Convert one serialized partition value to the column's type. A missing key, `null`, the empty string and
 * `__HIVE_DEFAULT_PARTITION__` are all null. Timestamps without a zone are read as UTC. Unparsable values
 * raise `WEIR_DELTA_CORRUPT_LOG` naming the file and column.
 *
 * @example
 * ```ts
 * parsePartitionValue("4", t.int32(), { column: "c1", file: "c1=4/part-0.parquet" }); // 4
 * parsePartitionValue("2021-12-20", t.date(), { column: "day", file: "…" }); // Date 2021-12-20T00:00:00Z
 * ```
 */
export function parsePartitionValue(raw: string | null | undefined, type: DataType, where: { column: string; file: string }): PartitionValue {
  if (raw === null || raw === undefined || raw === "" || raw === HIVE_DEFAULT_PARTITION) return null;
  const bad = (expected: string): never => {
    throw new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Invalid partition value ${JSON.stringify(raw)} for column "${where.column}" (${expected}) of file ${where.file}`, {
      hint: "the add action's partitionValues do not match the table schema; the log was written by a faulty writer",
      details: { column: where.column, file: where.file, value: raw },
    });
  };
  switch (type.kind) {
    case "string": return raw;
    case "boolean": {
      const lower = raw.toLowerCase();
      return lower === "true" ? true : lower === "false" ? false : bad("boolean");
    }
    case "byte": case "short": case "integer": {
      const n = Number(raw.trim());
      return Number.isInteger(n) ? n : bad(type.kind);
    }
    case "long":
      return /^\s*[-+]?\d+\s*$/.test(raw) ? BigInt(raw.trim()) : bad("long");
    case "float": case "double": {
      const s = raw.trim();
      const n = s === "NaN" ? NaN : s === "Infinity" ? Infinity : s === "-Infinity" ? -Infinity : Number(s);
      return Number.isNaN(n) && s !== "NaN" ? bad(type.kind) : n;
    }
    case "decimal": {
      const s = raw.trim();
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return bad(`decimal(${type.precision},${type.scale})`);
      return type.precision <= 15 ? Number(s) : s;
    }
    case "date": {
      const m = DATE.exec(raw.trim());
      if (!m) return bad("date yyyy-mm-dd");
      return utc(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0, "") ?? bad("date yyyy-mm-dd");
    }
    case "timestamp": case "timestamp_ntz": {
      const m = TIMESTAMP.exec(raw.trim());
      if (!m) return bad("timestamp yyyy-mm-dd hh:mm:ss[.ffffff]");
      const d = utc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7] ?? "");
      if (!d) return bad("timestamp");
      const zone = m[8];
      if (zone && zone !== "Z" && type.kind === "timestamp") {
        const sign = zone.startsWith("-") ? -1 : 1;
        const digits = zone.slice(1).replace(":", "");
        d.setTime(d.getTime() - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000);
      }
      return d;
    }
    // Binary partition values are the bytes as (escaped) characters, one per byte.
    case "binary": return Uint8Array.from(raw, (c) => c.charCodeAt(0) & 0xff);
    case "null": return null;
    case "array": case "map": case "struct": case "other":
      return bad(`a ${type.kind} column cannot be a partition column`);
    default: return assertNeverType(type);
  }
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string): Date | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const ms = frac === "" ? 0 : Math.floor(Number(frac.padEnd(3, "0").slice(0, 3)));
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms));
  date.setUTCFullYear(y);
  return date.getUTCDate() === d ? date : undefined;
}

function assertNeverType(x: never): never {
  throw new DeltaError("WEIR_INTERNAL", `unhandled data type ${JSON.stringify(x)}: this is a bug in Weir`);
}
