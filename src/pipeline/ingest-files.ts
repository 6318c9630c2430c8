/**
 * `ingestFiles`: Auto Loader-like ingestion of a landing folder into a Delta table, each file exactly once
 * (protocol: see index.ts).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { DataFrame, Row, Session } from "../dataframe/index.js";
import { WeirError } from "../errors/index.js";
import { listInputFiles, type InputFile } from "../io/index.js";
import { parseSchemaDDL, toDuckDBType, type StructField, type StructType } from "../types/index.js";
import { quoteIdent } from "../util/index.js";
import { readCommittedStates, stateMetadata } from "./committed-state.js";
import { readLedger, recordFiles, type LedgerFile } from "./file-ledger.js";
import { readTarget, resolveTarget, targetExists, writeTarget, type TableTarget } from "./table-target.js";

/** The column holding, in rescue mode, the fields of a record that do not fit the schema (JSON). @example `RESCUED_DATA_COLUMN // "_rescued_data"` */
export const RESCUED_DATA_COLUMN = "_rescued_data";

/**
 * What to do with columns the target does not have (Auto Loader's `cloudFiles.schemaEvolutionMode`):
 * `addNewColumns` evolves the target, `rescue` keeps the schema and puts unknown fields and values that do not fit
 * their column's type into `_rescued_data`, `failOnNewColumns` fails the batch, `none` ignores them.
 *
 * @example `const mode: SchemaEvolutionMode = "rescue"`
 */
export type SchemaEvolutionMode = "addNewColumns" | "rescue" | "failOnNewColumns" | "none";

/** What `ingestFiles` does. @example see {@link ingestFiles} */
export interface IngestFilesOptions {
  /** A landing directory, file or glob. */
  readonly source: string;
  readonly format: "json" | "csv" | "parquet";
  /** The schema (a `t.struct` or DDL); without it, `inferSchema` (the default) infers it from the first batch. */
  readonly schema?: StructType | string;
  readonly inferSchema?: boolean;
  /** Reader options (`header`, `sep`, `multiLine` …). `mode` defaults to FAILFAST without `badRecordsPath`. */
  readonly options?: Readonly<Record<string, string | number | boolean>>;
  readonly target: TableTarget;
  /** Default: `addNewColumns` without a schema, `none` with one (as Auto Loader). */
  readonly schemaEvolution?: SchemaEvolutionMode;
  /** Malformed records go here (path, line, reason, record) instead of failing the batch. */
  readonly badRecordsPath?: string;
  /** The job name (txn appId and ledger key); default `ingest:<target>`. */
  readonly name?: string;
  /** Files per batch (one Delta commit each); default 1000. */
  readonly maxFilesPerBatch?: number;
  /** Partition columns of the target when the first batch creates it. */
  readonly partitionBy?: readonly string[];
}

/** What a call did. @example `{ batches: 1, files: ["/landing/a.json"], rows: 10, schemaChanges: ["added columns: country"], recovered: false }` */
export interface IngestFilesResult {
  readonly batches: number;
  /** Files ingested by this call, in order. */
  readonly files: readonly string[];
  readonly rows: number;
  readonly schemaChanges: readonly string[];
  /** True when the ledger was repaired from the target's log (a crashed run had committed a batch). */
  readonly recovered: boolean;
  readonly targetVersion: number | undefined;
}

interface BatchState {
  readonly files: readonly LedgerFile[];
  readonly schemaChange: string | null;
}

/**
 * Ingest the files of `source` not ingested before into `target`. Each batch of files is appended in one Delta
 * commit that also carries the job's `txn` and the batch's file list (path, size, mtime) and schema change, so a
 * crash at any point followed by a rerun ingests every file exactly once; `_weir.ingested_files` is the queryable
 * ledger, repaired from the target's log. Files are identified by path (a file rewritten in place is not ingested
 * again, as in Auto Loader); write landing files atomically (rename into place).
 *
 * @example
 * ```ts
 * await ingestFiles(spark, { source: "landing/events/", format: "json", target: "bronze.events", schemaEvolution: "rescue", badRecordsPath: "bad/" });
 * ```
 */
export async function ingestFiles(session: Session, opts: IngestFilesOptions): Promise<IngestFilesResult> {
  const app = opts.name ?? `ingest:${opts.target}`;
  const what = `ingestFiles(${opts.target})`;
  const userSchema = typeof opts.schema === "string" ? parseSchemaDDL(opts.schema) : opts.schema;
  const mode: SchemaEvolutionMode = opts.schemaEvolution ?? (userSchema ? "none" : "addNewColumns");
  const max = Math.max(1, Math.floor(opts.maxFilesPerBatch ?? 1000));
  let target = await resolveTarget(session, opts.target);

  // Ledger state, repaired from batches the target committed after the ledger's newest one.
  let ledger = await readLedger(session, app);
  let recovered = false;
  if (await targetExists(session, target)) {
    const missing = (await readCommittedStates<BatchState>(target.path!, app, ledger.targetVersion)).reverse();
    const stale = missing.length === 0 && ledger.seq > 0 ? await readCommittedStates<BatchState>(target.path!, app, -1, 1) : [];
    if (stale[0] && stale[0].seq < ledger.seq) {
      throw new WeirError("WEIR_PIPELINE_STATE_MISMATCH", `${what} cannot continue: _weir.ingested_files records batch ${ledger.seq} but ${target.label} has batch ${stale[0].seq} as its newest`, {
        hint: "the target was restored or recreated; delete the job's rows from _weir.ingested_files (or use a new name) to re-ingest", details: { recorded: ledger.seq, committed: stale[0].seq },
      });
    }
    for (const b of missing) {
      if (b.seq <= ledger.seq) continue;
      await recordFiles(session, app, target.label, { seq: b.seq, version: b.version, files: b.state.files, schemaChange: b.state.schemaChange });
      recovered = true;
    }
    if (recovered) ledger = await readLedger(session, app);
  }

  const pending = (await listSource(opts.source, opts.format)).filter((f) => !ledger.files.has(f.path));
  const ingested: string[] = [];
  const schemaChanges: string[] = [];
  let rows = 0;
  let seq = ledger.seq;
  let targetVersion: number | undefined = ledger.targetVersion >= 0 ? ledger.targetVersion : undefined;
  // A queue, not a fixed slicing: when a concurrent run of the same job commits a batch number first, this run
  // takes that batch's files as committed and puts back those of its own the other run did not take.
  const queue = [...pending];
  let batches = 0;
  while (queue.length > 0) {
    const files = queue.splice(0, max);
    seq++;
    const exists = await targetExists(session, target);
    const known = exists ? withoutRescued(await readTarget(session, target).schema()) : undefined;
    const { df, schemaChange } = await readBatch(session, opts, files.map((f) => f.path), mode, userSchema, known, what);
    const state: BatchState = { files: files.map((f) => ({ path: f.path, size: f.size, mtimeMs: f.mtimeMs })), schemaChange };
    // No count() first (another parse of the files): the write's commit reports the rows and the version.
    const written = await writeTarget(session, df, target, "append", {
      txnAppId: app, txnVersion: String(seq), userMetadata: stateMetadata(app, seq, state), ...(mode === "addNewColumns" ? { mergeSchema: "true" } : {}),
    }, opts.partitionBy ?? []);
    target = written.target;
    if (written.version === undefined) {
      const other = await committedElsewhere(target.path!, app, seq, targetVersion ?? -1, what, target.label);
      await recordFiles(session, app, target.label, { seq, version: other.version, files: other.state.files, schemaChange: other.state.schemaChange });
      targetVersion = other.version;
      const taken = new Set(other.state.files.map((f) => f.path));
      for (let j = queue.length - 1; j >= 0; j--) if (taken.has(queue[j]!.path)) queue.splice(j, 1);
      queue.unshift(...files.filter((f) => !taken.has(f.path)));
      continue;
    }
    await recordFiles(session, app, target.label, { seq, version: written.version, files: state.files, schemaChange });
    targetVersion = written.version;
    rows += written.rows;
    batches++;
    ingested.push(...files.map((f) => f.path));
    if (schemaChange) schemaChanges.push(schemaChange);
  }
  return { batches, files: ingested, rows, schemaChanges, recovered, targetVersion };
}

/**
 * Batch `seq` as a concurrent run of the same job committed it (this run's write of that batch committed nothing:
 * its txn was already in the log). Its files are recorded as that run's; this run reports none of its rows.
 */
async function committedElsewhere(root: string, app: string, seq: number, afterVersion: number, what: string, label: string): Promise<{ version: number; state: BatchState }> {
  const committed = (await readCommittedStates<BatchState>(root, app, afterVersion)).find((c) => c.seq === seq);
  if (!committed) throw new WeirError("WEIR_PIPELINE_STATE_MISMATCH", `${what}: batch ${seq} is not in the log of ${label}; this is a bug in Weir`, { details: { seq } });
  return { version: committed.version, state: committed.state };
}

async function listSource(source: string, format: string): Promise<InputFile[]> {
  try {
    return [...(await listInputFiles(source, { recursiveFileLookup: true })).files].filter((f) => !f.path.endsWith(".crc") && (format !== "parquet" || f.path.endsWith(".parquet")));
  } catch (e) {
    // An existing but empty landing folder is "nothing new", not an error.
    if (e instanceof WeirError && e.code === "WEIR_PATH_NOT_FOUND" && existsSync(path.resolve(source))) return [];
    throw e;
  }
}

function withoutRescued(s: StructType): StructType {
  return { ...s, fields: s.fields.filter((f) => f.name !== RESCUED_DATA_COLUMN) };
}

function reader(session: Session, opts: IngestFilesOptions, schema?: StructType): ReturnType<Session["read"]["format"]> {
  let r = session.read.format(opts.format).options({ ...(opts.badRecordsPath === undefined && opts.format !== "parquet" ? { mode: "FAILFAST" } : {}), ...(opts.options ?? {}) });
  if (opts.badRecordsPath !== undefined) r = r.option("badRecordsPath", opts.badRecordsPath);
  if (schema) r = r.schema(schema);
  else if (opts.format === "csv") r = r.option("inferSchema", true);
  return r;
}

async function readBatch(
  session: Session, opts: IngestFilesOptions, files: readonly string[], mode: SchemaEvolutionMode, userSchema: StructType | undefined,
  known: StructType | undefined, what: string,
): Promise<{ df: DataFrame<Row>; schemaChange: string | null }> {
  const base = known ?? userSchema;
  // With a schema, "none" never looks at the files' own columns: no inference pass over them.
  if (base && mode === "none") return { df: reader(session, opts, base).load([...files]), schemaChange: null };
  const inferred = withoutRescued(await reader(session, opts).load([...files]).schema());
  if (!base) return { df: mode === "rescue" ? rescue(session, reader(session, opts).load([...files]), inferred, inferred) : reader(session, opts).load([...files]), schemaChange: null };
  const has = new Set(base.fields.map((f) => f.name.toLowerCase()));
  const added = inferred.fields.filter((f) => !has.has(f.name.toLowerCase()));
  switch (mode) {
    case "failOnNewColumns":
      if (added.length) {
        throw new WeirError("WEIR_PIPELINE_NEW_COLUMNS", `${what} failed: files of this batch have column${added.length > 1 ? "s" : ""} ${added.map((f) => f.name).join(", ")} that the target does not have; nothing was ingested`, {
          hint: 'use schemaEvolution "addNewColumns", "rescue" or "none"', details: { columns: added.map((f) => f.name), files: [...files] },
        });
      }
      return { df: reader(session, opts, base).load([...files]), schemaChange: null };
    case "none": // (returned above)
      return { df: reader(session, opts, base).load([...files]), schemaChange: null };
    case "addNewColumns": {
      const schema: StructType = { ...base, fields: [...base.fields, ...added] };
      return { df: reader(session, opts, schema).load([...files]), schemaChange: added.length ? `added columns: ${added.map((f) => `${f.name} ${f.type.kind}`).join(", ")}` : null };
    }
    case "rescue":
      return { df: rescue(session, reader(session, opts).load([...files]), inferred, base), schemaChange: null };
    default: {
      const never: never = mode;
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Unknown schemaEvolution "${String(never)}"`, { hint: "addNewColumns | rescue | failOnNewColumns | none" });
    }
  }
}

/**
 * The rows of `raw` (read with inferred types) in `schema`: values that do not cast to their column's type and
 * fields the schema does not have go, as a JSON object, to `_rescued_data` (NULL when everything fits).
 */
function rescue(session: Session, raw: DataFrame<Row>, inferred: StructType, schema: StructType): DataFrame<Row> {
  const byName = new Map(inferred.fields.map((f) => [f.name.toLowerCase(), f]));
  const cols: string[] = [];
  const rescued: string[] = [];
  for (const f of schema.fields) {
    const src = byName.get(f.name.toLowerCase());
    const type = toDuckDBType(f.type);
    if (!src) { cols.push(`CAST(NULL AS ${type}) AS ${quoteIdent(f.name)}`); continue; }
    const ref = quoteIdent(src.name);
    cols.push(`TRY_CAST(${ref} AS ${type}) AS ${quoteIdent(f.name)}`);
    if (!sameType(src, f)) rescued.push(`${quoteIdent(src.name)} := CASE WHEN ${ref} IS NOT NULL AND TRY_CAST(${ref} AS ${type}) IS NULL THEN ${ref} END`);
  }
  const has = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  for (const f of inferred.fields) if (!has.has(f.name.toLowerCase())) rescued.push(`${quoteIdent(f.name)} := ${quoteIdent(f.name)}`);
  const json = rescued.length ? `CAST(json_merge_patch('{}', to_json(struct_pack(${rescued.join(", ")}))) AS VARCHAR)` : "CAST(NULL AS VARCHAR)";
  return session.sql(`SELECT ${cols.join(", ")}, CASE WHEN r = '{}' THEN NULL ELSE r END AS ${quoteIdent(RESCUED_DATA_COLUMN)} FROM (SELECT *, ${json} AS r FROM {raw})`, { raw });
}

function sameType(a: StructField, b: StructField): boolean {
  return toDuckDBType(a.type) === toDuckDBType(b.type);
}
