/**
 * vacuum(): refuses short retention unless the check is disabled, deletes only unreferenced files older than
 * the retention (dry run lists them), logs VACUUM START/END commits, and time travel to a vacuumed version then
 * fails naming the file.
 * restoreToVersion / restoreToTimestamp: one RESTORE commit that reads like the old version.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { DeltaTable, Session, t, WeirError } from "../../../src/index.js";

type R = Record<string, unknown>;
const tmp = mkdtempSync(path.join(os.tmpdir(), "weir-vacuum-"));
let spark: Session;
let counter = 0;
before(async () => { spark = await Session.create({ threads: 1 }); });
after(async () => { await spark.close(); rmSync(tmp, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int32(), day: t.string() });
const ids = async (root: string, v?: number): Promise<number[]> =>
  (await (v === undefined ? spark.read.format("delta") : spark.read.format("delta").option("versionAsOf", v)).load(root).collect() as R[]).map((r) => Number(r.id)).sort((a, b) => a - b);

/** v0: ids 0-9 (two partitions), v1: delete ids < 5, v2: append 100. */
async function history(): Promise<string> {
  const root = path.join(tmp, `t${++counter}`);
  await spark.createDataFrame(Array.from({ length: 10 }, (_, i) => ({ id: i, day: `d${i % 2}` })), schema).write.format("delta").partitionBy("day").save(root);
  await (await DeltaTable.forPath(spark, root)).delete("id < 5");
  await spark.createDataFrame([{ id: 100, day: "d0" }], schema).write.format("delta").mode("append").partitionBy("day").save(root);
  return root;
}
const dataFiles = (root: string): string[] => readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".parquet") && !f.startsWith("_delta_log"));

test("vacuum below 168 hours is refused with WEIR_DELTA_RETENTION_TOO_SHORT unless the check is disabled", async () => {
  const root = await history();
  const table = await DeltaTable.forPath(spark, root);
  await assert.rejects(table.vacuum(0), (e: unknown) => e instanceof WeirError && e.code === "WEIR_DELTA_RETENTION_TOO_SHORT" && /168 hours/.test(e.message));
  await assert.rejects(table.vacuum(167.9), (e: unknown) => e instanceof WeirError && e.code === "WEIR_DELTA_RETENTION_TOO_SHORT");
  const r = await table.vacuum();
  assert.equal(r.numDeletedFiles, 0, "removed files are younger than 7 days: kept for time travel");
  assert.deepEqual(await ids(root, 0), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("vacuum deletes only unreferenced files older than the retention; dry run lists them; vacuumed versions fail naming the file", async () => {
  const root = await history();
  const table = await DeltaTable.forPath(spark, root);
  // An orphan from a crashed writer, old and new.
  const oldOrphan = path.join(root, "day=d0", "part-orphan-old.snappy.parquet");
  const newOrphan = path.join(root, "day=d0", "part-orphan-new.snappy.parquet");
  writeFileSync(oldOrphan, "x");
  writeFileSync(newOrphan, "x");
  const tenDaysAgo = new Date(Date.now() - 240 * 3_600_000);
  utimesSync(oldOrphan, tenDaysAgo, tenDaysAgo);
  const dry = await table.vacuumDryRun();
  assert.deepEqual(dry.filesDeleted, [oldOrphan]);
  assert.ok(existsSync(oldOrphan), "dry run deletes nothing");
  spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", false);
  try {
    const before = dataFiles(root).length;
    const latest = await ids(root);
    const r = await table.vacuum(0);
    // The two files v1 rewrote/removed, plus both orphans, are gone; the latest version's files stay.
    assert.equal(r.numDeletedFiles, before - dataFiles(root).length);
    assert.ok(!existsSync(oldOrphan) && !existsSync(newOrphan));
    assert.deepEqual(await ids(root), latest);
    await assert.rejects(ids(root, 0), (e: unknown) => e instanceof WeirError && e.code === "WEIR_DELTA_MISSING_FILE" && /\.parquet is missing/.test(e.message));
    // Logged as Delta does: VACUUM START (what it plans) and VACUUM END (what it did), commitInfo only.
    const [end, start] = await (await table.history(2)).collect() as Record<string, unknown>[];
    assert.deepEqual([start!.operation, end!.operation], ["VACUUM START", "VACUUM END"]);
    const m = (row: Record<string, unknown>, col: string, key: string): unknown => (row[col] as Map<string, string>).get(key);
    assert.equal(m(start!, "operationMetrics", "numFilesToDelete"), String(r.numDeletedFiles));
    assert.equal(m(end!, "operationMetrics", "numDeletedFiles"), String(r.numDeletedFiles));
    assert.equal(m(end!, "operationParameters", "status"), "COMPLETED");
    const versions = Number(end!.version);
    await table.vacuumDryRun(0);
    spark.conf.set("spark.databricks.delta.vacuum.logging.enabled", false);
    writeFileSync(oldOrphan, "x");
    utimesSync(oldOrphan, tenDaysAgo, tenDaysAgo);
    assert.equal((await table.vacuum(0)).numDeletedFiles, 1);
    assert.equal(Number((await (await table.history(1)).collect())[0]!.version), versions, "a dry run, and vacuum with logging off, commit nothing");
  } finally {
    spark.conf.unset("spark.databricks.delta.vacuum.logging.enabled");
    spark.conf.unset("spark.databricks.delta.retentionDurationCheck.enabled");
  }
});

test("restoreToVersion makes the latest version read like the old one, in one RESTORE commit with Spark's metrics", async () => {
  const root = await history();
  const table = await DeltaTable.forPath(spark, root);
  const m = await table.restoreToVersion(0);
  assert.equal(m.version, 3);
  assert.deepEqual(await ids(root), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(m.numOfFilesAfterRestore, 2);
  assert.ok(m.numRestoredFiles >= 1 && m.numRemovedFiles >= 1);
  const [h] = await (await table.history(1)).collect();
  assert.equal(h!.operation, "RESTORE");
  assert.deepEqual(await ids(root, 2), [5, 6, 7, 8, 9, 100], "history is kept");
  await table.restoreToVersion(2);
  assert.deepEqual(await ids(root), [5, 6, 7, 8, 9, 100]);
});

test("restoreToTimestamp restores the version current at that time; a vacuumed version cannot be restored", async () => {
  const root = await history();
  const table = await DeltaTable.forPath(spark, root);
  const v1Time = (await (await table.history()).collect()).find((r) => Number(r.version) === 1)!.timestamp as Date;
  await table.restoreToTimestamp(new Date(v1Time.getTime() + 1));
  assert.deepEqual(await ids(root), [5, 6, 7, 8, 9]);
  spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
  try {
    await table.vacuum(0);
  } finally {
    spark.conf.unset("spark.databricks.delta.retentionDurationCheck.enabled");
  }
  const versions = readdirSync(path.join(root, "_delta_log")).filter((f) => f.endsWith(".json")).length;
  await assert.rejects(table.restoreToVersion(0), (e: unknown) => e instanceof WeirError && e.code === "WEIR_DELTA_MISSING_FILE");
  assert.equal(readdirSync(path.join(root, "_delta_log")).filter((f) => f.endsWith(".json")).length, versions, "nothing committed");
});
