import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { F, type Session } from "../../src/index.js";
import { byKey, openSession } from "./helpers.js";

let spark: Session;
before(async () => { spark = await openSession(); });
after(async () => { await spark.close(); });

const sales = () => spark.createDataFrame([
  { region: "east", product: "a", qty: 1, price: 2.5 },
  { region: "east", product: "b", qty: 2, price: 1.0 },
  { region: "west", product: "a", qty: 3, price: 2.5 },
  { region: "west", product: "a", qty: 4, price: 3.0 },
]);

test("groupBy().agg with Columns names results by alias or Spark's generated name", async () => {
  const rows = byKey(await sales().groupBy("region").agg(F.sum("qty").alias("units"), F.max("price")).collect(), "region");
  assert.deepEqual(rows, [{ region: "east", units: 3n, "max(price)": 2.5 }, { region: "west", units: 7n, "max(price)": 3 }]);
  assert.deepEqual(await sales().groupby("region").agg(F.count("*").alias("n")).orderBy("region").collect(), [{ region: "east", n: 2n }, { region: "west", n: 2n }]);
});

test("agg dict form uses Spark's column names (mean is named avg)", async () => {
  const rows = byKey(await sales().groupBy("region").agg({ qty: "sum", price: "mean" }).collect(), "region");
  assert.deepEqual(rows, [{ region: "east", "sum(qty)": 3n, "avg(price)": 1.75 }, { region: "west", "sum(qty)": 7n, "avg(price)": 2.75 }]);
});

test("count/sum/avg/min/max shortcuts", async () => {
  const g = () => sales().groupBy("region");
  assert.deepEqual(await g().count().orderBy("region").collect(), [{ region: "east", count: 2n }, { region: "west", count: 2n }]);
  assert.deepEqual(await g().sum("qty").orderBy("region").collect(), [{ region: "east", "sum(qty)": 3n }, { region: "west", "sum(qty)": 7n }]);
  assert.deepEqual(await g().avg("qty").orderBy("region").collect(), [{ region: "east", "avg(qty)": 1.5 }, { region: "west", "avg(qty)": 3.5 }]);
  assert.deepEqual(await g().min("qty", "price").orderBy("region").first(), { region: "east", "min(qty)": 1, "min(price)": 1 });
  assert.deepEqual(await g().max("qty").orderBy("region").first(), { region: "east", "max(qty)": 2 });
  assert.deepEqual(await sales().agg(F.sum("qty").alias("total")).collect(), [{ total: 10n }]);
});

test("pivot with given values and with values computed from the data", async () => {
  const given = await sales().groupBy("region").pivot("product", ["a", "b"]).sum("qty").orderBy("region").collect();
  assert.deepEqual(given, [{ region: "east", a: 1n, b: 2n }, { region: "west", a: 7n, b: null }]);
  const computed = sales().groupBy("region").pivot("product").agg(F.sum("qty"));
  assert.deepEqual(await computed.columns(), ["region", "a", "b"]);
  assert.deepEqual(await computed.orderBy("region").collect(), given);
  const two = await sales().groupBy("region").pivot("product", ["a"]).agg(F.sum("qty").alias("q"), F.max("price").alias("p")).orderBy("region").collect();
  assert.deepEqual(two, [{ region: "east", a_q: 1n, a_p: 2.5 }, { region: "west", a_q: 7n, a_p: 3 }]);
});

test("rollup adds subtotals and a grand total; cube adds every combination", async () => {
  const rolled = await sales().rollup("region", "product").agg(F.sum("qty").alias("q")).orderBy("region", "product").collect();
  assert.deepEqual(rolled, [
    { region: null, product: null, q: 10n },
    { region: "east", product: null, q: 3n }, { region: "east", product: "a", q: 1n }, { region: "east", product: "b", q: 2n },
    { region: "west", product: null, q: 7n }, { region: "west", product: "a", q: 7n },
  ]);
  const cubed = await sales().cube("region", "product").agg(F.sum("qty").alias("q")).collect();
  assert.equal(cubed.length, 6 + 2); // rollup's 6 plus (null, a) and (null, b)
  assert.deepEqual(cubed.filter((r) => r.region === null && r.product === "a"), [{ region: null, product: "a", q: 8n }]);
});
