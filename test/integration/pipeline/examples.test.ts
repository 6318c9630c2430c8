/**
 * The pipeline examples under examples/pipelines, run on generated data: daily sales ETL (Postgres + JSON +
 * Parquet → partitioned Delta + Postgres metrics), invoices bronze → silver → gold with a watermark, an SCD2
 * customer dimension, and a quality-gated load with quarantine.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, WeirError, getWatermark, listJobRuns } from "../../../src/index.js";
import { runDailySales } from "../../../examples/pipelines/daily-sales-etl.js";
import { runInvoicesLoad } from "../../../examples/pipelines/invoices-incremental.js";
import { runCustomerDimension } from "../../../examples/pipelines/customer-dimension-scd2.js";
import { runQualityGatedLoad } from "../../../examples/pipelines/quality-gated-load.js";
import { changeInvoices, createInvoices, generateDimensions, generateOrders, generateRates } from "../../../examples/pipelines/generate-data.js";
import { PG_URL, postgresAvailable, sql, tableName } from "../postgres/helpers.js";

const available = await postgresAvailable();
const noPostgres = available === true ? false : available;

describe("pipeline examples", () => {
  let spark: Session;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "weir-examples-"));
    spark = await Session.create({ warehouse: path.join(dir, "wh"), threads: 1, memoryLimit: "1GB" });
    await spark.sql("CREATE DATABASE IF NOT EXISTS bronze");
    await spark.sql("CREATE DATABASE IF NOT EXISTS silver");
    await spark.sql("CREATE DATABASE IF NOT EXISTS gold");
  });
  after(async () => {
    await spark.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("daily sales ETL loads a day into a date-partitioned Delta table and Postgres metrics; rerunning the day changes nothing", { skip: noPostgres }, async () => {
    const orders = tableName("ex_orders");
    const metrics = tableName("ex_daily_metrics");
    await sql(`DROP TABLE IF EXISTS ${metrics}`);
    await generateOrders(PG_URL, orders, 3, 40);
    const ratesPath = generateRates(path.join(dir, "rates"), 3);
    const { products, customers } = await generateDimensions(spark, path.join(dir, "dims"));
    const opts = { pgUrl: PG_URL, ordersTable: orders, ratesPath, productsPath: products, customersPath: customers, enrichedTarget: "gold.enriched_orders", metricsTable: metrics };
    try {
      for (const day of ["2025-01-01", "2025-01-02", "2025-01-02"]) assert.equal((await runDailySales(spark, { ...opts, day })).enriched, 40);
      const enriched = await spark.sql("SELECT order_date, count(*) AS n, count(DISTINCT order_id) AS d FROM gold.enriched_orders GROUP BY 1 ORDER BY 1").collect();
      assert.deepEqual(enriched.map((r) => [String(r.order_date instanceof Date ? r.order_date.toISOString().slice(0, 10) : r.order_date), Number(r.n), Number(r.d)]), [["2025-01-01", 40, 40], ["2025-01-02", 40, 40]]);
      const [expected] = await spark.sql("SELECT sum(amount_usd) AS s FROM gold.enriched_orders").collect();
      const [pgTotal] = await sql<{ s: string; n: string }>(`SELECT sum(revenue_usd) AS s, sum(orders) AS n FROM ${metrics}`);
      assert.equal(Number(pgTotal!.n), 80);
      assert.equal(Number(pgTotal!.s).toFixed(2), Number(expected!.s).toFixed(2));
      const runs = await listJobRuns(spark, { job: "daily_sales" });
      assert.deepEqual(runs.map((r) => r.status), ["success", "success", "success"]);
      assert.equal(JSON.stringify(runs[0]!.params).includes("postgres://"), true);
    } finally {
      await sql(`DROP TABLE IF EXISTS ${orders}, ${metrics}`);
    }
  });

  it("invoices bronze → silver → gold: each run merges only the changed invoices and advances the watermark", { skip: noPostgres }, async () => {
    const table = tableName("ex_invoices");
    await createInvoices(PG_URL, table);
    const opts = { pgUrl: PG_URL, table, bronze: "bronze.invoices", silver: "silver.invoices", gold: "gold.customer_balance" };
    try {
      await changeInvoices(PG_URL, table, 1, 21, "2025-01-01 10:00:00.123456+00");
      const first = await runInvoicesLoad(spark, opts);
      assert.deepEqual([first.seq, first.rowsExtracted], [1, 20]);
      await changeInvoices(PG_URL, table, 21, 26, "2025-01-02 10:00:00+00", [3, 4]);
      const second = await runInvoicesLoad(spark, opts);
      assert.deepEqual([second.seq, second.rowsExtracted, second.rowsInserted, second.rowsUpdated], [2, 7, 5, 2]);
      const third = await runInvoicesLoad(spark, opts);
      assert.equal(third.rowsExtracted, 0, "an empty increment");
      const [silver] = await spark.sql("SELECT count(*) AS n, count(*) FILTER (WHERE status = 'PAID') AS paid FROM silver.invoices").collect();
      assert.deepEqual([Number(silver!.n), Number(silver!.paid)], [25, 2]);
      const [pg] = await sql<{ open: string }>(`SELECT sum(amount) FILTER (WHERE status = 'open') AS open FROM ${table}`);
      const [gold] = await spark.sql("SELECT sum(outstanding) AS o, sum(invoices) AS n FROM gold.customer_balance").collect();
      assert.equal(Number(gold!.n), 25);
      assert.equal(Number(gold!.o).toFixed(2), Number(pg!.open).toFixed(2));
      assert.equal((await getWatermark(spark, "invoices"))?.watermark?.text, "2025-01-02 10:00:00+00");
      const [bronze] = await spark.sql("SELECT count(*) AS n FROM bronze.invoices").collect();
      assert.equal(Number(bronze!.n), 27, "bronze keeps every extracted version");
    } finally {
      await sql(`DROP TABLE IF EXISTS ${table}`);
    }
  });

  it("SCD2 customer dimension: several changes in one extract are chained; a rerun with no new file changes nothing", async () => {
    const landing = path.join(dir, "landing", "customers");
    mkdirSync(landing, { recursive: true });
    const line = (id: number, city: string, segment: string, at: string, name = `c${id}`): string => JSON.stringify({ customer_id: id, name, city, segment, changed_at: at });
    writeFileSync(path.join(landing, "2025-01-01.jsonl"), [line(1, "Paris", "retail", "2025-01-01 08:00:00"), line(2, "Oslo", "retail", "2025-01-01 08:00:00")].join("\n") + "\n");
    const opts = { landing, bronze: path.join(dir, "bronze_customer_changes"), dimension: "gold.dim_customer" };
    await runCustomerDimension(spark, opts);
    writeFileSync(path.join(landing, "2025-01-02.jsonl"), [
      line(1, "Lyon", "retail", "2025-01-02 09:00:00"), line(1, "Lyon", "business", "2025-01-02 17:00:00"),
      line(2, "Oslo", "retail", "2025-01-02 12:00:00", "renamed"), line(3, "Rome", "retail", "2025-01-02 12:00:00"),
    ].join("\n") + "\n");
    const second = await runCustomerDimension(spark, opts);
    assert.deepEqual([second.files, second.versionsInserted, second.versionsClosed], [1, 3, 1]);
    const again = await runCustomerDimension(spark, opts);
    assert.deepEqual([again.files, again.versionsInserted, again.versionsClosed], [0, 0, 0]);
    const dim = await spark.sql("SELECT customer_id, city, segment, is_current, end_at IS NULL AS open FROM gold.dim_customer ORDER BY customer_id, start_at").collect();
    assert.deepEqual(dim.map((r) => [r.customer_id, r.city, r.segment, r.is_current, r.open]), [
      [1, "Paris", "retail", false, false], [1, "Lyon", "retail", false, false], [1, "Lyon", "business", true, true],
      [2, "Oslo", "retail", true, true], [3, "Rome", "retail", true, true],
    ]);
  });

  it("quality-gated load quarantines bad rows and loads the rest; a failing expectation leaves the target untouched", async () => {
    const { products } = await generateDimensions(spark, path.join(dir, "dims-q"));
    const csv = path.join(dir, "orders-ok.csv");
    writeFileSync(csv, "order_id,customer_id,product_id,quantity\n1,5,1,2\n2,,1,1\n3,6,2,0\n4,7,3,1\n");
    const res = await runQualityGatedLoad(spark, { csv, productsPath: products, target: "silver.gated_orders" });
    assert.deepEqual(res, { loaded: 2, quarantined: 2 });
    const quarantined = await spark.read.format("delta").load(path.join(dir, "wh", "_weir.db", "quarantine_orders")).orderBy("order_id").collect();
    assert.deepEqual(quarantined.map((r) => Number(r.order_id)), [2, 3]);
    const bad = path.join(dir, "orders-bad.csv");
    writeFileSync(bad, "order_id,customer_id,product_id,quantity\n10,5,1,2\n11,5,99,1\n");
    await assert.rejects(runQualityGatedLoad(spark, { csv: bad, productsPath: products, target: "silver.gated_orders" }), (e: unknown) => e instanceof WeirError && e.code === "WEIR_QUALITY_FAILED");
    assert.deepEqual((await spark.sql("SELECT order_id FROM silver.gated_orders ORDER BY 1").collect()).map((r) => Number(r.order_id)), [1, 4]);
    const [failed] = await listJobRuns(spark, { job: "orders_gated", limit: 1 });
    assert.equal(failed!.status, "failed");
  });
});
