/**
 * A quality-gated load: a CSV drop of orders is checked before anything is written — rows with a missing customer
 * or a non-positive quantity are quarantined (with the names of the expectations they failed), an unknown product
 * or a duplicate order_id fails the whole load and leaves the target untouched — and the rows that pass are
 * upserted into silver.
 *
 * ```
 *   orders.csv ─► validateExpectations ─┬─ fail?  ─► throw WEIR_QUALITY_FAILED (target untouched, run recorded as failed)
 *                                       ├─ quarantine ─► _weir.quarantine_orders (+ failed expectation names)
 *                                       └─ passing rows ─► upsert(silver.orders, keys order_id)
 * ```
 */
import {
  expectColumnValuesToBeBetween, expectColumnValuesToBeUnique, expectColumnValuesToExistIn, expectColumnValuesToNotBeNull, runJob, t, upsert,
  validateExpectations, type Session,
} from "../../src/index.js";

const ORDERS = t.struct({ order_id: t.int64(), customer_id: t.int32(), product_id: t.int32(), quantity: t.int32() });

/** Where the job reads and writes. */
export interface GatedLoadOptions {
  readonly csv: string;
  readonly productsPath: string;
  readonly target: string;
}

/**
 * One gated load.
 *
 * @example `await runQualityGatedLoad(spark, { csv: "landing/orders.csv", productsPath: "data/products", target: "silver.orders" })`
 */
export async function runQualityGatedLoad(spark: Session, o: GatedLoadOptions): Promise<{ loaded: number; quarantined: number }> {
  return runJob(spark, { name: "orders_gated", params: { csv: o.csv } }, async (ctx) => {
    const orders = spark.read.schema(ORDERS).option("header", true).csv(o.csv);
    const report = await validateExpectations(spark, orders, [
      expectColumnValuesToNotBeNull("customer_id", { policy: "quarantine" }),
      expectColumnValuesToBeBetween("quantity", { min: 1, policy: "quarantine" }),
      expectColumnValuesToExistIn("product_id", spark.read.parquet(o.productsPath), "product_id", { policy: "fail" }),
      expectColumnValuesToBeUnique("order_id", { policy: "fail" }),
    ], { suite: "orders", runId: ctx.runId });
    const loaded = await report.rows.count();
    ctx.addRowsRead(loaded + report.rowsQuarantined);
    const res = await upsert(spark, { target: o.target, source: report.rows, keys: ["order_id"] });
    ctx.addRowsWritten(res.rowsInserted + res.rowsUpdated);
    return { loaded, quarantined: report.rowsQuarantined };
  });
}
