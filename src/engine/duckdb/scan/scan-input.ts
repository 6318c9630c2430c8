/**
 * What a format's scan compiler gets (the surviving files, partition columns, parsed options) and the SQL
 * pieces all formats share: file-name and hive options, the trailing partition/file columns, and rows built
 * from rejected records.
 */
import type { InputFile, PartitionColumn } from "../../../io/index.js";
import type { Scan } from "../../../plan/index.js";
import { toDuckDBType, type DataType } from "../../../types/index.js";
import { quoteIdent, quoteString, sparkToStrftime } from "../../../util/index.js";
import type { DuckDBExecutor } from "../duckdb-executor.js";
import { ParamCollector } from "../params.js";
import type { Reject } from "./bad-records.js";
import type { ReadColumn, ReadOptions } from "./read-options.js";

/** The hidden column holding each row's source file (for `F.inputFileName()`). */
export const INPUT_FILE_COLUMN = "__weir_input_file";

/** Everything a format's scan compiler needs. @example `compileCsvScan({ scan, files, partitionColumns, … })` */
export interface ScanInput {
  readonly scan: Scan;
  /** The files to read (after pruning); never empty. */
  readonly files: readonly InputFile[];
  readonly partitionColumns: readonly PartitionColumn[];
  readonly options: ReadOptions;
  readonly executor: DuckDBExecutor;
  /** The action's parameters (file lists are bound here). */
  readonly params: ParamCollector;
  /** False for the schema-only probe of a fully pruned scan: no validation pass, no side effects. */
  readonly validate: boolean;
}

/** The `filename` and hive options of a DuckDB table function. @example `fileOptions(input.partitionColumns)` */
export function fileOptions(partitionColumns: readonly PartitionColumn[]): string[] {
  const opts = [`filename = ${quoteString(INPUT_FILE_COLUMN)}`];
  if (partitionColumns.length) {
    opts.push("hive_partitioning = true");
    opts.push(`hive_types = {${partitionColumns.map((p) => `${quoteString(p.name)}: ${quoteString(toDuckDBType(p.type))}`).join(", ")}}`);
  } else {
    opts.push("hive_partitioning = false");
  }
  return opts;
}

/**
 * The date and timestamp format options of read_csv/read_json, from Spark's `dateFormat`/`timestampFormat`.
 * @example `formatOptions(input) // ["dateformat = '%d/%m/%Y'"]`
 */
export function formatOptions(input: ScanInput): string[] {
  const o = input.scan.options;
  const opts: string[] = [];
  if (o.dateFormat !== undefined) opts.push(`dateformat = ${quoteString(sparkToStrftime(o.dateFormat))}`);
  if (o.timestampFormat !== undefined) opts.push(`timestampformat = ${quoteString(sparkToStrftime(o.timestampFormat))}`);
  return opts;
}

/** The columns every scan ends with: partition columns, then the hidden input file. @example `trailingColumns(input)` */
export function trailingColumns(partitionColumns: readonly PartitionColumn[]): string[] {
  return [...partitionColumns.map((p) => quoteIdent(p.name)), quoteIdent(INPUT_FILE_COLUMN)];
}

/** A DuckDB `columns = {...}` struct literal. @example `columnsLiteral([{ name: "a", type: t.int32() }])` */
export function columnsLiteral(columns: readonly ReadColumn[], asVarchar = false): string {
  return `{${columns.map((c) => `${quoteString(c.name)}: ${quoteString(asVarchar ? "VARCHAR" : toDuckDBType(readType(c.type)))}`).join(", ")}}`;
}

/**
 * The type a reader parses a column as: timestamps as wall-clock TIMESTAMP (DuckDB applies `timestampformat`
 * only to those), converted to the declared instant type by {@link fromReadType} in the session zone (UTC).
 */
function readType(type: DataType): DataType {
  return type.kind === "timestamp" ? { kind: "timestamp_ntz" } : type;
}

/** A column as read (see readType) converted to its declared type. @example `fromReadType('"ts"', t.timestamp())` */
export function fromReadType(ref: string, type: DataType): string {
  return type.kind === "timestamp" ? `CAST(${ref} AS ${toDuckDBType(type)})` : ref;
}

/** Bind the list of files to read. @example `bindFiles(params, files) // "$__w1"` */
export function bindFiles(params: ParamCollector, files: readonly InputFile[]): string {
  return params.bind(files.map((f) => f.path));
}

/**
 * The data columns in the user schema's order with the corrupt-record column placed where the schema has it.
 * `expr(c)` renders a data column; `corrupt` renders the corrupt column's value.
 *
 * @example `selectData(input.options, cols, (c) => quoteIdent(c.name), "NULL")`
 */
export function selectData(options: ReadOptions, columns: readonly ReadColumn[], expr: (c: ReadColumn) => string, corrupt: string): string[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const order = options.fieldOrder ?? columns.map((c) => c.name);
  return order.map((name) => {
    if (name === options.corruptColumn) return `CAST(${corrupt} AS VARCHAR) AS ${quoteIdent(name)}`;
    const c = byName.get(name)!;
    return `${expr(c)} AS ${quoteIdent(c.name)}`;
  });
}

/**
 * Rows for rejected records (PERMISSIVE with a corrupt-record column): NULL data columns, the raw record in
 * the corrupt column, the file's partition values and the file name. Values are bound parameters.
 *
 * @example `sql = \`${goodRows} UNION ALL ${rejectedRowsSql(input, cols, rejects)}\``
 */
export function rejectedRowsSql(input: ScanInput, columns: readonly ReadColumn[], rejects: readonly Reject[]): string {
  const { params, partitionColumns } = input;
  const byPath = new Map(input.files.map((f) => [f.path, f]));
  const lists = [
    `unnest(${params.bind(rejects.map((r) => r.file))}) AS ${quoteIdent(INPUT_FILE_COLUMN)}`,
    `unnest(${params.bind(rejects.map((r) => r.record))}) AS "__weir_record"`,
    ...partitionColumns.map((p, i) => `unnest(${params.bind(rejects.map((r) => byPath.get(r.file)?.partitionValues[p.name] ?? ""))}) AS "__weir_part${i}"`),
  ];
  const data = selectData(input.options, columns, (c) => `CAST(NULL AS ${toDuckDBType(c.type)})`, `"__weir_record"`);
  const parts = partitionColumns.map((p, i) => `TRY_CAST(NULLIF("__weir_part${i}", '') AS ${toDuckDBType(p.type)}) AS ${quoteIdent(p.name)}`);
  return `SELECT ${[...data, ...parts, quoteIdent(INPUT_FILE_COLUMN)].join(", ")} FROM (SELECT ${lists.join(", ")})`;
}

/** Spark's type for a column DuckDB inferred: types Spark does not infer from text (TIME, UUID, …) stay strings. @example `sparkInferredType(t)` */
export function sparkInferredType(type: DataType): DataType {
  if (type.kind === "timestamp_ntz") return { kind: "timestamp" }; // spark.sql.timestampType defaults to TIMESTAMP_LTZ
  return type.kind === "other" ? { kind: "string" } : type;
}

/** A fresh ParamCollector for side queries (validation, inference) run outside the action's statement. @example `sideParams()` */
export function sideParams(): ParamCollector {
  return new ParamCollector();
}

/**
 * Identity of a set of input files for caching their inferred schema: paths, sizes and modification times.
 * @example `executor.describe(sql, params, "read json", filesFingerprint(input.files))`
 */
export function filesFingerprint(files: readonly InputFile[]): string {
  return files.map((f) => `${f.path}|${f.size}|${f.mtimeMs}`).join("\n");
}
