/**
 * Reader options: which Spark options each format understands, and the parsed form of the ones every format
 * shares (read mode, corrupt-record column, bad-records path).
 */
import { WeirError } from "../../../errors/index.js";
import type { Scan } from "../../../plan/index.js";
import type { DataType, StructField } from "../../../types/index.js";

/** Spark's parse modes for malformed records. @example `"DROPMALFORMED"` */
export type ReadMode = "PERMISSIVE" | "DROPMALFORMED" | "FAILFAST";

const MODES: readonly ReadMode[] = ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"];

/** Reader options Weir understands per format; anything else is rejected with WEIR_UNSUPPORTED_OPTION. */
const KNOWN_OPTIONS: Readonly<Record<Scan["format"] | "common", readonly string[]>> = {
  common: ["recursiveFileLookup", "pathGlobFilter", "modifiedAfter", "modifiedBefore", "basePath"],
  csv: ["mode", "badRecordsPath", "columnNameOfCorruptRecord", "header", "sep", "delimiter", "quote", "escape", "nullValue", "dateFormat", "timestampFormat", "inferSchema", "encoding", "charset", "comment", "multiLine", "lineSep"],
  json: ["mode", "badRecordsPath", "columnNameOfCorruptRecord", "multiLine", "dateFormat", "timestampFormat"],
  parquet: ["mergeSchema"],
  text: [],
  delta: ["versionAsOf", "timestampAsOf"],
  postgres: [],
};

/** A data column a text format is parsed into. @example `{ name: "qty", type: t.int32() }` */
export interface ReadColumn {
  readonly name: string;
  readonly type: DataType;
}

/** The options every text-format scan shares, parsed and checked. @example `parseReadOptions(scan).mode // "PERMISSIVE"` */
export interface ReadOptions {
  readonly mode: ReadMode;
  /** Where rejected records go (then they are left out of the result, in every mode). */
  readonly badRecordsPath?: string;
  /** The user schema's corrupt-record column (`columnNameOfCorruptRecord`, default `_corrupt_record`), if it has one. */
  readonly corruptColumn?: string;
  /** The user schema without the corrupt-record column, in schema order; undefined without a user schema. */
  readonly dataColumns?: readonly ReadColumn[];
  /** The user schema's field order (data columns and the corrupt column). */
  readonly fieldOrder?: readonly string[];
}

/**
 * Check a scan's options against the ones its format supports and parse the shared ones.
 *
 * @example
 * ```ts
 * parseReadOptions(scan); // { mode: "FAILFAST", badRecordsPath: undefined, corruptColumn: "_corrupt_record", … }
 * ```
 */
export function parseReadOptions(scan: Scan): ReadOptions {
  const allowed = [...KNOWN_OPTIONS.common, ...KNOWN_OPTIONS[scan.format]];
  const allowedLower = new Map(allowed.map((k) => [k.toLowerCase(), k]));
  for (const k of Object.keys(scan.options)) {
    // Spark option names are case-insensitive; Weir keeps its canonical spelling and rejects the rest.
    const canonical = allowedLower.get(k.toLowerCase());
    if (canonical === undefined || canonical !== k) {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported option "${k}" for the ${scan.format} reader: Weir does not implement it${canonical ? ` (did you mean "${canonical}"?)` : ""}`, {
        hint: `supported ${scan.format} options: ${allowed.join(", ")}`,
        details: { option: k, format: scan.format, supported: allowed },
      });
    }
  }
  const o = scan.options;
  const modeText = (o.mode ?? "PERMISSIVE").toUpperCase();
  if (!MODES.includes(modeText as ReadMode)) {
    throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported read mode "${o.mode}": Spark's modes are ${MODES.join(", ")}`, {
      hint: 'e.g. .option("mode", "DROPMALFORMED")',
    });
  }
  const mode = modeText as ReadMode;
  for (const flag of ["header", "inferSchema", "multiLine", "recursiveFileLookup", "mergeSchema"]) {
    const v = o[flag];
    if (v !== undefined && v !== "true" && v !== "false") {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Invalid value "${v}" for option "${flag}": expected true or false`, { hint: `.option("${flag}", true)` });
    }
  }
  const corruptName = o.columnNameOfCorruptRecord ?? "_corrupt_record";
  const fields: readonly StructField[] | undefined = scan.schema?.fields;
  const corrupt = fields?.find((f) => f.name === corruptName);
  if (corrupt && corrupt.type.kind !== "string") {
    throw new WeirError("WEIR_TYPE_MISMATCH", `The corrupt record column "${corruptName}" must be a string column, not ${corrupt.type.kind}`, {
      hint: `declare it as t.string() (DDL "${corruptName} string")`,
    });
  }
  return {
    mode,
    ...(o.badRecordsPath !== undefined ? { badRecordsPath: o.badRecordsPath } : {}),
    ...(corrupt ? { corruptColumn: corrupt.name } : {}),
    ...(fields ? { dataColumns: fields.filter((f) => f !== corrupt).map((f) => ({ name: f.name, type: f.type })), fieldOrder: fields.map((f) => f.name) } : {}),
  };
}

/**
 * A user schema naming hive partition columns, as Spark's `DataSource` resolves it: the partition columns come
 * from the path (placed after the data columns) with the user schema's type; the file is parsed with the rest
 * of the schema. Without a user schema, or when it names no partition column, both are returned unchanged.
 *
 * @example
 * ```ts
 * // schema "id int, day date, v int", directories day=2024-01-01/
 * withUserPartitionTypes(options, [{ name: "day", type: t.string() }]);
 * // { options: { dataColumns: [id, v], … }, partitionColumns: [{ name: "day", type: date }] }
 * ```
 */
export function withUserPartitionTypes<P extends { readonly name: string; readonly type: DataType }>(
  options: ReadOptions,
  partitionColumns: readonly P[],
): { options: ReadOptions; partitionColumns: readonly P[] } {
  const columns = options.dataColumns;
  if (!columns || !partitionColumns.length) return { options, partitionColumns };
  const userType = new Map(columns.map((c) => [c.name.toLowerCase(), c.type]));
  if (!partitionColumns.some((p) => userType.has(p.name.toLowerCase()))) return { options, partitionColumns };
  const isPartition = new Set(partitionColumns.map((p) => p.name.toLowerCase()));
  return {
    options: {
      ...options,
      dataColumns: columns.filter((c) => !isPartition.has(c.name.toLowerCase())),
      ...(options.fieldOrder ? { fieldOrder: options.fieldOrder.filter((n) => !isPartition.has(n.toLowerCase())) } : {}),
    },
    partitionColumns: partitionColumns.map((p) => ({ ...p, type: userType.get(p.name.toLowerCase()) ?? p.type })),
  };
}
