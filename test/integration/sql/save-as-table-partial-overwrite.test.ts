/**
 * saveAsTable(overwrite) with replaceWhere or dynamic partition overwrite on an existing partitioned table
 * keeps the table's partitioning: rows outside the replaced partitions keep their partition values.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Session, t } from "../../../src/index.js";

const warehouse = mkdtempSync(path.join(os.tmpdir(), "weir-partial-overwrite-"));
let spark: Session;
before(async () => { spark = await Session.create({ warehouse, threads: 1 }); });
after(async () => { await spark.close(); rmSync(warehouse, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int32(), day: t.string() });
const rows = async (name: string): Promise<unknown[]> => spark.sql(`SELECT id, day FROM ${name} ORDER BY id`).collect();

test("saveAsTable overwrite with replaceWhere replaces one partition and keeps the others' partition values", async () => {
  await spark.createDataFrame([{ id: 1, day: "d1" }, { id: 2, day: "d2" }], schema).write.partitionBy("day").saveAsTable("events");
  await spark.createDataFrame([{ id: 3, day: "d2" }], schema).write.mode("overwrite").option("replaceWhere", "day = 'd2'").saveAsTable("events");
  assert.deepEqual(await rows("events"), [{ id: 1, day: "d1" }, { id: 3, day: "d2" }]);
});

test("saveAsTable overwrite with dynamic partition overwrite keeps untouched partitions intact", async () => {
  await spark.createDataFrame([{ id: 1, day: "d1" }, { id: 2, day: "d2" }], schema).write.partitionBy("day").saveAsTable("events_dyn");
  await spark.createDataFrame([{ id: 4, day: "d1" }], schema).write.mode("overwrite").option("partitionOverwriteMode", "dynamic").saveAsTable("events_dyn");
  assert.deepEqual(await rows("events_dyn"), [{ id: 2, day: "d2" }, { id: 4, day: "d1" }]);
});

test("a full saveAsTable overwrite replaces data and schema, as Delta's REPLACE TABLE AS SELECT", async () => {
  await spark.createDataFrame([{ id: 1, day: "d1" }], schema).write.partitionBy("day").saveAsTable("events_full");
  await spark.createDataFrame([{ id: 9, note: "x" }]).write.mode("overwrite").saveAsTable("events_full");
  assert.deepEqual(await spark.sql("SELECT * FROM events_full").collect(), [{ id: 9, note: "x" }]);
});
