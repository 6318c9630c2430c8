import {
  DuckDBTypeId, type DuckDBType, DuckDBDecimalValue, DuckDBDateValue, DuckDBTimestampTZValue, DuckDBTimestampValue,
  DuckDBListValue, DuckDBArrayValue, DuckDBStructValue, DuckDBMapValue, DuckDBBlobValue, type DuckDBValue,
  DuckDBTimestampMillisecondsValue, DuckDBTimestampSecondsValue, DuckDBTimestampNanosecondsValue,
} from "@duckdb/node-api";
import { t, type DataType } from "../../types/index.js";

/**
 * The Spark data type of a DuckDB result column type.
 * @example `fromDuckDBType(result.columnTypes()[0]) // { kind: "long" }`
 */
export function fromDuckDBType(type: DuckDBType): DataType {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR: case DuckDBTypeId.UUID: case DuckDBTypeId.ENUM: return t.string();
    case DuckDBTypeId.BOOLEAN: return t.boolean();
    case DuckDBTypeId.TINYINT: return t.int8();
    case DuckDBTypeId.SMALLINT: case DuckDBTypeId.UTINYINT: return t.int16();
    case DuckDBTypeId.INTEGER: case DuckDBTypeId.USMALLINT: return t.int32();
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UINTEGER: case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT: return t.int64();
    case DuckDBTypeId.FLOAT: return t.float32();
    case DuckDBTypeId.DOUBLE: return t.float64();
    case DuckDBTypeId.DECIMAL: {
      const d = type as unknown as { width: number; scale: number };
      return t.decimal(d.width, d.scale);
    }
    case DuckDBTypeId.DATE: return t.date();
    case DuckDBTypeId.TIMESTAMP_TZ: return t.timestamp();
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_MS: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_NS:
      return t.timestampNTZ();
    case DuckDBTypeId.BLOB: return t.binary();
    case DuckDBTypeId.SQLNULL: return t.null();
    case DuckDBTypeId.LIST: case DuckDBTypeId.ARRAY:
      return t.array(fromDuckDBType((type as unknown as { valueType: DuckDBType }).valueType));
    case DuckDBTypeId.MAP: {
      const m = type as unknown as { keyType: DuckDBType; valueType: DuckDBType };
      return t.map(fromDuckDBType(m.keyType), fromDuckDBType(m.valueType));
    }
    case DuckDBTypeId.STRUCT: {
      const s = type as unknown as { entryNames: readonly string[]; entryTypes: readonly DuckDBType[] };
      return t.structOf(s.entryNames.map((name, i) => ({ name, type: fromDuckDBType(s.entryTypes[i]!), nullable: true })));
    }
    default: return { kind: "other", sql: type.toString() };
  }
}

const MICROS_PER_MS = 1000n;

/**
 * Convert one DuckDB value into the JS value Weir's rows hold for its type (see src/types/data-types.ts):
 * HUGEINT → bigint, decimals exact as strings above precision 15, dates/timestamps → Date, maps → Map.
 * @example `toJsValue(reader.value(0, 0), t.int64())`
 */
export function toJsValue(v: DuckDBValue, type: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof DuckDBDecimalValue) return type.kind === "decimal" && type.precision > 15 ? v.toString() : v.toDouble();
  if (v instanceof DuckDBDateValue) return new Date(v.days * 86_400_000);
  if (v instanceof DuckDBTimestampTZValue || v instanceof DuckDBTimestampValue) return new Date(Number(v.micros / MICROS_PER_MS));
  if (v instanceof DuckDBTimestampMillisecondsValue) return new Date(Number(v.millis));
  if (v instanceof DuckDBTimestampSecondsValue) return new Date(Number(v.seconds) * 1000);
  if (v instanceof DuckDBTimestampNanosecondsValue) return new Date(Number(v.nanos / 1_000_000n));
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) {
    const et = type.kind === "array" ? type.elementType : t.null();
    return v.items.map((x) => toJsValue(x, et));
  }
  if (v instanceof DuckDBMapValue) {
    const kt = type.kind === "map" ? type.keyType : t.null();
    const vt = type.kind === "map" ? type.valueType : t.null();
    return new Map(v.entries.map((e) => [toJsValue(e.key, kt), toJsValue(e.value, vt)]));
  }
  if (v instanceof DuckDBStructValue) {
    const out: Record<string, unknown> = {};
    const fields = type.kind === "struct" ? type.fields : [];
    for (const [k, x] of Object.entries(v.entries)) out[k] = toJsValue(x, fields.find((f) => f.name === k)?.type ?? t.null());
    return out;
  }
  if (v instanceof DuckDBBlobValue) return v.bytes;
  if (typeof v === "bigint") return type.kind === "long" ? v : v;
  if (typeof v === "object") return v.toString();
  return v;
}
