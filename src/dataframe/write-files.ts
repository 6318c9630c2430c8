/**
 * The file-writing step of `df.write`: one DuckDB `COPY` of the query into the staging directory, in one pass.
 * Partition values, buckets (repartition/coalesce) and file indexes (maxRecordsPerFile) become hidden columns
 * that DuckDB's `PARTITION_BY` turns into directories (and leaves out of the files); {@link layOutFiles} then
 * renames them to Spark's layout.
 *
 * ```
 *  query ─► + bucket (row_number % n | contiguous runs | pmod(hash(keys), n))
 *        ─► + file index ((row_number() OVER (PARTITION BY partition values, bucket) - 1) // maxRecordsPerFile)
 *        ─► data columns (CSV/JSON dates and timestamps rendered with dateFormat/timestampFormat)
 *           + partition values rendered as Spark renders them
 *        ─► COPY … TO <staging>/_raw (PARTITION_BY (hidden columns)) ─► layOutFiles ─► <staging>/k=v/part-….parquet
 * ```
 */
import path from "node:path";
import { WeirError } from "../errors/index.js";
import type { ColumnInfo } from "../engine/index.js";
import type { DataType } from "../types/index.js";
import { quoteIdent, quoteString } from "../util/index.js";
import type { Runtime } from "./runtime.js";
import { BUCKET_COLUMN, type BucketSpec } from "./write-buckets.js";
import { FILE_INDEX_COLUMN, PARTITION_VALUE_PREFIX, layOutFiles } from "./write-layout.js";
import type { WriteSettings } from "./write-options.js";

/** The one text column of a JSON-lines write. */
const JSON_COLUMN = "__weir_json";

/**
 * One write's input: the compiled query, its typed columns, the partition columns and the bucketing.
 * @example `{ sql, params, columns, partitionBy: ["day"], buckets: { kind: "none" }, settings: resolveWriteOptions("parquet", {}) }`
 */
export interface FileWriteSpec {
  readonly sql: string;
  readonly params: Parameters<Runtime["executor"]["exec"]>[1];
  /** Output columns with types (the bucket column, if any, included). */
  readonly columns: readonly ColumnInfo[];
  /** Partition column names, as they appear in `columns`. */
  readonly partitionBy: readonly string[];
  readonly buckets: BucketSpec;
  readonly settings: WriteSettings;
}

/** What the COPY produced: files relative to the staging directory and the rows written. @example `{ files: ["part-00000-….c000.snappy.parquet"], rows: 10 }` */
export interface FileWriteResult {
  readonly files: readonly string[];
  readonly rows: number;
}

/**
 * Write the query's rows into `stagingDir` in Spark's layout (`k=v/` directories, `part-…` files).
 *
 * @example `const { files, rows } = await writeFiles(runtime, spec, out.stagingDir, out.jobId)`
 */
export async function writeFiles(rt: Runtime, spec: FileWriteSpec, stagingDir: string, jobId: string): Promise<FileWriteResult> {
  const { settings } = spec;
  const partitions = spec.partitionBy.map((name) => ({ name, type: typeOf(spec.columns, name) }));
  const dataColumns = spec.columns.filter((c) => c.name !== BUCKET_COLUMN && !spec.partitionBy.includes(c.name));
  const bucketed = spec.buckets.kind !== "none";
  const hidden = [
    ...partitions.map((_, i) => `${PARTITION_VALUE_PREFIX}${i}`),
    ...(bucketed ? [BUCKET_COLUMN] : []),
    ...(settings.maxRecordsPerFile > 0 ? [FILE_INDEX_COLUMN] : []),
  ];

  let sql = spec.sql;
  if (spec.buckets.kind === "roundRobin") {
    sql = `SELECT *, (row_number() OVER () - 1) % ${spec.buckets.n} AS ${quoteIdent(BUCKET_COLUMN)} FROM (${sql})`;
  } else if (spec.buckets.kind === "contiguous") {
    sql = `SELECT *, ((row_number() OVER () - 1) * ${spec.buckets.n}) // count(*) OVER () AS ${quoteIdent(BUCKET_COLUMN)} FROM (${sql})`;
  }
  if (settings.maxRecordsPerFile > 0) {
    const keys = [...spec.partitionBy, ...(bucketed ? [BUCKET_COLUMN] : [])].map(quoteIdent);
    const over = keys.length ? `PARTITION BY ${keys.join(", ")}` : "";
    sql = `SELECT *, (row_number() OVER (${over}) - 1) // ${settings.maxRecordsPerFile} AS ${quoteIdent(FILE_INDEX_COLUMN)} FROM (${sql})`;
  }
  const select = [
    ...dataSelect(dataColumns, settings),
    ...partitions.map((p, i) => `${renderPartitionValue(p.name, p.type)} AS ${quoteIdent(`${PARTITION_VALUE_PREFIX}${i}`)}`),
    ...(bucketed ? [quoteIdent(BUCKET_COLUMN)] : []),
    ...(settings.maxRecordsPerFile > 0 ? [quoteIdent(FILE_INDEX_COLUMN)] : []),
  ];
  if (dataColumns.length === 0) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `Writing failed: partitionBy(${spec.partitionBy.join(", ")}) uses every column, so the files would hold none`, {
      hint: "keep at least one column out of partitionBy(), as Spark requires",
    });
  }
  const options = copyOptions(settings);
  const run = async (query: string, target: string, extra: readonly string[]): Promise<number> => {
    const { rows } = await rt.executor.query(`COPY (${query}) TO ${quoteString(target)} (${[...options, ...extra].join(", ")})`, spec.params, "write");
    return Number(rows[0]?.Count ?? 0);
  };

  if (hidden.length === 0) {
    const file = `part-00000-${jobId}.c000${settings.extension}`;
    const rows = await run(`SELECT ${select.join(", ")} FROM (${sql})`, path.join(stagingDir, file), []);
    return { files: [file], rows };
  }
  const rawDir = path.join(stagingDir, "_raw");
  const rows = await run(`SELECT ${select.join(", ")} FROM (${sql})`, rawDir, [
    `PARTITION_BY (${hidden.map(quoteIdent).join(", ")})`, `FILENAME_PATTERN ${quoteString("data_{i}")}`,
  ]);
  const files = await layOutFiles(rawDir, stagingDir, { partitions, jobId, extension: settings.extension });
  if (files.length === 0 && partitions.length === 0) {
    // Spark writes one empty file for an empty unpartitioned output, so its schema stays readable.
    const file = `part-00000-${jobId}.c000${settings.extension}`;
    await run(`SELECT ${dataSelect(dataColumns, settings).join(", ")} FROM (${spec.sql}) LIMIT 0`, path.join(stagingDir, file), []);
    return { files: [file], rows };
  }
  return { files, rows };
}

function typeOf(columns: readonly ColumnInfo[], name: string): DataType {
  const c = columns.find((x) => x.name === name);
  if (!c) throw new WeirError("WEIR_INTERNAL", `Partition column "${name}" is missing from the write's columns: this is a bug in Weir`, { details: { columns: columns.map((x) => x.name) } });
  return c.type;
}

/**
 * The data part of the SELECT. JSON lines are rendered by Weir (DuckDB's JSON COPY cannot PARTITION_BY): one
 * text column per row, null fields left out when `ignoreNullFields` (Spark's default) (`json_merge_patch`
 * drops null members), written through the CSV writer with quoting off — JSON text never holds a raw control
 * character, so the \x01 delimiter never appears in it.
 */
function dataSelect(columns: readonly ColumnInfo[], s: WriteSettings): string[] {
  if (s.format !== "json") return columns.map((c) => `${renderData(c, s)} AS ${quoteIdent(c.name)}`);
  const struct = columns.map((c) => `${quoteString(c.name)}: ${renderData(c, s)}`).join(", ");
  const json = `to_json({${struct}})`;
  return [`${s.ignoreNullFields ? `json_merge_patch('{}', ${json})` : json} AS ${quoteIdent(JSON_COLUMN)}`];
}

/** A data column as written: CSV/JSON dates and timestamps as text in the requested pattern. */
function renderData(c: ColumnInfo, s: WriteSettings): string {
  const id = quoteIdent(c.name);
  if (s.format === "parquet") return id;
  switch (c.type.kind) {
    case "date": return `strftime(${id}, ${quoteString(s.dateFormat)})`;
    case "timestamp": return `strftime(${id}, ${quoteString(s.timestampFormat)})`;
    case "timestamp_ntz": return `strftime(${id}, ${quoteString(s.timestampNTZFormat)})`;
    case "binary": return s.format === "json" ? `base64(${id})` : id;
    default: return id;
  }
}

/** A partition value as the string Spark puts in the directory name (`Cast(value, StringType)` in UTC). */
function renderPartitionValue(name: string, type: DataType): string {
  const id = quoteIdent(name);
  switch (type.kind) {
    case "string": return `NULLIF(${id}, '')`;
    case "timestamp": return `CAST(CAST(${id} AS TIMESTAMP) AS VARCHAR)`;
    case "boolean": case "byte": case "short": case "integer": case "long": case "float": case "double": case "decimal":
    case "date": case "timestamp_ntz": case "null": case "other":
      return `CAST(${id} AS VARCHAR)`;
    case "binary": case "array": case "map": case "struct":
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot use ${type.kind} column "${name}" as a partition column`, {
        hint: "partition by a column of an atomic type (string, number, date, timestamp, boolean); derive one with withColumn if needed",
      });
    default: { const never: never = type; return never; }
  }
}

function copyOptions(s: WriteSettings): string[] {
  if (s.format === "json") return ["FORMAT csv", `COMPRESSION ${quoteString(s.compression)}`, "HEADER false", "QUOTE ''", "ESCAPE ''", "DELIMITER '\u0001'"];
  const opts = [`FORMAT ${s.format}`, `COMPRESSION ${quoteString(s.compression)}`];
  if (s.format === "csv") {
    const c = s.csv;
    opts.push(`HEADER ${c.header}`, `DELIMITER ${quoteString(c.sep)}`, `QUOTE ${quoteString(c.quote)}`, `ESCAPE ${quoteString(c.escape)}`, `NULLSTR ${quoteString(c.nullValue)}`);
    if (c.quoteAll) opts.push("FORCE_QUOTE *");
  }
  return opts;
}
