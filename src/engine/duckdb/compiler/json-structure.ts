import { toDuckDBType, type DataType } from "../../../types/index.js";

/**
 * DuckDB's JSON structure description of a type, for from_json.
 * @example `jsonStructure(t.struct({ a: t.long() })) // { a: "BIGINT" }`
 */
export function jsonStructure(type: DataType): unknown {
  switch (type.kind) {
    case "struct": return Object.fromEntries(type.fields.map((f) => [f.name, jsonStructure(f.type)]));
    case "array": return [jsonStructure(type.elementType)];
    case "map": return `MAP(${toDuckDBType(type.keyType)}, ${toDuckDBType(type.valueType)})`;
    default: return toDuckDBType(type);
  }
}
