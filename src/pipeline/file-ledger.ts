/**
 * The ledger of ingested files, `_weir.ingested_files`: one row per file an `ingestFiles` batch committed. The
 * authoritative copy is the target commit's metadata (same commit as the data); this table is derived from it and
 * repaired when a crash came between the two.
 */
import type { Session } from "../dataframe/index.js";
import { t, type StructType } from "../types/index.js";
import { appendWeirTable, readWeirTable } from "./weir-tables.js";

/** Schema of `_weir.ingested_files`. @example `INGESTED_FILES_SCHEMA.fields.map((f) => f.name)` */
export const INGESTED_FILES_SCHEMA: StructType = t.struct({
  app: t.string(), seq: t.int64(), path: t.string(), size: t.int64(), mtime: t.timestamp(), target: t.string(), target_version: t.int64(),
  schema_change: t.string(), ingested_at: t.timestamp(),
});

/** One ingested file as committed. @example `{ path: "/landing/a.json", size: 120, mtimeMs: 1700000000000 }` */
export interface LedgerFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** A committed batch of files. @example `{ seq: 2, version: 5, files: [...], schemaChange: "added columns: country" }` */
export interface LedgerBatch {
  readonly seq: number;
  readonly version: number;
  readonly files: readonly LedgerFile[];
  readonly schemaChange: string | null;
}

/**
 * Append a committed batch to `_weir.ingested_files`.
 *
 * @example `await recordFiles(spark, "ingest:bronze.events", "bronze.events", batch)`
 */
export async function recordFiles(session: Session, app: string, target: string, batch: LedgerBatch): Promise<void> {
  const now = new Date();
  await appendWeirTable(session, "ingested_files", INGESTED_FILES_SCHEMA, batch.files.map((f) => ({
    app, seq: BigInt(batch.seq), path: f.path, size: BigInt(f.size), mtime: new Date(f.mtimeMs), target, target_version: BigInt(batch.version),
    schema_change: batch.schemaChange, ingested_at: now,
  })));
}

/** What the ledger holds for an app: the files (by path) and the newest batch. @example `const l = await readLedger(spark, app); l.files.has("/landing/a.json")` */
export interface Ledger {
  readonly files: ReadonlyMap<string, LedgerFile>;
  readonly seq: number;
  readonly targetVersion: number;
}

/**
 * The files `_weir.ingested_files` records for an app.
 *
 * @example `const { files, seq } = await readLedger(spark, "ingest:bronze.events")`
 */
export async function readLedger(session: Session, app: string): Promise<Ledger> {
  const table = await readWeirTable(session, "ingested_files");
  const files = new Map<string, LedgerFile>();
  if (!table) return { files, seq: 0, targetVersion: -1 };
  const rows = await session.sql("SELECT path, size, epoch_ms(mtime) AS ms, seq, target_version FROM {l} WHERE app = $app", { l: table, app }).collect();
  let seq = 0;
  let targetVersion = -1;
  for (const r of rows) {
    files.set(String(r.path), { path: String(r.path), size: Number(r.size), mtimeMs: Number(r.ms) });
    if (Number(r.seq) > seq) { seq = Number(r.seq); targetVersion = Number(r.target_version); }
  }
  return { files, seq, targetVersion };
}
