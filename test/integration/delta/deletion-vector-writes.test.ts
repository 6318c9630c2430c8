/**
 * Merge-on-read DML: with `delta.enableDeletionVectors = true`, DELETE / UPDATE / MERGE mark rows deleted in
 * deletion vectors instead of rewriting files. Every result is compared with a copy-on-write twin table that
 * ran the same operations; the log is checked for what the protocol requires (protocol (3,7) with the
 * feature, numRecords in the stats of adds with a DV, remove carrying the old DV), and checkpoints, time
 * travel, RESTORE, VACUUM and OPTIMIZE are exercised on tables holding DVs.
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import {
  decodeRoaringBitmapArray, encodeRoaringBitmapArray, readDeletionVector, Snapshot as DeltaSnapshot, writeDeletionVectors,
} from "../../../src/delta/index.js";
import { DuckDBParquetReader } from "../../../src/engine/index.js";
import { col, DeltaTable, lit, Session, t } from "../../../src/index.js";

type R = Record<string, unknown>;
let spark: Session;
let tmp: string;
before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "weir-dv-write-"));
  spark = await Session.create({ threads: 2, warehouse: path.join(tmp, "warehouse") });
});
after(async () => {
  await spark.close();
  rmSync(tmp, { recursive: true, force: true });
});

const schema = t.struct({ id: t.int64(), day: t.string(), qty: t.int32(), note: t.string() });
const rowsFor = (from: number, n: number): R[] => Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), day: `d${(from + i) % 3}`, qty: (from + i) % 7, note: `n${from + i}` }));
const key = (rows: readonly R[]): string => rows.map((r) => `${r.id}|${r.day}|${r.qty}|${r.note}`).sort().join("\n");
const read = async (root: string, version?: number): Promise<R[]> =>
  (version === undefined ? spark.read.format("delta") : spark.read.format("delta").option("versionAsOf", version)).load(root).collect() as Promise<R[]>;
const logLines = (root: string, v: number): R[] =>
  readFileSync(path.join(root, "_delta_log", `${String(v).padStart(20, "0")}.json`), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as R);
/** The latest snapshot (checkpoints decoded by a standalone DuckDB reader). */
const Snapshot = { load: (root: string) => DeltaSnapshot.load(root, { parquetReader: new DuckDBParquetReader() }) };
const dataFiles = (root: string): string[] => readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".parquet") && !f.includes("_delta_log"));

/** Two tables with the same rows in 4 appends (4 files per partition-less table): one with DVs enabled. */
async function twins(name: string, partitioned = false): Promise<{ dv: string; cow: string }> {
  const dv = path.join(tmp, `${name}-dv`);
  const cow = path.join(tmp, `${name}-cow`);
  for (let b = 0; b < 4; b++) {
    for (const [root, enable] of [[dv, "true"], [cow, "false"]] as const) {
      const w = spark.createDataFrame(rowsFor(b * 250, 250), schema).write.format("delta").mode("append").option("delta.enableDeletionVectors", enable);
      await (partitioned ? w.partitionBy("day") : w).save(root);
    }
  }
  return { dv, cow };
}

test("the encoder writes the bytes Delta/Spark wrote for {0, 9}; random sets round-trip through DV files (array, bitmap, run containers, 64-bit keys)", async () => {
  const spark1 = readFileSync(path.resolve(import.meta.dirname, "../../../../shared/delta-conformance/table-with-dv-small/deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin"));
  // version byte, u32 size (36), then magic + bitmap, then CRC
  assert.deepEqual(Buffer.from(encodeRoaringBitmapArray([0, 9])), spark1.subarray(9, 5 + 36));
  const dir = path.join(tmp, "dv-files");
  mkdirSync(dir, { recursive: true });
  let seed = 7;
  const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
  const sets: number[][] = [
    [], [0], [65535, 65536], Array.from({ length: 5000 }, (_, i) => i * 3), // > 4096 in one container: bitmap
    Array.from({ length: 70_000 }, (_, i) => i + 10), // runs across containers
    [1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7, 3 * 2 ** 32], // several 64-bit keys
    [...new Set(Array.from({ length: 3000 }, () => Math.floor(rand() * 300_000)))].sort((a, b) => a - b),
  ];
  for (const s of sets) assert.deepEqual(decodeRoaringBitmapArray(encodeRoaringBitmapArray(s)).values, s);
  const descriptors = await writeDeletionVectors(dir, sets);
  assert.equal(new Set(descriptors.map((d) => d.pathOrInlineDv)).size, 1, "one file for the operation");
  for (const [i, d] of descriptors.entries()) {
    assert.equal(d.storageType, "u");
    assert.equal(d.cardinality, sets[i]!.length);
    assert.deepEqual(await readDeletionVector(dir, d), sets[i]);
  }
  assert.throws(() => encodeRoaringBitmapArray([3, 2]), /ascending/);
});

test("enabling deletion vectors upgrades the protocol to (3,7) with the feature in both lists, keeping what legacy versions implied", async () => {
  const root = path.join(tmp, "upgrade");
  await spark.createDataFrame(rowsFor(0, 10), schema).write.format("delta").save(root);
  assert.deepEqual((logLines(root, 0).find((a) => a.protocol)!.protocol as R), { minReaderVersion: 1, minWriterVersion: 2 });
  await spark.sql(`ALTER TABLE delta.\`${root}\` SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')`).collect();
  const protocol = logLines(root, 1).find((a) => a.protocol)!.protocol as R;
  assert.deepEqual(protocol, { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["appendOnly", "invariants", "deletionVectors"] });
  // A new table created with the property starts there.
  const created = path.join(tmp, "created-dv");
  await spark.createDataFrame(rowsFor(0, 10), schema).write.format("delta").option("delta.enableDeletionVectors", "true").save(created);
  assert.deepEqual((logLines(created, 0).find((a) => a.protocol)!.protocol as R).readerFeatures, ["deletionVectors"]);
});

test("DELETE marks rows in deletion vectors: no data file written, the same rows as copy-on-write, DVs union on a second DELETE", async () => {
  const { dv, cow } = await twins("delete");
  const filesBefore = dataFiles(dv).length;
  for (const root of [dv, cow]) await (await DeltaTable.forPath(spark, root)).delete(col("qty").equalTo(3));
  assert.equal(dataFiles(dv).length, filesBefore, "merge-on-read wrote no data file");
  assert.ok(dataFiles(cow).length > filesBefore, "copy-on-write rewrote files");
  assert.equal(key(await read(dv)), key(await read(cow)));
  const v1 = logLines(dv, 4);
  const adds = v1.filter((a) => a.add).map((a) => a.add as R);
  const removes = v1.filter((a) => a.remove).map((a) => a.remove as R);
  assert.equal(adds.length, 4, "each of the 4 files gets a DV");
  assert.equal(removes.length, 4);
  for (const a of adds) {
    const dvd = a.deletionVector as R;
    assert.equal(dvd.storageType, "u");
    const stats = JSON.parse(a.stats as string) as R;
    assert.equal(stats.numRecords, 250, "numRecords stays the physical row count");
    assert.equal(stats.tightBounds, false);
    assert.ok(removes.some((r) => r.path === a.path && r.deletionVector === undefined), "the remove names the file without a DV");
  }
  const info = v1.find((a) => a.commitInfo)!.commitInfo as { operationMetrics: R };
  assert.equal(info.operationMetrics.numDeletionVectorsAdded, "4");
  assert.equal(info.operationMetrics.numDeletedRows, String(rowsFor(0, 1000).filter((r) => r.qty === 3).length));
  assert.equal(info.operationMetrics.numRemovedFiles, "0");

  // Second DELETE on the same files: DVs are replaced by their union with the new rows.
  for (const root of [dv, cow]) await (await DeltaTable.forPath(spark, root)).delete("qty = 4 OR id < 5");
  assert.equal(key(await read(dv)), key(await read(cow)));
  const v2 = logLines(dv, 5);
  const removes2 = v2.filter((a) => a.remove).map((a) => a.remove as R);
  assert.ok(removes2.every((r) => r.deletionVector !== undefined), "the remove carries the DV it retires");
  const m2 = (v2.find((a) => a.commitInfo)!.commitInfo as { operationMetrics: R }).operationMetrics;
  assert.deepEqual([m2.numDeletionVectorsAdded, m2.numDeletionVectorsUpdated, m2.numDeletionVectorsRemoved, m2.numRemovedFiles], ["0", "4", "0", "0"], "each file's DV was replaced");
  const snap = await Snapshot.load(dv);
  const deleted = await Promise.all(snap.files.map((f) => readDeletionVector(dv, f.add.deletionVector!)));
  assert.equal(deleted.reduce((n, d) => n + d.length, 0), 1000 - (await read(dv)).length, "DV cardinalities add up to the deleted rows");
  // Time travel sees each version as it was.
  assert.equal(key(await read(dv, 3)), key(await read(cow, 3)));
  assert.equal(key(await read(dv, 4)), key(await read(cow, 4)));
});

test("a DELETE removing every remaining row of a file removes the file; deleting by partition removes files whole", async () => {
  const { dv } = await twins("delete-all", true);
  await (await DeltaTable.forPath(spark, dv)).delete("id < 125");
  await (await DeltaTable.forPath(spark, dv)).delete("id < 250");
  const last = logLines(dv, 5);
  assert.equal(last.filter((a) => a.add).length, 0, "the second DELETE emptied the file: no DV add");
  assert.ok(last.filter((a) => a.remove).every((r) => (r.remove as R).deletionVector !== undefined));
  const emptied = (last.find((a) => a.commitInfo)!.commitInfo as { operationMetrics: R }).operationMetrics;
  assert.deepEqual([emptied.numDeletionVectorsAdded, emptied.numDeletionVectorsUpdated, emptied.numDeletionVectorsRemoved, emptied.numRemovedFiles], ["0", "0", "3", "3"], "the 3 files of ids 0..249 went with their DVs");
  await (await DeltaTable.forPath(spark, dv)).delete("day = 'd0'");
  const rows = await read(dv);
  assert.deepEqual(rows.map((r) => Number(r.id)).sort((a, b) => a - b), rowsFor(250, 750).filter((r) => r.day !== "d0").map((r) => Number(r.id)));
  const info = logLines(dv, 6).find((a) => a.commitInfo)!.commitInfo as { operationMetrics: R };
  assert.equal(info.operationMetrics.numDeletedRows, String(rowsFor(250, 750).filter((r) => r.day === "d0").length), "row counts subtract DV cardinalities");
});

test("UPDATE writes only the changed rows and marks their old versions deleted; results equal copy-on-write", async () => {
  const { dv, cow } = await twins("update", true);
  for (const root of [dv, cow]) await (await DeltaTable.forPath(spark, root)).update(col("qty").equalTo(2), { note: lit("updated"), qty: col("qty").plus(100) });
  assert.equal(key(await read(dv)), key(await read(cow)));
  const adds = logLines(dv, 4).filter((a) => a.add).map((a) => a.add as R);
  const newFiles = adds.filter((a) => !a.deletionVector);
  const updated = rowsFor(0, 1000).filter((r) => r.qty === 2).length;
  assert.equal(newFiles.reduce((n, a) => n + Number((JSON.parse(a.stats as string) as R).numRecords), 0), updated, "new files hold only the updated rows");
  const info = logLines(dv, 4).find((a) => a.commitInfo)!.commitInfo as { operationMetrics: R };
  assert.equal(info.operationMetrics.numUpdatedRows, String(updated));
  assert.equal(info.operationMetrics.numCopiedRows, "0");
});

test("MERGE (update, delete, insert, not-matched-by-source) with deletion vectors equals copy-on-write, with the same metrics", async () => {
  const { dv, cow } = await twins("merge", true);
  const source = spark.createDataFrame([
    ...rowsFor(100, 40).map((r) => ({ ...r, qty: 50, note: "upd" })), // updates
    ...rowsFor(300, 10).map((r) => ({ ...r, qty: -1 })), // deleted (qty = -1 marks delete)
    ...rowsFor(5000, 20).map((r) => ({ ...r, note: "new" })), // inserts
  ], schema);
  const metrics: R[] = [];
  for (const root of [dv, cow]) {
    metrics.push(await (await DeltaTable.forPath(spark, root)).alias("t").merge(source.alias("s"), "t.id = s.id")
      .whenMatchedDelete("s.qty = -1").whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .whenNotMatchedBySourceUpdate({ condition: "t.id >= 990", set: { note: "'orphan'" } })
      .execute() as unknown as R);
  }
  assert.equal(key(await read(dv)), key(await read(cow)));
  for (const k of ["numTargetRowsInserted", "numTargetRowsUpdated", "numTargetRowsDeleted", "numTargetRowsNotMatchedBySourceUpdated", "numSourceRows"]) {
    assert.equal(metrics[0]![k], metrics[1]![k], k);
  }
  assert.equal(metrics[0]!.numTargetRowsCopied, 0, "merge-on-read copies nothing");
  assert.ok(Number(metrics[1]!.numTargetRowsCopied) > 0);
  assert.ok(Number(metrics[0]!.numTargetDeletionVectorsAdded) > 0);
  // A second MERGE over files that already have DVs.
  const again = spark.createDataFrame(rowsFor(100, 20).map((r) => ({ ...r, qty: 60, note: "again" })), schema);
  for (const root of [dv, cow]) {
    await (await DeltaTable.forPath(spark, root)).alias("t").merge(again.alias("s"), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
  }
  assert.equal(key(await read(dv)), key(await read(cow)));
  assert.ok(Number((await Snapshot.load(dv)).files.filter((f) => f.add.deletionVector).length) > 0);
});

test("deletion vectors survive checkpoints; RESTORE brings deleted rows back; VACUUM keeps live DV files; OPTIMIZE purges DVs", async () => {
  const { dv, cow } = await twins("lifecycle");
  // 4 appends + 6 DML commits = version 9; the 10th commit writes a checkpoint.
  for (let i = 0; i < 7; i++) {
    for (const root of [dv, cow]) await (await DeltaTable.forPath(spark, root)).delete(`id % 97 = ${i}`);
  }
  assert.ok(existsSync(path.join(dv, "_delta_log", `${"10".padStart(20, "0")}.checkpoint.parquet`)), "a checkpoint was written");
  rmSync(path.join(dv, "_delta_log", `${"9".padStart(20, "0")}.json`)); // force reading the checkpoint, not the JSON
  assert.equal(key(await read(dv)), key(await read(cow)), "the checkpoint kept the DVs");
  const table = await DeltaTable.forPath(spark, dv);
  // VACUUM with retention 0: DV files still referenced stay, replaced ones go.
  await spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", false);
  try {
    const before = readdirSync(dv).filter((f) => f.startsWith("deletion_vector_"));
    const live = new Set((await Snapshot.load(dv)).files.map((f) => f.add.deletionVector?.pathOrInlineDv));
    await table.vacuum(0);
    const after = readdirSync(dv).filter((f) => f.startsWith("deletion_vector_"));
    assert.ok(after.length < before.length, "replaced DV files were vacuumed");
    assert.equal(after.length, live.size, "every live DV file stayed");
    assert.equal(key(await read(dv)), key(await read(cow)));
  } finally {
    await spark.conf.set("spark.databricks.delta.retentionDurationCheck.enabled", true);
  }
  const expected = key(await read(dv));
  const m = await table.optimize().executeCompaction();
  assert.equal(m.numFilesRemoved, 4, "every file with a DV was rewritten");
  assert.equal(key(await read(dv)), expected, "OPTIMIZE keeps the rows");
  assert.equal((await Snapshot.load(dv)).files.filter((f) => f.add.deletionVector).length, 0, "compaction purged the DVs");
  // RESTORE to the version before the first DELETE: every row is back.
  const t2 = await twins("restore");
  await (await DeltaTable.forPath(spark, t2.dv)).delete("qty = 1");
  await (await DeltaTable.forPath(spark, t2.dv)).restoreToVersion(3);
  assert.equal(key(await read(t2.dv)), key(rowsFor(0, 1000)));
});

test("a table written by Delta/Spark with a deletion vector accepts a DELETE: its DV grows to the union", async () => {
  const table = path.join(tmp, "conformance-dv");
  cpSync(path.resolve(import.meta.dirname, "../../../../shared/delta-conformance/table-with-dv-small"), table, { recursive: true });
  await spark.sql(`DELETE FROM delta.\`${table}\` WHERE value = 3`).collect();
  const rows = await read(table);
  assert.deepEqual(rows.map((r) => Number(r.value)).sort((a, b) => a - b), [1, 2, 4, 5, 6, 7, 8]);
  const snap = await Snapshot.load(table);
  assert.equal(snap.files.length, 1);
  assert.deepEqual(await readDeletionVector(table, snap.files[0]!.add.deletionVector!), [0, 3, 9]);
});

test("MERGE shapes agree between merge-on-read and copy-on-write: conditional clauses, duplicate source keys, insert-only, errors", async () => {
  const { dv, cow } = await twins("merge-shapes", true);
  const src = (rows: R[]) => spark.createDataFrame(rows, schema).alias("s");
  const dup = [...rowsFor(10, 5), ...rowsFor(10, 5).map((r) => ({ ...r, qty: 99 }))]; // keys 10..14 twice
  const shapes: [string, (tb: DeltaTable) => Promise<R>][] = [
    ["conditional update, delete and insert", async (tb) => tb.alias("t").merge(src([...rowsFor(200, 30), ...rowsFor(7000, 10)]), "t.id = s.id")
      .whenMatchedUpdate({ condition: "t.qty < 3", set: { qty: "t.qty + s.qty + 10", note: "'cu'" } }).whenMatchedDelete("t.qty > 5")
      .whenNotMatchedInsert({ condition: "s.id % 2 = 0", values: { id: "s.id", day: "s.day", qty: "0", note: "'ins'" } }).execute() as Promise<R>],
    ["matched-only: duplicate source keys where one row acts", async (tb) => tb.alias("t").merge(src(dup), "t.id = s.id")
      .whenMatchedUpdate({ condition: "s.qty = 99", set: { note: "'dup-ok'" } }).execute() as Promise<R>],
    ["unconditional delete with duplicate source keys", async (tb) => tb.alias("t").merge(src(dup), "t.id = s.id").whenMatchedDelete().execute() as Promise<R>],
    ["insert-only", async (tb) => tb.alias("t").merge(src([...rowsFor(400, 5), ...rowsFor(8000, 5)]), "t.id = s.id").whenNotMatchedInsertAll().execute() as Promise<R>],
    ["partition-pruned update", async (tb) => tb.alias("t").merge(src(rowsFor(600, 12).map((r) => ({ ...r, note: "p" }))), "t.day = s.day AND t.id = s.id")
      .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute() as Promise<R>],
  ];
  let withDvs = 0;
  for (const [name, run] of shapes) {
    const [a, b] = [await run(await DeltaTable.forPath(spark, dv)), await run(await DeltaTable.forPath(spark, cow))];
    if (Number(a.numTargetDeletionVectorsAdded) + Number(a.numTargetDeletionVectorsUpdated) > 0) withDvs++;
    assert.equal(key(await read(dv)), key(await read(cow)), name);
    for (const k of ["numSourceRows", "numTargetRowsInserted", "numTargetRowsUpdated", "numTargetRowsDeleted"]) assert.equal(a[k], b[k], `${name}: ${k}`);
  }
  // Several source rows updating one target row fail the same way in both modes, and write nothing.
  for (const root of [dv, cow]) {
    const before = readdirSync(path.join(root, "_delta_log")).length;
    const dup2 = [...rowsFor(20, 3), ...rowsFor(20, 3)];
    await assert.rejects((await DeltaTable.forPath(spark, root)).alias("t").merge(src(dup2), "t.id = s.id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(),
      (e: unknown) => (e as { code?: string }).code === "WEIR_DELTA_MERGE_DUPLICATE_SOURCE");
    assert.equal(readdirSync(path.join(root, "_delta_log")).length, before);
  }
  // (the unconditional delete hit only rows the previous MERGE had rewritten into a file of their own: that file went whole)
  assert.equal(withDvs, 3);
  assert.equal(readdirSync(dv).filter((f) => f.startsWith("deletion_vector_")).length, withDvs, "one DV file per MERGE that wrote DVs; none for the failed one");
});

test("spark.databricks.delta.properties.defaults.enableDeletionVectors applies to tables created afterwards, not to existing ones", async () => {
  const before = path.join(tmp, "defaults-existing");
  await spark.createDataFrame(rowsFor(0, 5), schema).write.format("delta").save(before);
  spark.conf.set("spark.databricks.delta.properties.defaults.enableDeletionVectors", true);
  try {
    const created = path.join(tmp, "defaults-new");
    await spark.createDataFrame(rowsFor(0, 5), schema).write.format("delta").save(created);
    await spark.sql("CREATE TABLE dv_defaults (id BIGINT, note STRING) USING DELTA").collect();
    await spark.createDataFrame(rowsFor(5, 5), schema).write.format("delta").mode("append").save(before);
    const config = (root: string, v = 0): R => ((logLines(root, v).find((a) => a.metaData)?.metaData as R | undefined)?.configuration ?? {}) as R;
    assert.equal(config(created)["delta.enableDeletionVectors"], "true");
    assert.equal(config(path.join(tmp, "warehouse", "dv_defaults"))["delta.enableDeletionVectors"], "true");
    assert.equal((logLines(path.join(tmp, "warehouse", "dv_defaults"), 0).find((a) => a.protocol)!.protocol as R).minReaderVersion, 3);
    assert.equal(logLines(before, 1).find((a) => a.metaData), undefined, "an append to an existing table changes no property");
    const opted = path.join(tmp, "defaults-opt-out");
    await spark.createDataFrame(rowsFor(0, 5), schema).write.format("delta").option("delta.enableDeletionVectors", "false").save(opted);
    assert.equal(config(opted)["delta.enableDeletionVectors"], "false", "a writer option overrides the default");
  } finally {
    spark.conf.unset("spark.databricks.delta.properties.defaults.enableDeletionVectors");
  }
});
