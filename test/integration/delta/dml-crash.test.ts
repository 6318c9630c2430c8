/**
 * Crash safety of MERGE and OPTIMIZE: a child process is SIGKILLed at a random moment while it merges (an
 * idempotent upsert, repeatedly; copy-on-write and, on a table with deletion vectors, merge-on-read) or compacts
 * (10 trials each, the three lanes side by side). After every kill the
 * table opens, versions are contiguous, every version committed before reads exactly as recorded, and rerunning
 * the operation converges to the expected state.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { DeltaTable, Session, t } from "../../../src/index.js";
import { runAndKill } from "../run-and-kill.js";

type R = Record<string, unknown>;
const CHILD = path.join(import.meta.dirname, "fixtures", "delta-dml-child.ts");
const TRIALS = 10;
const tmp = mkdtempSync(path.join(os.tmpdir(), "weir-dml-crash-"));
let spark: Session;
before(async () => { spark = await Session.create({ threads: 1 }); });
after(async () => { await spark.close(); rmSync(tmp, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int32(), qty: t.int32(), day: t.string() });
const upsertRows = (trial: number): R[] => [...Array.from({ length: 50 }, (_, i) => ({ id: i, qty: trial, day: `d${i % 2}` })), { id: 100_000 + trial, qty: trial, day: "d0" }];
const versions = (root: string): number[] => readdirSync(path.join(root, "_delta_log")).filter((f) => /^\d{20}\.json$/.test(f)).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
const keyOf = (rows: readonly R[]): string => rows.map((r) => `${r.id}:${r.qty}:${r.day}`).sort().join(",");
const readAt = async (root: string, v?: number): Promise<R[]> =>
  (v === undefined ? spark.read.format("delta") : spark.read.format("delta").option("versionAsOf", v)).load(root).collect() as Promise<R[]>;

/**
 * Record every version not yet recorded; the last version committed before the kill must still read the same
 * (all recorded versions are re-read once at the end of the lane, see {@link checkAll}).
 */
async function check(root: string, recorded: Map<number, string>, before: readonly number[]): Promise<void> {
  const now = versions(root);
  assert.deepEqual(now, Array.from({ length: now.length }, (_, i) => i), "versions stay contiguous");
  assert.deepEqual(now.slice(0, before.length), [...before], "no committed version disappeared");
  const last = before[before.length - 1];
  if (last !== undefined && recorded.has(last)) assert.equal(keyOf(await readAt(root, last)), recorded.get(last), `version ${last} reads as recorded`);
  for (const v of now) if (!recorded.has(v)) recorded.set(v, keyOf(await readAt(root, v)));
}

async function checkAll(root: string, recorded: ReadonlyMap<number, string>): Promise<void> {
  for (const [v, rows] of recorded) assert.equal(keyOf(await readAt(root, v)), rows, `version ${v} reads as recorded`);
}

let seed = 99;
const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };

async function mergeLane(deletionVectors: boolean): Promise<number> {
  const root = path.join(tmp, deletionVectors ? "merge-dv" : "merge");
  await spark.createDataFrame(Array.from({ length: 2000 }, (_, i) => ({ id: i, qty: -1, day: `d${i % 2}` })), schema).write.format("delta")
    .option("delta.enableDeletionVectors", String(deletionVectors)).partitionBy("day").save(root);
  const recorded = new Map<number, string>();
  await check(root, recorded, []);
  for (let trial = 1; trial <= TRIALS; trial++) {
    const before = versions(root);
    await runAndKill(CHILD, ["upsert-loop", root, String(trial)], Math.floor(rand() * 400));
    await check(root, recorded, before);
    // Whatever was committed is a whole MERGE: the 50 keys all carry the same trial's value.
    const latest = await readAt(root);
    assert.equal(new Set(latest.filter((r) => Number(r.id) < 50).map((r) => r.qty)).size, 1, "no partial MERGE is visible");
    // Rerun converges.
    await (await DeltaTable.forPath(spark, root)).alias("t").merge(spark.createDataFrame(upsertRows(trial), schema).alias("s"), "t.id = s.id")
      .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute();
    const after = await readAt(root);
    assert.ok(after.filter((r) => Number(r.id) < 50).every((r) => r.qty === trial));
    assert.equal(after.filter((r) => Number(r.id) === 100_000 + trial).length, 1, "the inserted key exists once");
    assert.equal(after.length, 2000 + trial);
    await check(root, recorded, versions(root).slice(0, -1));
  }
  await checkAll(root, recorded);
  return versions(root).length;
}

async function optimizeLane(): Promise<void> {
  const root = path.join(tmp, "optimize");
  let id = 0;
  const recorded = new Map<number, string>();
  for (let trial = 1; trial <= TRIALS; trial++) {
    for (let a = 0; a < 3; a++) {
      const rows = Array.from({ length: 200 }, () => ({ id: id++, qty: trial, day: `d${id % 2}` }));
      await spark.createDataFrame(rows, schema).write.format("delta").mode("append").partitionBy("day").save(root);
    }
    const expected = keyOf(await readAt(root));
    const before = versions(root);
    await check(root, recorded, []);
    await runAndKill(CHILD, ["optimize", root], Math.floor(rand() * 600));
    await check(root, recorded, before);
    assert.equal(keyOf(await readAt(root)), expected, "compaction never changes the rows");
    await (await DeltaTable.forPath(spark, root)).optimize().executeCompaction();
    assert.equal(keyOf(await readAt(root)), expected);
    const detail = (await (await (await DeltaTable.forPath(spark, root)).detail()).collect())[0]!;
    assert.equal(Number(detail.numFiles), 2, "one file per partition after the rerun");
  }
  await check(root, recorded, []);
  await checkAll(root, recorded);
}

test(`SIGKILL during MERGE (copy-on-write and deletion vectors) and OPTIMIZE (${TRIALS} trials each): committed versions intact, no partial state, reruns converge`, async () => {
  const [mergeVersions, dvVersions] = await Promise.all([mergeLane(false), mergeLane(true), optimizeLane()]);
  assert.ok(mergeVersions > TRIALS + 1, `the killed children committed MERGEs (${mergeVersions} versions)`);
  assert.ok(dvVersions > TRIALS + 1, `the killed children committed merge-on-read MERGEs (${dvVersions} versions)`);
  assert.ok(readdirSync(path.join(tmp, "merge-dv")).some((f) => f.startsWith("deletion_vector_")), "the merge-on-read lane wrote deletion vectors");
});
