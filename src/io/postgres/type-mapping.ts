import { t, toDuckDBType, type DataType } from "../../types/index.js";
import { quoteIdent } from "../../util/index.js";

/**
 * One column of a Postgres result, as described by the server: name, type name (`pg_type.typname`), type
 * modifier (precision/scale of numeric, -1 when unconstrained) and, for arrays, the element's type name.
 *
 * @example `{ name: "amount", typname: "numeric", typmod: 655366 }`
 */
export interface PostgresColumn {
  readonly name: string;
  readonly typname: string;
  readonly typmod: number;
  /** The element type name of an array column (`int4` for `_int4`). */
  readonly elemTypname?: string;
  /** `pg_type.typcategory` ("E" for enums, "A" for arrays …). */
  readonly category?: string;
}

/**
 * How a Postgres column travels through `COPY … TO STDOUT (FORMAT csv)` into DuckDB: the Spark type it reads as,
 * the Postgres expression selected for it (text that DuckDB can cast exactly) and the DuckDB expression that turns
 * the CSV text back into the typed value.
 *
 * @example `mapPostgresColumn({ name: "ids", typname: "_int8", typmod: -1, elemTypname: "int8" }).type // array<bigint>`
 */
export interface ColumnTransfer {
  readonly name: string;
  readonly type: DataType;
  /** SQL (Postgres) for the column in the COPY query. */
  readonly pgSelect: string;
  /** SQL (DuckDB) turning the CSV text column `ref` (VARCHAR) into `type`. */
  duckdbExpr(ref: string): string;
}

/**
 * Spark's JDBC mapping of a Postgres base type (PostgresDialect), or undefined for types read as text.
 * numeric(p,s) → decimal(p,s); unconstrained numeric → decimal(38,18) as Spark; wider than 38 digits → string.
 *
 * @example `sparkTypeOfPostgres("int8", -1) // t.int64()`
 */
export function sparkTypeOfPostgres(typname: string, typmod: number): DataType | undefined {
  switch (typname) {
    case "bool": return t.boolean();
    case "int2": return t.int16();
    case "int4": return t.int32();
    case "int8": return t.int64();
    case "oid": return t.int64();
    case "float4": return t.float32();
    case "float8": return t.float64();
    case "numeric": {
      if (typmod < 4) return t.decimal(38, 18);
      const precision = ((typmod - 4) >> 16) & 0xffff;
      const scale = (typmod - 4) & 0xffff;
      return precision <= 38 ? t.decimal(precision, scale) : undefined;
    }
    case "date": return t.date();
    case "timestamptz": return t.timestamp();
    case "timestamp": return t.timestampNTZ();
    case "bytea": return t.binary();
    default: return undefined; // text, varchar, bpchar, json, jsonb, uuid, enums, interval, time … → string
  }
}

/**
 * Plan the transfer of one column (see {@link ColumnTransfer}).
 *
 * @example `mapPostgresColumn({ name: "ts", typname: "timestamptz", typmod: -1 }).duckdbExpr('"c0"')`
 */
export function mapPostgresColumn(col: PostgresColumn): ColumnTransfer {
  const q = quoteIdent(col.name);
  if (col.typname.startsWith("_") && col.elemTypname) {
    const elem = sparkTypeOfPostgres(col.elemTypname, col.typmod) ?? t.string();
    const type = t.array(elem);
    // Arrays travel as JSON (array_to_json), which DuckDB casts to a typed list; bytea elements stay hex text.
    const duck = toDuckDBType(type);
    if (elem.kind === "binary") {
      return { name: col.name, type, pgSelect: `array_to_json(${q})::text`, duckdbExpr: (r) => `list_transform(CAST(CAST(${r} AS JSON) AS VARCHAR[]), x -> unhex(substr(x, 3)))` };
    }
    if (elem.kind === "string") {
      return { name: col.name, type, pgSelect: `array_to_json(${q}::text[])::text`, duckdbExpr: (r) => `CAST(CAST(${r} AS JSON) AS ${duck})` };
    }
    return { name: col.name, type, pgSelect: `array_to_json(${q})::text`, duckdbExpr: (r) => `CAST(CAST(${r} AS JSON) AS ${duck})` };
  }
  const type = sparkTypeOfPostgres(col.typname, col.typmod);
  if (!type) return { name: col.name, type: t.string(), pgSelect: `${q}::text`, duckdbExpr: (r) => r };
  if (type.kind === "binary") return { name: col.name, type, pgSelect: q, duckdbExpr: (r) => `unhex(substr(${r}, 3))` };
  if (type.kind === "boolean") return { name: col.name, type, pgSelect: q, duckdbExpr: (r) => `(${r} = 't')` };
  return { name: col.name, type, pgSelect: q, duckdbExpr: (r) => `CAST(${r} AS ${toDuckDBType(type)})` };
}

/**
 * The Postgres column type for a Spark type when Weir creates a table (Spark's JDBC writer mapping).
 *
 * @example `postgresTypeOf(t.decimal(10, 2)) // "numeric(10,2)"`
 */
export function postgresTypeOf(type: DataType): string {
  switch (type.kind) {
    case "string": return "text";
    case "boolean": return "boolean";
    case "byte": case "short": return "smallint";
    case "integer": return "integer";
    case "long": return "bigint";
    case "float": return "real";
    case "double": return "double precision";
    case "decimal": return `numeric(${type.precision},${type.scale})`;
    case "date": return "date";
    case "timestamp": return "timestamp with time zone";
    case "timestamp_ntz": return "timestamp";
    case "binary": return "bytea";
    case "null": return "text";
    case "array": return `${postgresTypeOf(type.elementType)}[]`;
    case "map": case "struct": case "other": return "jsonb";
    default: { const never: never = type; return never; }
  }
}
