/**
 * DeltaTable.update / delete: results against plain JS, files fully deleted are removed without a rewrite,
 * partition-only predicates need no data read, untouched files keep their paths, commits and no-ops.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { col, DeltaTable, F, Session, t, WeirError } from "../../../src/index.js";

type R = Record<string, unknown>;
const tmp = mkdtempSync(path.join(os.tmpdir(), "weir-upd-del-"));
let spark: Session;
let counter = 0;
before(async () => { spark = await Session.create({ threads: 2 }); });
after(async () => { await spark.close(); rmSync(tmp, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int32(), qty: t.int32(), status: t.string(), day: t.string() });
const days = ["2024-01-01", "2024-01-02", "2024-01-03"];
const rows: R[] = Array.from({ length: 60 }, (_, i) => ({ id: i, qty: i % 7 === 0 ? null : i, status: i % 4 === 0 ? "new" : "done", day: days[i % 3] }));
const norm = (rs: readonly R[]): R[] => rs.map((r) => ({ id: Number(r.id), qty: r.qty === null ? null : Number(r.qty), status: r.status, day: r.day })).sort((a, b) => a.id - b.id);

async function table(partitioned: boolean, batches = 3): Promise<string> {
  const root = path.join(tmp, `t${++counter}`);
  const size = rows.length / batches;
  for (let b = 0; b < batches; b++) {
    const w = spark.createDataFrame(rows.slice(b * size, (b + 1) * size) as never[], schema).write.format("delta").mode("append");
    await (partitioned ? w.partitionBy("day") : w).save(root);
  }
  return root;
}
const read = async (root: string): Promise<R[]> => norm(await spark.read.format("delta").load(root).collect() as R[]);
const files = async (root: string): Promise<Set<string>> =>
  new Set((await spark.read.format("delta").load(root).select(F.inputFileName().alias("f")).distinct().collect()).map((r) => String(r.f)));
const lastCommit = (root: string): R[] => {
  const v = Math.max(...readdirSync(path.join(root, "_delta_log")).filter((f) => f.endsWith(".json")).map((f) => Number(f.slice(0, 20))));
  return readFileSync(path.join(root, "_delta_log", `${String(v).padStart(20, "0")}.json`), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as R);
};

test("delete with a data predicate rewrites only files holding matching rows; rows where it is null stay", async () => {
  const root = await table(false);
  const before = await files(root);
  const m = await (await DeltaTable.forPath(spark, root)).delete("qty < 15");
  assert.deepEqual(await read(root), norm(rows.filter((r) => !(r.qty !== null && Number(r.qty) < 15))));
  assert.equal(m.numDeletedRows, 12);
  assert.equal(m.numRemovedFiles, 1, "ids 0-19 live in the first file only");
  assert.equal(m.numCopiedRows, 8);
  const after = await files(root);
  assert.equal([...before].filter((f) => after.has(f)).length, 2, "two files untouched");
  const info = lastCommit(root)[0]!.commitInfo as { operation: string; operationMetrics: Record<string, string> };
  assert.equal(info.operation, "DELETE");
  assert.equal(info.operationMetrics.numDeletedRows, "12");
});

test("delete of whole files removes them without rewriting; a partition-only predicate reads no data", async () => {
  const root = await table(true);
  const m = await (await DeltaTable.forPath(spark, root)).delete(col("day").equalTo(days[1]!));
  assert.equal(m.numAddedFiles, 0);
  assert.equal(m.numRemovedFiles, 3);
  assert.equal(m.numDeletedRows, 20);
  assert.equal(m.scanTimeMs, 0, "no data scan");
  assert.deepEqual(await read(root), norm(rows.filter((r) => r.day !== days[1])));
  const unpart = await table(false);
  const m2 = await (await DeltaTable.forPath(spark, unpart)).delete("id >= 20");
  assert.equal(m2.numAddedFiles, 0, "files whose rows all match are removed, not rewritten");
  assert.equal(m2.numRemovedFiles, 2);
});

test("delete without a condition empties the table; a delete matching nothing commits nothing", async () => {
  const root = await table(false);
  const tbl = await DeltaTable.forPath(spark, root);
  const none = await tbl.delete("id > 1000");
  assert.equal(none.version, undefined);
  assert.equal(none.numDeletedRows, 0);
  const all = await tbl.delete();
  assert.equal(all.numDeletedRows, 60);
  assert.deepEqual(await read(root), []);
});

for (const partitioned of [false, true]) {
  test(`${partitioned ? "partitioned" : "unpartitioned"}: update with SQL and Column conditions equals plain JS; untouched files keep their paths`, async () => {
    const root = await table(partitioned);
    const tbl = await DeltaTable.forPath(spark, root);
    const before = await files(root);
    const m = await tbl.update("status = 'new' AND id < 20", { status: "'open'", qty: "coalesce(qty, 0) + 100" });
    let expected = rows.map((r) => (r.status === "new" && Number(r.id) < 20 ? { ...r, status: "open", qty: Number(r.qty ?? 0) + 100 } : r));
    assert.deepEqual(await read(root), norm(expected));
    assert.equal(m.numUpdatedRows, 5);
    if (!partitioned) {
      assert.equal(m.numRemovedFiles, 1);
      assert.equal([...before].filter((f) => (before.has(f))).length - m.numRemovedFiles, [...await files(root)].filter((f) => before.has(f)).length);
    }
    await tbl.update(col("day").equalTo(days[2]!), { qty: col("id").multiply(2) });
    expected = expected.map((r) => (r.day === days[2] ? { ...r, qty: Number(r.id) * 2 } : r));
    assert.deepEqual(await read(root), norm(expected));
    await tbl.update({ status: F.upper(col("status")) });
    assert.deepEqual(await read(root), norm(expected.map((r) => ({ ...r, status: String(r.status).toUpperCase() }))));
    assert.equal((lastCommit(root)[0]!.commitInfo as { operation: string }).operation, "UPDATE");
  });
}

test("update can move rows to another partition", async () => {
  const root = await table(true);
  await (await DeltaTable.forPath(spark, root)).update("id = 1", { day: `'${days[0]}'` });
  const moved = await spark.read.format("delta").load(root).filter(`day = '${days[0]}'`).collect();
  assert.equal(moved.length, 21);
});

test("update of an unknown column fails with a did-you-mean error and commits nothing", async () => {
  const root = await table(false);
  const before = await read(root);
  await assert.rejects((await DeltaTable.forPath(spark, root)).update("id = 1", { stauts: "'x'" }),
    (e: unknown) => e instanceof WeirError && e.code === "WEIR_UNKNOWN_COLUMN" && /Did you mean "status"/.test(e.message));
  assert.deepEqual(await read(root), before);
});
