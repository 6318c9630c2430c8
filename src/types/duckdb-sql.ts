import type { DataType } from "./data-types.js";
import { quoteIdent } from "../util/index.js";

/**
 * The DuckDB SQL type for a Spark data type. Spark `timestamp` (an instant) maps to `TIMESTAMPTZ` (sessions run
 * with TimeZone=UTC), `timestamp_ntz` to `TIMESTAMP`, so Parquet files carry the right isAdjustedToUTC flag.
 *
 * @example `toDuckDBType(t.array(t.decimal(10, 2))) // "DECIMAL(10,2)[]"`
 */
export function toDuckDBType(type: DataType): string {
  switch (type.kind) {
    case "string": return "VARCHAR";
    case "boolean": return "BOOLEAN";
    case "byte": return "TINYINT";
    case "short": return "SMALLINT";
    case "integer": return "INTEGER";
    case "long": return "BIGINT";
    case "float": return "FLOAT";
    case "double": return "DOUBLE";
    case "decimal": return `DECIMAL(${type.precision},${type.scale})`;
    case "date": return "DATE";
    case "timestamp": return "TIMESTAMPTZ";
    case "timestamp_ntz": return "TIMESTAMP";
    case "binary": return "BLOB";
    case "null": return "INTEGER";
    case "array": return `${toDuckDBType(type.elementType)}[]`;
    case "map": return `MAP(${toDuckDBType(type.keyType)}, ${toDuckDBType(type.valueType)})`;
    case "struct": return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${toDuckDBType(f.type)}`).join(", ")})`;
    case "other": return type.sql;
    default: {
      const never: never = type;
      throw new Error(`unhandled type ${JSON.stringify(never)}: this is a bug in Weir`);
    }
  }
}
