/**
 * Daily sales ETL: orders from Postgres, exchange rates from JSON, products and customers from Parquet →
 * enriched orders in a Delta table partitioned by order_date, daily metrics upserted into a Postgres table.
 *
 * ```
 *   pg orders (day's rows pushed down) ─┐
 *   exchange_rates.jsonl ───────────────┼─► enrich ─► replacePartitions(order_date = day) ─► Delta enriched_orders
 *   products/, customers/ (parquet) ────┘                 └─► daily metrics ─► write.postgres(upsert on order_date, category, region)
 * ```
 * Rerunning a day replaces that day's partition and upserts its metrics: the job is idempotent. Every run is
 * recorded in `_weir.job_runs` (`weir runs --job daily_sales`).
 */
import { col, F, readTableTarget, runJob, replacePartitions, lit, type Session } from "../../src/index.js";

/** Inputs and outputs of the job. */
export interface DailySalesOptions {
  readonly pgUrl: string;
  readonly ordersTable: string;
  readonly ratesPath: string;
  readonly productsPath: string;
  readonly customersPath: string;
  /** Delta path or catalog name of the enriched orders. */
  readonly enrichedTarget: string;
  readonly metricsTable: string;
  /** The day to (re)load, YYYY-MM-DD. */
  readonly day: string;
}

/**
 * Load one day.
 *
 * @example `await runDailySales(spark, { pgUrl, ordersTable: "orders", ratesPath, productsPath, customersPath, enrichedTarget: "gold.enriched_orders", metricsTable: "daily_metrics", day: "2025-01-02" })`
 */
export async function runDailySales(spark: Session, o: DailySalesOptions): Promise<{ enriched: number; metrics: number }> {
  return runJob(spark, { name: "daily_sales", params: { day: o.day, url: o.pgUrl } }, async (ctx) => {
    const start = new Date(`${o.day}T00:00:00Z`);
    const end = new Date(start.getTime() + 86_400_000);
    // The range filter is pushed down into the Postgres query: only the day's orders leave the database.
    const orders = spark.read.postgres({ url: o.pgUrl, table: o.ordersTable }).filter(col("order_ts").geq(lit(start)).and(col("order_ts").lt(lit(end))));
    const rates = spark.read.json(o.ratesPath);
    const enriched = spark.sql(`
      SELECT o.order_id, o.order_ts, CAST(o.order_ts AS DATE) AS order_date, o.customer_id, c.region, o.product_id, p.category,
             o.quantity, o.unit_price, o.currency, CAST(round(o.quantity * o.unit_price * r.rate_to_usd, 2) AS DECIMAL(12,2)) AS amount_usd
      FROM {orders} o
      JOIN {products} p USING (product_id)
      JOIN {customers} c USING (customer_id)
      JOIN {rates} r ON r.currency = o.currency AND CAST(r.day AS DATE) = CAST(o.order_ts AS DATE)`, {
      orders, products: spark.read.parquet(o.productsPath), customers: spark.read.parquet(o.customersPath), rates,
    });
    const n = await enriched.count();
    ctx.addRowsRead(n);
    const written = await replacePartitions(spark, { target: o.enrichedTarget, source: enriched, replaceWhere: `order_date = DATE '${o.day}'`, partitionBy: ["order_date"] });
    if (written.version !== undefined) ctx.addTableVersion(o.enrichedTarget, written.version);
    const metrics = readTableTarget(spark, o.enrichedTarget).filter(col("order_date").equalTo(lit(o.day).cast("date")))
      .groupBy("order_date", "category", "region")
      .agg(F.count("order_id").alias("orders"), F.sum("amount_usd").alias("revenue_usd"), F.countDistinct("customer_id").alias("customers"));
    const res = await metrics.write.postgres(o.metricsTable, { url: o.pgUrl, mode: "upsert", keys: ["order_date", "category", "region"] });
    ctx.addRowsWritten(n + res.rows);
    ctx.addTableVersion(o.metricsTable, "upsert");
    return { enriched: n, metrics: res.rows };
  });
}
