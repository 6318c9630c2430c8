/**
 * incrementalLoad's key profile (rows, distinct keys) on composite keys and unordered batches: duplicates are
 * found wherever they sit in the batch, and only the latest row per key tuple is merged.
 */
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, incrementalLoad, t } from "../../src/index.js";

let spark: Session;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "weir-incremental-keys-"));
  spark = await Session.create({ warehouse: path.join(dir, "wh"), threads: 1, memoryLimit: "1GB" });
});
after(async () => {
  await spark.close();
  rmSync(dir, { recursive: true, force: true });
});
const schema = t.struct({ region: t.string(), id: t.int32(), v: t.string(), seq: t.int64() });

it("a batch with repeated composite keys in scattered order merges one row per (region, id), the latest by watermark", async () => {
  const src = path.join(dir, "src");
  const target = path.join(dir, "silver");
  const rows = [
    { region: "eu", id: 2, v: "eu2-old", seq: 1n }, { region: "us", id: 1, v: "us1", seq: 2n }, { region: "eu", id: 1, v: "eu1", seq: 3n },
    { region: "eu", id: 2, v: "eu2-new", seq: 9n }, { region: "us", id: 2, v: "us2", seq: 4n }, { region: "eu", id: 2, v: "eu2-mid", seq: 5n },
  ];
  await spark.createDataFrame(rows, schema).write.format("delta").save(src);
  const res = await incrementalLoad(spark, { name: "keys", source: spark.read.format("delta").load(src), target, watermarkColumn: "seq", keys: ["region", "id"] });
  assert.deepEqual([res.rowsExtracted, res.rowsMerged], [6, 4]);
  const got = (await spark.read.format("delta").load(target).orderBy("region", "id").collect()).map((r) => `${r.region}${r.id}:${r.v}`);
  assert.deepEqual(got, ["eu1:eu1", "eu2:eu2-new", "us1:us1", "us2:us2"]);
});

it("a batch whose composite keys are all distinct is merged whole (rowsMerged equals rowsExtracted)", async () => {
  const src = path.join(dir, "src2");
  const target = path.join(dir, "silver2");
  const rows = [{ region: "eu", id: 1, v: "a", seq: 1n }, { region: "us", id: 1, v: "b", seq: 1n }, { region: "eu", id: 2, v: "c", seq: 2n }];
  await spark.createDataFrame(rows, schema).write.format("delta").save(src);
  const res = await incrementalLoad(spark, { name: "keys2", source: spark.read.format("delta").load(src), target, watermarkColumn: "seq", keys: ["region", "id"] });
  assert.deepEqual([res.rowsExtracted, res.rowsMerged, res.rowsInserted], [3, 3, 3]);
});
