import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DeltaTable, Session, WeirError, fullRefresh, replacePartitions, scd2, t, upsert } from "../../src/index.js";

type R = Record<string, unknown>;
const d = (s: string): Date => new Date(`${s}T00:00:00Z`);

describe("merge patterns", () => {
  let spark: Session;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "weir-merge-patterns-"));
    spark = await Session.create({ warehouse: path.join(dir, "wh"), threads: 1, memoryLimit: "1GB" });
  });
  after(async () => {
    await spark.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const read = async (p: string, order = "id"): Promise<R[]> => spark.read.format("delta").load(p).orderBy(order).collect() as Promise<R[]>;
  const customer = t.struct({ id: t.int32(), city: t.string(), tier: t.string(), name: t.string(), updated_at: t.timestamp() });

  it("upsert creates the target, then updates existing keys and inserts new ones with the latest source row per key", async () => {
    const target = path.join(dir, "upsert");
    const schema = t.struct({ id: t.int32(), v: t.string(), ts: t.int32() });
    const first = await upsert(spark, { target, source: spark.createDataFrame([{ id: 1, v: "a", ts: 1 }, { id: 2, v: "b", ts: 1 }], schema), keys: ["id"] });
    assert.deepEqual(first, { rowsInserted: 2, rowsUpdated: 0, version: 0 });
    const res = await upsert(spark, {
      target, keys: ["id"], orderBy: ["ts"],
      source: spark.createDataFrame([{ id: 2, v: "b-old", ts: 2 }, { id: 2, v: "b-new", ts: 3 }, { id: 3, v: "c", ts: 1 }], schema),
    });
    assert.deepEqual([res.rowsInserted, res.rowsUpdated, res.version], [1, 1, 1]);
    assert.deepEqual(await read(target), [{ id: 1, v: "a", ts: 1 }, { id: 2, v: "b-new", ts: 3 }, { id: 3, v: "c", ts: 1 }]);
  });

  it("upsert creating the target reports the rows it inserted after the per-key dedupe, not the source rows", async () => {
    const target = path.join(dir, "upsert-first-dupes");
    const schema = t.struct({ id: t.int32(), v: t.string(), ts: t.int32() });
    const source = spark.createDataFrame([{ id: 1, v: "old", ts: 1 }, { id: 1, v: "new", ts: 2 }, { id: 2, v: "b", ts: 1 }, { id: 2, v: "b2", ts: 3 }, { id: 3, v: "c", ts: 1 }], schema);
    const res = await upsert(spark, { target, source, keys: ["id"], orderBy: ["ts"], partitionBy: ["ts"] });
    assert.deepEqual(res, { rowsInserted: 3, rowsUpdated: 0, version: 0 });
    assert.deepEqual(await read(target), [{ id: 1, v: "new", ts: 2 }, { id: 2, v: "b2", ts: 3 }, { id: 3, v: "c", ts: 1 }]);
  });

  it("upsert with a NULL key fails with WEIR_PIPELINE_NULL_KEY and writes nothing", async () => {
    const target = path.join(dir, "upsert-null");
    const schema = t.struct({ id: t.int32(), v: t.string() });
    await upsert(spark, { target, source: spark.createDataFrame([{ id: 1, v: "a" }], schema), keys: ["id"] });
    await assert.rejects(upsert(spark, { target, source: spark.createDataFrame([{ id: null, v: "x" }, { id: 5, v: "y" }], schema), keys: ["id"] }),
      (e: unknown) => e instanceof WeirError && e.code === "WEIR_PIPELINE_NULL_KEY" && /1 source row has NULL/.test(e.message));
    assert.deepEqual(await read(target), [{ id: 1, v: "a" }]);
  });

  it("scd2 chains several changes of one key in one batch, skips unchanged versions and is idempotent on rerun", async () => {
    const target = path.join(dir, "dim_customer");
    const opts = { target, keys: ["id"], trackedColumns: ["city", "tier"], effectiveFrom: "updated_at" };
    const first = await scd2(spark, { ...opts, source: spark.createDataFrame([
      { id: 1, city: "Paris", tier: "gold", name: "Ann", updated_at: d("2024-01-01") },
      { id: 2, city: "Oslo", tier: "silver", name: "Bo", updated_at: d("2024-01-01") },
    ], customer) });
    assert.deepEqual(first, { versionsInserted: 2, versionsClosed: 0, version: 0 });
    const batch = spark.createDataFrame([
      // id 1 moves twice in one batch (given out of order) and once changes only an untracked column.
      { id: 1, city: "Rome", tier: "gold", name: "Ann", updated_at: d("2024-03-01") },
      { id: 1, city: "Lyon", tier: "gold", name: "Ann", updated_at: d("2024-02-01") },
      { id: 1, city: "Rome", tier: "gold", name: "Ann B.", updated_at: d("2024-04-01") },
      // id 2 unchanged; id 3 new.
      { id: 2, city: "Oslo", tier: "silver", name: "Bo", updated_at: d("2024-02-01") },
      { id: 3, city: "Kyiv", tier: "bronze", name: "Cy", updated_at: d("2024-02-15") },
    ], customer);
    const res = await scd2(spark, { ...opts, source: batch });
    assert.deepEqual([res.versionsInserted, res.versionsClosed, res.version], [3, 1, 1]);
    const rows = (await read(target)).map((r) => [r.id, r.city, (r.start_at as Date).toISOString().slice(0, 10), r.end_at ? (r.end_at as Date).toISOString().slice(0, 10) : null, r.is_current]);
    const expected = [
      [1, "Paris", "2024-01-01", "2024-02-01", false], [1, "Lyon", "2024-02-01", "2024-03-01", false], [1, "Rome", "2024-03-01", null, true],
      [2, "Oslo", "2024-01-01", null, true], [3, "Kyiv", "2024-02-15", null, true],
    ];
    const sorted = (x: unknown[][]): unknown[][] => [...x].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[2]).localeCompare(String(b[2])));
    assert.deepEqual(sorted(rows), sorted(expected));
    const again = await scd2(spark, { ...opts, source: batch });
    assert.deepEqual([again.versionsInserted, again.versionsClosed, again.version], [0, 0, undefined], "a rerun of the same batch changes nothing");
    assert.equal((await read(target)).length, 5);
  });

  it("fullRefresh swaps the content in one overwrite commit; the previous version still reads the old rows", async () => {
    const target = path.join(dir, "refresh");
    assert.deepEqual(await fullRefresh(spark, { target, source: spark.createDataFrame([{ id: 1, v: "old" }, { id: 2, v: "old" }]) }), { version: 0 });
    const res = await fullRefresh(spark, { target, source: spark.createDataFrame([{ id: 7, v: "new", extra: true }]) });
    assert.equal(res.version, 1);
    assert.deepEqual(await read(target), [{ id: 7, v: "new", extra: true }]);
    assert.equal((await spark.read.format("delta").option("versionAsOf", 0).load(target).collect()).length, 2);
    const [h] = await (await (await DeltaTable.forPath(spark, target)).history(1)).collect();
    assert.equal(h!.operation, "WRITE", "one commit removes the old files and adds the new ones");
  });

  it("replacePartitions rerun for the same day leaves exactly one copy of that day", async () => {
    const target = path.join(dir, "sales");
    const schema = t.struct({ day: t.string(), amount: t.int32() });
    const versions: (number | undefined)[] = [];
    versions.push((await replacePartitions(spark, { target, partitionBy: ["day"], replaceWhere: "day = '2024-01-01'", source: spark.createDataFrame([{ day: "2024-01-01", amount: 1 }], schema) })).version);
    const day2 = spark.createDataFrame([{ day: "2024-01-02", amount: 2 }, { day: "2024-01-02", amount: 3 }], schema);
    versions.push((await replacePartitions(spark, { target, replaceWhere: "day = '2024-01-02'", source: day2 })).version);
    versions.push((await replacePartitions(spark, { target, replaceWhere: "day = '2024-01-02'", source: day2 })).version);
    assert.deepEqual(versions, [0, 1, 2]);
    assert.deepEqual(await read(target, "amount"), [{ day: "2024-01-01", amount: 1 }, { day: "2024-01-02", amount: 2 }, { day: "2024-01-02", amount: 3 }]);
    await assert.rejects(replacePartitions(spark, { target, replaceWhere: "day = '2024-01-03'", source: day2 }), /do not satisfy the condition/);
  });

  it("merge patterns write catalog tables by name", async () => {
    await spark.sql("CREATE DATABASE IF NOT EXISTS silver");
    const created = await upsert(spark, { target: "silver.people", source: spark.createDataFrame([{ id: 1, v: "a" }, { id: 2, v: "x" }]), keys: ["id"] });
    assert.deepEqual(created, { rowsInserted: 2, rowsUpdated: 0, version: 0 });
    const updated = await upsert(spark, { target: "silver.people", source: spark.createDataFrame([{ id: 1, v: "b" }]), keys: ["id"] });
    assert.deepEqual(updated, { rowsInserted: 0, rowsUpdated: 1, version: 1 });
    assert.deepEqual(await spark.sql("SELECT * FROM silver.people ORDER BY id").collect(), [{ id: 1, v: "b" }, { id: 2, v: "x" }]);
    assert.deepEqual(await fullRefresh(spark, { target: "silver.people_copy", source: spark.sql("SELECT * FROM silver.people") }), { version: 0 });
  });
});
