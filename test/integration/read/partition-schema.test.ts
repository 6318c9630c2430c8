import { test } from "node:test";
import assert from "node:assert/strict";
import { col } from "../../../src/index.js";
import { session, tree } from "./fixtures.js";

test("a user schema naming the hive partition column: no duplicate column, the value comes from the path with the schema's type", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "day=2024-01-01/a.csv": "1,a\n2,b\n", "day=2024-01-02/b.csv": "3,c\n" });
  const df = spark.read.schema("id int, day date, v string").csv(root);
  // Spark: data columns of the schema (the file is parsed with those), then the partition column.
  assert.deepEqual(await df.dtypes(), [["id", "int"], ["v", "string"], ["day", "date"]]);
  const rows = await df.orderBy("id").collect();
  assert.deepEqual(rows.map((r) => [r.id, r.v, (r.day as Date).toISOString().slice(0, 10)]), [[1, "a", "2024-01-01"], [2, "b", "2024-01-01"], [3, "c", "2024-01-02"]]);
  // The user's type also drives pruning.
  const pruned = df.filter(col("day").equalTo(new Date("2024-01-02T00:00:00Z")));
  assert.deepEqual((await pruned.collect()).map((r) => r.id), [3]);
  for (const mode of ["DROPMALFORMED", "FAILFAST"]) {
    const typed = spark.read.schema("id int, day string, v string").option("mode", mode).csv(root);
    assert.deepEqual(await typed.columns(), ["id", "v", "day"], mode);
    assert.equal(await typed.count(), 3, mode);
  }
});

test("a user schema naming the partition column works for JSON and Parquet too", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "json/p=1/a.json": '{"id":1}\n', "json/p=2/b.json": '{"id":2}\n' });
  const json = spark.read.schema("id long, p string").json(`${root}/json`);
  assert.deepEqual(await json.dtypes(), [["id", "bigint"], ["p", "string"]]);
  assert.deepEqual(await json.orderBy("id").collect(), [{ id: 1n, p: "1" }, { id: 2n, p: "2" }]);
  await json.write.partitionBy("p").parquet(`${root}/pq`);
  const pq = spark.read.schema("p bigint, id long").parquet(`${root}/pq`);
  assert.deepEqual(await pq.dtypes(), [["id", "bigint"], ["p", "bigint"]]);
  assert.deepEqual(await pq.orderBy("id").collect(), [{ id: 1n, p: 1n }, { id: 2n, p: 2n }]);
});

test("partition values percent-encoded as UTF-8 by other engines decode (M%C3%BCnchen → München) and prune right", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "city=M%C3%BCnchen/a.csv": "1\n", "city=a%3Ab/b.csv": "2\n", "city=%E2%82%AC/c.csv": "3\n" });
  const df = spark.read.schema("id int").csv(root);
  assert.deepEqual((await df.orderBy("id").collect()).map((r) => r.city), ["München", "a:b", "€"]);
  const munich = df.filter(col("city").equalTo("München"));
  assert.deepEqual(await munich.collect(), [{ id: 1, city: "München" }]);
  assert.match(await munich.explain({ print: false }), /1 of 3 files/);
});
