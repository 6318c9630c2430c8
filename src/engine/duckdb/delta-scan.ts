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
 *   UNION ALL SELECT … FROM read_parquet($small_files_with_dv, file_row_number)
 *     ANTI JOIN (deleted keys) ON file_index * 2^32 + file_row_number = key
 *                                        a partition's small files with a deletion vector (< 50k rows), together
 *   UNION ALL SELECT … FROM read_parquet($large_file_with_dv, file_row_number) WHERE <kept rows>
 *                                        a larger file with a deletion vector reads alone: its few deleted runs
 *                                        as ranges, a bit mask over a narrow deleted span, or else an anti-join
 *                                        with its positions (keptRowsSql)
 * ```
 * Columns come out in table-schema order (partition columns where the schema has them), cast to the table's
 * types, so files written before a schema change read consistently.
 */
import * as path from "node:path";
import { WeirError } from "../../errors/index.js";
import { readDeletionVectorShared, Snapshot, type DeltaFile, type VersionSpec } from "../../delta/index.js";
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
  const parts = new Set(snapshot.partitionColumns.map((c) => c.toLowerCase()));
  const rowIndexSql = (value: string): string => (options.rowIndex ? `, ${value} AS ${quoteIdent(sqlNames[names.length + 1]!)}` : "");
  if (files.length === 0) {
    const cols = schema.fields.map((f, i) => `CAST(NULL AS ${toDuckDBType(f.type)}) AS ${quoteIdent(sqlNames[i]!)}`);
    return { sql: `SELECT ${cols.join(", ")}, CAST(NULL AS VARCHAR) AS ${quoteIdent(sqlNames[names.length]!)}${rowIndexSql("CAST(NULL AS BIGINT)")} LIMIT 0`, fields };
  }
  const present = await columnsPerFile(executor, files);
  const groups = new Map<string, DeltaFile[]>();
  for (const f of files) {
    const key = JSON.stringify(snapshot.partitionColumns.map((c) => f.add.partitionValues[c] ?? null));
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  const deleted = await deletedRows(snapshot, files);
  const branches: string[] = [];
  for (const group of [...groups.values()].flatMap((g) => readGroups(g, deleted, present))) {
    const have = new Set(group.files.flatMap((f) => present.get(f.path) ?? []));
    const first = group.files[0]!;
    const cols = schema.fields.map((field, i) => {
      const duck = toDuckDBType(field.type);
      let value: string;
      if (parts.has(field.name.toLowerCase())) value = `CAST(${params.bind(first.partitionValues[field.name] ?? null, field.type)} AS ${duck})`;
      else if (have.has(field.name.toLowerCase())) value = `CAST(${quoteIdent(field.name)} AS ${duck})`;
      else value = `CAST(NULL AS ${duck})`;
      return `${value} AS ${quoteIdent(sqlNames[i]!)}`;
    });
    cols.push(`${quoteIdent(INPUT_FILE_COLUMN)} AS ${quoteIdent(sqlNames[names.length]!)}${rowIndexSql("file_row_number")}`);
    const fileList = params.bind(group.files.map((f) => f.path));
    const rowNumbers = options.rowIndex || group.kind !== "plain" ? ", file_row_number = true" : "";
    let filter = "";
    if (group.kind === "alone") filter = keptRowsSql(deleted.get(first.path)!, params);
    if (group.kind === "together") filter = ` ANTI JOIN (${deletedKeysSql(group.files, deleted, params)}) AS ${DELETED} ON CAST(file_index AS BIGINT) * ${KEY_STRIDE} + file_row_number = ${DELETED}.${DELETED_KEY}`;
    branches.push(`SELECT ${cols.join(", ")} FROM read_parquet(${fileList}, union_by_name = true, hive_partitioning = false, filename = ${quoteString(INPUT_FILE_COLUMN)}${rowNumbers})${filter}`);
  }
  return { sql: branches.length === 1 ? branches[0]! : branches.map((b) => `(${b})`).join(" UNION ALL "), fields };
}

/** One read_parquet of a partition's files: without DVs, DV files read together (anti-join), or one DV file alone. */
interface ReadGroup {
  readonly kind: "plain" | "together" | "alone";
  readonly files: readonly DeltaFile[];
}

/**
 * DV files with fewer physical rows than this are read together, anti-joined with their (file, position) keys;
 * larger ones are read alone with a row filter. A filtered branch costs ~0.5 ms to set up and the hash anti-join
 * ~30 ns a row; they break even around 25–50k rows a file (docs/benchmarks.md).
 */
const SMALL_FILE_ROWS = 50_000;
/** Deleted rows of a group read together are keyed file_index * 2^32 + position (exact in a DOUBLE). */
const KEY_STRIDE = 2 ** 32;
const MAX_FILES_TOGETHER = 2 ** 20;
const DELETED = quoteIdent("__weir_deleted");
const DELETED_KEY = quoteIdent("__weir_deleted_key");

/**
 * How one partition's files are read: those without a deletion vector together; small DV files together (two or
 * more, none holding a column named `file_index`, which would hide DuckDB's virtual column); every other DV file alone.
 */
function readGroups(files: readonly DeltaFile[], deleted: ReadonlyMap<string, readonly number[]>, present: ReadonlyMap<string, string[]>): ReadGroup[] {
  const out: ReadGroup[] = [];
  const plain = files.filter((f) => !deleted.has(f.path));
  if (plain.length) out.push({ kind: "plain", files: plain });
  const small = files.filter((f) => deleted.has(f.path) && (f.stats?.numRecords ?? Infinity) < SMALL_FILE_ROWS
    && deleted.get(f.path)!.at(-1)! < KEY_STRIDE && !present.get(f.path)?.includes("file_index"));
  const together = small.length >= 2 ? small : [];
  for (let i = 0; i < together.length; i += MAX_FILES_TOGETHER) out.push({ kind: "together", files: together.slice(i, i + MAX_FILES_TOGETHER) });
  const joined = new Set(together);
  for (const f of files) if (deleted.has(f.path) && !joined.has(f)) out.push({ kind: "alone", files: [f] });
  return out;
}

/** The build side of a together group's anti-join: one BIGINT key per deleted row, file_index * 2^32 + position. */
function deletedKeysSql(files: readonly DeltaFile[], deleted: ReadonlyMap<string, readonly number[]>, params: ParamCollector): string {
  const keys: number[] = [];
  files.forEach((f, i) => {
    for (const p of deleted.get(f.path)!) keys.push(i * KEY_STRIDE + p);
  });
  return keysSql(keys, params);
}

/** One BIGINT row per key, the keys bound as one list (never one parameter per key). */
function keysSql(keys: readonly number[], params: ParamCollector): string {
  return `SELECT unnest(CAST(${params.bind(keys, t.array(t.float64()))} AS BIGINT[])) AS ${DELETED_KEY}`;
}

/** At most this many runs of deleted positions are filtered as ranges; more go through a bit mask or a join. */
const MAX_RANGES = 4;
/**
 * Masks span fewer positions than this (512 KiB). DuckDB copies the mask into every 2,048-row vector, so a mask's
 * cost grows with the square of the file: 1% scattered deletions over 4M / 16M / 64M rows took 64 / 737 / 9,359 ms
 * with a mask and 85 / 393 / 2,410 ms anti-joined (raw DuckDB, one file); wider spans are anti-joined.
 */
const MAX_MASK_SPAN = 2 ** 22;

/**
 * The clause (`WHERE …` or `ANTI JOIN …`) keeping the rows of one file whose positions (ascending, distinct) its
 * deletion vector does not hold:
 *
 * ```
 *   few runs:     WHERE NOT (file_row_number BETWEEN a1 AND b1 OR …)
 *   narrow span:  WHERE get_bit(mask, clamp(file_row_number - lo + 1, 0, hi - lo + 2)) = 0
 *                 mask = 0 · one bit per position lo..hi (1 = deleted) · 0, so rows outside [lo, hi] hit a 0 pad bit
 *   else:         ANTI JOIN (the positions, one bound list) ON file_row_number = position
 * ```
 * DuckDB copies a constant argument into every vector it evaluates, so the mask spans only [lo, hi]; a hash
 * anti-join on (file, position) keys, one mask over all files, and CASE trees of small masks measured slower
 * (docs/benchmarks.md, bench/delta-dv-read.bench.ts).
 */
function keptRowsSql(rows: readonly number[], params: ParamCollector): string {
  const runs: [number, number][] = [];
  for (let j = 0; j < rows.length;) {
    let k = j;
    while (k + 1 < rows.length && rows[k + 1] === rows[k]! + 1) k++;
    runs.push([rows[j]!, rows[k]!]);
    j = k + 1;
  }
  const lo = rows[0]!;
  const hi = rows[rows.length - 1]!;
  if (runs.length <= MAX_RANGES) {
    const ranges = runs.map(([a, b]) => (a === b ? `file_row_number = ${params.bind(a)}` : `file_row_number BETWEEN ${params.bind(a)} AND ${params.bind(b)}`));
    return ` WHERE NOT (${ranges.join(" OR ")})`;
  }
  if (hi - lo >= MAX_MASK_SPAN) return ` ANTI JOIN (${keysSql(rows, params)}) AS ${DELETED} ON file_row_number = ${DELETED}.${DELETED_KEY}`;
  const mask = new Uint8Array(Math.ceil((hi - lo + 3) / 8));
  for (const p of rows) {
    const bit = p - lo + 1;
    mask[bit >> 3]! |= 0x80 >> (bit & 7);
  }
  return ` WHERE get_bit(CAST(${params.bind(mask)} AS BIT), CAST(least(greatest(file_row_number - ${params.bind(lo - 1)}, 0), ${params.bind(hi - lo + 2)}) AS INTEGER)) = 0`;
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
