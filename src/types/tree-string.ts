import { simpleString, type DataType, type StructType } from "./data-types.js";

/**
 * Spark's `printSchema()` tree for a schema.
 *
 * @example
 * ```ts
 * treeString(t.struct({ id: t.int64() }));
 * // root
 * //  |-- id: long (nullable = true)
 * ```
 */
export function treeString(schema: StructType): string {
  const lines = ["root"];
  const walk = (type: DataType, prefix: string): void => {
    if (type.kind === "struct") {
      for (const f of type.fields) {
        lines.push(`${prefix}|-- ${f.name}: ${typeName(f.type)} (nullable = ${f.nullable})`);
        walk(f.type, `${prefix}|    `);
      }
    } else if (type.kind === "array") {
      lines.push(`${prefix}|-- element: ${typeName(type.elementType)} (containsNull = ${type.containsNull})`);
      walk(type.elementType, `${prefix}|    `);
    } else if (type.kind === "map") {
      lines.push(`${prefix}|-- key: ${typeName(type.keyType)}`);
      walk(type.keyType, `${prefix}|    `);
      lines.push(`${prefix}|-- value: ${typeName(type.valueType)} (valueContainsNull = ${type.valueContainsNull})`);
      walk(type.valueType, `${prefix}|    `);
    }
  };
  walk(schema, " ");
  return lines.join("\n");
}

function typeName(type: DataType): string {
  switch (type.kind) {
    case "struct": case "array": case "map": return type.kind;
    case "integer": return "integer";
    case "long": return "long";
    case "short": return "short";
    case "byte": return "byte";
    default: return simpleString(type);
  }
}
