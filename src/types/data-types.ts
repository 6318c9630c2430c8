/**
 * Spark's data types as frozen plain objects tagged by `kind`. The TypeScript value type each one carries
 * (phantom `__value`) is what `collect()` returns for it, so `t.struct({...})` infers a row type.
 *
 * Value mapping (what rows hold): string → string; boolean → boolean; byte/short/integer/float/double → number;
 * long → bigint; decimal(p ≤ 15) → number, decimal(p > 15) → string (exact digits); date, timestamp,
 * timestamp_ntz → Date; binary → Uint8Array; array → T[]; map → Map<K, V>; struct → object. Nullable → `| null`.
 */
export type DataType =
  | StringType | BooleanType | ByteType | ShortType | IntegerType | LongType | FloatType | DoubleType
  | DecimalType | DateType | TimestampType | TimestampNTZType | BinaryType | NullType
  | ArrayType | MapType | StructType | OtherType;

interface Base<K extends string, V> {
  readonly kind: K;
  /** Phantom: the JS type of a value of this type (never present at runtime). */
  readonly __value?: V;
}
/** Spark `string`. @example `t.string()` */
export type StringType = Base<"string", string>;
/** Spark `boolean`. @example `t.boolean()` */
export type BooleanType = Base<"boolean", boolean>;
/** Spark `tinyint`/`byte`. @example `t.int8()` */
export type ByteType = Base<"byte", number>;
/** Spark `smallint`/`short`. @example `t.int16()` */
export type ShortType = Base<"short", number>;
/** Spark `int`/`integer`. @example `t.int32()` */
export type IntegerType = Base<"integer", number>;
/** Spark `bigint`/`long` (values are JS bigint). @example `t.int64()` */
export type LongType = Base<"long", bigint>;
/** Spark `float`. @example `t.float32()` */
export type FloatType = Base<"float", number>;
/** Spark `double`. @example `t.float64()` */
export type DoubleType = Base<"double", number>;
/** Spark `date`. @example `t.date()` */
export type DateType = Base<"date", Date>;
/** Spark `timestamp` (an instant, stored as UTC microseconds). @example `t.timestamp()` */
export type TimestampType = Base<"timestamp", Date>;
/** Spark `timestamp_ntz` (wall-clock time without zone). @example `t.timestampNTZ()` */
export type TimestampNTZType = Base<"timestamp_ntz", Date>;
/** Spark `binary`. @example `t.binary()` */
export type BinaryType = Base<"binary", Uint8Array>;
/** Spark `void` (the type of a bare NULL). @example `t.null()` */
export type NullType = Base<"null", null>;

type DecimalValue<P extends number> = P extends 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30 | 31 | 32 | 33 | 34 | 35 | 36 | 37 | 38 ? string : number;
/** Spark `decimal(p,s)`; values are numbers up to precision 15, exact strings above. @example `t.decimal(10, 2)` */
export interface DecimalType<P extends number = number> extends Base<"decimal", DecimalValue<P>> {
  readonly precision: P;
  readonly scale: number;
}
/** Spark `array<T>`. @example `t.array(t.string())` */
export interface ArrayType<E extends DataType = DataType> extends Base<"array", Array<ValueOf<E> | null>> {
  readonly elementType: E;
  readonly containsNull: boolean;
}
/** Spark `map<K,V>`. @example `t.map(t.string(), t.int64())` */
export interface MapType<K extends DataType = DataType, V extends DataType = DataType>
  extends Base<"map", Map<ValueOf<K>, ValueOf<V> | null>> {
  readonly keyType: K;
  readonly valueType: V;
  readonly valueContainsNull: boolean;
}
/** One field of a struct. @example `{ name: "id", type: t.int64(), nullable: false }` */
export interface StructField<N extends string = string, T extends DataType = DataType, Nullable extends boolean = boolean> {
  readonly name: N;
  readonly type: T;
  readonly nullable: Nullable;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly comment?: string;
}
/** Spark `struct<...>`; also the type of a schema. @example `t.struct({ id: t.int64() })` */
export interface StructType<R = Record<string, unknown>> extends Base<"struct", R> {
  readonly fields: readonly StructField[];
}
/** An engine type with no Spark equivalent (e.g. DuckDB INTERVAL, TIME, UUID kept as is). @example `{ kind: "other", sql: "INTERVAL" }` */
export interface OtherType extends Base<"other", unknown> {
  readonly sql: string;
}

/** The JS value type of a data type. @example `type V = ValueOf<LongType>; // bigint` */
export type ValueOf<T extends DataType> = T extends Base<string, infer V> ? V : never;

/** A column-definition input of `t.struct({...})`: a type, or a type marked not-null by `t.notNull`. */
export type FieldInput = DataType | NotNull<DataType>;
/** A type wrapped by `t.notNull(...)`: the field is declared non-nullable. @example `t.notNull(t.int64())` */
export interface NotNull<T extends DataType> {
  readonly notNull: T;
}

/** The row type of a struct built from field inputs. @example `type R = RowOf<{ a: StringType }>; // { a: string | null }` */
export type RowOf<F extends Record<string, FieldInput>> = {
  [K in keyof F]: F[K] extends NotNull<infer T> ? ValueOf<T> : F[K] extends DataType ? ValueOf<F[K]> | null : never;
};

/** Short Spark-style names of a data type (`decimal(10,2)`, `array<string>`), as in `df.dtypes`. @example `simpleString(t.int64()) // "bigint"` */
export function simpleString(type: DataType): string {
  switch (type.kind) {
    case "string": return "string";
    case "boolean": return "boolean";
    case "byte": return "tinyint";
    case "short": return "smallint";
    case "integer": return "int";
    case "long": return "bigint";
    case "float": return "float";
    case "double": return "double";
    case "decimal": return `decimal(${type.precision},${type.scale})`;
    case "date": return "date";
    case "timestamp": return "timestamp";
    case "timestamp_ntz": return "timestamp_ntz";
    case "binary": return "binary";
    case "null": return "void";
    case "array": return `array<${simpleString(type.elementType)}>`;
    case "map": return `map<${simpleString(type.keyType)},${simpleString(type.valueType)}>`;
    case "struct": return `struct<${type.fields.map((f) => `${f.name}:${simpleString(f.type)}`).join(",")}>`;
    case "other": return type.sql.toLowerCase();
    default: return assertNever(type);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled data type ${JSON.stringify(x)}: this is a bug in Weir`);
}
