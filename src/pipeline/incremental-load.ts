/**
 * `incrementalLoad`: the watermark pattern with exactly-once state (protocol: see index.ts and
 * docs/adr/003-incremental-loads.md).
 */
import { DeltaTable, lit, type DataFrame, type Row, type Session } from "../dataframe/index.js";
import { WeirError } from "../errors/index.js";
import type { DataType } from "../types/index.js";
import { quoteIdent } from "../util/index.js";
import { readCommittedState, readLatestState, stateMetadata } from "./committed-state.js";
import { assertNoNullKeys, profileBatch, type BatchProfile } from "./batch-profile.js";
import { assertKeyColumns, keyCondition, latestPerKey } from "./merge-keys.js";
import { PhaseClock } from "./phase-clock.js";
import { readTarget, resolveTarget, targetExists, writeTarget, type ResolvedTarget, type TableTarget } from "./table-target.js";
import { atOrAfter, compareWatermarks, getWatermark, recordWatermark, watermarkType, type WatermarkValue } from "./watermarks.js";

/** Columns Weir adds to bronze rows: the batch (= watermark sequence) and when it was landed. @example `BRONZE_BATCH_COLUMN // "_weir_batch"` */
export const BRONZE_BATCH_COLUMN = "_weir_batch";
const BRONZE_LOADED_AT = "_weir_loaded_at";

/** What `incrementalLoad` does. @example see {@link incrementalLoad} */
export interface IncrementalLoadOptions {
  /** The job name: its state in `_weir.watermarks` and the `txn` appId of its commits. */
  readonly name: string;
  /**
   * The source. A DataFrame is filtered with `watermarkColumn >= last watermark` (pushed down to Postgres, Delta
   * and file scans); a function receives the last watermark (undefined on the first run) and returns the rows to
   * consider — it must include every row at or after it.
   */
  readonly source: DataFrame<Row> | ((last: WatermarkValue | undefined) => DataFrame<Row> | Promise<DataFrame<Row>>);
  /** The Delta target: a catalog table name or a path. Created by the first run. */
  readonly target: TableTarget;
  /** Column that grows with every insert and update (updated_at, a sequence). Must survive `transform` unchanged. */
  readonly watermarkColumn: string;
  /** Merge keys (must survive `transform` unchanged). The latest row per key (by watermark) wins. */
  readonly keys: readonly string[];
  /** Bronze → silver transformation of each batch. */
  readonly transform?: (batch: DataFrame<Row>) => DataFrame<Row> | Promise<DataFrame<Row>>;
  /** Land each raw batch here first (append, tagged with `_weir_batch` and `_weir_loaded_at`). */
  readonly bronze?: TableTarget;
  /** Partition columns of the target when the first run creates it. */
  readonly partitionBy?: readonly string[];
}

/** What one run did. @example `{ name: "invoices", seq: 3, rowsExtracted: 120, rowsMerged: 118, watermark: {…}, targetVersion: 5, … }` */
export interface IncrementalLoadResult {
  readonly name: string;
  /** The batch sequence now committed (unchanged for an empty increment). */
  readonly seq: number;
  readonly previousWatermark: WatermarkValue | undefined;
  readonly watermark: WatermarkValue | undefined;
  /** Rows of the batch (new or changed source rows, before transform). */
  readonly rowsExtracted: number;
  /** Rows merged into the target after transform and per-key dedupe. */
  readonly rowsMerged: number;
  readonly rowsInserted: number;
  readonly rowsUpdated: number;
  readonly targetVersion: number | undefined;
  readonly bronzeVersion: number | undefined;
  /** True when this run completed a batch a crashed run had landed in bronze, or repaired `_weir.watermarks`. */
  readonly recovered: boolean;
  /**
   * Wall-clock milliseconds per phase, in order: `state` (target log, `_weir.watermarks`), `extract` (source read
   * with the watermark pushed down + anti-join against the target, into a cache table), `profile` (row count, NULL
   * keys, distinct keys, max watermark in one scan), `bronze`, `transform`, `merge` (with `merge.scan` and
   * `merge.rewrite` from its metrics) or `write` (first run), `watermark` (commit check + `_weir.watermarks`), `total`.
   */
  readonly phaseMs: Readonly<Record<string, number>>;
}

interface LoadState {
  readonly watermark: WatermarkValue | undefined;
  readonly rows: number;
}

/**
 * Load what is new in `source` since the last run into `target`: extract rows at or after the last watermark
 * (pushed down to the source), drop those the target already has (same key, watermark not newer), land the batch
 * in `bronze`, `transform` it, keep the latest row per key and MERGE it into the target — in one Delta commit that
 * also carries the job's `txn` (appId = name, version = batch sequence) and the new watermark. `_weir.watermarks`
 * is appended afterwards and repaired from the target's commits when a crash came between the two, so a crash at
 * any point followed by a rerun loads exactly the missing rows. An empty increment commits nothing.
 *
 * Documented behaviour: rows whose watermark is NULL are loaded by the first run only; two source rows with the
 * same key and the same watermark value are indistinguishable (one of them wins); a row changed without advancing
 * its watermark is not seen. NULL keys fail the run with `WEIR_PIPELINE_NULL_KEY` before anything is written.
 *
 * @example
 * ```ts
 * const res = await incrementalLoad(spark, {
 *   name: "invoices", source: spark.read.postgres({ url, table: "invoices" }), watermarkColumn: "updated_at", keys: ["invoice_id"],
 *   bronze: "bronze.invoices", target: "silver.invoices", transform: (b) => b.withColumn("amount_eur", col("amount").multiply(col("rate"))),
 * });
 * ```
 */
export async function incrementalLoad(session: Session, opts: IncrementalLoadOptions): Promise<IncrementalLoadResult> {
  const app = opts.name;
  const what = `incrementalLoad(${opts.name})`;
  if (!opts.name) throw new WeirError("WEIR_INVALID_ARGUMENT", "incrementalLoad() needs a name", { hint: 'e.g. name: "load_invoices"' });
  const clock = new PhaseClock();
  // Every batch is evaluated once into a session cache table and read from there by the checks, bronze and
  // MERGE: a Postgres source is copied once, a transform runs once. Dropped when the run ends, however it ends.
  const cached: DataFrame<Row>[] = [];
  const once = async (df: DataFrame<Row>): Promise<DataFrame<Row>> => {
    const c = await df.persist();
    cached.push(c);
    return c;
  };
  try {
    let target = await resolveTarget(session, opts.target);
    const bronze = opts.bronze !== undefined ? await resolveTarget(session, opts.bronze) : undefined;

    // 1. State: the target's newest commit by this job is the truth; _weir.watermarks is a derived, repaired copy.
    const { committed, restoredAfter } = (await targetExists(session, target))
      ? await readLatestState<LoadState>(target.path!, app) : { committed: undefined, restoredAfter: false };
    const recorded = await getWatermark(session, opts.name);
    const seq = committed?.seq ?? 0;
    if (recorded && recorded.seq > seq) {
      throw new WeirError("WEIR_PIPELINE_STATE_MISMATCH", `${what} cannot continue: _weir.watermarks records batch ${recorded.seq} but the target ${target.label} has batch ${seq} as its newest`, {
        hint: "the target was restored or recreated; delete the job's rows from _weir.watermarks (or use a new job name) to reload", details: { recorded: recorded.seq, committed: seq, target: target.label },
      });
    }
    if (committed && restoredAfter) {
      throw new WeirError("WEIR_PIPELINE_STATE_MISMATCH", `${what} cannot continue: the target ${target.label} was restored after batch ${seq} was committed (version ${committed.version}), so its watermark no longer describes its data`, {
        hint: "delete the job's rows from _weir.watermarks and use a new job name to reload, or re-run the load into a fresh target", details: { committed: seq, version: committed.version, target: target.label },
      });
    }
    let recovered = false;
    if (committed && (!recorded || recorded.seq < committed.seq)) {
      await recordWatermark(session, { job: opts.name, seq, watermark: committed.state.watermark ?? null, target: target.label, targetVersion: committed.version, rows: committed.state.rows });
      recovered = true;
    }
    const last = committed?.state.watermark;
    const next = seq + 1;
    clock.lap("state");

    // 2. The batch: replayed from bronze when a crashed run landed it there, else extracted.
    let batch: DataFrame<Row>;
    let profile: BatchProfile;
    let type: DataType;
    let bronzeVersion: number | undefined;
    const landed = bronze && (await targetExists(session, bronze)) ? await readCommittedState<LoadState>(bronze.path!, app) : undefined;
    if (landed && landed.seq > next) {
      throw new WeirError("WEIR_PIPELINE_STATE_MISMATCH", `${what} cannot continue: bronze ${bronze!.label} holds batch ${landed.seq} but the target ${target.label} only batch ${seq}`, {
        hint: "the target was restored or recreated; reload it from bronze or start a new job name", details: { bronze: landed.seq, committed: seq },
      });
    }
    if (bronze && landed?.seq === next) {
      batch = await once(bronzeBatch(session, bronze, next));
      bronzeVersion = landed.version;
      recovered = true;
      clock.lap("extract");
      type = await watermarkType(batch, opts.watermarkColumn, `the batch of ${what}`);
      await assertKeyColumns(batch, opts.keys, what);
      profile = await profileBatch(session, batch, opts.keys, { column: opts.watermarkColumn, type });
      clock.lap("profile");
    } else {
      const src = typeof opts.source === "function" ? await opts.source(last) : opts.source;
      type = await watermarkType(src, opts.watermarkColumn, `the source of ${what}`);
      let extracted = last ? src.filter(atOrAfter(opts.watermarkColumn, last, type)) : src;
      if (last) {
        // (A watermark comes from the target's log, so the target exists.) The target's rows at or after the watermark (keys and watermark only; Delta skipping reads little) are
        // cached first: usually a handful of rows, and as a table of known size DuckDB builds the anti-join's
        // hash table on them instead of on the whole batch.
        const ties = await once(readTarget(session, target).filter(atOrAfter(opts.watermarkColumn, last, type)).select(...new Set([...opts.keys, opts.watermarkColumn])));
        extracted = notYetApplied(session, extracted, ties, opts.keys, opts.watermarkColumn);
      }
      // One statement: the pushed-down read of the source and the anti-join against the target, into the cache.
      batch = await once(extracted);
      clock.lap("extract");
      await assertKeyColumns(batch, opts.keys, what);
      profile = await profileBatch(session, batch, opts.keys, { column: opts.watermarkColumn, type });
      clock.lap("profile");
      if (profile.rows === 0) {
        return { name: opts.name, seq, previousWatermark: last, watermark: last, rowsExtracted: 0, rowsMerged: 0, rowsInserted: 0, rowsUpdated: 0, targetVersion: committed?.version, bronzeVersion: landed?.version, recovered, phaseMs: clock.done() };
      }
      assertNoNullKeys(profile, opts.keys, what);
      if (bronze) {
        const rows = batch.withColumn(BRONZE_BATCH_COLUMN, lit(BigInt(next))).withColumn(BRONZE_LOADED_AT, lit(new Date()));
        const written = await writeTarget(session, rows, bronze, "append", { txnAppId: app, txnVersion: String(next), userMetadata: stateMetadata(app, next, { rows: profile.rows }) });
        // No version: the txn was already there (a concurrent run landed the batch); the log says where.
        bronzeVersion = written.version ?? (await readCommittedState<LoadState>(written.target.path!, app))?.version;
        clock.lap("bronze");
      }
    }

    // 3. Transform, dedupe, and MERGE with the new watermark in the same commit.
    const batchMax = profile.maxWatermark;
    const watermark = last && (!batchMax || compareWatermarks(last, batchMax) > 0) ? last : batchMax;
    const rowsExtracted = profile.rows;
    let merged = batch;
    let keysOf = profile;
    if (opts.transform) {
      merged = await once(await opts.transform(batch));
      await watermarkType(merged, opts.watermarkColumn, `the transformed batch of ${what} (transform must keep the watermark column)`);
      await assertKeyColumns(merged, opts.keys, what);
      keysOf = await profileBatch(session, merged, opts.keys);
      clock.lap("transform");
    }
    assertNoNullKeys(keysOf, opts.keys, what);
    // One row per key, the latest by watermark; a batch whose keys are already unique is merged as it is.
    const latest = keysOf.distinctKeys === keysOf.rows ? merged : latestPerKey(session, merged, opts.keys, [opts.watermarkColumn]);
    const rowsMerged = keysOf.distinctKeys;
    const meta = stateMetadata(app, next, { watermark, rows: rowsMerged } satisfies LoadState);
    let inserted = rowsMerged;
    let updated = 0;
    let mergedVersion: number | undefined;
    if (!(await targetExists(session, target))) {
      const written = await writeTarget(session, latest, target, "append", { txnAppId: app, txnVersion: String(next), userMetadata: meta }, opts.partitionBy ?? []);
      target = written.target;
      mergedVersion = written.version;
      clock.lap("write");
    } else {
      const wm = quoteIdent(opts.watermarkColumn);
      const m = await (await DeltaTable.forPath(session, target.path!)).alias("t").merge(latest.alias("s"), keyCondition(opts.keys))
        .whenMatchedUpdateAll(`s.${wm} >= t.${wm} OR t.${wm} IS NULL`).whenNotMatchedInsertAll()
        .option("txnAppId", app).option("txnVersion", next).option("userMetadata", meta).execute();
      inserted = m.numTargetRowsInserted ?? 0;
      updated = m.numTargetRowsUpdated ?? 0;
      mergedVersion = m.version;
      clock.lap("merge");
      clock.record("merge.scan", m.scanTimeMs);
      clock.record("merge.rewrite", m.rewriteTimeMs);
    }
    // The write's or MERGE's commit carries this batch's txn and state; without a version (skipped: the txn was
    // already there, e.g. a concurrent run) the log says which batch the target holds.
    const done = mergedVersion !== undefined ? { seq: next, version: mergedVersion } : await readCommittedState<LoadState>(target.path!, app);
    if (done?.seq !== next) {
      throw new WeirError("WEIR_PIPELINE_STATE_MISMATCH", `${what}: the commit of batch ${next} to ${target.label} is not in its log (newest batch: ${done?.seq ?? "none"}); this is a bug in Weir`, { details: { next, found: done?.seq } });
    }
    await recordWatermark(session, { job: opts.name, seq: next, watermark: watermark ?? null, target: target.label, targetVersion: done.version, rows: rowsMerged });
    clock.lap("watermark");
    return { name: opts.name, seq: next, previousWatermark: last, watermark, rowsExtracted, rowsMerged, rowsInserted: inserted, rowsUpdated: updated, targetVersion: done.version, bronzeVersion, recovered, phaseMs: clock.done() };
  } finally {
    for (const c of cached) await c.unpersist().catch(() => undefined);
  }
}

function bronzeBatch(session: Session, bronze: ResolvedTarget, batch: number): DataFrame<Row> {
  return readTarget(session, bronze).filter(`${quoteIdent(BRONZE_BATCH_COLUMN)} = ${batch}`).drop(BRONZE_BATCH_COLUMN, BRONZE_LOADED_AT);
}

/** Source rows the target does not already hold: no target row with the same key and a watermark as new or newer. */
function notYetApplied(session: Session, src: DataFrame<Row>, tgt: DataFrame<Row>, keys: readonly string[], wm: string): DataFrame<Row> {
  const on = keys.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(" AND ");
  // ANTI JOIN is NOT EXISTS (a NULL key or watermark never matches, so such rows are kept), written as a join: DuckDB
  // plans the correlated NOT EXISTS as a delim join that groups every source row first (~2x slower here).
  return session.sql(`SELECT s.* FROM {src} AS s ANTI JOIN {tgt} AS t ON ${on} AND t.${quoteIdent(wm)} >= s.${quoteIdent(wm)}`, { src, tgt });
}
