/**
 * The daily-sales ETL demo (`npm run demo`): a batch job written with Weir's public API only.
 *
 *   data/orders/*.csv ──read──▶ clean ──▶ enrich ──▶ out/enriched_orders/order_date=…/ (parquet, overwrite)
 *   data/products/ (parquet) ─────────┤      │
 *   data/customers/ (parquet) ────────┤      └──▶ aggregate ──▶ out/daily_metrics/ (parquet, overwrite) + show()
 *   data/exchange_rates.jsonl ────────┘
 *
 * clean:     total must parse as decimal(10,2) and be > 0; status completed or shipped; one row per order_id
 *            (the feed re-sends orders); rejected rows are counted, not silently lost.
 * enrich:    product category, customer region, USD amount = round(total × rate of (currency, order date), 2).
 * aggregate: per order_date × category × region — revenue_usd, orders, customers (distinct), avg_order_value.
 *
 * Run it directly (`npx tsx examples/daily-sales-etl.ts`) to generate ./data if missing and write ./out, or as
 * a pipeline with the CLI: `weir run examples/daily-sales-etl.ts [dataDir] [outDir]`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { col, F, lit, Session, t, when, type DataFrame, type Row } from "../src/index.js";
import { generateSalesData } from "./generate-sales-data.js";

/** Where the job reads and writes. */
export interface EtlPaths {
  dataDir: string;
  outDir: string;
}

/** What one run did. */
export interface EtlResult {
  /** The daily metrics, ordered by date, category, region (lazy: reads the written output). */
  metrics: DataFrame<Row>;
  enrichedPath: string;
  metricsPath: string;
  counts: { inputLines: number; validOrders: number; rejected: number };
}

const ORDERS = t.struct({
  order_id: t.string(),
  order_ts: t.timestamp(),
  customer_id: t.string(),
  product_id: t.string(),
  quantity: t.int32(),
  total: t.string(),
  currency: t.string(),
  status: t.string(),
});

/**
 * Run the ETL on the inputs under `paths.dataDir`, writing under `paths.outDir`.
 *
 * @example
 * ```ts
 * await using spark = await Session.create();
 * const { metrics } = await runDailySalesEtl(spark, { dataDir: "data", outDir: "out" });
 * await metrics.show();
 * ```
 */
export async function runDailySalesEtl(spark: Session, paths: EtlPaths): Promise<EtlResult> {
  const { dataDir, outDir } = paths;
  const orders = spark.read.schema(ORDERS).option("header", true).option("mode", "FAILFAST").csv(path.join(dataDir, "orders"));
  const products = spark.read.parquet(path.join(dataDir, "products")).select("product_id", "category");
  const customers = spark.read.parquet(path.join(dataDir, "customers")).select("customer_id", "region");
  const rates = spark.read.json(path.join(dataDir, "exchange_rates.jsonl")).select(
    F.toDate(col("date")).alias("order_date"),
    col("currency"),
    col("rate_to_usd").cast("decimal(12,6)").alias("rate_to_usd"),
  );

  // clean: a total that does not parse becomes null under Spark's cast rules and is dropped with the rest.
  const clean = orders
    .withColumn("total", col("total").cast("decimal(10,2)"))
    .filter(col("total").isNotNull().and(col("total").gt(0)))
    .filter(col("status").isin("completed", "shipped"))
    .dropDuplicates(["order_id"]);

  // enrich: left joins keep every order; an unknown product/customer shows as "unknown", never disappears.
  const enriched = clean
    .withColumn("order_date", F.toDate(col("order_ts")))
    .join(products, ["product_id"], "left")
    .join(customers, ["customer_id"], "left")
    .join(rates, ["order_date", "currency"], "left")
    .withColumn("rate_to_usd", when(col("currency").equalTo("USD"), lit(1).cast("decimal(12,6)")).otherwise(col("rate_to_usd")))
    .withColumn("amount_usd", F.round(col("total").multiply(col("rate_to_usd")), 2).cast("decimal(10,2)"))
    .withColumn("category", F.coalesce(col("category"), lit("unknown")))
    .withColumn("region", F.coalesce(col("region"), lit("unknown")))
    .select("order_id", "order_date", "order_ts", "customer_id", "product_id", "category", "region", "quantity", "currency", "total", "rate_to_usd", "amount_usd", "status");

  const enrichedPath = path.join(outDir, "enriched_orders");
  await enriched.write.mode("overwrite").partitionBy("order_date").parquet(enrichedPath);

  // aggregate from the written output: the metrics are exactly what downstream readers of the files will see.
  const written = spark.read.parquet(enrichedPath);
  const daily = written
    .groupBy("order_date", "category", "region")
    .agg(
      F.sum("amount_usd").alias("revenue_usd"),
      F.count("order_id").alias("orders"),
      F.countDistinct("customer_id").alias("customers"),
    )
    .withColumn("avg_order_value", F.round(col("revenue_usd").divide(col("orders")), 2).cast("decimal(10,2)"))
    .orderBy("order_date", "category", "region");
  const metricsPath = path.join(outDir, "daily_metrics");
  await daily.write.mode("overwrite").parquet(metricsPath);

  const [inputLines, validOrders] = await Promise.all([orders.count(), written.count()]);
  const metrics = spark.read.parquet(metricsPath).orderBy("order_date", "category", "region");
  return { metrics, enrichedPath, metricsPath, counts: { inputLines, validOrders, rejected: inputLines - validOrders } };
}

/** `weir run examples/daily-sales-etl.ts [dataDir] [outDir]`: the same job on a session the CLI provides. */
export default async function pipeline(spark: Session, args: readonly string[] = []): Promise<void> {
  const [dataDir = "data", outDir = "out"] = args;
  if (!existsSync(path.join(dataDir, "orders"))) await generateSalesData(dataDir);
  await report(await runDailySalesEtl(spark, { dataDir, outDir }));
}

async function report(result: EtlResult): Promise<void> {
  const { counts } = result;
  console.log(`Daily metrics (revenue in USD) — ${counts.validOrders} valid orders out of ${counts.inputLines} input lines (${counts.rejected} rejected: invalid total, status, or duplicate):`);
  await result.metrics.show(30);
  console.log(`Enriched orders (parquet, partitioned by order_date): ${path.resolve(result.enrichedPath)}`);
  console.log(`Daily metrics (parquet):                            ${path.resolve(result.metricsPath)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dataDir = "data";
  if (!existsSync(path.join(dataDir, "orders"))) {
    console.log(`Generating demo data in ${path.resolve(dataDir)} …`);
    await generateSalesData(dataDir);
  }
  await using spark = await Session.create({ appName: "daily-sales-etl" });
  await report(await runDailySalesEtl(spark, { dataDir, outDir: "out" }));
}
