import { DeltaTable, type DataFrame, type Row, type Session } from "../dataframe/index.js";
import { assertKeys, keyCondition, latestPerKey } from "./merge-keys.js";
import { resolveTarget, targetExists, writeTarget, type TableTarget } from "./table-target.js";

/** What `upsert` does. @example `{ target: "silver.customers", source: updates, keys: ["id"], orderBy: ["updated_at"] }` */
export interface UpsertOptions {
  readonly target: TableTarget;
  readonly source: DataFrame<Row>;
  readonly keys: readonly string[];
  /** Latest-record dedupe: of several source rows per key, the one with the greatest values here wins. */
  readonly orderBy?: readonly string[];
  /** Partition columns when the first call creates the target. */
  readonly partitionBy?: readonly string[];
}

/** What an upsert did. @example `{ rowsInserted: 3, rowsUpdated: 2, version: 4 }` */
export interface UpsertResult {
  readonly rowsInserted: number;
  readonly rowsUpdated: number;
  /** The version committed (undefined when nothing changed). */
  readonly version: number | undefined;
}

/**
 * Insert new keys and update existing ones in one MERGE commit (the target is created by the first call). Several
 * source rows for one key are reduced to the latest by `orderBy` (without it, to one arbitrary row); NULL keys fail
 * with `WEIR_PIPELINE_NULL_KEY`. Rerunning with the same source leaves the same rows.
 *
 * @example
 * ```ts
 * await upsert(spark, { target: "silver.customers", source: changes, keys: ["customer_id"], orderBy: ["updated_at"] });
 * ```
 */
export async function upsert(session: Session, opts: UpsertOptions): Promise<UpsertResult> {
  const what = `upsert(${opts.target})`;
  await assertKeys(session, opts.source, opts.keys, what);
  const latest = latestPerKey(session, opts.source, opts.keys, opts.orderBy ?? []);
  const target = await resolveTarget(session, opts.target);
  if (!(await targetExists(session, target))) {
    // No count() first (another run of the source query): the write's commit reports the rows inserted.
    const written = await writeTarget(session, latest, target, "append", {}, opts.partitionBy ?? []);
    return { rowsInserted: written.rows, rowsUpdated: 0, version: written.version };
  }
  const m = await (await DeltaTable.forPath(session, target.path!)).alias("t").merge(latest.alias("s"), keyCondition(opts.keys))
    .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
  return { rowsInserted: m.numTargetRowsInserted ?? 0, rowsUpdated: m.numTargetRowsUpdated ?? 0, version: m.version };
}
