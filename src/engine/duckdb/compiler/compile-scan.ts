import type { Expr } from "../../../expr/index.js";
import { forEachExpr } from "../../../expr/index.js";
import { listInputFiles, type InputFile } from "../../../io/index.js";
import type { Scan } from "../../../plan/index.js";
import { WeirError } from "../../../errors/index.js";
import { toDuckDBType, type DataType, type StructType } from "../../../types/index.js";
import { quoteIdent, quoteString, sparkToStrftime } from "../../../util/index.js";
import type { DuckDBExecutor } from "../duckdb-executor.js";
import { ParamCollector } from "../params.js";
import { compileExpr } from "./compile-expr.js";
import { Scope, uniqueSqlNames, type Field, type Relation } from "./relation.js";

/** What a scan read, for explain() and metrics. @example `{ path: "data/", filesTotal: 12, filesScanned: 3 }` */
export interface ScanReport {
  readonly paths: readonly string[];
  readonly format: string;
  readonly filesTotal: number;
  readonly filesScanned: number;
}

/** The hidden column holding each row's source file (for `F.inputFileName()`). */
export const INPUT_FILE_COLUMN = "__weir_input_file";

/** Reader options Weir understands per format (anything else is rejected with WEIR_UNSUPPORTED_OPTION). */
const KNOWN_OPTIONS: Record<string, readonly string[]> = {
  common: ["recursiveFileLookup", "pathGlobFilter", "modifiedAfter", "modifiedBefore", "basePath", "mode", "badRecordsPath", "columnNameOfCorruptRecord", "mergeSchema"],
  csv: ["header", "sep", "delimiter", "quote", "escape", "nullValue", "dateFormat", "timestampFormat", "inferSchema", "encoding", "comment", "multiLine", "ignoreLeadingWhiteSpace", "ignoreTrailingWhiteSpace", "samplingRatio", "enforceSchema", "lineSep"],
  json: ["multiLine", "dateFormat", "timestampFormat", "primitivesAsString", "encoding", "lineSep", "samplingRatio", "allowComments"],
  parquet: ["datetimeRebaseMode", "int96RebaseMode"],
  text: ["wholetext", "lineSep"],
  delta: ["versionAsOf", "timestampAsOf"],
};

/**
 * Compile a file scan: list the input files (hive partitions discovered, `modifiedAfter`/`Before` applied),
 * prune partitions with the pushed-down filters, and emit the DuckDB table function over the surviving files.
 * File paths are bound parameters.
 *
 * @example `const { relation, report } = await compileFileScan(scan, executor, params)`
 */
export async function compileFileScan(scan: Scan, executor: DuckDBExecutor, params: ParamCollector): Promise<{ relation: Relation; report: ScanReport }> {
  checkOptions(scan);
  const o = scan.options;
  const listing = await listInputFiles(scan.paths, {
    recursiveFileLookup: o.recursiveFileLookup === "true",
    ...(o.pathGlobFilter ? { pathGlobFilter: o.pathGlobFilter } : {}),
    ...(o.modifiedAfter ? { modifiedAfter: o.modifiedAfter } : {}),
    ...(o.modifiedBefore ? { modifiedBefore: o.modifiedBefore } : {}),
    ...(o.basePath ? { basePath: o.basePath } : {}),
  });
  const partitionColumns = listing.partitionColumns;
  const files = await prunePartitions(listing.files, partitionColumns, scan.pushedFilters ?? [], executor);
  const report: ScanReport = { paths: scan.paths, format: scan.format, filesTotal: listing.files.length, filesScanned: files.length };
  const fileList = params.bind(files.length ? files.map((f) => f.path) : [""]);
  if (files.length === 0) {
    // Every partition pruned: an empty relation with the right columns.
    const probe = await listing.files[0];
    const sample = probe ? tableFunction(scan, params.bind([probe.path]), partitionColumns) : undefined;
    if (!sample) throw new WeirError("WEIR_PATH_NOT_FOUND", `No input files for ${scan.paths.join(", ")}`, { hint: "check the path" });
    return finish(`SELECT * FROM ${sample} LIMIT 0`, scan, executor, params, report);
  }
  return finish(`SELECT * FROM ${tableFunction(scan, fileList, partitionColumns)}`, scan, executor, params, report);
}

async function finish(sql: string, scan: Scan, executor: DuckDBExecutor, params: ParamCollector, report: ScanReport): Promise<{ relation: Relation; report: ScanReport }> {
  const columns = await executor.describe(sql, params.bound, `read ${scan.format}`);
  let names = columns.map((c) => c.name);
  // Spark names header-less CSV columns _c0, _c1, …
  const renames = scan.format === "csv" && scan.options.header !== "true" && !scan.schema
    ? names.map((n) => (n === INPUT_FILE_COLUMN ? n : n.replace(/^column(\d+)$/, (_, d: string) => `_c${Number(d)}`)))
    : names;
  const sqlNames = uniqueSqlNames(renames);
  const fields: Field[] = sqlNames.map((s, i) => ({ name: renames[i]!, sqlName: s, qualifiers: [`#${scan.id}`], hidden: renames[i] === INPUT_FILE_COLUMN }));
  const select = names.map((n, i) => `${quoteIdent(n)} AS ${quoteIdent(sqlNames[i]!)}`).join(", ");
  names = sqlNames;
  return { relation: { sql: `SELECT ${select} FROM (${sql})`, fields }, report };
}

function tableFunction(scan: Scan, fileList: string, partitionColumns: readonly { name: string; type: DataType }[]): string {
  const o = scan.options;
  const opts: string[] = [`filename = ${quoteString(INPUT_FILE_COLUMN)}`];
  if (partitionColumns.length) {
    opts.push("hive_partitioning = true");
    opts.push(`hive_types = {${partitionColumns.map((p) => `${quoteString(p.name)}: ${quoteString(toDuckDBType(p.type))}`).join(", ")}}`);
  } else if (scan.format !== "text") {
    opts.push("hive_partitioning = false");
  }
  const schemaColumns = (s: StructType): string => `{${s.fields.map((f) => `${quoteString(f.name)}: ${quoteString(toDuckDBType(f.type))}`).join(", ")}}`;
  switch (scan.format) {
    case "parquet":
      return `read_parquet(${fileList}, ${opts.join(", ")})`;
    case "csv": {
      opts.push(`header = ${o.header === "true"}`);
      const sep = o.sep ?? o.delimiter;
      if (sep !== undefined) opts.push(`delim = ${quoteString(sep)}`);
      if (o.quote !== undefined) opts.push(`quote = ${quoteString(o.quote)}`);
      if (o.escape !== undefined) opts.push(`escape = ${quoteString(o.escape)}`);
      if (o.nullValue !== undefined) opts.push(`nullstr = ${quoteString(o.nullValue)}`);
      if (o.comment !== undefined) opts.push(`comment = ${quoteString(o.comment)}`);
      if (o.encoding !== undefined) opts.push(`encoding = ${quoteString(o.encoding.toLowerCase().replace("-", ""))}`);
      if (o.dateFormat !== undefined) opts.push(`dateformat = ${quoteString(sparkToStrftime(o.dateFormat))}`);
      if (o.timestampFormat !== undefined) opts.push(`timestampformat = ${quoteString(sparkToStrftime(o.timestampFormat))}`);
      if (scan.schema) opts.push(`columns = ${schemaColumns(scan.schema)}`, "auto_detect = false");
      else if (o.inferSchema !== "true") opts.push("all_varchar = true");
      return `read_csv(${fileList}, ${opts.join(", ")})`;
    }
    case "json": {
      opts.push(`format = ${o.multiLine === "true" ? "'auto'" : "'newline_delimited'"}`);
      if (o.dateFormat !== undefined) opts.push(`dateformat = ${quoteString(sparkToStrftime(o.dateFormat))}`);
      if (o.timestampFormat !== undefined) opts.push(`timestampformat = ${quoteString(sparkToStrftime(o.timestampFormat))}`);
      if (scan.schema) opts.push(`columns = ${schemaColumns(scan.schema)}`);
      return `read_json(${fileList}, ${opts.join(", ")})`;
    }
    case "text":
      return `(SELECT line AS value, ${quoteIdent(INPUT_FILE_COLUMN)} FROM read_csv(${fileList}, columns = {'line': 'VARCHAR'}, header = false, delim = '', quote = '', escape = '', auto_detect = false, ${opts.join(", ")}))`;
    case "delta":
      throw new WeirError("WEIR_INTERNAL", "Delta scans are compiled by the Delta scan compiler: this is a bug in Weir");
    default: { const never: never = scan.format; return never; }
  }
}

function checkOptions(scan: Scan): void {
  const allowed = new Set([...(KNOWN_OPTIONS.common ?? []), ...(KNOWN_OPTIONS[scan.format] ?? [])]);
  for (const k of Object.keys(scan.options)) {
    if (!allowed.has(k)) {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported option "${k}" for the ${scan.format} reader`, {
        hint: `supported options: ${[...allowed].join(", ")}`,
      });
    }
  }
}

/**
 * Keep the files whose partition values can satisfy the pushed filters. Only conjuncts that reference nothing
 * but partition columns are used; they are evaluated by DuckDB over the files' partition values (exact SQL
 * semantics, incl. nulls and casts).
 */
async function prunePartitions(files: readonly InputFile[], partitionColumns: readonly { name: string; type: DataType }[], filters: readonly Expr[], executor: DuckDBExecutor): Promise<readonly InputFile[]> {
  if (!partitionColumns.length || !filters.length || !files.length) return files;
  const partNames = new Set(partitionColumns.map((p) => p.name.toLowerCase()));
  const usable = filters.filter((f) => {
    let ok = true;
    forEachExpr(f, (e) => {
      if (e.kind === "column" && !partNames.has(e.name.toLowerCase())) ok = false;
      if (e.kind === "sql" || e.kind === "window" || (e.kind === "call" && (e.name === "input_file_name" || e.name === "rand"))) ok = false;
    });
    return ok;
  });
  if (!usable.length) return files;
  const params = new ParamCollector();
  const fields: Field[] = partitionColumns.map((p) => ({ name: p.name, sqlName: p.name, qualifiers: [] }));
  const scope = new Scope([{ fields }], "partition pruning");
  const where = usable.map((f) => compileExpr(f, { scope, params })).join(" AND ");
  const cols = partitionColumns.map((p) => `CAST(unnest(${params.bind(files.map((f) => f.partitionValues[p.name] ?? null).map((v) => v ?? ""))}) AS VARCHAR) AS ${quoteIdent(`__raw_${p.name}`)}`);
  const typed = partitionColumns.map((p) => `TRY_CAST(NULLIF(${quoteIdent(`__raw_${p.name}`)}, '') AS ${toDuckDBType(p.type)}) AS ${quoteIdent(p.name)}`);
  const sql = `SELECT __i FROM (SELECT __i, ${typed.join(", ")} FROM (SELECT unnest(${params.bind(files.map((_, i) => i))}) AS __i, ${cols.join(", ")})) WHERE ${where}`;
  try {
    const { rows } = await executor.query(sql, params.bound, "partition pruning");
    const keep = new Set(rows.map((r) => Number(r.__i)));
    return files.filter((_, i) => keep.has(i));
  } catch {
    // A filter DuckDB cannot evaluate on partition values alone (e.g. a type mismatch) prunes nothing; the
    // filter itself still runs over the data and reports the error there.
    return files;
  }
}
