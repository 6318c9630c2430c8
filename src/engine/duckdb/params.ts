import {
  BIGINT, BLOB, BOOLEAN, DOUBLE, INTEGER, LIST, TIMESTAMPTZ, VARCHAR, DATE, DECIMAL, FLOAT, SMALLINT, TINYINT,
  TIMESTAMP, listValue, blobValue, timestampTZValue, type DuckDBType, type DuckDBValue,
} from "@duckdb/node-api";
import { WeirError } from "../../errors/index.js";
import type { DataType } from "../../types/index.js";

/** Bound parameter values and their DuckDB types, keyed by name (without `$`). @example `{ values: { p1: 5 }, types: { p1: INTEGER } }` */
export interface BoundParams {
  values: Record<string, DuckDBValue>;
  types: Record<string, DuckDBType>;
}

/**
 * Collects the literal values of a statement under generated names (`$__w1`, `$__w2` …) so they are bound,
 * never interpolated into SQL text.
 * @example
 * ```ts
 * const params = new ParamCollector();
 * const sql = `SELECT * FROM t WHERE a = ${params.bind(5)}`; // "... a = $__w1"
 * ```
 */
export class ParamCollector {
  readonly bound: BoundParams = { values: {}, types: {} };
  private next = 1;

  /** Bind a value (optionally with a declared Weir type) and return its placeholder. */
  bind(value: unknown, type?: DataType): string {
    if (value === null || value === undefined) return type ? `CAST(NULL AS ${sqlTypeName(type)})` : "NULL";
    const name = `__w${this.next++}`;
    this.add(name, value, type);
    return `$${name}`;
  }

  /** Bind a user-named parameter (from `session.sql(query, { name: value })`). */
  bindNamed(name: string, value: unknown): void {
    this.add(name, value, undefined);
  }

  private add(name: string, value: unknown, type: DataType | undefined): void {
    const [v, ty] = toDuckDB(value, type, name);
    this.bound.values[name] = v;
    this.bound.types[name] = ty;
  }
}

function sqlTypeName(type: DataType): string {
  const t = duckTypeFor(type);
  return t ? t.toString() : "VARCHAR";
}

function duckTypeFor(type: DataType): DuckDBType | undefined {
  switch (type.kind) {
    case "string": return VARCHAR;
    case "boolean": return BOOLEAN;
    case "byte": return TINYINT;
    case "short": return SMALLINT;
    case "integer": return INTEGER;
    case "long": return BIGINT;
    case "float": return FLOAT;
    case "double": return DOUBLE;
    case "decimal": return DECIMAL(type.precision, type.scale);
    case "date": return DATE;
    case "timestamp": return TIMESTAMPTZ;
    case "timestamp_ntz": return TIMESTAMP;
    case "binary": return BLOB;
    default: return undefined;
  }
}

function toDuckDB(value: unknown, declared: DataType | undefined, name: string): [DuckDBValue, DuckDBType] {
  if (declared) return coerce(value, declared, name);
  if (value === null || value === undefined) return [null, VARCHAR];
  if (typeof value === "string") return [value, VARCHAR];
  if (typeof value === "boolean") return [value, BOOLEAN];
  if (typeof value === "bigint") return [value, BIGINT];
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return [value, DOUBLE];
    if (value >= -2147483648 && value <= 2147483647) return [value, INTEGER];
    if (Number.isSafeInteger(value)) return [BigInt(value), BIGINT];
    return [value, DOUBLE];
  }
  if (value instanceof Date) return [timestamp(value, name), TIMESTAMPTZ];
  if (value instanceof Uint8Array) return [blobValue(value), BLOB];
  if (Array.isArray(value)) {
    const items = value.map((x, i) => toDuckDB(x, undefined, `${name}[${i}]`));
    const types = new Set(items.filter((x) => x[0] !== null).map((x) => x[1].toString()));
    // Mixed integer/fractional numbers: bind all as DOUBLE so the list has one element type.
    if (types.size > 1 && [...types].every((t) => ["INTEGER", "BIGINT", "DOUBLE"].includes(t))) return toDuckDB(value, { kind: "array", elementType: { kind: "double" }, containsNull: true }, name);
    if (types.size > 1) throw new WeirError("WEIR_TYPE_MISMATCH", `Parameter $${name} mixes value types (${[...types].join(", ")})`, { hint: "use values of one type in an array" });
    const elementType = items.find((x) => x[0] !== null)?.[1] ?? VARCHAR;
    return [listValue(items.map((x) => x[0])), LIST(elementType)];
  }
  throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot bind a value of type ${typeof value} as parameter $${name}`, {
    hint: "bind strings, numbers, bigints, booleans, Dates, Uint8Arrays or arrays of them",
  });
}

/** Bind a value as the declared type (the SQL side casts further where DuckDB needs an exact type). */
function coerce(value: unknown, type: DataType, name: string): [DuckDBValue, DuckDBType] {
  const fail = (): never => {
    throw new WeirError("WEIR_TYPE_MISMATCH", `Value ${String(value)} (${typeof value}) does not fit type ${type.kind} for $${name}`, { hint: "pass a value of the column's type, or cast it" });
  };
  const isNull = value === null || value === undefined;
  switch (type.kind) {
    case "string": return [isNull ? null : typeof value === "object" ? JSON.stringify(value) : String(value), VARCHAR];
    case "boolean": return [isNull ? null : typeof value === "boolean" ? value : fail(), BOOLEAN];
    case "byte": case "short": case "integer": case "long":
      if (isNull) return [null, BIGINT];
      if (typeof value === "bigint") return [value, BIGINT];
      if (typeof value === "number" && Number.isInteger(value)) return [BigInt(value), BIGINT];
      if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return [BigInt(value.trim()), BIGINT];
      return fail();
    case "float": case "double":
      if (isNull) return [null, DOUBLE];
      if (typeof value === "number" || typeof value === "bigint") return [Number(value), DOUBLE];
      return fail();
    case "decimal":
      if (isNull) return [null, VARCHAR];
      if (typeof value === "number" || typeof value === "bigint" || typeof value === "string") return [String(value), VARCHAR];
      return fail();
    case "date": case "timestamp": case "timestamp_ntz":
      if (isNull) return [null, VARCHAR];
      if (value instanceof Date) return [value.toISOString().replace("T", " ").replace("Z", ""), VARCHAR];
      if (typeof value === "string") return [value, VARCHAR];
      return fail();
    case "binary":
      if (isNull) return [null, BLOB];
      return value instanceof Uint8Array ? [blobValue(value), BLOB] : fail();
    case "array": {
      if (isNull) return [null, LIST(coerce(null, type.elementType, name)[1])];
      if (!Array.isArray(value)) return fail();
      const items = value.map((x, i) => coerce(x, type.elementType, `${name}[${i}]`));
      return [listValue(items.map((x) => x[0])), LIST(coerce(null, type.elementType, name)[1])];
    }
    default:
      // Maps, structs and other types travel as JSON text and are converted in SQL.
      return [isNull ? null : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v)), VARCHAR];
  }
}

function timestamp(value: Date, name: string): DuckDBValue {
  if (Number.isNaN(value.getTime())) throw new WeirError("WEIR_INVALID_ARGUMENT", `Invalid Date bound as parameter $${name}`, { hint: "pass a valid Date" });
  return timestampTZValue(BigInt(value.getTime()) * 1000n);
}
