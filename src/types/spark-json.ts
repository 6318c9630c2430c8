/**
 * Spark's JSON schema format — the `schemaString` of a Delta `metaData` action and what Spark's
 * `StructType.json` prints — converted to and from Weir {@link DataType}s.
 *
 * Primitive types are bare strings (`"long"`, `"decimal(10,2)"`, `"timestamp_ntz"`); structs, arrays and maps
 * are objects tagged by `type`. Names Weir has no type for (e.g. `"variant"`, `"interval"`) become
 * `{ kind: "other" }` and print back unchanged, so a schema round-trips.
 */
import { WeirError } from "../errors/index.js";
import type { DataType, StructField, StructType } from "./data-types.js";
import { t } from "./builders.js";

/** A JSON value as Spark writes it for a data type: a primitive name, or a struct/array/map object. */
export type SparkTypeJson = string | SparkStructJson | SparkArrayJson | SparkMapJson;
/** Spark JSON of a struct. @example `{ type: "struct", fields: [{ name: "id", type: "long", nullable: true, metadata: {} }] }` */
export interface SparkStructJson {
  type: "struct";
  fields: SparkFieldJson[];
}
/** Spark JSON of one struct field. @example `{ name: "id", type: "long", nullable: true, metadata: {} }` */
export interface SparkFieldJson {
  name: string;
  type: SparkTypeJson;
  nullable: boolean;
  metadata: Record<string, unknown>;
}
/** Spark JSON of an array. @example `{ type: "array", elementType: "string", containsNull: true }` */
export interface SparkArrayJson {
  type: "array";
  elementType: SparkTypeJson;
  containsNull: boolean;
}
/** Spark JSON of a map. @example `{ type: "map", keyType: "string", valueType: "long", valueContainsNull: true }` */
export interface SparkMapJson {
  type: "map";
  keyType: SparkTypeJson;
  valueType: SparkTypeJson;
  valueContainsNull: boolean;
}

const PRIMITIVES: Readonly<Record<string, () => DataType>> = {
  string: t.string, boolean: t.boolean, byte: t.byte, short: t.short, integer: t.integer, long: t.long,
  float: t.float, double: t.double, date: t.date, timestamp: t.timestamp, timestamp_ntz: t.timestampNTZ,
  binary: t.binary, null: t.null, void: t.null,
};
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;

/**
 * Parse a Spark JSON schema (a string, or the already-parsed object) into a Weir struct type.
 *
 * @example
 * ```ts
 * const schema = parseSparkSchemaJson('{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}');
 * schema.fields[0]?.type; // { kind: "long" }
 * ```
 */
export function parseSparkSchemaJson(json: string | unknown): StructType {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new WeirError("WEIR_SCHEMA_PARSE", `Invalid Spark JSON schema: not valid JSON (${(cause as Error).message})`, {
        hint: "a schema must look like {\"type\":\"struct\",\"fields\":[...]}",
        cause,
      });
    }
  }
  const type = parseSparkDataType(value);
  if (type.kind !== "struct") {
    throw new WeirError("WEIR_SCHEMA_PARSE", `Invalid Spark JSON schema: the top level is ${type.kind}, not struct`, {
      hint: "a schema must look like {\"type\":\"struct\",\"fields\":[...]}",
    });
  }
  return type;
}

/**
 * Parse one Spark JSON data type (primitive name or struct/array/map object) into a Weir type.
 *
 * @example
 * ```ts
 * parseSparkDataType("decimal(10,2)"); // { kind: "decimal", precision: 10, scale: 2 }
 * parseSparkDataType({ type: "array", elementType: "string", containsNull: true });
 * ```
 */
export function parseSparkDataType(json: unknown, path = "schema"): DataType {
  if (typeof json === "string") return parsePrimitive(json);
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return fail(path, `expected a type name or object, found ${describe(json)}`);
  }
  const obj = json as Record<string, unknown>;
  switch (obj.type) {
    case "struct": {
      if (!Array.isArray(obj.fields)) return fail(path, "struct without a \"fields\" array");
      return t.structOf(obj.fields.map((f, i) => parseField(f, `${path}.fields[${i}]`)));
    }
    case "array": {
      if (!("elementType" in obj)) return fail(path, "array without \"elementType\"");
      return t.array(parseSparkDataType(obj.elementType, `${path}.elementType`), obj.containsNull !== false);
    }
    case "map": {
      if (!("keyType" in obj) || !("valueType" in obj)) return fail(path, "map without \"keyType\"/\"valueType\"");
      return t.map(
        parseSparkDataType(obj.keyType, `${path}.keyType`),
        parseSparkDataType(obj.valueType, `${path}.valueType`),
        obj.valueContainsNull !== false,
      );
    }
    // User-defined types carry their SQL representation; read them as that type.
    case "udt": return parseSparkDataType(obj.sqlType, `${path}.sqlType`);
    default:
      // Some writers emit a primitive as {"type":"long"}; accept it.
      if (typeof obj.type === "string") return parsePrimitive(obj.type);
      return fail(path, `unknown type object ${describe(json)}`);
  }
}

function parseField(json: unknown, path: string): StructField {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return fail(path, `expected a field object, found ${describe(json)}`);
  const f = json as Record<string, unknown>;
  if (typeof f.name !== "string") return fail(path, "field without a string \"name\"");
  if (!("type" in f)) return fail(path, `field "${f.name}" without a "type"`);
  const metadata = f.metadata !== null && typeof f.metadata === "object" && !Array.isArray(f.metadata)
    ? (f.metadata as Record<string, unknown>) : {};
  return {
    name: f.name,
    type: parseSparkDataType(f.type, `${path}(${f.name})`),
    nullable: f.nullable !== false,
    metadata,
    ...(typeof metadata.comment === "string" ? { comment: metadata.comment } : {}),
  };
}

function parsePrimitive(name: string): DataType {
  const lower = name.trim().toLowerCase();
  const make = PRIMITIVES[lower];
  if (make) return make();
  if (lower === "decimal") return t.decimal(10, 0);
  const m = DECIMAL.exec(lower);
  if (m) return t.decimal(Number(m[1]), Number(m[2]));
  // char(n)/varchar(n) are strings with a length check Weir does not enforce on read.
  if (/^(var)?char\(\d+\)$/.test(lower)) return t.string();
  return Object.freeze({ kind: "other", sql: name }) as DataType;
}

/**
 * Convert a Weir struct type to Spark's JSON schema string (what a Delta `metaData.schemaString` holds).
 *
 * @example
 * ```ts
 * toSparkSchemaJson(t.struct({ id: t.int64() }));
 * // '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}'
 * ```
 */
export function toSparkSchemaJson(schema: StructType): string {
  return JSON.stringify(toSparkTypeJson(schema));
}

/**
 * Convert one Weir data type to its Spark JSON value (a name string or a struct/array/map object).
 *
 * @example
 * ```ts
 * toSparkTypeJson(t.decimal(10, 2)); // "decimal(10,2)"
 * toSparkTypeJson(t.array(t.string())); // { type: "array", elementType: "string", containsNull: true }
 * ```
 */
export function toSparkTypeJson(type: DataType): SparkTypeJson {
  switch (type.kind) {
    case "string": case "boolean": case "byte": case "short": case "integer": case "long": case "float":
    case "double": case "date": case "timestamp": case "timestamp_ntz": case "binary":
      return type.kind;
    case "null": return "void";
    case "decimal": return `decimal(${type.precision},${type.scale})`;
    case "array": return { type: "array", elementType: toSparkTypeJson(type.elementType), containsNull: type.containsNull };
    case "map":
      return {
        type: "map", keyType: toSparkTypeJson(type.keyType), valueType: toSparkTypeJson(type.valueType),
        valueContainsNull: type.valueContainsNull,
      };
    case "struct":
      return {
        type: "struct",
        fields: type.fields.map((f) => ({
          name: f.name,
          type: toSparkTypeJson(f.type),
          nullable: f.nullable,
          metadata: { ...(f.metadata ?? {}), ...(f.comment !== undefined ? { comment: f.comment } : {}) },
        })),
      };
    case "other": return type.sql.toLowerCase();
    default: return assertNever(type);
  }
}

function fail(path: string, why: string): never {
  throw new WeirError("WEIR_SCHEMA_PARSE", `Invalid Spark JSON schema at ${path}: ${why}`, {
    hint: "types are names like \"long\" or \"decimal(10,2)\", or {\"type\":\"struct\"|\"array\"|\"map\", ...}",
    details: { path },
  });
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function assertNever(x: never): never {
  throw new WeirError("WEIR_INTERNAL", `unhandled data type ${JSON.stringify(x)}: this is a bug in Weir`);
}
