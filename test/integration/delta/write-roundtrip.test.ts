/**
 * Tables written by `df.write.format("delta")` replay correctly through an independent minimal reader
 * (hand-parsed log JSON, checkpoint decoded with plain DuckDB SQL) and match the protocol's action schemas.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, readdirSync, existsSync, readFileSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { col, DeltaTable, Session, t, WeirError } from "../../../src/index.js";
import { commitVersions, readCommit, replay, rowsOf, type Json } from "./independent-reader.js";

let spark: Session;
let instance: DuckDBInstance;
let conn: DuckDBConnection;
let tmp: string;
before(async () => {
  spark = await Session.create({ threads: 2 });
  instance = await DuckDBInstance.create(":memory:");
  conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  tmp = mkdtempSync(path.join(os.tmpdir(), "weir-delta-write-"));
});
after(async () => {
  await spark.close();
  conn.closeSync();
  instance.closeSync();
  rmSync(tmp, { recursive: true, force: true });
});
const dir = (name: string): string => path.join(tmp, name);
const schema = t.struct({ id: t.int64(), day: t.string(), amount: t.float64(), ts: t.timestamp() });
const batch = (from: number, n: number, day = "2024-01-01") =>
  spark.createDataFrame(Array.from({ length: n }, (_, i) => ({ id: BigInt(from + i), day, amount: i % 3 === 0 ? null : (from + i) * 1.5, ts: new Date(Date.UTC(2024, 0, 1, 0, 0, from + i, 250)) })), schema);
const ids = (rows: Json[]): number[] => rows.map((r) => Number(r.id)).sort((a, b) => a - b);
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
const rejectsWith = (p: Promise<unknown>, code: string, re?: RegExp) => assert.rejects(p, (e: unknown) => {
  assert.ok(e instanceof WeirError, String(e));
  assert.equal(e.code, code);
  if (re) assert.match(e.message, re);
  return true;
});

describe("delta writer round trip (independent reader)", () => {
  test("create partitioned, append: log actions match the protocol schemas, rows and stats are right", async () => {
    const root = dir("orders");
    const created = await batch(0, 5).union(batch(5, 5, "2024-01-02")).write.format("delta").partitionBy("day").save(root);
    assert.equal((created as { version?: number }).version, 0, "the delta write reports the version it committed");
    await batch(10, 4, "2024-01-03").write.format("delta").mode("append").save(root);
    assert.deepEqual(commitVersions(root), [0, 1]);
    const st = await replay(root, conn);
    assert.deepEqual(st.protocol, { minReaderVersion: 1, minWriterVersion: 2 });
    assert.deepEqual(st.metaData.partitionColumns, ["day"]);
    const fields = (JSON.parse(st.metaData.schemaString as string) as { fields: { name: string; type: string }[] }).fields.map((f) => `${f.name}:${f.type}`);
    assert.deepEqual(fields, ["id:long", "day:string", "amount:double", "ts:timestamp"]);
    const rows = await rowsOf(root, st, conn);
    assert.deepEqual(ids(rows), range(0, 14));
    assert.deepEqual([...new Set(rows.map((r) => r.day))].sort(), ["2024-01-01", "2024-01-02", "2024-01-03"]);
    // Data files live under hive partition directories and hold no partition column.
    for (const add of st.adds.values()) {
      assert.match(add.path as string, /^day=2024-01-0\d\/part-/);
      const cols = (await conn.runAndReadAll("SELECT name FROM parquet_schema($1)", [path.join(root, add.path as string)])).getRowObjectsJS().map((r) => r.name);
      assert.ok(!cols.includes("day"));
    }
    // Stats agree with the data.
    for (const add of st.adds.values()) {
      const stats = JSON.parse(add.stats as string) as { numRecords: number; minValues: Json; maxValues: Json; nullCount: Json };
      const [actual] = (await conn.runAndReadAll(
        "SELECT count(*)::INT AS n, min(id)::INT AS lo, max(id)::INT AS hi, (count(*) - count(amount))::INT AS nulls, strftime(min(ts), '%Y-%m-%dT%H:%M:%S.%gZ') AS tmin FROM read_parquet($1)",
        [path.join(root, add.path as string)])).getRowObjectsJS();
      assert.equal(stats.numRecords, actual!.n);
      assert.equal(stats.minValues.id, actual!.lo);
      assert.equal(stats.maxValues.id, actual!.hi);
      assert.equal(stats.nullCount.amount, actual!.nulls);
      assert.equal(stats.minValues.ts, actual!.tmin);
    }
    // Timestamps are UTC-adjusted microseconds in the Parquet files.
    const first = [...st.adds.values()][0]!;
    const [tsCol] = (await conn.runAndReadAll("SELECT logical_type FROM parquet_schema($1) WHERE name = 'ts'", [path.join(root, first.path as string)])).getRowObjectsJS();
    assert.match(String(tsCol!.logical_type), /isAdjustedToUTC=(1|true)/i);
    assert.match(String(tsCol!.logical_type), /MICROS/);
    // commitInfo: operation, parameters, metrics, engine.
    assert.equal(st.commitInfos[0]!.operation, "CREATE TABLE AS SELECT");
    assert.equal(st.commitInfos[1]!.operation, "WRITE");
    assert.deepEqual(st.commitInfos[1]!.operationParameters, { mode: "Append", partitionBy: '["day"]' });
    assert.equal((st.commitInfos[1]!.operationMetrics as Json).numOutputRows, "4");
    assert.equal(st.commitInfos[1]!.isBlindAppend, true);
    // Weir's own reader agrees, and a data filter skips files.
    const df = spark.read.format("delta").load(root);
    assert.deepEqual(ids(await df.collect() as Json[]), range(0, 14));
    const plan = await df.filter(col("id").geq(12)).explain({ print: false });
    assert.match(plan, /delta .*: 1 of 3 files/);
  });

  test("modes: error fails on an existing table, ignore writes nothing, overwrite removes every old file", async () => {
    const root = dir("modes");
    await batch(0, 3).write.format("delta").save(root);
    await rejectsWith(batch(3, 3).write.format("delta").save(root), "WEIR_PATH_EXISTS");
    const ignored = await batch(3, 3).write.format("delta").mode("ignore").save(root);
    assert.equal(ignored.committed, false);
    assert.deepEqual(commitVersions(root), [0]);
    await batch(100, 2).write.format("delta").mode("overwrite").save(root);
    const v1 = readCommit(root, 1);
    assert.equal(v1.filter((a) => a.remove).length, 1);
    assert.deepEqual(ids(await rowsOf(root, await replay(root, conn), conn)), [100, 101]);
    // Time travel still sees version 0.
    assert.deepEqual(ids(await spark.read.format("delta").option("versionAsOf", 0).load(root).collect() as Json[]), [0, 1, 2]);
  });

  test("replaceWhere replaces only matching rows and rejects rows outside the condition", async () => {
    const root = dir("replace");
    await batch(0, 4, "2024-01-01").union(batch(4, 4, "2024-01-02")).write.format("delta").partitionBy("day").save(root);
    await batch(50, 2, "2024-01-02").write.format("delta").mode("overwrite").option("replaceWhere", "day = '2024-01-02'").save(root);
    assert.deepEqual(ids(await rowsOf(root, await replay(root, conn), conn)), [0, 1, 2, 3, 50, 51]);
    await rejectsWith(batch(60, 2, "2024-01-03").write.format("delta").mode("overwrite").option("replaceWhere", "day = '2024-01-02'").save(root), "WEIR_DELTA_SCHEMA_MISMATCH", /do not satisfy the condition/);
    // A data-column predicate rewrites the partially matching files.
    await batch(2, 1, "2024-01-01").write.format("delta").mode("overwrite").option("replaceWhere", "id = 2").save(root);
    assert.deepEqual(ids(await rowsOf(root, await replay(root, conn), conn)), [0, 1, 2, 3, 50, 51]);
    assert.equal((await rowsOf(root, await replay(root, conn), conn)).filter((r) => Number(r.id) === 2).length, 1);
  });

  test("schema enforcement lists mismatched columns; mergeSchema and overwriteSchema evolve the schema", async () => {
    const root = dir("schema");
    await batch(0, 2).write.format("delta").save(root);
    const extra = batch(2, 2).withColumn("note", col("day")).withColumn("amount", col("day"));
    await rejectsWith(extra.write.format("delta").mode("append").save(root), "WEIR_DELTA_SCHEMA_MISMATCH", /"amount" is string in the data but double in the table; "note" \(string\) is not in the table/);
    await batch(2, 2).withColumn("note", col("day")).write.format("delta").mode("append").option("mergeSchema", true).save(root);
    const st = await replay(root, conn);
    assert.deepEqual((JSON.parse(st.metaData.schemaString as string) as { fields: { name: string }[] }).fields.map((f) => f.name), ["id", "day", "amount", "ts", "note"]);
    const rows = await spark.read.format("delta").load(root).orderBy("id").collect() as Json[];
    assert.deepEqual(rows.map((r) => r.note), [null, null, "2024-01-01", "2024-01-01"]);
    // Missing columns are written as nulls.
    await spark.createDataFrame([{ id: 9n }], t.struct({ id: t.int64() })).write.format("delta").mode("append").save(root);
    assert.equal((await spark.read.format("delta").load(root).filter(col("id").equalTo(9)).collect() as Json[])[0]!.day, null);
    await rejectsWith(batch(0, 1).write.format("delta").mode("append").partitionBy("day").save(root), "WEIR_DELTA_SCHEMA_MISMATCH", /partitioned by \(nothing\)/);
    await rejectsWith(spark.createDataFrame([{ k: "a" }]).write.format("delta").mode("overwrite").option("overwriteSchema", true).partitionBy("k").save(root), "WEIR_INVALID_ARGUMENT", /all of its columns/);
    await spark.createDataFrame([{ k: "a", v: 1 }]).write.format("delta").mode("overwrite").option("overwriteSchema", true).partitionBy("k").save(root);
    const after = await replay(root, conn);
    assert.deepEqual(after.metaData.partitionColumns, ["k"]);
    assert.deepEqual(await spark.read.format("delta").load(root).collect(), [{ k: "a", v: 1 }]);
  });

  test("idempotent writes: the same txnAppId/txnVersion commits once", async () => {
    const root = dir("txn");
    const w = (v: number) => batch(v * 10, 2).write.format("delta").mode("append").option("txnAppId", "etl").option("txnVersion", v).save(root);
    assert.equal((await w(1)).committed, true);
    assert.equal((await w(1)).committed, false);
    assert.equal((await w(2)).committed, true);
    assert.deepEqual(commitVersions(root), [0, 1]);
    const st = await replay(root, conn);
    assert.equal(st.txns.get("etl"), 2);
  });

  test("a checkpoint every 10 commits, readable without the JSON before it", async () => {
    const root = dir("checkpointed");
    for (let i = 0; i < 12; i++) await batch(i * 2, 2, `2024-01-0${(i % 3) + 1}`).write.format("delta").mode("append").partitionBy("day").save(root);
    const log = path.join(root, "_delta_log");
    assert.ok(existsSync(path.join(log, "00000000000000000010.checkpoint.parquet")));
    assert.deepEqual(JSON.parse(readFileSync(path.join(log, "_last_checkpoint"), "utf8")), { version: 10, size: 13 });
    // The checkpoint uses the protocol's checkpoint schema (structs, a map for partitionValues).
    const types = Object.fromEntries((await conn.runAndReadAll("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($1))", [path.join(log, "00000000000000000010.checkpoint.parquet")])).getRowObjectsJS().map((r) => [r.column_name, r.column_type]));
    assert.match(String(types.add), /^STRUCT\(path VARCHAR, partitionValues MAP\(VARCHAR, VARCHAR\), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR/);
    assert.match(String(types.metaData), /partitionColumns VARCHAR\[\]/);
    assert.match(String(types.protocol), /minReaderVersion INTEGER, minWriterVersion INTEGER/);
    const fromJson = await replay(root, conn);
    const fromCheckpoint = await replay(root, conn, undefined, 10);
    assert.deepEqual([...fromCheckpoint.adds.keys()].sort(), [...fromJson.adds.keys()].sort());
    assert.deepEqual(ids(await rowsOf(root, fromCheckpoint, conn)), range(0, 24));
    // Weir's reader uses the checkpoint: remove the JSON it covers and read again.
    for (const f of readdirSync(log)) if (/^\d{20}\.json$/.test(f) && Number(f.slice(0, 20)) < 10) rmSync(path.join(log, f));
    assert.deepEqual(ids(await spark.read.format("delta").load(root).collect() as Json[]), range(0, 24));
  });

  test("deletion vectors written by DELETE, UPDATE and MERGE replay through the independent reader, from JSON and from a checkpoint", async () => {
    const root = dir("with-dvs");
    for (let i = 0; i < 4; i++) await batch(i * 50, 50, `2024-01-0${(i % 2) + 1}`).write.format("delta").mode("append").option("delta.enableDeletionVectors", "true").partitionBy("day").save(root);
    const table = await DeltaTable.forPath(spark, root);
    await table.delete("id % 7 = 0");
    await table.update("id % 5 = 0", { amount: "-1" });
    const source = batch(20, 30).select(col("id"), col("day"), col("amount"), col("ts"));
    await table.alias("t").merge(source.alias("s"), "t.id = s.id").whenMatchedDelete("s.id < 30").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
    for (let i = 0; i < 4; i++) await table.delete(`id = ${100 + i}`); // versions 7–10: a checkpoint at 10
    const weir = (await spark.read.format("delta").load(root).collect() as Json[]).map((r) => `${r.id}:${r.amount}`).sort();
    const st = await replay(root, conn);
    assert.deepEqual(st.protocol, { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["deletionVectors"], writerFeatures: ["appendOnly", "invariants", "deletionVectors"] });
    assert.ok([...st.adds.values()].some((a) => a.deletionVector), "some live file carries a DV");
    const independent = (st: Parameters<typeof rowsOf>[1]) => rowsOf(root, st, conn).then((rows) => rows.map((r) => `${r.id}:${r.amount}`).sort());
    assert.deepEqual(await independent(st), weir);
    assert.deepEqual(await independent(await replay(root, conn, undefined, 10)), weir, "the checkpoint holds the DVs");
    // ids 0..199; DELETE id % 7 = 0; MERGE deletes 20..29 still present and re-inserts the deleted 21, 28, 35, 42, 49; ids 100..103 deleted.
    const reinserted = [21, 28, 35, 42, 49];
    const expected = range(0, 200).filter((i) => reinserted.includes(i) || ((i % 7 !== 0) && !(i >= 20 && i < 30) && !(i >= 100 && i < 104)));
    assert.deepEqual(weir.map((r) => Number(r.split(":")[0])).sort((a, b) => a - b), expected);
  });

  test("DeltaTable: forPath, isDeltaTable, toDF, history, detail", async () => {
    const root = dir("api");
    await batch(0, 3).write.format("delta").partitionBy("day").option("delta.appendOnly", "true").save(root);
    await batch(3, 3).write.format("delta").mode("append").save(root);
    assert.equal(await DeltaTable.isDeltaTable(spark, root), true);
    assert.equal(await DeltaTable.isDeltaTable(spark, tmp), false);
    await rejectsWith(DeltaTable.forPath(spark, path.join(tmp, "nope")), "WEIR_DELTA_NOT_A_TABLE", /is not a Delta table/);
    mkdirSync(path.join(tmp, "empty-log", "_delta_log"), { recursive: true });
    await rejectsWith(DeltaTable.forPath(spark, path.join(tmp, "empty-log")), "WEIR_DELTA_NOT_A_TABLE", /no commit/);
    const table = await DeltaTable.forPath(spark, root);
    assert.equal(await table.toDF().count(), 6);
    const history = await (await table.history()).collect() as Json[];
    assert.deepEqual(history.map((h) => [Number(h.version), h.operation]), [[1, "WRITE"], [0, "CREATE TABLE AS SELECT"]]);
    assert.equal((await (await table.history(1)).collect()).length, 1);
    const [d] = await (await table.detail()).collect() as Json[];
    assert.equal(d!.format, "delta");
    assert.deepEqual(d!.partitionColumns, ["day"]);
    assert.equal(Number(d!.numFiles), 2);
    assert.equal(d!.minWriterVersion, 2);
  });
});
