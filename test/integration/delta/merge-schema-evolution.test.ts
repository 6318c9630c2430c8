/**
 * MERGE schema evolution (delta-spark's `withSchemaEvolution()`, `spark.databricks.delta.schema.autoMerge.enabled`,
 * SQL `MERGE WITH SCHEMA EVOLUTION INTO`): source columns the table lacks join its schema, set by the `*` clauses;
 * other rows read them as null. Copy-on-write and merge-on-read tables behave the same.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { DeltaTable, Session, t } from "../../../src/index.js";

type R = Record<string, unknown>;
let spark: Session;
let tmp: string;
before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "weir-merge-evolve-"));
  spark = await Session.create({ threads: 2, warehouse: path.join(tmp, "wh") });
});
after(async () => {
  await spark.close();
  rmSync(tmp, { recursive: true, force: true });
});

const target = t.struct({ id: t.int64(), qty: t.int32() });
const source = t.struct({ id: t.int64(), qty: t.int32(), tag: t.string() });
const rowsOf = async (root: string): Promise<string[]> =>
  ((await spark.read.format("delta").load(root).orderBy("id").collect()) as R[]).map((r) => `${r.id}:${r.qty}:${r.tag ?? "null"}`);
const schemaString = (root: string, v: number): string => {
  const lines = readFileSync(path.join(root, "_delta_log", `${String(v).padStart(20, "0")}.json`), "utf8").split("\n").filter(Boolean);
  return ((lines.map((l) => JSON.parse(l) as R).find((a) => a.metaData)?.metaData as R | undefined)?.schemaString as string | undefined) ?? "";
};

async function table(name: string, dv: boolean): Promise<string> {
  const root = path.join(tmp, name);
  await spark.createDataFrame([{ id: 1n, qty: 1 }, { id: 2n, qty: 2 }, { id: 3n, qty: 3 }], target).write.format("delta").option("delta.enableDeletionVectors", String(dv)).save(root);
  return root;
}
const updates = () => spark.createDataFrame([{ id: 2n, qty: 20, tag: "u" }, { id: 9n, qty: 90, tag: "i" }], source);

for (const dv of [false, true]) {
  test(`withSchemaEvolution() adds the source's new column; updated and inserted rows carry it, others read null (${dv ? "deletion vectors" : "copy-on-write"})`, async () => {
    const root = await table(`evolve-${dv}`, dv);
    const m = await (await DeltaTable.forPath(spark, root)).alias("t").merge(updates().alias("s"), "t.id = s.id")
      .withSchemaEvolution().whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
    assert.equal(m.numTargetRowsUpdated, 1);
    assert.equal(m.numTargetRowsInserted, 1);
    assert.deepEqual(await rowsOf(root), ["1:1:null", "2:20:u", "3:3:null", "9:90:i"]);
    const fields = (JSON.parse(schemaString(root, 1)) as { fields: { name: string; type: string; nullable: boolean }[] }).fields;
    assert.deepEqual(fields.map((f) => `${f.name}:${f.type}:${f.nullable}`), ["id:long:true", "qty:integer:true", "tag:string:true"]);
  });
}

test("without evolution the extra source column is not added; autoMerge.enabled turns evolution on for every MERGE", async () => {
  const plain = await table("plain", false);
  await (await DeltaTable.forPath(spark, plain)).alias("t").merge(updates().alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
  assert.equal(schemaString(plain, 1), "", "no metaData action: the schema is unchanged");
  assert.deepEqual(await rowsOf(plain), ["1:1:null", "2:20:null", "3:3:null", "9:90:null"]);

  const auto = await table("auto", false);
  spark.conf.set("spark.databricks.delta.schema.autoMerge.enabled", true);
  try {
    await (await DeltaTable.forPath(spark, auto)).alias("t").merge(updates().alias("s"), "t.id = s.id").whenNotMatchedInsertAll().execute();
  } finally {
    spark.conf.unset("spark.databricks.delta.schema.autoMerge.enabled");
  }
  assert.deepEqual(await rowsOf(auto), ["1:1:null", "2:2:null", "3:3:null", "9:90:i"]);
});

test("SQL: MERGE WITH SCHEMA EVOLUTION INTO", async () => {
  const root = await table("sql", true);
  updates().createOrReplaceTempView("changes");
  await spark.sql(`MERGE WITH SCHEMA EVOLUTION INTO delta.\`${root}\` AS t USING changes AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`).collect();
  assert.deepEqual(await rowsOf(root), ["1:1:null", "2:20:u", "3:3:null", "9:90:i"]);
});
