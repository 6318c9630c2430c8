import type {
  ArrayType, BinaryType, BooleanType, ByteType, DataType, DateType, DecimalType, DoubleType, FieldInput,
  FloatType, IntegerType, LongType, MapType, NotNull, NullType, RowOf, ShortType, StringType, StructField,
  StructType, TimestampNTZType, TimestampType,
} from "./data-types.js";
import { WeirError } from "../errors/index.js";

const simple = <T extends DataType>(kind: T["kind"]): T => Object.freeze({ kind }) as T;

/**
 * Builders of Spark data types. Schemas built with `t.struct` infer the TypeScript row type.
 *
 * @example
 * ```ts
 * const schema = t.struct({ order_id: t.string(), qty: t.int32(), price: t.decimal(10, 2), ts: t.timestamp() });
 * type Order = t.Infer<typeof schema>; // { order_id: string | null; qty: number | null; ... }
 * ```
 */
export const t = {
  string: (): StringType => simple("string"),
  boolean: (): BooleanType => simple("boolean"),
  /** Spark tinyint / byte. */
  int8: (): ByteType => simple("byte"),
  byte: (): ByteType => simple("byte"),
  tinyint: (): ByteType => simple("byte"),
  /** Spark smallint / short. */
  int16: (): ShortType => simple("short"),
  short: (): ShortType => simple("short"),
  smallint: (): ShortType => simple("short"),
  /** Spark int / integer. */
  int32: (): IntegerType => simple("integer"),
  int: (): IntegerType => simple("integer"),
  integer: (): IntegerType => simple("integer"),
  /** Spark bigint / long (values are JS bigint). */
  int64: (): LongType => simple("long"),
  long: (): LongType => simple("long"),
  bigint: (): LongType => simple("long"),
  float32: (): FloatType => simple("float"),
  float: (): FloatType => simple("float"),
  float64: (): DoubleType => simple("double"),
  double: (): DoubleType => simple("double"),
  decimal: <P extends number>(precision: P, scale = 0): DecimalType<P> => {
    if (!Number.isInteger(precision) || precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Invalid decimal(${precision},${scale}): precision must be 1..38 and 0 <= scale <= precision`, {
        hint: "use e.g. t.decimal(10, 2)",
      });
    }
    return Object.freeze({ kind: "decimal", precision, scale }) as DecimalType<P>;
  },
  date: (): DateType => simple("date"),
  timestamp: (): TimestampType => simple("timestamp"),
  timestampNTZ: (): TimestampNTZType => simple("timestamp_ntz"),
  binary: (): BinaryType => simple("binary"),
  null: (): NullType => simple("null"),
  array: <E extends DataType>(elementType: E, containsNull = true): ArrayType<E> =>
    Object.freeze({ kind: "array", elementType, containsNull }) as ArrayType<E>,
  map: <K extends DataType, V extends DataType>(keyType: K, valueType: V, valueContainsNull = true): MapType<K, V> =>
    Object.freeze({ kind: "map", keyType, valueType, valueContainsNull }) as MapType<K, V>,
  /** Mark a struct field as NOT NULL: `t.struct({ id: t.notNull(t.int64()) })`. */
  notNull: <T extends DataType>(type: T): NotNull<T> => Object.freeze({ notNull: type }),
  struct: <F extends Record<string, FieldInput>>(fields: F): StructType<RowOf<F>> =>
    structOf(Object.entries(fields).map(([name, input]) => {
      const notNull = "notNull" in input;
      return { name, type: notNull ? input.notNull : input, nullable: !notNull };
    })) as StructType<RowOf<F>>,
  /** A struct from explicit fields (names known only at runtime). */
  structOf: (fields: readonly StructField[]): StructType => structOf(fields),
} as const;

function structOf(fields: readonly StructField[]): StructType {
  return Object.freeze({ kind: "struct", fields: Object.freeze(fields.map((f) => Object.freeze({ ...f }))) }) as StructType;
}

// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace t {
  /** The row type of a schema: `t.Infer<typeof schema>`. */
  type Infer<S> = S extends StructType<infer R> ? R : never;
}
