/**
 * An SCD type 2 customer dimension: daily customer extracts (JSON lines, one file per day, possibly holding several
 * changes of one customer) become versions with start_at / end_at / is_current in a Delta dimension table.
 *
 * ```
 *   landing/customers/YYYY-MM-DD.jsonl ─► ingestFiles (each file once) ─► bronze.customer_changes
 *                                         └─ scd2(keys customer_id, tracked city + segment, effectiveFrom changed_at) ─► gold.dim_customer
 * ```
 * The SCD2 merge is idempotent, so the whole bronze table is offered each run: versions already in the
 * dimension are skipped.
 */
import { ingestFiles, readTableTarget, runJob, scd2, type Scd2Result, type Session } from "../../src/index.js";

/** Where the job reads and writes. */
export interface DimensionOptions {
  readonly landing: string;
  readonly bronze: string;
  readonly dimension: string;
}

/**
 * One run: ingest new extract files, then merge their versions into the dimension.
 *
 * @example `await runCustomerDimension(spark, { landing: "landing/customers", bronze: "bronze.customer_changes", dimension: "gold.dim_customer" })`
 */
export async function runCustomerDimension(spark: Session, o: DimensionOptions): Promise<Scd2Result & { files: number }> {
  return runJob(spark, { name: "dim_customer", params: { landing: o.landing } }, async (ctx) => {
    const ingested = await ingestFiles(spark, { source: o.landing, format: "json", schema: "customer_id INT, name STRING, city STRING, segment STRING, changed_at TIMESTAMP", target: o.bronze });
    ctx.addRowsRead(ingested.rows);
    const changes = readTableTarget(spark, o.bronze);
    const res = await scd2(spark, { target: o.dimension, source: changes, keys: ["customer_id"], trackedColumns: ["city", "segment"], effectiveFrom: "changed_at" });
    ctx.addRowsWritten(res.versionsInserted + res.versionsClosed);
    if (res.version !== undefined) ctx.addTableVersion(o.dimension, res.version);
    return { ...res, files: ingested.files.length };
  });
}
