/**
 * Schema enforcement and evolution for writes into a Delta table (delta-spark's rules): the data's columns
 * must exist in the table with the same or a narrower type; table columns missing from the data are written
 * as nulls. `mergeSchema` adds the data's new columns to the table; `overwriteSchema` (with overwrite)
 * replaces schema and partitioning entirely.
 */
import { DeltaError } from "../errors/index.js";
import { simpleString, t, type DataType, type StructField, type StructType } from "../types/index.js";

/** How a write may change the schema. @example `{ mergeSchema: true, overwriteSchema: false }` */
export interface SchemaEvolution {
  readonly mergeSchema: boolean;
  readonly overwriteSchema: boolean;
}

/** The table schema after the write and whether it differs from the current one. @example `{ schema, changed: true }` */
export interface ReconciledSchema {
  readonly schema: StructType;
  readonly changed: boolean;
}

const INTEGRAL = ["byte", "short", "integer", "long"];

/**
 * Check `data` against the `table` schema (undefined for a new table) and compute the resulting schema.
 * Mismatches raise `WEIR_DELTA_SCHEMA_MISMATCH` listing every mismatched column.
 *
 * @example
 * ```ts
 * reconcileSchema(tableSchema, dataSchema, { mergeSchema: false, overwriteSchema: false }, "/data/t").schema;
 * ```
 */
export function reconcileSchema(table: StructType | undefined, data: StructType, evolution: SchemaEvolution, tableName: string): ReconciledSchema {
  if (!table || evolution.overwriteSchema) {
    const schema = t.structOf(data.fields.map((f) => ({ ...f, nullable: true })));
    return { schema, changed: !table || simpleString(schema) !== simpleString(table) };
  }
  const problems: string[] = [];
  const added: StructField[] = [];
  for (const f of data.fields) {
    const target = table.fields.find((x) => x.name.toLowerCase() === f.name.toLowerCase());
    if (!target) {
      if (evolution.mergeSchema) added.push({ ...f, nullable: true });
      else problems.push(`"${f.name}" (${simpleString(f.type)}) is not in the table`);
      continue;
    }
    if (!canWrite(f.type, target.type)) problems.push(`"${f.name}" is ${simpleString(f.type)} in the data but ${simpleString(target.type)} in the table`);
  }
  if (problems.length) {
    throw new DeltaError("WEIR_DELTA_SCHEMA_MISMATCH", `Cannot write to the Delta table at ${tableName}: the data does not match the table schema: ${problems.join("; ")}. Table schema: ${table.fields.map((f) => `${f.name} ${simpleString(f.type)}`).join(", ")}`, {
      hint: 'select and cast the columns to the table schema, add new columns with .option("mergeSchema", true), or replace the schema with .mode("overwrite").option("overwriteSchema", true)',
      details: { table: tableName, mismatches: problems },
    });
  }
  if (!added.length) return { schema: table, changed: false };
  return { schema: t.structOf([...table.fields, ...added]), changed: true };
}

/** A value of type `from` can be stored in a column of type `to` without loss. */
function canWrite(from: DataType, to: DataType): boolean {
  if (simpleString(from) === simpleString(to)) return true;
  if (from.kind === "null") return true;
  if (INTEGRAL.includes(from.kind) && INTEGRAL.includes(to.kind)) return INTEGRAL.indexOf(from.kind) <= INTEGRAL.indexOf(to.kind);
  if (from.kind === "float" && to.kind === "double") return true;
  if (INTEGRAL.includes(from.kind) && to.kind === "double") return from.kind !== "long";
  if (from.kind === "decimal" && to.kind === "decimal") return from.scale <= to.scale && from.precision - from.scale <= to.precision - to.scale;
  if (from.kind === "struct" && to.kind === "struct") {
    return from.fields.every((f) => {
      const g = to.fields.find((x) => x.name.toLowerCase() === f.name.toLowerCase());
      return g !== undefined && canWrite(f.type, g.type);
    });
  }
  if (from.kind === "array" && to.kind === "array") return canWrite(from.elementType, to.elementType);
  if (from.kind === "map" && to.kind === "map") return canWrite(from.keyType, to.keyType) && canWrite(from.valueType, to.valueType);
  return false;
}
