import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { code, openWarehouse, rows, run } from "./helpers.js";

test("INSERT INTO by position (with casts), INSERT INTO (cols), INSERT OVERWRITE; a column count mismatch is refused", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE TABLE t (id BIGINT, name STRING, score DOUBLE) USING DELTA");
  assert.deepEqual(await rows(spark, "INSERT INTO t VALUES (1, 'a', 1.5), (2, 'b', 2)"), [{ num_affected_rows: 2n, num_inserted_rows: 2n }]);
  await spark.sql("INSERT INTO t (name, id) SELECT 'c', 3");
  assert.deepEqual(await rows(spark, "SELECT * FROM t ORDER BY id"), [
    { id: 1n, name: "a", score: 1.5 }, { id: 2n, name: "b", score: 2 }, { id: 3n, name: "c", score: null },
  ]);
  await assert.rejects(run(spark, "INSERT INTO t SELECT 1, 'x'"), code("WEIR_DELTA_SCHEMA_MISMATCH"));
  await spark.sql("INSERT OVERWRITE TABLE t SELECT id * 10, name, score FROM t WHERE id = $k", { k: 1 });
  assert.deepEqual(await rows(spark, "SELECT id FROM t"), [{ id: 10n }]);
});

test("MERGE INTO a catalog table from a subquery with $params: updates, deletes and inserts with Delta's counts", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE TABLE target AS SELECT * FROM (VALUES (1, 'old'), (2, 'old'), (3, 'old')) v(id, val)");
  spark.createDataFrame([{ id: 1, val: "new", op: "u" }, { id: 2, val: "", op: "d" }, { id: 4, val: "ins", op: "u" }]).createOrReplaceTempView("changes");
  const out = await rows(spark, `
    MERGE INTO target t USING (SELECT * FROM changes WHERE id <= $max) s ON t.id = s.id
    WHEN MATCHED AND s.op = 'd' THEN DELETE
    WHEN MATCHED THEN UPDATE SET val = s.val
    WHEN NOT MATCHED THEN INSERT (id, val) VALUES (s.id, s.val)`, { max: 10 });
  assert.deepEqual(out, [{ num_affected_rows: 3n, num_updated_rows: 1n, num_deleted_rows: 1n, num_inserted_rows: 1n }]);
  assert.deepEqual(await rows(spark, "SELECT * FROM target ORDER BY id"), [{ id: 1, val: "new" }, { id: 3, val: "old" }, { id: 4, val: "ins" }]);
});

test("MERGE with UPDATE SET * / INSERT * from a catalog source table", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE TABLE tgt AS SELECT 1 AS id, 'a' AS v");
  await spark.sql("CREATE TABLE src AS SELECT * FROM (VALUES (1, 'b'), (2, 'c')) x(id, v)");
  await spark.sql("MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
  assert.deepEqual(await rows(spark, "SELECT * FROM tgt ORDER BY id"), [{ id: 1, v: "b" }, { id: 2, v: "c" }]);
});

test("UPDATE and DELETE return num_affected_rows; a $param inside their conditions is refused clearly", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE TABLE t AS SELECT range AS id, 'x' AS s FROM range(5)");
  assert.deepEqual(await rows(spark, "UPDATE t SET s = 'y' WHERE id >= 3"), [{ num_affected_rows: 2n }]);
  assert.deepEqual(await rows(spark, "DELETE FROM t WHERE s = 'x' AND id < 2"), [{ num_affected_rows: 2n }]);
  assert.deepEqual(await rows(spark, "SELECT id, s FROM t ORDER BY id"), [{ id: 2n, s: "x" }, { id: 3n, s: "y" }, { id: 4n, s: "y" }]);
  await assert.rejects(run(spark, "DELETE FROM t WHERE id = $id", { id: 2 }), code("WEIR_UNSUPPORTED_OPERATION"));
});

test("OPTIMIZE [ZORDER BY], VACUUM … DRY RUN, RESTORE TABLE … TO VERSION AS OF", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE TABLE t (id BIGINT, k STRING) USING DELTA");
  for (let i = 0; i < 3; i++) await spark.sql("INSERT INTO t VALUES ($i, 'k')", { i });
  const [opt] = await rows(spark, "OPTIMIZE t");
  assert.equal((opt!.metrics as Map<string, string> | Record<string, string>) !== undefined, true);
  await rows(spark, "OPTIMIZE t ZORDER BY (id)");
  assert.equal(await spark.table("t").count(), 3);
  const dry = await rows(spark, "VACUUM t RETAIN 1000 HOURS DRY RUN");
  assert.deepEqual(dry, []);
  const [restored] = await rows(spark, "RESTORE TABLE t TO VERSION AS OF 2");
  assert.ok(restored && "num_restored_files" in restored);
  assert.equal(await spark.table("t").count(), 2);
  const last = (await rows(spark, "DESCRIBE HISTORY t LIMIT 1"))[0]!;
  assert.equal(last.operation, "RESTORE");
});

test("delta.`/path` works in SELECT (with $params), in DML and in DESCRIBE HISTORY", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  const dir = mkdtempSync(path.join(os.tmpdir(), "weir-path-"));
  tc.after(() => rmSync(dir, { recursive: true, force: true }));
  await spark.createDataFrame([{ id: 1 }, { id: 2 }, { id: 3 }]).write.format("delta").save(dir);
  assert.deepEqual(await rows(spark, `SELECT count(*) AS n FROM delta.\`${dir}\` WHERE id > $m`, { m: 1 }), [{ n: 2n }]);
  await spark.sql(`DELETE FROM delta.\`${dir}\` WHERE id = 1`);
  assert.deepEqual(await rows(spark, `SELECT d.id FROM delta.\`${dir}\` AS d ORDER BY d.id`), [{ id: 2 }, { id: 3 }]);
  assert.equal((await rows(spark, `DESCRIBE HISTORY delta.\`${dir}\``)).length, 2);
});

test("catalog tables join temp views and each other in ordinary SELECTs; DuckDB's own DESCRIBE SELECT still works", async (tc) => {
  const { spark } = await openWarehouse(tc);
  await using _ = spark;
  await spark.sql("CREATE DATABASE gold");
  await spark.sql("CREATE TABLE gold.customers AS SELECT * FROM (VALUES (1, 'ann'), (2, 'bob')) v(id, name)");
  await spark.sql("CREATE TABLE orders AS SELECT * FROM (VALUES (10, 1, 5.0::DOUBLE), (11, 2, 7.0::DOUBLE), (12, 1, 1.0::DOUBLE)) v(oid, cid, amount)");
  spark.createDataFrame([{ name: "ann", tier: "gold" }]).createOrReplaceTempView("tiers");
  const out = await rows(spark, `
    WITH totals AS (SELECT cid, sum(amount) AS total FROM orders GROUP BY cid)
    SELECT c.name, totals.total, tiers.tier FROM gold.customers c JOIN totals ON totals.cid = c.id, tiers
    WHERE tiers.name = c.name`);
  assert.deepEqual(out, [{ name: "ann", total: 6, tier: "gold" }]);
  assert.ok((await rows(spark, "DESCRIBE SELECT 1 AS x")).length > 0);
});
