import type { Expr } from "../../../expr/index.js";
import { forEachExpr } from "../../../expr/index.js";
import { listInputFiles, type InputFile } from "../../../io/index.js";
import { filesFingerprint } from "../scan/scan-input.js";
import type { Scan } from "../../../plan/index.js";
import { WeirError } from "../../../errors/index.js";
import { toDuckDBType, type DataType } from "../../../types/index.js";
import { quoteIdent } from "../../../util/index.js";
import type { DuckDBExecutor } from "../duckdb-executor.js";
import { ParamCollector } from "../params.js";
import { compileExpr } from "./compile-expr.js";
import { Scope, uniqueSqlNames, type Field, type Relation } from "./relation.js";
import { compileCsvScan } from "../scan/csv-scan.js";
import { compileJsonScan } from "../scan/json-scan.js";
import { parseReadOptions, withUserPartitionTypes } from "../scan/read-options.js";
import { bindFiles, fileOptions, INPUT_FILE_COLUMN, trailingColumns, type ScanInput } from "../scan/scan-input.js";

/** What a scan read, for explain() and metrics. @example `{ path: "data/", filesTotal: 12, filesScanned: 3 }` */
export interface ScanReport {
  readonly paths: readonly string[];
  readonly format: string;
  readonly filesTotal: number;
  readonly filesScanned: number;
}

export { INPUT_FILE_COLUMN };

/**
 * Compile a file scan: list the input files (hive partitions discovered, `modifiedAfter`/`Before` applied),
 * prune partitions with the pushed-down filters, and emit the DuckDB table function over the surviving files
 * (CSV and JSON with Spark's read modes, see scan/csv-scan.ts and scan/json-scan.ts). File paths are bound
 * parameters. The report says how many of the listed files are read.
 *
 * @example `const { relation, report } = await compileFileScan(scan, executor, params)`
 */
export async function compileFileScan(scan: Scan, executor: DuckDBExecutor, params: ParamCollector): Promise<{ relation: Relation; report: ScanReport }> {
  const parsedOptions = parseReadOptions(scan);
  const o = scan.options;
  const listing = await listInputFiles(scan.paths, {
    recursiveFileLookup: o.recursiveFileLookup === "true",
    ...(o.pathGlobFilter ? { pathGlobFilter: o.pathGlobFilter } : {}),
    ...(o.modifiedAfter ? { modifiedAfter: o.modifiedAfter } : {}),
    ...(o.modifiedBefore ? { modifiedBefore: o.modifiedBefore } : {}),
    ...(o.basePath ? { basePath: o.basePath } : {}),
  });
  // A user schema naming a partition column types it (Spark); the column's value still comes from the path.
  const { options, partitionColumns } = withUserPartitionTypes(parsedOptions, listing.partitionColumns);
  const files = await prunePartitions(listing.files, partitionColumns, scan.pushedFilters ?? [], executor);
  const report: ScanReport = { paths: scan.paths, format: scan.format, filesTotal: listing.files.length, filesScanned: files.length };
  const input: ScanInput = { scan, files, partitionColumns, options, executor, params, validate: true };
  if (files.length === 0) {
    // Every partition pruned: an empty relation with the right columns, typed from one listed file.
    const probe = listing.files[0];
    if (!probe) throw new WeirError("WEIR_PATH_NOT_FOUND", `No input files for ${scan.paths.join(", ")}`, { hint: "check the path", details: { paths: scan.paths } });
    const sql = await scanSql({ ...input, files: [probe], validate: false });
    return finish(`SELECT * FROM (${sql}) LIMIT 0`, scan, executor, params, report, filesFingerprint([probe]));
  }
  return finish(await scanSql(input), scan, executor, params, report, filesFingerprint(files));
}

async function finish(sql: string, scan: Scan, executor: DuckDBExecutor, params: ParamCollector, report: ScanReport, fingerprint: string): Promise<{ relation: Relation; report: ScanReport }> {
  const columns = await executor.describe(sql, params.bound, `read ${scan.format}`, fingerprint);
  const names = columns.map((c) => c.name);
  const sqlNames = uniqueSqlNames(names);
  const fields: Field[] = sqlNames.map((s, i) => ({ name: names[i]!, sqlName: s, qualifiers: [`#${scan.id}`], hidden: names[i] === INPUT_FILE_COLUMN }));
  const select = names.map((n, i) => `${quoteIdent(n)} AS ${quoteIdent(sqlNames[i]!)}`).join(", ");
  return { relation: { sql: `SELECT ${select} FROM (${sql})`, fields }, report };
}

async function scanSql(input: ScanInput): Promise<string> {
  const { scan, params, partitionColumns } = input;
  const files = bindFiles(params, input.files);
  const opts = fileOptions(partitionColumns);
  switch (scan.format) {
    case "parquet": {
      if (scan.options.mergeSchema === "true") opts.push("union_by_name = true");
      const read = `read_parquet(${files}, ${opts.join(", ")})`;
      if (!scan.schema) return `SELECT * FROM ${read}`;
      // A user schema selects and casts the named columns (Spark reads parquet columns by name).
      // (Partition columns named in the schema are not among the data columns: see withUserPartitionTypes.)
      const cols = (input.options.dataColumns ?? scan.schema.fields).map((f) => `CAST(${quoteIdent(f.name)} AS ${toDuckDBType(f.type)}) AS ${quoteIdent(f.name)}`);
      return `SELECT ${[...cols, ...trailingColumns(partitionColumns)].join(", ")} FROM ${read}`;
    }
    case "csv": return compileCsvScan(input);
    case "json": return compileJsonScan(input);
    case "text":
      return `SELECT "__weir_line" AS value, ${trailingColumns(partitionColumns).join(", ")} FROM read_csv(${files}, columns = {'__weir_line': 'VARCHAR'}, header = false, delim = '', quote = '', escape = '', auto_detect = false, strict_mode = false, ${opts.join(", ")})`;
    case "delta": case "postgres":
      throw new WeirError("WEIR_INTERNAL", `${scan.format} scans are compiled by their own scan compiler: this is a bug in Weir`);
    default: { const never: never = scan.format; return never; }
  }
}

const NONDETERMINISTIC_SQL = /\b(random|rand|randn|uuid|gen_random_uuid|setseed|nextval|input_file_name)\s*\(/i;

/**
 * Keep the files whose partition values can satisfy the pushed filters. Only conjuncts that reference nothing
 * but partition columns (Column filters, or SQL strings DuckDB can bind against the partition columns) are used; they are evaluated by DuckDB over the files' partition values (exact SQL
 * semantics, incl. nulls and casts).
 */
async function prunePartitions(files: readonly InputFile[], partitionColumns: readonly { name: string; type: DataType }[], filters: readonly Expr[], executor: DuckDBExecutor): Promise<readonly InputFile[]> {
  if (!partitionColumns.length || !filters.length || !files.length) return files;
  const partNames = new Set(partitionColumns.map((p) => p.name.toLowerCase()));
  const usable = filters.filter((f) => {
    let ok = true;
    forEachExpr(f, (e) => {
      if (e.kind === "column" && !partNames.has(e.name.toLowerCase())) ok = false;
      // A SQL-string filter is tried on the partition values alone: if it names a data column DuckDB rejects it
      // below and nothing is pruned.
      if (e.kind === "sql" && NONDETERMINISTIC_SQL.test(e.text)) ok = false;
      if (e.kind === "window" || (e.kind === "call" && (e.name === "input_file_name" || e.name === "rand" || e.name === "randn" || e.name === "uuid"))) ok = false;
    });
    return ok;
  });
  if (!usable.length) return files;
  const params = new ParamCollector();
  const fields: Field[] = partitionColumns.map((p) => ({ name: p.name, sqlName: p.name, qualifiers: [] }));
  const scope = new Scope([{ fields }], "partition pruning");
  const where = usable.map((f) => compileExpr(f, { scope, params })).join(" AND ");
  const cols = partitionColumns.map((p) => `CAST(unnest(${params.bind(files.map((f) => f.partitionValues[p.name] ?? ""))}) AS VARCHAR) AS ${quoteIdent(`__raw_${p.name}`)}`);
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

