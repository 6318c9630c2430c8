/**
 * CSV scans with Spark's options and read modes, on DuckDB's `read_csv`.
 *
 * ```
 *  PERMISSIVE, no corrupt column ─► read_csv(all VARCHAR, null_padding, strict_mode=false) + TRY_CAST per column
 *                                    (one pass; like Spark, a bad field becomes NULL and the rest of the row stays)
 *  DROPMALFORMED                  ─► read_csv(typed, ignore_errors)                          (one pass)
 *  FAILFAST | corrupt column | badRecordsPath
 *      validation pass: read_csv(typed, store_rejects) → rejects (file, line, reason, raw)   (cached per input state)
 *      no rejects      ─► read_csv(typed)
 *      FAILFAST        ─► WEIR_MALFORMED_RECORD naming the first reject's file:line
 *      badRecordsPath  ─► rejects written there; read_csv(typed, ignore_errors)
 *      PERMISSIVE      ─► read_csv(typed, ignore_errors) UNION ALL rejected rows (NULLs + raw text)
 * ```
 * Malformed: wrong field count, a value that does not parse as its column's type, an unterminated quote.
 */
import { toDuckDBType, type DataType } from "../../../types/index.js";
import { quoteIdent, quoteString, sparkToStrftime } from "../../../util/index.js";
import { cachedValidation, malformedRecordError, writeBadRecords, type Reject } from "./bad-records.js";
import type { ReadColumn } from "./read-options.js";
import {
  bindFiles, columnsLiteral, fileOptions, filesFingerprint, formatOptions, fromReadType, rejectedRowsSql, selectData, sideParams, sparkInferredType, trailingColumns,
  type ScanInput,
} from "./scan-input.js";

let rejectTableCounter = 0;

/**
 * Compile a CSV scan into a SELECT whose columns are the data columns (user schema order, or the file's), the
 * partition columns and the hidden input-file column.
 *
 * @example `const sql = await compileCsvScan(input)`
 */
export async function compileCsvScan(input: ScanInput): Promise<string> {
  const { options, params } = input;
  const columns = options.dataColumns ?? (await inferCsvColumns(input));
  const files = bindFiles(params, input.files);
  const needsValidation = input.validate && (options.badRecordsPath !== undefined || options.mode === "FAILFAST" || (options.mode === "PERMISSIVE" && options.corruptColumn !== undefined));
  if (!needsValidation) {
    if (options.mode === "DROPMALFORMED") return typedRead(input, files, columns, ["ignore_errors = true"]);
    if (options.mode === "FAILFAST") return typedRead(input, files, columns, []);
    return await permissiveRead(input, files, columns);
  }
  const rejects = await validateCsv(input, columns);
  if (rejects.length === 0) return typedRead(input, files, columns, []);
  if (options.badRecordsPath === undefined && options.mode === "FAILFAST") throw malformedRecordError("CSV", rejects[0]!, rejects.length);
  const good = typedRead(input, files, columns, ["ignore_errors = true"]);
  if (options.badRecordsPath !== undefined || options.mode === "DROPMALFORMED") return good;
  return `${good} UNION ALL ${rejectedRowsSql(input, columns, rejects)}`;
}

/** Spark's CSV dialect options as DuckDB read_csv options (Spark's defaults made explicit). */
function dialect(input: ScanInput): string[] {
  const o = input.scan.options;
  const opts = [
    `header = ${o.header === "true"}`,
    `delim = ${quoteString(o.sep ?? o.delimiter ?? ",")}`,
    `quote = ${quoteString(o.quote ?? '"')}`,
    // Spark's default escape is a backslash whatever the quote (what df.write.csv writes, `"a\"b"`, reads back).
    `escape = ${quoteString(o.escape ?? "\\")}`,
  ];
  if (o.nullValue !== undefined) opts.push(`nullstr = ${quoteString(o.nullValue)}`);
  if (o.comment !== undefined) opts.push(`comment = ${quoteString(o.comment)}`);
  const encoding = o.encoding ?? o.charset;
  if (encoding !== undefined) opts.push(`encoding = ${quoteString(duckdbEncoding(encoding))}`);
  if (o.lineSep !== undefined) opts.push(`new_line = ${quoteString(o.lineSep)}`);
  return opts;
}

/** DuckDB's names for the encodings it reads: utf-8, utf-16, latin-1. */
function duckdbEncoding(spark: string): string {
  const e = spark.toLowerCase().replace(/[-_]/g, "");
  if (e === "utf8") return "utf-8";
  if (e === "utf16" || e === "utf16le") return "utf-16";
  if (e === "latin1" || e === "iso88591") return "latin-1";
  return spark;
}

/**
 * The file's columns, as Spark decides them: the first record of the first file fixes how many there are and,
 * with a header, their names (otherwise `_c0`, `_c1`, …); types are strings, or inferred over all rows with
 * inferSchema. (DuckDB's sniffer alone would widen to the longest row, or fail on ragged files.)
 */
async function inferCsvColumns(input: ScanInput): Promise<ReadColumn[]> {
  const o = input.scan.options;
  const header = o.header === "true";
  const tolerant = ["null_padding = true", ...nullPaddingOptions(input), "strict_mode = false", "hive_partitioning = false"];
  const firstParams = sideParams();
  const first = await input.executor.query(
    `SELECT * FROM read_csv(${bindFiles(firstParams, input.files.slice(0, 1))}, ${[...dialect(input).filter((x) => !x.startsWith("header")), "header = false", "all_varchar = true", ...tolerant].join(", ")}) LIMIT 1`,
    firstParams.bound, "read csv (header)");
  const row = first.rows[0] ?? {};
  const values = first.columns.map((c) => row[c.name]);
  let count = values.length;
  while (count > 1 && (values[count - 1] === null || values[count - 1] === undefined)) count--;
  const names = values.slice(0, count).map((v, i) => (header && typeof v === "string" && v !== "" ? v : `_c${i}`));
  if (o.inferSchema !== "true") return names.map((name) => ({ name, type: { kind: "string" } }));
  const params = sideParams();
  // inferSchema reads every row: the answer is kept until the files change (as for JSON).
  const described = await input.executor.describe(
    `SELECT * FROM read_csv(${bindFiles(params, input.files)}, ${[...dialect(input), "sample_size = -1", ...formatOptions(input), ...tolerant].join(", ")})`,
    params.bound, "read csv (infer schema)", filesFingerprint(input.files));
  return names.map((name, i) => ({ name, type: described[i] ? sparkInferredType(described[i]!.type) : { kind: "string" } }));
}

/** read_csv with the declared column types; malformed rows fail the query, or are skipped with `ignore_errors`. */
function typedRead(input: ScanInput, files: string, columns: readonly ReadColumn[], extra: readonly string[]): string {
  const opts = [...dialect(input), `columns = ${columnsLiteral(columns)}`, "auto_detect = false", ...formatOptions(input), ...fileOptions(input.partitionColumns), ...extra];
  const select = [...selectData(input.options, columns, (c) => fromReadType(quoteIdent(c.name), c.type), "NULL"), ...trailingColumns(input.partitionColumns)];
  // With ignore_errors, DuckDB only checks the columns a query reads, so count() would keep rows a full read
  // drops; referencing every column makes each action see the same rows.
  const allColumns = extra.includes("ignore_errors = true") && columns.length ? ` WHERE hash(${columns.map((c) => quoteIdent(c.name)).join(", ")}) IS NOT NULL` : "";
  return `SELECT ${select.join(", ")} FROM read_csv(${files}, ${opts.join(", ")})${allColumns}`;
}

/**
 * Spark's PERMISSIVE without a corrupt-record column: every row kept; missing fields and unparseable values are
 * NULL. Files that parse as standard CSV are read in DuckDB's strict mode; only files with structural errors
 * (extra fields, an unterminated quote: Spark keeps those rows) are read with `strict_mode = false`, which also
 * treats a backslash in an unquoted value as an escape (`a\b` → `ab`, Spark keeps `a\b`).
 */
async function permissiveRead(input: ScanInput, files: string, columns: readonly ReadColumn[]): Promise<string> {
  const o = input.scan.options;
  const strict = await parsesStrictly(input, columns);
  const opts = [...dialect(input), `columns = ${columnsLiteral(columns, true)}`, "auto_detect = false", "null_padding = true", ...nullPaddingOptions(input), `strict_mode = ${strict}`, ...fileOptions(input.partitionColumns)];
  const select = [...selectData(input.options, columns, (c) => tryParse(quoteIdent(c.name), c.type, o.dateFormat, o.timestampFormat), "NULL"), ...trailingColumns(input.partitionColumns)];
  return `SELECT ${select.join(", ")} FROM read_csv(${files}, ${opts.join(", ")})`;
}

/** Whether every file tokenizes in DuckDB's strict mode (one pass, cached per input state); false on any error. */
function parsesStrictly(input: ScanInput, columns: readonly ReadColumn[]): Promise<boolean> {
  if (!input.validate) return Promise.resolve(false);
  const key = JSON.stringify(["csv-strict", input.scan.options, columns.length]);
  return cachedValidation(input.executor, input.files, key, async () => {
    const params = sideParams();
    const opts = [...dialect(input), `columns = ${columnsLiteral(columns, true)}`, "auto_detect = false", "null_padding = true", ...nullPaddingOptions(input), "strict_mode = true", "hive_partitioning = false"];
    // count(col) for the last column makes DuckDB tokenize every field of every row.
    const last = columns.length ? `count(${quoteIdent(columns[columns.length - 1]!.name)})` : "count(*)";
    return input.executor.query(`SELECT ${last} FROM read_csv(${bindFiles(params, input.files)}, ${opts.join(", ")})`, params.bound, "read csv (structure)").then(() => true, () => false);
  });
}

/**
 * What `null_padding` needs besides: DuckDB's parallel CSV scanner refuses null_padding on a file with quoted
 * line breaks, so with `multiLine` (Spark's switch for records spanning lines) the file is read by one thread,
 * as Spark reads a multiLine file as one split. Without it such a file fails with WEIR_MALFORMED_RECORD and a
 * hint to set multiLine (see translate-error.ts).
 */
function nullPaddingOptions(input: ScanInput): string[] {
  return input.scan.options.multiLine === "true" ? ["parallel = false"] : [];
}

/** A text value parsed as `type`, NULL when it does not parse. */
function tryParse(ref: string, type: DataType, dateFormat: string | undefined, timestampFormat: string | undefined): string {
  switch (type.kind) {
    case "string": return ref;
    case "date":
      return dateFormat === undefined ? `TRY_CAST(${ref} AS DATE)` : `CAST(try_strptime(${ref}, ${quoteString(sparkToStrftime(dateFormat))}) AS DATE)`;
    case "timestamp": case "timestamp_ntz":
      return timestampFormat === undefined ? `TRY_CAST(${ref} AS ${toDuckDBType(type)})` : `CAST(try_strptime(${ref}, ${quoteString(sparkToStrftime(timestampFormat))}) AS ${toDuckDBType(type)})`;
    default: return `TRY_CAST(${ref} AS ${toDuckDBType(type)})`;
  }
}

/** One pass with DuckDB's reject store: every malformed record with its file, physical line, reason and text. */
function validateCsv(input: ScanInput, columns: readonly ReadColumn[]): Promise<readonly Reject[]> {
  const o = input.options;
  const key = JSON.stringify(["csv", input.scan.options, columns, o.badRecordsPath ?? null]);
  return cachedValidation(input.executor, input.files, key, async () => {
    const n = ++rejectTableCounter;
    const errors = `weir_rejects_${n}`;
    const scans = `weir_reject_scans_${n}`;
    const params = sideParams();
    const opts = [...dialect(input), `columns = ${columnsLiteral(columns)}`, "auto_detect = false", ...formatOptions(input), "hive_partitioning = false",
      "store_rejects = true", `rejects_table = ${quoteString(errors)}`, `rejects_scan = ${quoteString(scans)}`];
    // count(col) for every column makes DuckDB parse (and so check) every value.
    const counts = ["count(*)", ...columns.map((c) => `count(${quoteIdent(c.name)})`)];
    const { executor } = input;
    try {
      await executor.query(`SELECT ${counts.join(", ")} FROM read_csv(${bindFiles(params, input.files)}, ${opts.join(", ")})`, params.bound, "read csv (validation)");
      const { rows } = await executor.query(
        `SELECT s.file_path AS file, e.line AS line, string_agg(e.error_message, '; ' ORDER BY e.column_idx) AS reason, rtrim(first(e.csv_line), chr(10) || chr(13)) AS record
         FROM ${quoteIdent(errors)} e JOIN ${quoteIdent(scans)} s ON e.scan_id = s.scan_id AND e.file_id = s.file_id
         GROUP BY s.file_path, e.line ORDER BY s.file_path, e.line`, undefined, "read csv (rejects)");
      const rejects = rows.map((r) => ({ file: String(r.file), line: Number(r.line), reason: String(r.reason), record: String(r.record ?? "") }));
      if (o.badRecordsPath !== undefined) await writeBadRecords(o.badRecordsPath, rejects);
      return rejects;
    } finally {
      await executor.exec(`DROP TABLE IF EXISTS ${quoteIdent(errors)}`).catch(() => undefined);
      await executor.exec(`DROP TABLE IF EXISTS ${quoteIdent(scans)}`).catch(() => undefined);
    }
  });
}

