import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { col, F, t, type Session } from "../../src/index.js";
import { openSession, people } from "./helpers.js";

let spark: Session;
before(async () => { spark = await openSession(); });
after(async () => { await spark.close(); });

test("collect maps values: bigint for long, Date for date/timestamp, decimals by precision, Map, nested structs and arrays", async () => {
  const [r] = await spark.sql(`SELECT 1::INT AS i, 2::BIGINT AS l, 1.5::DOUBLE AS d, DATE '2024-01-02' AS day,
    TIMESTAMPTZ '2024-01-02 03:04:05.123+00' AS ts, 12.34::DECIMAL(15,2) AS small, 12.34::DECIMAL(20,2) AS big,
    MAP {'a': 1, 'b': 2} AS m, {'x': 1, 'y': {'z': 'q'}} AS st, [1, 2] AS arr, [{'k': 1::BIGINT}] AS arr_st, NULL::VARCHAR AS n`).collect();
  assert.equal(r!.i, 1);
  assert.equal(r!.l, 2n);
  assert.equal(r!.d, 1.5);
  assert.deepEqual(r!.day, new Date("2024-01-02T00:00:00Z"));
  assert.deepEqual(r!.ts, new Date("2024-01-02T03:04:05.123Z"));
  assert.equal(r!.small, 12.34);
  assert.equal(r!.big, "12.34");
  assert.deepEqual(r!.m, new Map([["a", 1], ["b", 2]]));
  assert.deepEqual(r!.st, { x: 1, y: { z: "q" } });
  assert.deepEqual(r!.arr, [1, 2]);
  assert.deepEqual(r!.arr_st, [{ k: 1n }]);
  assert.equal(r!.n, null);
});

test("createDataFrame with a t.struct schema round-trips typed values", async () => {
  const schema = t.struct({ id: t.int64(), day: t.date(), tags: t.map(t.string(), t.int32()), addr: t.struct({ city: t.string() }), price: t.decimal(10, 2) });
  const rows = await spark.createDataFrame([{ id: 5n, day: new Date("2024-03-01T00:00:00Z"), tags: new Map([["a", 1]]), addr: { city: "Oslo" }, price: 9.99 }], schema).collect();
  assert.deepEqual(rows, [{ id: 5n, day: new Date("2024-03-01T00:00:00Z"), tags: new Map([["a", 1]]), addr: { city: "Oslo" }, price: 9.99 }]);
});

test("take/first/head/count/isEmpty", async () => {
  const { emp } = people(spark);
  const sorted = emp.orderBy("id");
  assert.deepEqual((await sorted.take(2)).map((r) => r.id), [1, 2]);
  assert.equal((await sorted.first())?.name, "ann");
  assert.equal((await sorted.head())?.name, "ann");
  assert.equal((await sorted.head(3)).length, 3);
  assert.equal(await emp.count(), 3);
  assert.equal(await emp.isEmpty(), false);
  assert.equal(await emp.filter(col("id").gt(99)).isEmpty(), true);
  assert.equal(await emp.filter(col("id").gt(99)).first(), undefined);
});

test("show prints an aligned table, truncates cells to 20 characters and says how many rows were shown", async () => {
  const df = spark.createDataFrame([{ name: "a".repeat(25), n: 1.0 }, { name: "bb", n: 22.5 }, { name: null, n: 3 }], "name string, n double");
  const out = await df.show(2);
  assert.equal(out, [
    "+--------------------+----+",
    "|                name|   n|",
    "+--------------------+----+",
    "|aaaaaaaaaaaaaaaaa...| 1.0|",
    "|                  bb|22.5|",
    "+--------------------+----+",
    "only showing top 2 rows",
    "",
  ].join("\n"));
  const full = await df.show(20, false);
  assert.ok(full.includes(`|${"a".repeat(25)}|1.0 |`), full);
  assert.ok(full.includes("|NULL                     |3.0 |"), full);
  assert.ok(!full.includes("only showing"));
  assert.match(await df.show(1, 5), /\|aa...\|/);
});

test("toLocalIterator streams a million rows in batches without collecting them", async () => {
  let rows = 0;
  let batches = 0;
  let sum = 0n;
  for await (const batch of spark.range(1_000_000).toLocalIterator(50_000)) {
    assert.ok(batch.length <= 52_048, `batch of ${batch.length} rows stays near the requested size`);
    batches++;
    rows += batch.length;
    for (const r of batch) sum += r.id;
  }
  assert.equal(rows, 1_000_000);
  assert.ok(batches >= 19, `${batches} batches`);
  assert.equal(sum, 499_999_500_000n);
  let n = 0;
  for await (const r of spark.range(10)) n += Number(r.id);
  assert.equal(n, 45);
});

test("breaking out of async iteration releases the stream and the session keeps working", async () => {
  for await (const batch of spark.range(1_000_000).toLocalIterator(1000)) { assert.equal(batch.length >= 1000, true); break; }
  assert.equal(await spark.range(5).count(), 5);
});

test("describe and summary compute Spark's statistics as strings", async () => {
  const { emp } = people(spark);
  const d = await (await emp.describe("sal", "name")).collect();
  assert.deepEqual(d.map((r) => r.summary), ["count", "mean", "stddev", "min", "max"]);
  assert.deepEqual(d.map((r) => r.sal), ["3", "200.0", "100.0", "100", "300"]);
  assert.deepEqual(d.map((r) => r.name), ["3", null, null, "ann", "cid"]);
  const s = await (await emp.summary("count", "25%", "50%", "max")).collect();
  assert.deepEqual(s.map((r) => [r.summary, r.sal]), [["count", "3"], ["25%", "100"], ["50%", "200"], ["max", "300"]]);
  assert.deepEqual(await (await emp.summary()).collect().then((rows) => rows.map((r) => r.summary)), ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"]);
});

test("schema, dtypes, columns and printSchema", async () => {
  const df = spark.createDataFrame([], "InvoiceNumber string, CreatedTime bigint, DeliveryAddress struct<City string, PinCode string>, Items array<struct<ItemCode string, ItemQty bigint>>");
  assert.deepEqual(await df.dtypes(), [["InvoiceNumber", "string"], ["CreatedTime", "bigint"], ["DeliveryAddress", "struct<City:string,PinCode:string>"], ["Items", "array<struct<ItemCode:string,ItemQty:bigint>>"]]);
  assert.deepEqual(await df.columns(), ["InvoiceNumber", "CreatedTime", "DeliveryAddress", "Items"]);
  assert.equal((await df.schema()).fields[2]!.type.kind, "struct");
  const tree = await df.printSchema();
  assert.ok(tree.includes(" |-- DeliveryAddress: struct (nullable = true)\n |    |-- City: string (nullable = true)"), tree);
  assert.ok(tree.includes(" |    |-- element: struct (containsNull = true)\n |    |    |-- ItemCode: string (nullable = true)"), tree);
  assert.deepEqual(await spark.range(3).select(F.lit(1.5).alias("x")).dtypes(), [["x", "double"]]);
});
