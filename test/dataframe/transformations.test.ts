import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { col, F, lit, type Session, type WeirError } from "../../src/index.js";
import { byKey, openSession, people } from "./helpers.js";

let spark: Session;
before(async () => { spark = await openSession(); });
after(async () => { await spark.close(); });

test("select by name, Column and '*'; selectExpr with AS", async () => {
  const { emp } = people(spark);
  assert.deepEqual(await emp.select("name", col("sal").multiply(2).alias("double")).orderBy("name").take(1), [{ name: "ann", double: 200 }]);
  assert.deepEqual(await emp.select("*", lit(1).alias("one")).columns(), ["id", "name", "dept", "sal", "one"]);
  assert.deepEqual(await emp.selectExpr("sal * 2 AS s2", "upper(name) AS n").orderBy("s2").first(), { s2: 200, n: "ANN" });
});

test("filter/where with a Column and with a SQL string give the same rows", async () => {
  const { emp } = people(spark);
  const a = await emp.filter(col("sal").gt(150).and(col("dept").isNotNull())).collect();
  const b = await emp.where("sal > 150 AND dept IS NOT NULL").collect();
  assert.deepEqual(a, b);
  assert.deepEqual(a.map((r) => r.name), ["bob"]);
});

test("withColumn adds or replaces; withColumns sets several; withColumnRenamed; drop ignores unknown names", async () => {
  const { emp } = people(spark);
  const df = emp.withColumn("bonus", col("sal").divide(10)).withColumn("sal", col("sal").plus(1));
  assert.deepEqual(await df.columns(), ["id", "name", "dept", "sal", "bonus"]);
  assert.deepEqual(await df.filter(col("id").equalTo(1)).first(), { id: 1, name: "ann", dept: 10, sal: 101, bonus: 10 });
  assert.deepEqual(await emp.withColumns({ a: lit("x"), id: col("id").multiply(10) }).select("id", "a").orderBy("id").first(), { id: 10, a: "x" });
  assert.deepEqual(await emp.withColumnRenamed("sal", "salary").columns(), ["id", "name", "dept", "salary"]);
  assert.deepEqual(await emp.withColumnRenamed("nope" as never, "x").columns(), ["id", "name", "dept", "sal"]);
  assert.deepEqual(await emp.drop("sal", "nope" as never).columns(), ["id", "name", "dept"]);
  assert.deepEqual(await emp.drop(col("dept")).columns(), ["id", "name", "sal"]);
});

test("orderBy follows Spark's null ordering: asc nulls first, desc nulls last, and explicit variants", async () => {
  const df = spark.createDataFrame([{ a: 2 }, { a: null }, { a: 1 }]);
  const vals = async (c: Parameters<typeof df.orderBy>[0]) => (await df.orderBy(c).collect()).map((r) => r.a);
  assert.deepEqual(await vals("a"), [null, 1, 2]);
  assert.deepEqual(await vals(col("a").asc()), [null, 1, 2]);
  assert.deepEqual(await vals(col("a").desc()), [2, 1, null]);
  assert.deepEqual(await vals(col("a").asc_nulls_last()), [1, 2, null]);
  assert.deepEqual(await vals(col("a").desc_nulls_first()), [null, 2, 1]);
  assert.deepEqual((await df.sort(col("a").desc()).collect()).map((r) => r.a), [2, 1, null]);
});

test("limit, distinct and dropDuplicates(subset)", async () => {
  const df = spark.createDataFrame([{ k: "a", v: 1 }, { k: "a", v: 1 }, { k: "a", v: 2 }, { k: "b", v: 3 }]);
  assert.equal((await df.limit(2).collect()).length, 2);
  assert.equal(await df.limit(0).count(), 0);
  assert.equal(await df.distinct().count(), 3);
  assert.equal(await df.dropDuplicates().count(), 3);
  const one = byKey(await df.dropDuplicates(["k"]).collect(), "k");
  assert.deepEqual(one.map((r) => r.k), ["a", "b"]);
});

test("sample with a seed is repeatable and close to the fraction", async () => {
  const df = spark.range(100_000);
  const a = await df.sample(0.1, 42).collect();
  const b = await df.sample(0.1, 42).collect();
  assert.deepEqual(a, b);
  assert.ok(a.length > 9_000 && a.length < 11_000, `sample size ${a.length}`);
  assert.equal(await df.sample(false, 0.1, 42).count(), a.length);
  assert.throws(() => df.sample(true, 0.1), (e: WeirError) => e.code === "WEIR_UNSUPPORTED_OPTION");
});

test("explode turns an array into rows", async () => {
  const df = spark.createDataFrame([{ id: 1, xs: [1, 2] }, { id: 2, xs: [3] }]);
  assert.deepEqual(await df.select("id", F.explode("xs").alias("x")).orderBy("x").collect(), [{ id: 1, x: 1 }, { id: 1, x: 2 }, { id: 2, x: 3 }]);
});

test("alias qualifies columns as alias.column", async () => {
  const { emp } = people(spark);
  const rows = await emp.alias("e").filter(col("e.sal").gt(150)).select(col("e.name")).orderBy("name").collect();
  assert.deepEqual(rows, [{ name: "bob" }, { name: "cid" }]);
});

test("F.broadcast keeps a hint that explain() shows", async () => {
  const { emp, dept } = people(spark);
  const text = await emp.join(F.broadcast(dept), "dept").explain({ print: false });
  assert.match(text, /== Logical Plan ==[\s\S]*Hint broadcast/);
  for (const section of ["== Optimized Plan ==", "== SQL ==", "== Physical Plan (DuckDB) =="]) assert.ok(text.includes(section), section);
});
