/**
 * DeltaTable.optimize(): compaction bin-packs small files (per partition, to the target size, rows unchanged,
 * dataChange=false), where() restricts to partitions, Z-order improves data skipping for range filters.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { col, DeltaTable, Session, t, WeirError } from "../../../src/index.js";

type R = Record<string, unknown>;
const tmp = mkdtempSync(path.join(os.tmpdir(), "weir-optimize-"));
let spark: Session;
let counter = 0;
before(async () => { spark = await Session.create({ threads: 2 }); });
after(async () => { await spark.close(); rmSync(tmp, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int32(), x: t.int32(), y: t.int32(), day: t.string() });
const key = (rs: readonly R[]): string => rs.map((r) => `${r.id}/${r.x}/${r.y}/${r.day}`).sort().join(",");
const read = async (root: string): Promise<R[]> => spark.read.format("delta").load(root).collect() as Promise<R[]>;
const lastCommit = (root: string): R[] => {
  const v = Math.max(...readdirSync(path.join(root, "_delta_log")).filter((f) => f.endsWith(".json")).map((f) => Number(f.slice(0, 20))));
  return readFileSync(path.join(root, "_delta_log", `${String(v).padStart(20, "0")}.json`), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as R);
};
let seed = 7;
const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return Math.floor((seed / 2 ** 31) * n); };

async function smallFiles(appends: number, perAppend: number, partitioned: boolean): Promise<string> {
  const root = path.join(tmp, `t${++counter}`);
  let id = 0;
  for (let a = 0; a < appends; a++) {
    const rows = Array.from({ length: perAppend }, () => ({ id: id++, x: rand(1000), y: rand(1000), day: `d${id % 2}` }));
    const w = spark.createDataFrame(rows, schema).write.format("delta").mode("append");
    await (partitioned ? w.partitionBy("day") : w).save(root);
  }
  return root;
}

test("compaction bin-packs each partition's small files into one, keeps every row and commits OPTIMIZE with dataChange=false", async () => {
  const root = await smallFiles(8, 20, true);
  const before = await read(root);
  const table = await DeltaTable.forPath(spark, root);
  const m = await table.optimize().executeCompaction();
  assert.equal(m.numFilesRemoved, 16);
  assert.equal(m.numFilesAdded, 2);
  assert.equal(m.partitionsOptimized, 2);
  assert.equal(key(await read(root)), key(before));
  const log = lastCommit(root);
  const info = log[0]!.commitInfo as { operation: string; operationMetrics: Record<string, string> };
  assert.equal(info.operation, "OPTIMIZE");
  assert.equal(info.operationMetrics.numRemovedFiles, "16");
  assert.ok(log.slice(1).every((a) => ((a.add ?? a.remove) as { dataChange: boolean }).dataChange === false));
  // Already compact: a second run has nothing to do.
  const again = await table.optimize().executeCompaction();
  assert.equal(again.numFilesAdded, 0);
  assert.equal(again.version, undefined);
});

test("where() compacts only the selected partitions; a predicate on data columns is refused", async () => {
  const root = await smallFiles(4, 10, true);
  const table = await DeltaTable.forPath(spark, root);
  const m = await table.optimize().where("day = 'd1'").executeCompaction();
  assert.equal(m.numFilesRemoved, 4);
  assert.equal(m.numFilesAdded, 1);
  const detail = (await (await table.detail()).collect())[0]!;
  assert.equal(Number(detail.numFiles), 5);
  await assert.rejects(table.optimize().where("x > 3").executeCompaction(),
    (e: unknown) => e instanceof WeirError && e.code === "WEIR_INVALID_ARGUMENT" && /non-partition columns/.test(e.message));
});

test("the target file size (delta.targetFileSize) bounds the bins", async () => {
  const root = await smallFiles(6, 50, false);
  const sizes = (await (await DeltaTable.forPath(spark, root)).detail()).collect();
  const total = Number((await sizes)[0]!.sizeInBytes);
  // Six files of about total/6 bytes: bins of two fit the target, three would not.
  spark.conf.set("delta.targetFileSize", Math.ceil(total / 3) + 100);
  try {
    const m = await (await DeltaTable.forPath(spark, root)).optimize().executeCompaction();
    assert.equal(m.numFilesAdded, 3);
    assert.equal(m.numFilesRemoved, 6);
  } finally {
    spark.conf.unset("delta.targetFileSize");
  }
  assert.equal((await read(root)).length, 300);
});

test("Z-order by (x, y) makes a range filter on both scan fewer files, with the same rows", async () => {
  const root = await smallFiles(16, 400, false);
  const filtered = () => spark.read.format("delta").load(root).filter(col("x").lt(200).and(col("y").lt(200)));
  const scanned = async (): Promise<number> => Number(/: (\d+) of (\d+) files/.exec(await filtered().explain({ print: false }))![1]);
  const rowsBefore = key(await filtered().collect() as R[]);
  const before = await scanned();
  assert.equal(before, 16, "random data: every file spans the whole range");
  const total = Number((await (await (await DeltaTable.forPath(spark, root)).detail()).collect())[0]!.sizeInBytes);
  spark.conf.set("delta.targetFileSize", Math.ceil(total / 16));
  try {
    const m = await (await DeltaTable.forPath(spark, root)).optimize().executeZOrderBy("x", "y");
    assert.equal(m.numFilesRemoved, 16);
    assert.ok(m.numFilesAdded >= 8, `files added: ${m.numFilesAdded}`);
  } finally {
    spark.conf.unset("delta.targetFileSize");
  }
  const after = await scanned();
  assert.ok(after <= before / 2, `files scanned for the range filter: ${before} before, ${after} after Z-order`);
  assert.equal(key(await filtered().collect() as R[]), rowsBefore);
  assert.equal((await read(root)).length, 6400);
  const info = lastCommit(root)[0]!.commitInfo as { operationParameters: Record<string, string> };
  assert.deepEqual(JSON.parse(info.operationParameters.zOrderBy!), ["x", "y"]);
});

test("Z-order by a partition column or an unknown column fails", async () => {
  const root = await smallFiles(2, 5, true);
  const table = await DeltaTable.forPath(spark, root);
  await assert.rejects(table.optimize().executeZOrderBy("day"), /day is a partition column/);
  await assert.rejects(table.optimize().executeZOrderBy("z"), (e: unknown) => e instanceof WeirError && e.code === "WEIR_UNKNOWN_COLUMN");
});
