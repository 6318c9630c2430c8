import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { col, type Session, type WeirError } from "../../src/index.js";
import { openSession, people } from "./helpers.js";

let spark: Session;
let dir: string;
before(async () => {
  spark = await openSession();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "weir-cache-"));
});
after(async () => {
  await spark.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function csv(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

test("cache materializes once: deleting the source file afterwards does not affect later actions", async () => {
  const file = csv("cache.csv", "id,v\n1,x\n2,y\n3,z\n");
  const src = spark.read.option("header", true).option("inferSchema", true).csv(file);
  const cached = await src.filter(col("id").gt(1)).cache();
  fs.rmSync(file);
  assert.equal(await cached.count(), 2);
  assert.deepEqual(await cached.orderBy("id").collect(), [{ id: 2n, v: "y" }, { id: 3n, v: "z" }]);
  assert.deepEqual(await cached.groupBy("v").count().orderBy("v").collect(), [{ v: "y", count: 1n }, { v: "z", count: 1n }]);
  await assert.rejects(src.count(), (e: WeirError) => e.code === "WEIR_PATH_NOT_FOUND", "the uncached DataFrame reads the (gone) source");
});

test("df.col() taken before cache() still resolves on the cached DataFrame; persist is cache", async () => {
  const { emp } = people(spark);
  const cached = await emp.persist();
  assert.deepEqual(await cached.select(emp.col("name")).orderBy("name").first(), { name: "ann" });
  assert.equal((await cached.persist()).plan, cached.plan, "persisting a cached DataFrame is a no-op");
});

test("unpersist drops the cached data and returns a DataFrame over the source", async () => {
  const file = csv("unpersist.csv", "id\n1\n2\n");
  const cached = await spark.read.option("header", true).csv(file).cache();
  fs.writeFileSync(file, "id\n1\n2\n3\n");
  assert.equal(await cached.count(), 2);
  const again = await cached.unpersist();
  assert.equal(await again.count(), 3);
});

test("checkpoint writes Parquet, truncates the plan (explain shows one node) and survives source deletion", async () => {
  const file = csv("cp.csv", "id,v\n1,a\n2,b\n");
  const df = spark.read.option("header", true).option("inferSchema", true).csv(file).filter(col("id").equalTo(2)).withColumn("w", col("v"));
  const cp = await df.checkpoint();
  fs.rmSync(file);
  const text = await cp.explain({ print: false });
  const logical = text.slice(text.indexOf("== Logical Plan =="), text.indexOf("== Optimized Plan =="));
  assert.match(logical, /Materialized checkpoint/);
  assert.doesNotMatch(logical, /Filter|Scan|csv/i);
  assert.deepEqual(await cp.collect(), [{ id: 2n, v: "b", w: "b" }]);
  const empty = await spark.range(0).checkpoint();
  assert.deepEqual(await empty.collect(), []);
  assert.deepEqual(await empty.columns(), ["id"]);
});

test("session.sql queries temp views by name with bound $params", async () => {
  const { emp } = people(spark);
  emp.createOrReplaceTempView("emp");
  const rows = await spark.sql("SELECT name FROM emp WHERE sal >= $min AND name <> $skip ORDER BY name", { min: 150, skip: "cid" }).collect();
  assert.deepEqual(rows, [{ name: "bob" }]);
  assert.deepEqual(await spark.table("emp").count(), 3);
  assert.throws(() => emp.createTempView("EMP"), (e: WeirError) => e.code === "WEIR_INVALID_NAME");
});

test("a $param holding SQL stays data: it is compared as a string, never executed", async () => {
  const { emp } = people(spark);
  emp.createOrReplaceTempView("emp_inj");
  const evil = "x' OR '1'='1";
  assert.deepEqual(await spark.sql("SELECT count(*) AS n FROM emp_inj WHERE name = $n", { n: evil }).collect(), [{ n: 0n }]);
  assert.deepEqual(await spark.sql("SELECT $v AS v", { v: "1; DROP TABLE emp_inj; --" }).collect(), [{ v: "1; DROP TABLE emp_inj; --" }]);
  assert.equal(await spark.table("emp_inj").count(), 3);
});

test("DataFrames passed as params are queryable as {name}", async () => {
  const { emp, dept } = people(spark);
  const rows = await spark.sql("SELECT e.name, d.dname FROM {e} e JOIN {d} d ON e.dept = d.dept WHERE e.sal < $cap", { e: emp, d: dept, cap: 1000 }).collect();
  assert.deepEqual(rows, [{ name: "ann", dname: "sales" }]);
});

test("a sql() DataFrame composes with DataFrame transformations", async () => {
  const df = spark.sql("SELECT * FROM range(10) t(i)").filter(col("i").geq(5)).groupBy().count();
  assert.deepEqual(await df.collect(), [{ count: 5n }]);
});

test("SQL errors: syntax, unknown table, unknown column", async () => {
  await assert.rejects(spark.sql("SELEC 1").collect(), (e: WeirError) => e.code === "WEIR_SQL_ERROR" && /syntax error/.test(e.message));
  await assert.rejects(spark.sql("SELECT * FROM no_such_view").collect(), (e: WeirError) => e.code === "WEIR_UNKNOWN_TABLE" && /createOrReplaceTempView/.test(e.hint ?? ""));
  await assert.rejects(spark.sql("SELECT nope FROM range(1)").collect(), (e: WeirError) => e.code === "WEIR_UNKNOWN_COLUMN");
});
