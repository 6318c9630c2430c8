/**
 * DeltaTable.forName resolves catalog names (db.table and the current database) to the table's location and
 * fails with a did-you-mean error for unknown names.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { DeltaTable, Session, WeirError } from "../../../src/index.js";

const warehouse = mkdtempSync(path.join(os.tmpdir(), "weir-forname-"));
let spark: Session;
before(async () => { spark = await Session.create({ warehouse, threads: 1 }); });
after(async () => { await spark.close(); rmSync(warehouse, { recursive: true, force: true }); });

test("forName merges into a catalog table by name and the change is visible through SQL", async () => {
  await spark.sql("CREATE DATABASE gold");
  await spark.sql("CREATE TABLE gold.customers (id INT, name STRING) USING DELTA");
  await spark.sql("INSERT INTO gold.customers SELECT 1, 'ann'");
  const updates = spark.createDataFrame([{ id: 1, name: "anne" }, { id: 2, name: "bob" }]);
  const metrics = await (await DeltaTable.forName(spark, "gold.customers")).alias("t")
    .merge(updates.alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
  assert.equal(metrics.numTargetRowsUpdated, 1);
  assert.equal(metrics.numTargetRowsInserted, 1);
  const rows = await spark.sql("SELECT id, name FROM gold.customers ORDER BY id").collect();
  assert.deepEqual(rows, [{ id: 1, name: "anne" }, { id: 2, name: "bob" }]);
});

test("forName of an unknown table fails with WEIR_UNKNOWN_TABLE and suggests the close name", async () => {
  await assert.rejects(DeltaTable.forName(spark, "gold.customer"), (e: unknown) =>
    e instanceof WeirError && e.code === "WEIR_UNKNOWN_TABLE" && /customers/.test(e.message));
});
