/**
 * `df.write.format("delta").save(path)`: writes the DataFrame's rows as Parquet data files into the table
 * directory with DuckDB (per-file statistics come back from `COPY … RETURN_STATS`), then commits one
 * transaction with the adds (and removes for overwrite / replaceWhere).
 *
 * ```
 *   compiled query ─► schema check (enforce / mergeSchema / overwriteSchema)
 *                 ─► COPY (SELECT cols in table order, cast to table types) TO <table>/[k=v/]part-<uuid>.snappy.parquet
 *                 ─► add actions (path, partitionValues, size, stats) ─► OptimisticTransaction.commit
 * ```
 * Data files are invisible until the commit names them, so a crash at any point leaves the table as it was
 * (orphan files are left for VACUUM); a failed commit deletes the files it wrote.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import {
  buildStatsJson, OptimisticTransaction, partitionKey, removeOf, reconcileSchema, tableConstraints, type Action, type AddAction, type ColumnStatsText,
  type MetadataAction, type RemoveAction, type Snapshot, type TableConstraint,
} from "../../delta/index.js";
import { DeltaError, WeirError } from "../../errors/index.js";
import type { SaveMode } from "../../io/index.js";
import { toDuckDBType, toSparkSchemaJson, type StructType } from "../../types/index.js";
import { quoteIdent, quoteString } from "../../util/index.js";
import { constraintViolation, guardConstraints } from "./delta-constraints.js";
import { bytesOf, deleteWritten, rowsOf } from "./delta-dml.js";
import { deltaRelation } from "./delta-scan.js";
import { DuckDBCheckpointWriter } from "./duckdb-checkpoint-writer.js";
import { schemaOf, type DuckDBExecutor } from "./duckdb-executor.js";
import { DuckDBParquetReader } from "./duckdb-parquet-reader.js";
import { ParamCollector, type BoundParams } from "./params.js";

const OPTIONS = ["replaceWhere", "mergeSchema", "overwriteSchema", "txnAppId", "txnVersion", "userMetadata", "description", "compression", "partitionOverwriteMode"];

/** A write of a compiled query into a Delta table. @example `{ sql, params, columns, path: "/data/t", mode: "append", partitionBy: [], options: {} }` */
export interface DeltaWriteRequest {
  readonly sql: string;
  readonly params: BoundParams;
  readonly columns: readonly string[];
  readonly path: string;
  readonly mode: SaveMode;
  readonly partitionBy: readonly string[];
  /** Writer options; `delta.*` keys become table properties when the table is created. */
  readonly options: Readonly<Record<string, string>>;
  /** Table properties for a table this write creates, unless the options set them (Spark's `spark.databricks.delta.properties.defaults.*`). */
  readonly tableDefaults?: Readonly<Record<string, string>>;
}

/** What a Delta write did. @example `{ path: "/data/t", files: ["/data/t/part-….snappy.parquet"], committed: true, version: 3 }` */
export interface DeltaWriteResult {
  readonly path: string;
  readonly files: readonly string[];
  readonly committed: boolean;
  /** Rows written (0 when nothing was committed). */
  readonly rows: number;
  /** The version committed (undefined when nothing was committed: mode "ignore", or a txn already applied). */
  readonly version?: number;
  /** What failed after the commit succeeded (checkpoint, expired-log cleanup); the data is committed. */
  readonly warnings?: readonly string[];
}

/**
 * Write a compiled query into the Delta table at `req.path`.
 *
 * @example
 * ```ts
 * await writeDeltaTable(executor, { sql, params, columns, path: "/data/t", mode: "append", partitionBy: ["day"], options: {} });
 * ```
 */
export async function writeDeltaTable(executor: DuckDBExecutor, req: DeltaWriteRequest): Promise<DeltaWriteResult> {
  for (const k of Object.keys(req.options)) {
    if (!OPTIONS.includes(k) && !k.startsWith("delta.")) {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported option "${k}" for the delta writer`, { hint: `supported: ${OPTIONS.join(", ")}, delta.* table properties` });
    }
  }
  const o = req.options;
  const root = path.resolve(req.path);
  const mode = req.mode === "errorifexists" ? "error" : req.mode;
  const overwriteSchema = o.overwriteSchema === "true";
  if (overwriteSchema && mode !== "overwrite") {
    throw new WeirError("WEIR_INVALID_ARGUMENT", "overwriteSchema needs mode(\"overwrite\")", { hint: 'use .mode("overwrite").option("overwriteSchema", true), or mergeSchema to add columns' });
  }
  if (o.replaceWhere !== undefined && mode !== "overwrite") {
    throw new WeirError("WEIR_INVALID_ARGUMENT", "replaceWhere needs mode(\"overwrite\")", { hint: '.mode("overwrite").option("replaceWhere", "day = \'2024-01-01\'")' });
  }
  const dynamic = dynamicOverwrite(o, mode);
  const txnApp = parseTxn(o);
  const conn = await executor.connect();
  try {
    const txn = await OptimisticTransaction.start(root, { parquetReader: new DuckDBParquetReader(conn), checkpointWriter: new DuckDBCheckpointWriter(executor), cache: executor.snapshots });
    const snap = txn.snapshot;
    if (snap && mode === "error") {
      throw new WeirError("WEIR_PATH_EXISTS", `Cannot write to ${root}: a Delta table already exists there (version ${snap.version})`, { hint: 'use .mode("append"), .mode("overwrite") or .mode("ignore")' });
    }
    if (snap && mode === "ignore") return { path: root, files: [], rows: 0, committed: false };
    if (snap && txnApp && (snap.txnVersion(txnApp.appId) ?? -1) >= txnApp.version) return { path: root, files: [], rows: 0, committed: false, version: snap.version };

    const described = await executor.describe(req.sql, req.params, "write delta");
    const dataSchema = schemaOf(described.map((c, i) => ({ name: req.columns[i] ?? c.name, type: c.type })));
    const { schema, changed } = reconcileSchema(overwriteSchema ? undefined : snap?.schema, dataSchema, { mergeSchema: o.mergeSchema === "true", overwriteSchema }, root);
    const partitionColumns = resolvePartitioning(snap, schema, req.partitionBy, overwriteSchema, root);

    const configuration = tableConfiguration(snap, o, req.tableDefaults);
    const written = await writeDataFiles(executor, req, schema, dataSchema, partitionColumns, root, tableConstraints(schema, configuration));
    try {
      const actions: Action[] = [];
      if (!snap || changed || overwriteSchema) actions.push(...metadataActions(snap, schema, partitionColumns, o, configuration));
      let removes: RemoveAction[] = [];
      if (snap && mode === "overwrite") {
        if (dynamic && partitionColumns.length) {
          // Dynamic partition overwrite: only the partitions the new data holds are replaced.
          const replaced = new Set(written.map((a) => partitionKey(partitionColumns, a.partitionValues)));
          const hit = snap.files.filter((f) => replaced.has(partitionKey(partitionColumns, f.add.partitionValues)));
          removes = hit.map((f) => removeOf(f.add));
          txn.markFilesRead(hit.map((f) => f.add.path));
          txn.markPartitionsRead(written.map((a) => a.partitionValues));
        } else if (o.replaceWhere !== undefined) {
          const r = await replaceWhere(executor, snap, o.replaceWhere, req, schema, partitionColumns, root);
          removes = r.removes;
          written.push(...r.rewritten);
          txn.markFilesRead(snap.files.map((f) => f.add.path));
        } else {
          removes = snap.files.map((f) => removeOf(f.add));
          txn.readWholeTable();
          txn.markFilesRead(snap.files.map((f) => f.add.path));
        }
      }
      actions.push(...removes, ...written);
      if (txnApp) actions.push({ kind: "txn", appId: txnApp.appId, version: txnApp.version, lastUpdated: Date.now() });
      const numOutputRows = rowsOf(written);
      const version = await txn.commit(actions, {
        operation: snap ? "WRITE" : "CREATE TABLE AS SELECT",
        operationParameters: {
          mode: { append: "Append", overwrite: "Overwrite", error: "ErrorIfExists", ignore: "Ignore" }[mode] ?? mode,
          partitionBy: partitionColumns, ...(o.replaceWhere !== undefined ? { predicate: [o.replaceWhere] } : {}),
          ...(dynamic && partitionColumns.length && snap ? { partitionOverwriteMode: "DYNAMIC" } : {}),
        },
        operationMetrics: {
          numFiles: String(written.length), numOutputRows: String(numOutputRows),
          numOutputBytes: String(bytesOf(written)), ...(removes.length ? { numRemovedFiles: String(removes.length) } : {}),
        },
        ...(o.userMetadata !== undefined ? { userMetadata: o.userMetadata } : {}),
      });
      return {
        path: root, files: written.map((a) => path.join(root, decodeURIComponent(a.path))), rows: numOutputRows, committed: true, version,
        ...(txn.warnings.length ? { warnings: [...txn.warnings] } : {}),
      };
    } catch (e) {
      await deleteWritten(root, written);
      throw e;
    }
  } finally {
    conn.closeSync();
  }
}

/** `partitionOverwriteMode` (the option, or the session conf the DataFrameWriter passes as one): dynamic overwrite? */
function dynamicOverwrite(o: Readonly<Record<string, string>>, mode: string): boolean {
  const value = (o.partitionOverwriteMode ?? "static").toLowerCase();
  if (value !== "static" && value !== "dynamic") {
    throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported partitionOverwriteMode "${o.partitionOverwriteMode}"`, { hint: 'use "static" (replace the whole table) or "dynamic" (replace only the partitions written)' });
  }
  if (value !== "dynamic" || mode !== "overwrite") return false;
  if (o.replaceWhere !== undefined) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", "A Delta overwrite cannot use both replaceWhere and partitionOverwriteMode=dynamic", { hint: "use one of them: replaceWhere names the rows replaced, dynamic mode replaces the partitions written" });
  }
  if (o.overwriteSchema === "true") {
    throw new WeirError("WEIR_INVALID_ARGUMENT", "A Delta overwrite cannot use both overwriteSchema and partitionOverwriteMode=dynamic", { hint: "replace the schema with a static overwrite (the default), or keep the schema" });
  }
  return true;
}

function parseTxn(o: Readonly<Record<string, string>>): { appId: string; version: number } | undefined {
  if (o.txnAppId === undefined && o.txnVersion === undefined) return undefined;
  const version = Number(o.txnVersion);
  if (!o.txnAppId || !Number.isInteger(version) || version < 0) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `Idempotent Delta writes need both txnAppId and a non-negative integer txnVersion (got ${JSON.stringify(o.txnAppId)}, ${JSON.stringify(o.txnVersion)})`, {
      hint: '.option("txnAppId", "etl-orders").option("txnVersion", batchId)',
    });
  }
  return { appId: o.txnAppId, version };
}

function resolvePartitioning(snap: Snapshot | undefined, schema: StructType, requested: readonly string[], overwriteSchema: boolean, root: string): string[] {
  const find = (c: string): string => {
    const f = schema.fields.find((x) => x.name.toLowerCase() === c.toLowerCase());
    if (!f) throw new WeirError("WEIR_UNKNOWN_COLUMN", `Unknown partition column "${c}" in partitionBy(). Columns: ${schema.fields.map((x) => x.name).join(", ")}`, { hint: "partition by existing columns" });
    if (["array", "map", "struct", "binary"].includes(f.type.kind)) throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot partition by "${c}" of type ${f.type.kind}`, { hint: "partition by a primitive column" });
    return f.name;
  };
  if (!snap || overwriteSchema) {
    const cols = requested.map(find);
    if (cols.length && cols.length >= schema.fields.length) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot partition the Delta table at ${root} by all of its columns (${cols.join(", ")})`, { hint: "keep at least one column out of partitionBy()" });
    }
    return cols;
  }
  const existing = [...snap.partitionColumns];
  if (requested.length && requested.map((c) => c.toLowerCase()).join(",") !== existing.map((c) => c.toLowerCase()).join(",")) {
    throw new DeltaError("WEIR_DELTA_SCHEMA_MISMATCH", `Cannot write to the Delta table at ${root} partitioned by (${requested.join(", ")}): it is partitioned by (${existing.join(", ") || "nothing"})`, {
      hint: 'drop partitionBy() to use the table\'s partitioning, or repartition it with .mode("overwrite").option("overwriteSchema", true)', details: { table: root },
    });
  }
  return existing;
}

/** Table properties: the table's own, or the session defaults for a new table, overridden by `delta.*` options. */
function tableConfiguration(snap: Snapshot | undefined, o: Readonly<Record<string, string>>, defaults: Readonly<Record<string, string>> = {}): MetadataAction["configuration"] {
  return { ...(snap ? snap.configuration : defaults), ...Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith("delta."))) };
}

function metadataActions(snap: Snapshot | undefined, schema: StructType, partitionColumns: readonly string[], o: Readonly<Record<string, string>>, configuration: MetadataAction["configuration"]): Action[] {
  const metadata: MetadataAction = {
    kind: "metaData", id: snap?.metadata.id ?? randomUUID(), ...(snap?.metadata.name ? { name: snap.metadata.name } : {}),
    ...(o.description ?? snap?.metadata.description ? { description: o.description ?? snap?.metadata.description } : {}),
    format: { provider: "parquet", options: {} }, schemaString: toSparkSchemaJson(schema), partitionColumns: [...partitionColumns],
    configuration, createdTime: snap?.metadata.createdTime ?? Date.now(),
  };
  return snap ? [metadata] : [{ kind: "protocol", minReaderVersion: 1, minWriterVersion: 2 }, metadata];
}

/**
 * COPY the rows of `req.sql` (table-schema order, cast to table types) into new data files under `root`
 * (hive directories when partitioned); one add action per file written, with stats. Used by writes and DML.
 *
 * @example
 * ```ts
 * const adds = await writeDataFiles(executor, { sql, params, options: {} }, snap.schema, snap.schema, snap.partitionColumns, root);
 * ```
 */
export async function writeDataFiles(
  executor: DuckDBExecutor, req: { sql: string; params: BoundParams; options: Readonly<Record<string, string>> }, schema: StructType, dataSchema: StructType,
  partitionColumns: readonly string[], root: string, constraints: readonly TableConstraint[] = [],
): Promise<AddAction[]> {
  const have = new Map(dataSchema.fields.map((f) => [f.name.toLowerCase(), f.name]));
  const select = schema.fields.map((f) => {
    const src = have.get(f.name.toLowerCase());
    return `CAST(${src === undefined ? "NULL" : quoteIdent(src)} AS ${toDuckDBType(f.type)}) AS ${quoteIdent(f.name)}`;
  });
  await fs.mkdir(root, { recursive: true });
  const compression = req.options.compression ?? "snappy";
  const ext = compression === "none" || compression === "uncompressed" ? "" : `.${compression}`;
  const opts = [`FORMAT parquet`, `COMPRESSION ${quoteString(compression === "none" ? "uncompressed" : compression)}`, "RETURN_STATS true"];
  let target: string;
  if (partitionColumns.length) {
    opts.push(`PARTITION_BY (${partitionColumns.map(quoteIdent).join(", ")})`, `FILENAME_PATTERN ${quoteString(`part-{uuid}${ext}`)}`, "OVERWRITE_OR_IGNORE true");
    target = root;
  } else {
    target = path.join(root, `part-${randomUUID()}${ext}.parquet`);
  }
  const body = `SELECT ${select.join(", ")} FROM (${req.sql})`;
  const { rows } = await executor.query(`COPY (${guardConstraints(body, constraints)}) TO ${quoteString(target)} (${opts.join(", ")})`, req.params, "write delta")
    .catch(async (e: unknown) => {
      if (!partitionColumns.length) await fs.rm(target, { force: true }).catch(() => undefined);
      throw constraintViolation(e, constraints, root) ?? e;
    });
  const dataFields = schema.fields.filter((f) => !partitionColumns.some((p) => p.toLowerCase() === f.name.toLowerCase()));
  const dataSchemaOnly: StructType = { ...schema, fields: dataFields };
  const adds: AddAction[] = [];
  for (const r of rows) {
    const file = String(r.filename);
    const count = Number(r.count);
    const stats = columnStats(r.column_statistics);
    for (const f of schema.fields) {
      if (f.nullable === false && (stats.get(f.name.toLowerCase())?.nullCount ?? 0) > 0) {
        await Promise.all(rows.map((x) => fs.rm(String(x.filename), { force: true })));
        throw new DeltaError("WEIR_DELTA_SCHEMA_MISMATCH", `Cannot write to the Delta table at ${root}: NOT NULL column "${f.name}" received null values`, {
          hint: `filter or fill the nulls of "${f.name}" before writing`, details: { table: root, column: f.name },
        });
      }
    }
    const rel = path.relative(root, file).split(path.sep);
    const keys = new Map(entries(r.partition_keys).map(([k, v]) => [k.toLowerCase(), v]));
    const partitionValues: Record<string, string | null> = {};
    for (const p of partitionColumns) {
      const seg = rel.find((s) => s.toLowerCase().startsWith(`${p.toLowerCase()}=`));
      const key = keys.get(p.toLowerCase());
      const raw = seg === undefined || seg.slice(p.length + 1) === "__HIVE_DEFAULT_PARTITION__" || key === null ? null : typeof key === "string" ? key : decodeURIComponent(seg.slice(p.length + 1));
      partitionValues[p] = raw === null ? null : normalizePartitionValue(raw, schema.fields.find((f) => f.name === p)?.type.kind ?? "string");
    }
    adds.push({
      // URI-encoded as the protocol requires; "=" of hive directories stays readable, as Spark writes it.
      kind: "add", path: rel.map((s) => encodeURIComponent(s).replaceAll("%3D", "=")).join("/"), partitionValues, size: Number(r.file_size_bytes), modificationTime: Date.now(),
      dataChange: true, stats: buildStatsJson(count, dataSchemaOnly, stats),
    });
  }
  return adds;
}

/** DuckDB renders timestamp partition keys with a zone suffix; Delta stores `yyyy-MM-dd HH:mm:ss[.SSSSSS]` in UTC. */
function normalizePartitionValue(raw: string, kind: string): string {
  if (kind === "timestamp") return raw.replace(/[+-]00(:?00)?$/, "");
  return raw;
}

/** `column_statistics` of RETURN_STATS: map "\"col\"" → map stat → text. Nested paths are skipped. */
function columnStats(value: unknown): Map<string, ColumnStatsText> {
  const out = new Map<string, ColumnStatsText>();
  for (const [key, stats] of entries(value)) {
    const m = /^"((?:[^"]|"")*)"$/.exec(key);
    if (!m) continue;
    const s = new Map(entries(stats));
    const nulls = s.get("null_count");
    out.set(m[1]!.replaceAll('""', '"').toLowerCase(), {
      min: typeof s.get("min") === "string" ? (s.get("min") as string) : null,
      max: typeof s.get("max") === "string" ? (s.get("max") as string) : null,
      ...(nulls !== undefined && nulls !== null ? { nullCount: Number(nulls) } : {}),
    });
  }
  return out;
}

/** Entries of a DuckDB MAP value as the executor returns it (a Map, an array of {key, value}, or an object). */
function entries(v: unknown): [string, unknown][] {
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [String(k), x]);
  if (Array.isArray(v)) return v.map((e) => [String((e as { key: unknown }).key), (e as { value: unknown }).value]);
  if (v && typeof v === "object") return Object.entries(v);
  return [];
}

/**
 * replaceWhere: the new rows must all satisfy the predicate; existing files whose rows all match are removed,
 * files with some matching rows are removed and their non-matching rows rewritten.
 */
async function replaceWhere(
  executor: DuckDBExecutor, snap: Snapshot, predicate: string, req: DeltaWriteRequest, schema: StructType, partitionColumns: readonly string[], root: string,
): Promise<{ removes: RemoveAction[]; rewritten: AddAction[] }> {
  const cond = `COALESCE((${predicate}), false)`;
  const bad = await executor.query(`SELECT count(*) AS n FROM (${req.sql}) WHERE NOT ${cond}`, req.params, "replaceWhere");
  if (Number(bad.rows[0]?.n ?? 0) > 0) {
    throw new DeltaError("WEIR_DELTA_SCHEMA_MISMATCH", `Cannot overwrite the Delta table at ${root} with replaceWhere "${predicate}": ${bad.rows[0]?.n} written rows do not satisfy the condition`, {
      hint: "filter the DataFrame with the same condition before writing", details: { table: root, predicate },
    });
  }
  if (!snap.files.length) return { removes: [], rewritten: [] };
  const params = new ParamCollector();
  const rel = await deltaRelation(snap, snap.files, "t", executor, params);
  const file = rel.fields.find((f) => f.hidden)!.sqlName;
  const counts = await executor.query(`SELECT ${quoteIdent(file)} AS f, count(*) FILTER (WHERE ${cond}) AS m, count(*) AS n FROM (${rel.sql}) GROUP BY 1`, params.bound, "replaceWhere");
  const byPath = new Map(snap.files.map((f) => [f.path, f]));
  const removes: RemoveAction[] = [];
  const partial: string[] = [];
  for (const r of counts.rows) {
    const f = byPath.get(String(r.f));
    if (!f || Number(r.m) === 0) continue;
    removes.push(removeOf(f.add));
    if (Number(r.m) < Number(r.n)) partial.push(f.path);
  }
  if (!partial.length) return { removes, rewritten: [] };
  const keepParams = new ParamCollector();
  const keep = await deltaRelation(snap, snap.files.filter((f) => partial.includes(f.path)), "t", executor, keepParams);
  const cols = keep.fields.filter((f) => !f.hidden).map((f) => `${quoteIdent(f.sqlName)} AS ${quoteIdent(f.name)}`).join(", ");
  const rewritten = await writeDataFiles(executor, { sql: `SELECT ${cols} FROM (${keep.sql}) WHERE NOT ${cond}`, params: keepParams.bound, options: req.options }, schema, schema, partitionColumns, root);
  return { removes, rewritten };
}
