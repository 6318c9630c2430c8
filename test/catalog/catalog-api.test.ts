import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Session, WeirError } from "../../src/index.js";

async function open(warehouse = mkdtempSync(path.join(os.tmpdir(), "weir-cat-"))): Promise<Session> {
  return Session.create({ warehouse, threads: 1, memoryLimit: "1GB" });
}
const code = (c: string) => (e: unknown) => e instanceof WeirError && e.code === c;

test("spark.catalog: databases, current database, tables with types, tableExists, dropTempView", async () => {
  await using spark = await open();
  assert.equal(spark.catalog.currentDatabase(), "default");
  assert.deepEqual((await spark.catalog.listDatabases()).map((d) => d.name), ["default"]);
  await spark.sql("CREATE DATABASE gold COMMENT 'curated'");
  assert.equal(await spark.catalog.databaseExists("gold"), true);
  assert.equal(await spark.catalog.databaseExists("silver"), false);
  const gold = (await spark.catalog.listDatabases()).find((d) => d.name === "gold")!;
  assert.equal(gold.description, "curated");
  assert.match(gold.locationUri, /gold\.db$/);
  await spark.catalog.setCurrentDatabase("gold");
  await spark.createDataFrame([{ id: 1 }]).write.saveAsTable("orders");
  await spark.sql("CREATE VIEW v AS SELECT * FROM orders");
  spark.createDataFrame([{ x: 1 }]).createOrReplaceTempView("tmp");
  assert.deepEqual((await spark.catalog.listTables()).map((t) => [t.name, t.database, t.tableType, t.isTemporary]), [
    ["orders", "gold", "MANAGED", false], ["v", "gold", "VIEW", false], ["tmp", null, "TEMPORARY", true],
  ]);
  assert.equal(await spark.catalog.tableExists("orders"), true);
  assert.equal(await spark.catalog.tableExists("orders", "gold"), true);
  assert.equal(await spark.catalog.tableExists("gold.orders"), true);
  assert.equal(await spark.catalog.tableExists("default.orders"), false);
  assert.equal(await spark.catalog.tableExists("tmp"), true);
  assert.equal(spark.catalog.dropTempView("tmp"), true);
  assert.equal(spark.catalog.dropTempView("tmp"), false);
  await assert.rejects(spark.catalog.setCurrentDatabase("nope"), code("WEIR_UNKNOWN_DATABASE"));
});

test("read.table: a temporary view shadows a catalog table of the same name; db.table reaches the table", async () => {
  await using spark = await open();
  await spark.createDataFrame([{ id: 1 }]).write.saveAsTable("t");
  spark.createDataFrame([{ id: 99 }]).createOrReplaceTempView("t");
  assert.deepEqual(await spark.read.table("t").collect(), [{ id: 99 }]);
  assert.deepEqual(await spark.read.table("default.t").collect(), [{ id: 1 }]);
  assert.deepEqual(await (await spark.sql("SELECT * FROM default.t")).collect(), [{ id: 1 }]);
});

test("saveAsTable modes: error (default) is WEIR_TABLE_EXISTS, append adds, overwrite replaces data and schema, ignore skips", async () => {
  await using spark = await open();
  const df = spark.createDataFrame([{ id: 1, v: "a" }]);
  await df.write.partitionBy("v").saveAsTable("t");
  await assert.rejects(df.write.saveAsTable("t"), code("WEIR_TABLE_EXISTS"));
  await df.write.mode("append").saveAsTable("t");
  assert.equal(await spark.table("t").count(), 2);
  const skipped = await df.write.mode("ignore").saveAsTable("t");
  assert.equal(skipped.committed, false);
  await spark.createDataFrame([{ other: true }]).write.mode("overwrite").saveAsTable("t");
  assert.deepEqual(await spark.table("t").collect(), [{ other: true }]);
});

test("insertInto matches columns by position and needs an existing table", async () => {
  await using spark = await open();
  await spark.sql("CREATE TABLE t (a STRING, b BIGINT) USING DELTA");
  await spark.createDataFrame([{ x: "p", y: 1 }]).write.insertInto("t");
  await spark.createDataFrame([{ x: "q", y: 2 }]).write.insertInto("t");
  assert.deepEqual(await (await spark.sql("SELECT * FROM t ORDER BY b")).collect(), [{ a: "p", b: 1n }, { a: "q", b: 2n }]);
  await spark.createDataFrame([{ x: "r", y: 3 }]).write.insertInto("t", true);
  assert.deepEqual(await spark.table("t").collect(), [{ a: "r", b: 3n }]);
  await assert.rejects(spark.createDataFrame([{ x: "r" }]).write.insertInto("missing"), code("WEIR_UNKNOWN_TABLE"));
});

test("two sessions on one warehouse see each other's tables; concurrent CREATE TABLEs from both all register", async () => {
  const warehouse = mkdtempSync(path.join(os.tmpdir(), "weir-cat-"));
  await using a = await open(warehouse);
  await using b = await open(warehouse);
  await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).sql(`CREATE TABLE t${i} (id INT) USING DELTA`)).map(async (df) => { await df; }));
  assert.deepEqual((await a.catalog.listTables()).map((t) => t.name).sort(), ["t0", "t1", "t2", "t3", "t4", "t5"]);
  await b.sql("INSERT INTO t0 VALUES (7)");
  assert.deepEqual(await a.table("t0").collect(), [{ id: 7 }]);
});

test("a Weir statement runs eagerly: its effect is visible even when the result is never awaited or collected", async () => {
  await using spark = await open();
  const df = spark.sql("CREATE DATABASE eager");
  await df; // waits for it
  assert.equal(await spark.catalog.databaseExists("eager"), true);
  assert.deepEqual(await spark.sql("SHOW DATABASES LIKE 'eag*'").collect(), [{ namespace: "eager" }]);
  assert.deepEqual(await spark.sql("SHOW DATABASES").filter("namespace = 'default'").collect(), [{ namespace: "default" }]);
});
