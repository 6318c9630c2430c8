/**
 * DeltaTable.merge with a cached source (`await df.persist()`): MERGE reads the cache table through a view
 * instead of copying it, and must give the same table, metrics and duplicate-source failure as an uncached source.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { DeltaTable, Session, t, WeirError } from "../../../src/index.js";

type R = Record<string, unknown>;
const tmp = mkdtempSync(path.join(os.tmpdir(), "weir-merge-cached-"));
let spark: Session;
before(async () => { spark = await Session.create({ threads: 2 }); });
after(async () => { await spark.close(); rmSync(tmp, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int32(), qty: t.int32(), note: t.string() });
const norm = (rows: readonly R[]): R[] => rows.map((r) => ({ id: Number(r.id), qty: r.qty === null ? null : Number(r.qty), note: r.note ?? null })).sort((a, b) => a.id - b.id);
const target = [{ id: 1, qty: 10, note: "a" }, { id: 2, qty: 20, note: "b" }, { id: 3, qty: 30, note: "c" }];
const updates = [{ id: 2, qty: 21, note: null }, { id: 3, qty: 29, note: "old" }, { id: 4, qty: 40, note: "d" }];

async function mergeInto(name: string, cached: boolean): Promise<{ rows: R[]; metrics: Record<string, unknown> }> {
  const root = path.join(tmp, name);
  await spark.createDataFrame(target as never[], schema).write.format("delta").save(root);
  const plain = spark.createDataFrame(updates as never[], schema);
  const src = cached ? await plain.persist() : plain;
  try {
    const m = await (await DeltaTable.forPath(spark, root)).alias("t").merge(src.alias("s"), "t.id = s.id")
      .whenMatchedUpdateAll("s.qty > t.qty").whenNotMatchedInsertAll().execute();
    return { rows: norm(await spark.read.format("delta").load(root).collect() as R[]), metrics: m };
  } finally {
    if (cached) await src.unpersist();
  }
}

test("merge from a persisted source updates, copies and inserts exactly as from an uncached one", async () => {
  const a = await mergeInto("plain", false);
  const b = await mergeInto("cached", true);
  assert.deepEqual(b.rows, [{ id: 1, qty: 10, note: "a" }, { id: 2, qty: 21, note: null }, { id: 3, qty: 30, note: "c" }, { id: 4, qty: 40, note: "d" }]);
  assert.deepEqual(b.rows, a.rows);
  for (const k of ["numSourceRows", "numTargetRowsInserted", "numTargetRowsUpdated", "numTargetRowsCopied", "numTargetFilesRemoved"]) assert.equal(b.metrics[k], a.metrics[k], k);
});

test("merge from a persisted source with two rows for one key fails and leaves the cache table readable", async () => {
  const root = path.join(tmp, "dup");
  await spark.createDataFrame(target as never[], schema).write.format("delta").save(root);
  const src = await spark.createDataFrame([{ id: 1, qty: 1, note: "x" }, { id: 1, qty: 2, note: "y" }] as never[], schema).persist();
  await assert.rejects((await DeltaTable.forPath(spark, root)).alias("t").merge(src.alias("s"), "t.id = s.id").whenMatchedUpdateAll().execute(),
    (e: unknown) => e instanceof WeirError && e.code === "WEIR_DELTA_MERGE_DUPLICATE_SOURCE");
  assert.equal(await src.count(), 2);
  assert.deepEqual(norm(await spark.read.format("delta").load(root).collect() as R[]), target);
  await src.unpersist();
});
