/**
 * JSON scans (JSON lines, or one document per file with `multiLine`) with Spark's read modes.
 *
 * ```
 *  PERMISSIVE, no corrupt column ─► read_json(columns, ignore_errors)      (one pass; bad values / lines → NULLs)
 *  PERMISSIVE + corrupt column   ─► line scan: raw text of bad lines in the corrupt column (one pass)
 *  DROPMALFORMED                 ─► line scan keeping the good lines                      (one pass)
 *  FAILFAST | badRecordsPath
 *      validation: line scan counting bad lines per file (cached per input state); only for files with bad lines,
 *      a diagnostic pass over the file's text gives exact line numbers and reasons
 *      no rejects ─► read_json(columns); FAILFAST ─► WEIR_MALFORMED_RECORD file:line;
 *      badRecordsPath ─► rejects written there, the line scan's good lines returned
 * ```
 * The line scan reads each file as lines (DuckDB's CSV reader with no delimiter or quote), parses each non-blank
 * line with `from_json` and checks it: malformed = invalid JSON (incl. a truncated final line), not an object,
 * or a top-level field whose value does not convert to its declared type.
 */
import { toDuckDBType, type DataType } from "../../../types/index.js";
import { quoteIdent, quoteString, sparkToStrftime } from "../../../util/index.js";
import { cachedValidation, malformedRecordError, writeBadRecords, type Reject } from "./bad-records.js";
import type { ReadColumn } from "./read-options.js";
import { jsonStructure } from "../compiler/json-structure.js";
import {
  bindFiles, columnsLiteral, fileOptions, filesFingerprint, formatOptions, fromReadType, INPUT_FILE_COLUMN, selectData, sideParams, trailingColumns,
  type ScanInput,
} from "./scan-input.js";

const LINE = quoteIdent("__weir_line");
const TYPED = quoteIdent("__weir_v");
const RAW = quoteIdent("__weir_j");
const OK = quoteIdent("__weir_ok");

/**
 * Compile a JSON scan into a SELECT of the data columns, the partition columns and the hidden input file.
 *
 * @example `const sql = await compileJsonScan(input)`
 */
export async function compileJsonScan(input: ScanInput): Promise<string> {
  const { options, params } = input;
  const columns = options.dataColumns ?? (await inferJsonColumns(input));
  const files = bindFiles(params, input.files);
  if (input.scan.options.multiLine === "true") return documentRead(input, files, columns, options.mode === "FAILFAST" ? [] : ["ignore_errors = true"]);
  const needsValidation = input.validate && (options.badRecordsPath !== undefined || options.mode === "FAILFAST");
  if (!needsValidation) {
    if (options.mode === "DROPMALFORMED") return lineRead(input, files, columns, "drop");
    if (options.mode === "FAILFAST") return documentRead(input, files, columns, []);
    return options.corruptColumn === undefined ? documentRead(input, files, columns, ["ignore_errors = true"]) : lineRead(input, files, columns, "keep");
  }
  const rejects = await validateJson(input, columns);
  if (rejects.length === 0) return documentRead(input, files, columns, []);
  if (options.badRecordsPath === undefined) throw malformedRecordError("JSON", rejects[0]!, rejects.length);
  return lineRead(input, files, columns, "drop");
}

/** Spark infers JSON fields sorted by name; strings that look like dates or times stay strings (inferTimestamp=false). */
async function inferJsonColumns(input: ScanInput): Promise<ReadColumn[]> {
  const params = sideParams();
  const sql = `SELECT * FROM read_json(${bindFiles(params, input.files)}, format = ${readJsonFormat(input)}, ignore_errors = true, hive_partitioning = false)`;
  const described = await input.executor.describe(sql, params.bound, "read json", filesFingerprint(input.files));
  return described
    .map((c) => ({ name: c.name, type: inferred(c.type) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function inferred(type: DataType): DataType {
  switch (type.kind) {
    case "date": case "timestamp": case "timestamp_ntz": case "other": return { kind: "string" };
    case "array": return { ...type, elementType: inferred(type.elementType) };
    case "struct": return { ...type, fields: type.fields.map((f) => ({ ...f, type: inferred(f.type) })) };
    default: return type;
  }
}

/** read_json's `format`: one document per file with Spark's `multiLine`, else JSON lines. */
function readJsonFormat(input: ScanInput): string {
  return input.scan.options.multiLine === "true" ? "'auto'" : "'newline_delimited'";
}

/** DuckDB's read_json over whole records (one pass, fastest). */
function documentRead(input: ScanInput, files: string, columns: readonly ReadColumn[], extra: readonly string[]): string {
  const opts = [`format = ${readJsonFormat(input)}`, `columns = ${columnsLiteral(columns)}`, ...formatOptions(input), ...fileOptions(input.partitionColumns), ...extra];
  const select = [...selectData(input.options, columns, (c) => fromReadType(quoteIdent(c.name), c.type), "NULL"), ...trailingColumns(input.partitionColumns)];
  return `SELECT ${select.join(", ")} FROM read_json(${files}, ${opts.join(", ")})`;
}

/** How each declared column is parsed from a line: the from_json target type and the expression over the parsed struct. */
function parsers(input: ScanInput, columns: readonly ReadColumn[]): { typed: string; raw: string; value: (c: ReadColumn) => string; ok: (c: ReadColumn) => string } {
  const o = input.scan.options;
  const formatted = (c: ReadColumn): string | undefined =>
    c.type.kind === "date" && o.dateFormat !== undefined ? o.dateFormat
      : (c.type.kind === "timestamp" || c.type.kind === "timestamp_ntz") && o.timestampFormat !== undefined ? o.timestampFormat : undefined;
  const typed = Object.fromEntries(columns.map((c) => [c.name, formatted(c) !== undefined ? "VARCHAR" : jsonStructure(c.type)]));
  const raw = Object.fromEntries(columns.map((c) => [c.name, "JSON"]));
  const value = (c: ReadColumn): string => {
    const v = `struct_extract(${TYPED}, ${quoteString(c.name)})`;
    const fmt = formatted(c);
    return fmt === undefined ? v : `CAST(try_strptime(${v}, ${quoteString(sparkToStrftime(fmt))}) AS ${toDuckDBType(c.type)})`;
  };
  const ok = (c: ReadColumn): string => {
    const j = `struct_extract(${RAW}, ${quoteString(c.name)})`;
    return `(${j} IS NULL OR json_type(${j}) = 'NULL' OR ${value(c)} IS NOT NULL)`;
  };
  return { typed: quoteString(JSON.stringify(typed)), raw: quoteString(JSON.stringify(raw)), value, ok };
}

/** Lines parsed and checked: `__weir_line`, the parsed structs, `__weir_ok`, partition columns and the input file. */
function checkedLines(input: ScanInput, linesSql: string, columns: readonly ReadColumn[], extraColumns: readonly string[] = []): string {
  const p = parsers(input, columns);
  const isObject = `(json_valid(${LINE}) AND json_type(${LINE}) = 'OBJECT')`;
  // from_json gets NULL for lines that are not JSON objects (CASE does not stop DuckDB evaluating a branch).
  const safe = `CASE WHEN ${isObject} THEN ${LINE} END`;
  const parsed = `SELECT *, from_json(${safe}, ${p.typed}) AS ${TYPED}, from_json(${safe}, ${p.raw}) AS ${RAW}
    FROM (${linesSql}) WHERE ${LINE} IS NOT NULL AND trim(${LINE}) <> ''`;
  const ok = [`${TYPED} IS NOT NULL`, ...columns.map(p.ok)].join(" AND ");
  return `SELECT *, (${ok}) AS ${OK}${extraColumns.map((e) => `, ${e}`).join("")} FROM (${parsed})`;
}

function linesOf(input: ScanInput, files: string): string {
  const opts = [`columns = {'__weir_line': 'VARCHAR'}`, "header = false", "delim = ''", "quote = ''", "escape = ''", "auto_detect = false", "strict_mode = false", ...fileOptions(input.partitionColumns)];
  return `SELECT rtrim(${LINE}, chr(13)) AS ${LINE}, ${trailingColumns(input.partitionColumns).join(", ")} FROM read_csv(${files}, ${opts.join(", ")})`;
}

/** The line scan: good lines parsed; bad lines dropped, or kept as NULLs with their text in the corrupt column. */
function lineRead(input: ScanInput, files: string, columns: readonly ReadColumn[], bad: "drop" | "keep"): string {
  const p = parsers(input, columns);
  const checked = checkedLines(input, linesOf(input, files), columns);
  const data = selectData(input.options, columns, (c) => (bad === "drop" ? p.value(c) : `CASE WHEN ${OK} THEN ${p.value(c)} END`), `CASE WHEN NOT ${OK} THEN ${LINE} END`);
  return `SELECT ${[...data, ...trailingColumns(input.partitionColumns)].join(", ")} FROM (${checked})${bad === "drop" ? ` WHERE ${OK}` : ""}`;
}

/** Count bad lines per file with the (parallel) line scan; then get exact line numbers and reasons for those files only. */
function validateJson(input: ScanInput, columns: readonly ReadColumn[]): Promise<readonly Reject[]> {
  const o = input.options;
  const key = JSON.stringify(["json", input.scan.options, columns, o.badRecordsPath ?? null]);
  return cachedValidation(input.executor, input.files, key, async () => {
    const params = sideParams();
    const file = quoteIdent(INPUT_FILE_COLUMN);
    const checked = checkedLines({ ...input, partitionColumns: [] }, linesOf({ ...input, partitionColumns: [] }, bindFiles(params, input.files)), columns);
    const { rows } = await input.executor.query(`SELECT ${file} AS file FROM (${checked}) WHERE NOT ${OK} GROUP BY ${file} ORDER BY ${file}`, params.bound, "read json (validation)");
    if (rows.length === 0) return [];
    const badFiles = rows.map((r) => String(r.file));
    const rejects = await diagnose(input, columns, badFiles);
    if (o.badRecordsPath !== undefined) await writeBadRecords(o.badRecordsPath, rejects);
    return rejects;
  });
}

/** Exact 1-based line numbers and reasons: split each file's text on newlines (single-threaded; failure path only). */
async function diagnose(input: ScanInput, columns: readonly ReadColumn[], badFiles: readonly string[]): Promise<Reject[]> {
  const params = sideParams();
  const p = parsers(input, columns);
  const lines = `SELECT filename AS ${quoteIdent(INPUT_FILE_COLUMN)}, generate_subscripts(s, 1) AS "__weir_ln", len(s) AS "__weir_n", ends AS "__weir_ends", rtrim(unnest(s), chr(13)) AS ${LINE}
    FROM (SELECT filename, string_split(content, chr(10)) AS s, suffix(content, chr(10)) AS ends FROM read_text(${params.bind([...badFiles])}))`;
  const fieldReasons = columns.map((c) => `WHEN NOT ${p.ok(c)} THEN ${quoteString(`field "${c.name}": cannot convert `)} || left(CAST(struct_extract(${RAW}, ${quoteString(c.name)}) AS VARCHAR), 100) || ${quoteString(` to ${toDuckDBType(c.type)}`)}`);
  const reason = `CASE WHEN NOT json_valid(${LINE}) AND "__weir_ln" = "__weir_n" AND NOT "__weir_ends" THEN 'truncated final line: invalid JSON'
    WHEN NOT json_valid(${LINE}) THEN 'invalid JSON' WHEN json_type(${LINE}) <> 'OBJECT' THEN 'not a JSON object: ' || json_type(${LINE})
    ${fieldReasons.join(" ")} ELSE 'malformed record' END`;
  const sql = `SELECT ${quoteIdent(INPUT_FILE_COLUMN)} AS file, "__weir_ln" AS line, ${reason} AS reason, ${LINE} AS record
    FROM (${checkedLines(input, lines, columns)}) WHERE NOT ${OK} ORDER BY file, line`;
  const { rows } = await input.executor.query(sql, params.bound, "read json (diagnostics)");
  return rows.map((r) => ({ file: String(r.file), line: Number(r.line), reason: String(r.reason), record: String(r.record ?? "") }));
}
