import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Session } from "../../../src/index.js";
import { code, openWarehouse, rows, run } from "./helpers.js";

test("CREATE/SHOW/USE/DROP DATABASE: IF NOT EXISTS, duplicates, RESTRICT vs CASCADE, default is undroppable", async (tc) => {
  const { spark, warehouse } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE DATABASE gold COMMENT 'curated'");
  await spark.sql("CREATE SCHEMA IF NOT EXISTS gold");
  await assert.rejects(run(spark, "CREATE DATABASE gold"), code("WEIR_DATABASE_EXISTS"));
  assert.deepEqual(await rows(spark, "SHOW DATABASES"), [{ namespace: "default" }, { namespace: "gold" }]);
  assert.deepEqual(await rows(spark, "SHOW SCHEMAS LIKE 'go*'"), [{ namespace: "gold" }]);
  assert.ok(existsSync(path.join(warehouse, "gold.db")));
  await spark.sql("USE gold");
  assert.equal(spark.catalog.currentDatabase(), "gold");
  await spark.sql("CREATE TABLE t (id BIGINT) USING DELTA");
  assert.ok(existsSync(path.join(warehouse, "gold.db", "t", "_delta_log")));
  await assert.rejects(run(spark, "DROP DATABASE gold"), code("WEIR_DATABASE_NOT_EMPTY"));
  await spark.sql("DROP DATABASE gold CASCADE");
  assert.ok(!existsSync(path.join(warehouse, "gold.db")));
  assert.equal(spark.catalog.currentDatabase(), "default");
  await spark.sql("DROP DATABASE IF EXISTS gold");
  await assert.rejects(run(spark, "DROP DATABASE default"), code("WEIR_INVALID_ARGUMENT"));
});

test("CREATE TABLE with columns, PARTITIONED BY, COMMENT, TBLPROPERTIES: schema, partitioning and properties are in the Delta log", async (tc) => {
  const { spark, warehouse } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE TABLE orders (id BIGINT NOT NULL, day DATE, amount DOUBLE) USING DELTA PARTITIONED BY (day) COMMENT 'all orders' TBLPROPERTIES ('delta.checkpointInterval' = '5', 'owner' = 'sales')");
  const detail = (await rows(spark, "DESCRIBE DETAIL orders"))[0]!;
  assert.equal(detail.location, path.join(warehouse, "orders"));
  assert.deepEqual(detail.partitionColumns, ["day"]);
  assert.equal(detail.description, "all orders");
  assert.equal(detail.name, "spark_catalog.default.orders");
  const props = Object.fromEntries((await rows(spark, "SHOW TBLPROPERTIES orders")).map((r) => [r.key, r.value]));
  assert.deepEqual(props, { "delta.checkpointInterval": "5", owner: "sales" });
  const desc = await rows(spark, "DESCRIBE orders");
  assert.deepEqual(desc.slice(0, 3).map((r) => [r.col_name, r.data_type]), [["id", "bigint"], ["day", "date"], ["amount", "double"]]);
  assert.equal(desc[3]!.col_name, "# Partition Information");
  const ext = Object.fromEntries((await rows(spark, "DESCRIBE EXTENDED orders")).map((r) => [r.col_name, r.data_type]));
  assert.equal(ext.Type, "MANAGED");
  assert.equal(ext.Provider, "delta");
  assert.equal(ext.Comment, "all orders");
  await assert.rejects(run(spark, "CREATE TABLE orders (id BIGINT) USING DELTA"), code("WEIR_TABLE_EXISTS"));
  await spark.sql("CREATE TABLE IF NOT EXISTS orders (x INT) USING DELTA");
  await assert.rejects(run(spark, "CREATE TABLE p (id INT) USING PARQUET"), code("WEIR_UNSUPPORTED_OPERATION"));
  await assert.rejects(run(spark, "CREATE TABLE q (id INT) USING DELTA PARTITIONED BY (nope)"), code("WEIR_UNKNOWN_COLUMN"));
});

test("CREATE TABLE AS SELECT with $params, CREATE OR REPLACE TABLE keeps history and replaces the schema", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE TABLE nums USING DELTA PARTITIONED BY (even) AS SELECT range AS n, range % 2 = 0 AS even FROM range(10) WHERE range >= $lo", { lo: 4 });
  assert.deepEqual(await rows(spark, "SELECT count(*) AS c, min(n) AS lo FROM nums"), [{ c: 6n, lo: 4n }]);
  await spark.sql("CREATE OR REPLACE TABLE nums AS SELECT 'x' AS s");
  assert.deepEqual(await rows(spark, "SELECT * FROM nums"), [{ s: "x" }]);
  const history = await rows(spark, "DESCRIBE HISTORY nums");
  assert.equal(history.length, 2);
  assert.equal(history[1]!.operation, "CREATE TABLE AS SELECT");
  assert.deepEqual((await rows(spark, "DESCRIBE HISTORY nums LIMIT 1")).map((r) => r.version), [1n]);
});

test("CREATE TABLE … LOCATION registers an external table; DROP TABLE keeps external data and deletes managed data", async (tc) => {
  const { spark, warehouse } = await openWarehouse(tc);
  await using _ = spark;
  const ext = mkdtempSync(path.join(os.tmpdir(), "weir-ext-"));
  tc.after(() => rmSync(ext, { recursive: true, force: true }));
  await spark.createDataFrame([{ id: 1 }, { id: 2 }]).write.format("delta").save(ext);
  await spark.sql(`CREATE TABLE ext USING DELTA LOCATION '${ext}'`);
  assert.equal(await spark.table("ext").count(), 2);
  assert.equal((await spark.catalog.listTables()).find((t) => t.name === "ext")?.tableType, "EXTERNAL");
  await spark.sql("DROP TABLE ext");
  assert.ok(existsSync(path.join(ext, "_delta_log")));
  await spark.sql("CREATE TABLE managed (id INT) USING DELTA");
  await spark.sql("DROP TABLE managed");
  assert.ok(!existsSync(path.join(warehouse, "managed")));
  await spark.sql("DROP TABLE IF EXISTS managed");
  await assert.rejects(run(spark, "DROP TABLE managed"), code("WEIR_UNKNOWN_TABLE"));
  // The name is free again.
  await spark.sql("CREATE TABLE managed (id INT) USING DELTA");
});

test("SHOW TABLES lists catalog tables and views (plus temporary views without IN)", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE DATABASE s");
  await spark.sql("CREATE TABLE s.a (id INT) USING DELTA");
  await spark.sql("CREATE VIEW s.v AS SELECT * FROM s.a");
  spark.createDataFrame([{ x: 1 }]).createOrReplaceTempView("tmp");
  assert.deepEqual(await rows(spark, "SHOW TABLES IN s"), [{ namespace: "s", tableName: "a", isTemporary: false }, { namespace: "s", tableName: "v", isTemporary: false }]);
  assert.deepEqual(await rows(spark, "SHOW TABLES"), [{ namespace: "", tableName: "tmp", isTemporary: true }]);
  assert.deepEqual((await rows(spark, "SHOW TABLES IN s LIKE 'v*'")).map((r) => r.tableName), ["v"]);
});

test("views persist their SQL: readable by name from a new session, resolved in their own database; DROP VIEW", async (tc) => {
  const { spark, warehouse } = await openWarehouse(tc);
  await spark.sql("CREATE DATABASE gold");
  await spark.sql("CREATE TABLE gold.sales AS SELECT * FROM (VALUES (1, 10.0), (2, 5.0)) v(id, amount)");
  await spark.sql("CREATE VIEW gold.big COMMENT 'large sales' AS SELECT id FROM sales WHERE amount > 6");
  await assert.rejects(run(spark, "CREATE VIEW gold.big AS SELECT 1"), code("WEIR_TABLE_EXISTS"));
  await assert.rejects(run(spark, "CREATE VIEW gold.bad AS SELECT nope FROM sales"), code("WEIR_UNKNOWN_COLUMN"));
  await spark.close();
  await using again = await Session.create({ warehouse, threads: 1 });
  assert.deepEqual(await rows(again, "SELECT * FROM gold.big"), [{ id: 1 }]);
  assert.deepEqual(await again.read.table("gold.big").collect(), [{ id: 1 }]);
  await again.sql("CREATE OR REPLACE VIEW gold.big AS SELECT id FROM sales");
  assert.equal(await again.table("gold.big").count(), 2);
  await assert.rejects(run(again, "DROP TABLE gold.big"), code("WEIR_INVALID_ARGUMENT"));
  await again.sql("DROP VIEW gold.big");
  assert.equal(await again.catalog.tableExists("gold.big"), false);
});

test("ALTER TABLE RENAME TO moves the table and its directory; the old name is gone, the new one taken is WEIR_TABLE_EXISTS", async (tc) => {
  const { spark, warehouse } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE DATABASE gold");
  await spark.sql("CREATE TABLE gold.a AS SELECT 1 AS id");
  await spark.sql("CREATE TABLE gold.b AS SELECT 2 AS id");
  await assert.rejects(run(spark, "ALTER TABLE gold.a RENAME TO b"), code("WEIR_TABLE_EXISTS"));
  await spark.sql("ALTER TABLE gold.a RENAME TO c");
  assert.equal(await spark.catalog.tableExists("gold.a"), false);
  assert.deepEqual(await rows(spark, "SELECT * FROM gold.c"), [{ id: 1 }]);
  assert.ok(existsSync(path.join(warehouse, "gold.db", "c", "_delta_log")));
  assert.ok(!existsSync(path.join(warehouse, "gold.db", "a")));
  // Across databases.
  await spark.sql("ALTER TABLE gold.c RENAME TO default.moved");
  assert.deepEqual(await rows(spark, "SELECT * FROM moved"), [{ id: 1 }]);
});

test("ALTER TABLE SET/UNSET TBLPROPERTIES commit a metadata change; ADD/DROP CONSTRAINT set and remove delta.constraints.<name>", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE TABLE t (id INT) USING DELTA");
  await spark.sql("ALTER TABLE t SET TBLPROPERTIES ('delta.appendOnly' = 'true', 'team' = 'x')");
  await spark.sql("ALTER TABLE t UNSET TBLPROPERTIES ('team')");
  assert.deepEqual(await rows(spark, "SHOW TBLPROPERTIES t"), [{ key: "delta.appendOnly", value: "true" }]);
  await spark.sql("ALTER TABLE t ADD CONSTRAINT positive CHECK (id > 0)");
  assert.deepEqual(await rows(spark, "SHOW TBLPROPERTIES t"), [{ key: "delta.appendOnly", value: "true" }, { key: "delta.constraints.positive", value: "id > 0" }]);
  await assert.rejects(run(spark, "INSERT INTO t VALUES (0)"), code("WEIR_DELTA_CONSTRAINT_VIOLATION"));
  await spark.sql("ALTER TABLE t DROP CONSTRAINT positive");
  assert.deepEqual(await rows(spark, "SHOW TBLPROPERTIES t"), [{ key: "delta.appendOnly", value: "true" }]);
});

test("a statement that starts like a Weir statement but does not parse is WEIR_SQL_ERROR naming the spot", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  assert.throws(() => spark.sql("CREATE TABLE t (id INT) USING DELTA PARTITIONED (id)"), (e: unknown) => code("WEIR_SQL_ERROR")(e) && /PARTITIONED/.test(String((e as Error).message)));
  assert.throws(() => spark.sql("DROP TABLE"), code("WEIR_SQL_ERROR"));
});
