/**
 * Invoices, bronze → silver → gold with a watermark: each run extracts only the invoices changed since the last
 * one (updated_at ≥ watermark, pushed down to Postgres), lands them raw in bronze, cleans them into silver
 * (MERGE on invoice_id, latest version wins) and rebuilds the small gold aggregate atomically.
 *
 * ```
 *   pg invoices ──(updated_at >= W)──► bronze.invoices (append, _weir_batch)
 *                                          └─ transform ─► silver.invoices (MERGE, watermark in the same commit)
 *                                                              └─► gold.customer_balance (fullRefresh: one overwrite commit)
 * ```
 */
import { col, F, fullRefresh, incrementalLoad, readTableTarget, runJob, when, type IncrementalLoadResult, type Session } from "../../src/index.js";

/** Where the job reads and writes (catalog names or Delta paths). */
export interface InvoicesOptions {
  readonly pgUrl: string;
  readonly table: string;
  readonly bronze: string;
  readonly silver: string;
  readonly gold: string;
}

/**
 * One run of the invoices load.
 *
 * @example `await runInvoicesLoad(spark, { pgUrl, table: "invoices", bronze: "bronze.invoices", silver: "silver.invoices", gold: "gold.customer_balance" })`
 */
export async function runInvoicesLoad(spark: Session, o: InvoicesOptions): Promise<IncrementalLoadResult> {
  return runJob(spark, { name: "invoices", params: { url: o.pgUrl, table: o.table } }, async (ctx) => {
    const res = await incrementalLoad(spark, {
      name: "invoices", source: spark.read.postgres({ url: o.pgUrl, table: o.table }), watermarkColumn: "updated_at", keys: ["invoice_id"],
      bronze: o.bronze, target: o.silver,
      transform: (b) => b
        .withColumn("status", F.upper(col("status")))
        .withColumn("open_amount", when(col("status").equalTo("OPEN"), col("amount")).otherwise(0)),
    });
    ctx.addRowsRead(res.rowsExtracted);
    ctx.addRowsWritten(res.rowsMerged);
    if (res.targetVersion !== undefined) ctx.addTableVersion(o.silver, res.targetVersion);
    if (res.rowsMerged > 0 || res.seq === 1) {
      const silver = readTableTarget(spark, o.silver);
      const gold = silver.groupBy("customer_id").agg(F.count("invoice_id").alias("invoices"), F.sum("amount").alias("billed"), F.sum("open_amount").alias("outstanding"));
      const g = await fullRefresh(spark, { target: o.gold, source: gold });
      if (g.version !== undefined) ctx.addTableVersion(o.gold, g.version);
    }
    return res;
  });
}
