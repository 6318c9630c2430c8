import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DeltaTable, Session, WeirError, col, getWatermark, incrementalLoad, t } from "../../src/index.js";

type R = Record<string, unknown>;
const ts = (s: string): Date => new Date(`2024-01-${s}Z`);

describe("incrementalLoad", () => {
  let spark: Session;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "weir-incremental-"));
    spark = await Session.create({ warehouse: path.join(dir, "wh"), threads: 1, memoryLimit: "1GB" });
  });
  after(async () => {
    await spark.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const schema = t.struct({ id: t.int32(), v: t.string(), updated_at: t.timestamp() });
  const setup = (name: string): { src: string; target: string; append: (rows: R[]) => Promise<void>; load: (extra?: object) => ReturnType<typeof incrementalLoad> } => {
    const src = path.join(dir, `${name}-src`);
    const target = path.join(dir, `${name}-silver`);
    return {
      src, target,
      append: async (rows) => { await spark.createDataFrame(rows, schema).write.format("delta").mode("append").save(src); },
      load: (extra = {}) => incrementalLoad(spark, { name, source: spark.read.format("delta").load(src), target, watermarkColumn: "updated_at", keys: ["id"], ...extra }),
    };
  };
  const rows = async (p: string): Promise<string[]> => (await spark.read.format("delta").load(p).orderBy("id").collect()).map((r) => `${r.id}:${r.v}`);

  it("the first run loads everything, later runs only newer rows; ties on the watermark arriving later are loaded; an empty increment commits nothing", async () => {
    const { target, append, load } = setup("ties");
    await append([{ id: 1, v: "a", updated_at: ts("01T00:00:00") }, { id: 2, v: "b", updated_at: ts("02T00:00:00") }]);
    const first = await load();
    assert.deepEqual([first.seq, first.rowsExtracted, first.rowsInserted, first.targetVersion, first.previousWatermark, first.watermark?.text], [1, 2, 2, 0, undefined, "2024-01-02 00:00:00+00"]);
    // id 3 carries exactly the last watermark (a tie that reached the source late); id 1 is updated.
    await append([{ id: 3, v: "c", updated_at: ts("02T00:00:00") }]);
    await spark.sql("SELECT 1::INT AS id, 'a2' AS v, TIMESTAMPTZ '2024-01-03 00:00:00.000001+00' AS updated_at").write.format("delta").mode("append").save(path.join(dir, "ties-src"));
    const second = await load();
    assert.deepEqual([second.seq, second.rowsExtracted, second.rowsInserted, second.rowsUpdated], [2, 2, 1, 1]);
    assert.equal(second.watermark?.text, "2024-01-03 00:00:00.000001+00", "microseconds are kept");
    assert.deepEqual(await rows(target), ["1:a2", "2:b", "3:c"]);
    const versions = (await (await DeltaTable.forPath(spark, target)).history()).count();
    const empty = await load();
    assert.deepEqual([empty.seq, empty.rowsExtracted], [2, 0]);
    assert.equal(await (await DeltaTable.forPath(spark, target)).history().then((h) => h.count()), await versions, "no commit for an empty increment");
    const w = await getWatermark(spark, "ties");
    assert.deepEqual([w?.seq, w?.watermark?.text, w?.targetVersion], [2, "2024-01-03 00:00:00.000001+00", 1]);
  });

  it("the target commit carries the job's txn and watermark; _weir.watermarks is repaired from it when lost", async () => {
    const { target, append, load } = setup("repair");
    await append([{ id: 1, v: "a", updated_at: ts("01T00:00:00") }]);
    await load();
    const [h] = await (await (await DeltaTable.forPath(spark, target)).history(1)).collect();
    assert.deepEqual(JSON.parse(String(h!.userMetadata)).weir.seq, 1);
    rmSync(path.join(dir, "wh", "_weir.db", "watermarks"), { recursive: true, force: true });
    await append([{ id: 2, v: "b", updated_at: ts("02T00:00:00") }]);
    const res = await load();
    assert.equal(res.recovered, true);
    assert.deepEqual([res.seq, res.rowsExtracted], [2, 1], "only the new row is extracted after the repair");
    assert.deepEqual(await rows(target), ["1:a", "2:b"]);
  });

  it("several source rows per key in one batch: the latest by watermark wins; an older late row does not overwrite a newer one", async () => {
    const { target, append, load } = setup("dupes");
    await append([{ id: 1, v: "old", updated_at: ts("01T00:00:00") }, { id: 1, v: "new", updated_at: ts("01T10:00:00") }, { id: 2, v: "x", updated_at: ts("01T05:00:00") }]);
    await load();
    assert.deepEqual(await rows(target), ["1:new", "2:x"]);
    await append([{ id: 1, v: "stale", updated_at: ts("01T10:00:00") }, { id: 3, v: "y", updated_at: ts("01T10:00:00") }]);
    const second = await load();
    assert.deepEqual(await rows(target), ["1:new", "2:x", "3:y"], "the tie row for a key already at that watermark is not applied twice");
    assert.deepEqual([second.rowsExtracted, second.rowsMerged, second.rowsInserted], [1, 1, 1]);
    // Unique keys skip the per-key dedupe; duplicates within a transformed batch are still reduced to the latest.
    await append([{ id: 4, v: "z", updated_at: ts("02T00:00:00") }]);
    const third = await load({ transform: (b: ReturnType<Session["range"]>) => b.unionByName(b.withColumn("v", col("v").cast("string")).withColumn("updated_at", col("updated_at"))) });
    assert.deepEqual([third.rowsExtracted, third.rowsMerged, third.rowsInserted], [1, 1, 1]);
    assert.deepEqual(await rows(target), ["1:new", "2:x", "3:y", "4:z"]);
  });

  it("the result reports wall-clock milliseconds per phase", async () => {
    const { append, load } = setup("phases");
    await append([{ id: 1, v: "a", updated_at: ts("01T00:00:00") }]);
    const first = await load();
    assert.deepEqual(Object.keys(first.phaseMs), ["state", "extract", "profile", "write", "watermark", "total"]);
    await append([{ id: 2, v: "b", updated_at: ts("02T00:00:00") }]);
    const second = await load();
    for (const k of ["state", "extract", "profile", "merge", "merge.rewrite", "watermark", "total"]) assert.equal(typeof second.phaseMs[k], "number", k);
    assert.equal((await load()).phaseMs.merge, undefined, "an empty increment stops after profiling");
  });

  it("bronze gets each raw batch tagged with _weir_batch; transform runs between bronze and the target", async () => {
    const { target, append, load } = setup("bronze");
    const bronze = path.join(dir, "bronze-raw");
    await append([{ id: 1, v: "a", updated_at: ts("01T00:00:00") }]);
    const first = await load({ bronze, transform: (b: ReturnType<Session["range"]>) => b.withColumn("v_upper", col("v").cast("string")) });
    assert.deepEqual([first.rowsMerged, first.rowsInserted, first.bronzeVersion, first.targetVersion], [1, 1, 0, 0]);
    await append([{ id: 2, v: "b", updated_at: ts("02T00:00:00") }]);
    const second = await load({ bronze, transform: (b: ReturnType<Session["range"]>) => b.withColumn("v_upper", col("v").cast("string")) });
    assert.deepEqual([second.rowsMerged, second.rowsInserted, second.bronzeVersion, second.targetVersion], [1, 1, 1, 1]);
    const b = await spark.read.format("delta").load(bronze).orderBy("id").collect();
    assert.deepEqual(b.map((r) => [r.id, r._weir_batch]), [[1, 1n], [2, 2n]]);
    assert.deepEqual((await spark.read.format("delta").load(target).columns()).sort(), ["id", "updated_at", "v", "v_upper"]);
  });

  it("NULL keys fail the run with WEIR_PIPELINE_NULL_KEY before anything is written", async () => {
    const { target, append, load } = setup("nullkey");
    await append([{ id: 1, v: "a", updated_at: ts("01T00:00:00") }]);
    await load();
    await append([{ id: null, v: "bad", updated_at: ts("02T00:00:00") }, { id: 2, v: "b", updated_at: ts("02T00:00:00") }]);
    await assert.rejects(load(), (e: unknown) => e instanceof WeirError && e.code === "WEIR_PIPELINE_NULL_KEY");
    assert.deepEqual(await rows(target), ["1:a"]);
    assert.equal((await getWatermark(spark, "nullkey"))?.seq, 1);
  });

  it("a target restored behind the recorded watermark fails with WEIR_PIPELINE_STATE_MISMATCH", async () => {
    const { target, append, load } = setup("restored");
    await append([{ id: 1, v: "a", updated_at: ts("01T00:00:00") }]);
    await load();
    await append([{ id: 2, v: "b", updated_at: ts("02T00:00:00") }]);
    await load();
    await (await DeltaTable.forPath(spark, target)).restoreToVersion(0);
    await assert.rejects(load(), (e: unknown) => e instanceof WeirError && e.code === "WEIR_PIPELINE_STATE_MISMATCH" && /was restored after batch 2/.test(e.message));
  });

  it("an unknown watermark column names the columns", async () => {
    const { append } = setup("badcol");
    await append([{ id: 1, v: "a", updated_at: ts("01T00:00:00") }]);
    await assert.rejects(incrementalLoad(spark, { name: "badcol", source: spark.read.format("delta").load(path.join(dir, "badcol-src")), target: path.join(dir, "x"), watermarkColumn: "updatedAt", keys: ["id"] }),
      /Unknown watermark column "updatedAt".*Columns: id, v, updated_at/);
  });
});
