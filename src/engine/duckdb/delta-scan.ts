/**
 * Compiles a `scan` plan node of format "delta" into DuckDB SQL over the files of one snapshot:
 *
 * ```
 *   Snapshot.load(root, versionAsOf | timestampAsOf)
 *        │ files (typed partition values, stats)
 *        ▼
 *   pruneDeltaFiles(pushed filters)      partition pruning + min/max/nullCount data skipping
 *        │ surviving files, grouped by partition values
 *        ▼
 *   SELECT CAST(col AS type) …, CAST($partition AS type) … FROM read_parquet($files_of_group, union_by_name)
 *   UNION ALL …                          one branch per partition; columns absent from a group's files are NULL
 *   UNION ALL SELECT … FROM read_parquet($files_with_dv, file_row_number)
 *     ANTI JOIN (deleted keys) ON file_index * 2^32 + file_row_number = key
 *                                        files with a deletion vector: one scan across partitions (partition values
 *                                        looked up by file_index), one hash anti-join with every deleted row's key
 * ```
 * The DV formulation was measured against the alternatives (bench/delta-dv-read.bench.ts, docs/benchmarks.md):
 * a branch per DV file with `NOT IN` pays a scan set-up and a join build per file; a BITSTRING mask with
 * `get_bit` is slower still (DuckDB copies a constant that large for every vector); `NOT (file_row_number
 * BETWEEN …)` chains cost per range per row. Runs of deleted positions are bound as (start, length) and expanded by DuckDB.
 *
 * Columns come out in table-schema order (partition columns where the schema has them), cast to the table's
 * types, so files written before a schema change read consistently.
 */
import * as path from "node:path";
import { WeirError } from "../../errors/index.js";
import { readDeletionVectorShared, Snapshot, type DeltaFile, type PartitionValue, type VersionSpec } from "../../delta/index.js";
import type { Scan } from "../../plan/index.js";
import { t, toDuckDBType } from "../../types/index.js";
import { quoteIdent, quoteString } from "../../util/index.js";
import type { PlanCompiler } from "./compiler/compile-plan.js";
import { INPUT_FILE_COLUMN } from "./compiler/compile-scan.js";
import { uniqueSqlNames, type Field, type Relation } from "./compiler/relation.js";
import { pruneDeltaFiles } from "./delta-data-skipping.js";
import { DuckDBParquetReader } from "./duckdb-parquet-reader.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { ParamCollector } from "./params.js";

const OPTIONS = new Set(["versionAsOf", "timestampAsOf"]);

/**
 * The `ExternalScans.compileDeltaScan` implementation the Session installs.
 *
 * @example
 * ```ts
 * const external: ExternalScans = { compileDeltaScan };
 * spark.read.format("delta").option("versionAsOf", 3).load("/data/orders");
 * ```
 */
export async function compileDeltaScan(scan: Scan, compiler: PlanCompiler): Promise<Relation> {
  for (const k of Object.keys(scan.options)) {
    if (!OPTIONS.has(k)) {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported option "${k}" for the delta reader`, { hint: `supported options: ${[...OPTIONS].join(", ")}` });
    }
  }
  if (scan.paths.length !== 1) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `A Delta table is read from one path, got ${scan.paths.length}`, { hint: 'load each table separately and union them: spark.read.format("delta").load(path)' });
  }
  const root = path.resolve(scan.paths[0]!);
  const snapshot = await loadDeltaSnapshot(compiler.executor, root, versionSpec(scan.options));
  const files = await pruneDeltaFiles(snapshot.files, snapshot.schema, snapshot.partitionColumns, scan.pushedFilters ?? [], compiler.executor);
  compiler.scans.push({ paths: [root], format: "delta", filesTotal: snapshot.files.length, filesScanned: files.length });
  await snapshot.assertFilesExist(files);
  return deltaRelation(snapshot, files, `#${scan.id}`, compiler.executor, compiler.params);
}

/**
 * Load a snapshot, decoding checkpoints on a fresh connection of the executor (closed afterwards).
 *
 * @example
 * ```ts
 * const snap = await loadDeltaSnapshot(executor, "/data/orders", { version: 3 });
 * ```
 */
export async function loadDeltaSnapshot(executor: DuckDBExecutor, root: string, spec: VersionSpec = {}): Promise<Snapshot> {
  const conn = await executor.connect();
  try {
    return await Snapshot.load(root, { ...spec, parquetReader: new DuckDBParquetReader(conn), cache: executor.snapshots });
  } finally {
    conn.closeSync();
  }
}

function versionSpec(o: Readonly<Record<string, string>>): VersionSpec {
  if (o.versionAsOf !== undefined && o.timestampAsOf !== undefined) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", "Cannot time travel a Delta table by both versionAsOf and timestampAsOf", { hint: "set only one of them" });
  }
  if (o.versionAsOf !== undefined) {
    const v = Number(o.versionAsOf);
    if (!Number.isInteger(v) || v < 0) throw new WeirError("WEIR_INVALID_ARGUMENT", `versionAsOf must be a non-negative integer, got "${o.versionAsOf}"`, { hint: 'e.g. .option("versionAsOf", 3)' });
    return { version: v };
  }
  if (o.timestampAsOf !== undefined) {
    // Spark reads a zone-less timestamp in the session zone, which is UTC in Weir.
    const text = o.timestampAsOf.trim();
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text.replace(" ", "T") : `${text.replace(" ", "T")}Z`;
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new WeirError("WEIR_INVALID_ARGUMENT", `timestampAsOf "${o.timestampAsOf}" is not a timestamp`, { hint: 'e.g. .option("timestampAsOf", "2024-05-01 12:00:00") or a Date' });
    return { timestamp: ms };
  }
  return {};
}

/** The hidden per-file row position column `deltaRelation(…, { rowIndex: true })` adds (DML needs row identity). */
export const ROW_INDEX_COLUMN = "__weir_row_index";

/**
 * The relation reading `files` of `snapshot` (a subset of its files): table-schema columns plus the hidden
 * input-file column (and, with `rowIndex`, the hidden row position in its file), qualified by `qualifier`.
 *
 * @example
 * ```ts
 * const rel = await deltaRelation(snap, snap.files, "#3", executor, params); // SELECT … FROM read_parquet(…) UNION ALL …
 * ```
 */
export async function deltaRelation(
  snapshot: Snapshot, files: readonly DeltaFile[], qualifier: string, executor: DuckDBExecutor, params: ParamCollector, options: { readonly rowIndex?: boolean } = {},
): Promise<Relation> {
  const schema = snapshot.schema;
  const names = schema.fields.map((f) => f.name);
  const hiddenNames = options.rowIndex ? [INPUT_FILE_COLUMN, ROW_INDEX_COLUMN] : [INPUT_FILE_COLUMN];
  const sqlNames = uniqueSqlNames([...names, ...hiddenNames]);
  const fields: Field[] = sqlNames.map((s, i) => ({ name: i < names.length ? names[i]! : hiddenNames[i - names.length]!, sqlName: s, qualifiers: [qualifier], hidden: i >= names.length }));
  const rowIndexSql = (value: string): string => (options.rowIndex ? `, ${value} AS ${quoteIdent(sqlNames[names.length + 1]!)}` : "");
  if (files.length === 0) {
    const cols = schema.fields.map((f, i) => `CAST(NULL AS ${toDuckDBType(f.type)}) AS ${quoteIdent(sqlNames[i]!)}`);
    return { sql: `SELECT ${cols.join(", ")}, CAST(NULL AS VARCHAR) AS ${quoteIdent(sqlNames[names.length]!)}${rowIndexSql("CAST(NULL AS BIGINT)")} LIMIT 0`, fields };
  }
  const present = await columnsPerFile(executor, files);
  const deleted = await deletedRows(snapshot, files);
  const parts = new Set(snapshot.partitionColumns.map((c) => c.toLowerCase()));
  // The select list of one read_parquet over `group`: a partition column is a bound constant, or, when the
  // group's files differ in it, looked up by the file's position in the list (the DV branch spans partitions).
  const selectList = (group: readonly DeltaFile[]): string => {
    const have = new Set(group.flatMap((f) => present.get(f.path) ?? []));
    const cols = schema.fields.map((field, i) => {
      const duck = toDuckDBType(field.type);
      let value: string;
      if (parts.has(field.name.toLowerCase())) {
        const values = group.map((f) => f.partitionValues[field.name] ?? null);
        const same = values.every((v) => samePartitionValue(v, values[0]!));
        value = same ? `CAST(${params.bind(values[0], field.type)} AS ${duck})` : `CAST(list_extract(${params.bind(values, t.array(field.type))}, CAST(file_index AS BIGINT) + 1) AS ${duck})`;
      } else if (have.has(field.name.toLowerCase())) value = `CAST(${quoteIdent(field.name)} AS ${duck})`;
      else value = `CAST(NULL AS ${duck})`;
      return `${value} AS ${quoteIdent(sqlNames[i]!)}`;
    });
    cols.push(`${quoteIdent(INPUT_FILE_COLUMN)} AS ${quoteIdent(sqlNames[names.length]!)}${rowIndexSql("file_row_number")}`);
    return cols.join(", ");
  };
  const readParquet = (group: readonly DeltaFile[], rowNumbers: boolean): string =>
    `read_parquet(${params.bind(group.map((f) => f.path))}, union_by_name = true, hive_partitioning = false, filename = ${quoteString(INPUT_FILE_COLUMN)}${rowNumbers ? ", file_row_number = true" : ""})`;

  const branches: string[] = [];
  // Files without a deletion vector: one read per partition.
  const groups = new Map<string, DeltaFile[]>();
  for (const f of files.filter((f) => !deleted.has(f.path))) {
    const key = JSON.stringify(snapshot.partitionColumns.map((c) => f.add.partitionValues[c] ?? null));
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  for (const group of groups.values()) branches.push(`SELECT ${selectList(group)} FROM ${readParquet(group, options.rowIndex === true)}`);
  // Files with one: read together and anti-joined with their deleted (file, position) keys.
  for (const group of deletionVectorGroups(files.filter((f) => deleted.has(f.path)), deleted, present)) {
    const keyOf = group.length === 1 ? "file_row_number" : `CAST(file_index AS BIGINT) * ${KEY_STRIDE} + file_row_number`;
    branches.push(`SELECT ${selectList(group)} FROM ${readParquet(group, true)} ANTI JOIN (${deletedKeysSql(group, deleted, params)}) AS ${DV_KEYS} ON ${keyOf} = ${DV_KEYS}.${DV_KEY}`);
  }
  return { sql: branches.length === 1 ? branches[0]! : branches.map((b) => `(${b})`).join(" UNION ALL "), fields };
}

/** Deleted rows are keyed by file_index * 2^32 + position: exact in a DOUBLE for up to 2^21 files of up to 2^32 rows. */
const KEY_STRIDE = 2 ** 32;
const MAX_FILES_PER_SCAN = 2 ** 20;
const DV_KEYS = quoteIdent("__weir_deleted");
const DV_KEY = quoteIdent("__weir_deleted_key");

/**
 * How the files with a deletion vector are read: all in one scan (in chunks of 2^20), or each alone (keyed by
 * position only) when a data file has a column named `file_index` (it would hide DuckDB's virtual column) or a
 * file deletes a position past 2^32 (the key would overflow).
 */
function deletionVectorGroups(files: readonly DeltaFile[], deleted: ReadonlyMap<string, readonly number[]>, present: ReadonlyMap<string, string[]>): DeltaFile[][] {
  const alone = files.some((f) => present.get(f.path)?.includes("file_index") || (deleted.get(f.path)!.at(-1) ?? 0) >= KEY_STRIDE);
  if (alone) return files.map((f) => [f]);
  const out: DeltaFile[][] = [];
  for (let i = 0; i < files.length; i += MAX_FILES_PER_SCAN) out.push(files.slice(i, i + MAX_FILES_PER_SCAN));
  return out;
}

/**
 * The build side of the anti-join: one BIGINT key per deleted row of `group` (file_index * 2^32 + position, or
 * the position alone for a one-file group). Runs of consecutive positions (a DELETE of a range) travel as
 * (first key, length) pairs expanded by DuckDB, so a file losing 1M contiguous rows binds two numbers.
 */
function deletedKeysSql(group: readonly DeltaFile[], deleted: ReadonlyMap<string, readonly number[]>, params: ParamCollector): string {
  const stride = group.length === 1 ? 0 : KEY_STRIDE;
  const starts: number[] = [];
  const lengths: number[] = [];
  let count = 0;
  group.forEach((f, i) => {
    const rows = deleted.get(f.path)!;
    count += rows.length;
    for (let j = 0; j < rows.length;) {
      let k = j;
      while (k + 1 < rows.length && rows[k + 1] === rows[k]! + 1) k++;
      starts.push(i * stride + rows[j]!);
      lengths.push(k - j + 1);
      j = k + 1;
    }
  });
  const bigints = t.array(t.float64());
  if (starts.length * 2 > count) {
    const keys: number[] = [];
    group.forEach((f, i) => { for (const p of deleted.get(f.path)!) keys.push(i * stride + p); });
    return `SELECT unnest(CAST(${params.bind(keys, bigints)} AS BIGINT[])) AS ${DV_KEY}`;
  }
  return `SELECT unnest(range(s, s + n)) AS ${DV_KEY} FROM (SELECT unnest(CAST(${params.bind(starts, bigints)} AS BIGINT[])) AS s, unnest(CAST(${params.bind(lengths, bigints)} AS BIGINT[])) AS n)`;
}

function samePartitionValue(a: PartitionValue, b: PartitionValue): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return a === b;
}

/** The deleted row positions of each file carrying a deletion vector (PROTOCOL.md "Deletion Vectors"). */
async function deletedRows(snapshot: Snapshot, files: readonly DeltaFile[]): Promise<Map<string, readonly number[]>> {
  const out = new Map<string, readonly number[]>();
  await Promise.all(files.map(async (f) => {
    const dv = f.add.deletionVector;
    if (dv && dv.cardinality > 0) out.set(f.path, await readDeletionVectorShared(snapshot.tableRoot, dv));
  }));
  return out;
}

/** The top-level column names (lower-cased) of each Parquet file, from the footers (a depth-first schema walk). */
async function columnsPerFile(executor: DuckDBExecutor, files: readonly DeltaFile[]): Promise<Map<string, string[]>> {
  const params = new ParamCollector();
  const list = params.bind(files.map((f) => f.path));
  const res = await executor.query(`SELECT file_name, name, num_children FROM parquet_schema(${list}) ORDER BY file_name, column_id`, params.bound, "read delta");
  const out = new Map<string, string[]>();
  let file: string | undefined;
  let open: number[] = [];
  for (const r of res.rows) {
    const name = String(r.file_name);
    const children = Number(r.num_children ?? 0);
    if (name !== file) {
      file = name;
      out.set(file, []);
      open = [children]; // the schema root
      continue;
    }
    if (open.length === 1) out.get(file)!.push(String(r.name).toLowerCase());
    open[open.length - 1]!--;
    if (children > 0) open.push(children);
    while (open.length > 0 && open[open.length - 1] === 0) open.pop();
  }
  return out;
}
