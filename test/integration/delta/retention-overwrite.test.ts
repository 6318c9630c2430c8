/**
 * Dynamic partition overwrite (option and session conf), log retention after checkpoints (expired commits and
 * checkpoints deleted, never what newer versions need), tombstone retention in checkpoints, and a checkpoint
 * failure that is reported but does not fail the commit.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { DeltaTable, Session, t, WeirError } from "../../../src/index.js";

type R = Record<string, unknown>;
const tmp = mkdtempSync(path.join(os.tmpdir(), "weir-retention-"));
let spark: Session;
let counter = 0;
before(async () => { spark = await Session.create({ warehouse: path.join(tmp, "wh"), threads: 2 }); });
after(async () => { await spark.close(); rmSync(tmp, { recursive: true, force: true }); });

const schema = t.struct({ id: t.int64(), day: t.string() });
const df = (rows: R[]) => spark.createDataFrame(rows as never[], schema);
const log = (root: string): string => path.join(root, "_delta_log");
const logFile = (root: string, v: number, ext = "json"): string => path.join(log(root), `${String(v).padStart(20, "0")}.${ext}`);
const versions = (root: string): number[] => readdirSync(log(root)).filter((f) => /^\d{20}\.json$/.test(f)).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
const commit = (root: string, v: number): R[] => readFileSync(logFile(root, v), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as R);
const byDay = async (root: string, options: Record<string, string> = {}): Promise<Record<string, number[]>> => {
  let reader = spark.read.format("delta");
  for (const [k, v] of Object.entries(options)) reader = reader.option(k, v);
  const out: Record<string, number[]> = {};
  for (const r of await reader.load(root).collect()) (out[String(r.day)] ??= []).push(Number(r.id));
  for (const k of Object.keys(out)) out[k]!.sort((a, b) => a - b);
  return out;
};

async function threeDays(): Promise<string> {
  const root = path.join(tmp, `dyn${++counter}`);
  await df([{ id: 1, day: "d1" }, { id: 2, day: "d2" }, { id: 3, day: "d3" }, { id: 4, day: "d2" }]).write.format("delta").partitionBy("day").save(root);
  return root;
}

test("dynamic partition overwrite replaces only the partitions in the new data, in one commit; static still replaces everything", async () => {
  const root = await threeDays();
  await df([{ id: 20, day: "d2" }, { id: 40, day: "d4" }]).write.format("delta").mode("overwrite").option("partitionOverwriteMode", "dynamic").save(root);
  assert.deepEqual(await byDay(root), { d1: [1], d2: [20], d3: [3], d4: [40] });
  assert.deepEqual(versions(root), [0, 1]);
  const actions = commit(root, 1);
  const info = actions.find((a) => a.commitInfo)!.commitInfo as { operation: string; operationParameters: Record<string, string> };
  assert.equal(info.operation, "WRITE");
  assert.equal(info.operationParameters.mode, "Overwrite");
  assert.equal(info.operationParameters.partitionOverwriteMode, "DYNAMIC");
  assert.deepEqual(actions.filter((a) => a.remove).map((a) => (a.remove as { partitionValues: R }).partitionValues.day), ["d2"]);
  // The previous version is intact for time travel.
  assert.deepEqual(await byDay(root, { versionAsOf: "0" }), { d1: [1], d2: [2, 4], d3: [3] });
  await df([{ id: 5, day: "d5" }]).write.format("delta").mode("overwrite").save(root);
  assert.deepEqual(await byDay(root), { d5: [5] });
});

test("the session's spark.sql.sources.partitionOverwriteMode=dynamic applies to Delta overwrites and INSERT OVERWRITE; replaceWhere with the option is refused", async () => {
  const root = await threeDays();
  spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic");
  try {
    await df([{ id: 30, day: "d3" }]).write.format("delta").mode("overwrite").save(root);
    assert.deepEqual(await byDay(root), { d1: [1], d2: [2, 4], d3: [30] });
    await spark.sql(`INSERT OVERWRITE delta.\`${root}\` SELECT 10 AS id, 'd1' AS day`);
    assert.deepEqual(await byDay(root), { d1: [10], d2: [2, 4], d3: [30] });
  } finally {
    spark.conf.unset("spark.sql.sources.partitionOverwriteMode");
  }
  await assert.rejects(() => df([{ id: 1, day: "d1" }]).write.format("delta").mode("overwrite").option("partitionOverwriteMode", "dynamic").option("replaceWhere", "day = 'd1'").save(root),
    (e: unknown) => e instanceof WeirError && e.code === "WEIR_INVALID_ARGUMENT" && /replaceWhere/.test(e.message));
});

/** Commit `n` appends of one row each. */
async function appends(root: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await df([{ id: i, day: "x" }]).write.format("delta").mode("append").save(root);
}

const DAY = 24 * 3600 * 1000;
const age = (file: string, days: number): void => {
  const when = new Date(Date.now() - days * DAY);
  utimesSync(file, when, when);
};

test("log retention: after a checkpoint, commits and checkpoints older than delta.logRetentionDuration go, keeping the checkpoint newer versions start from", async () => {
  const root = path.join(tmp, `ret${++counter}`);
  await df([{ id: -1, day: "x" }]).write.format("delta").option("delta.checkpointInterval", "2").save(root); // v0
  await appends(root, 4); // v1..v4, checkpoints at 2 and 4
  assert.deepEqual(versions(root), [0, 1, 2, 3, 4], "nothing is older than 30 days yet");
  for (const v of [0, 1, 2, 3]) age(logFile(root, v), 40);
  await appends(root, 2); // v5, v6: checkpoint 6 runs the cleanup
  // cutOffCommit = 3 (newest commit older than the cutoff); cutOffCheckpoint = 2 (newest checkpoint at or before it).
  assert.deepEqual(versions(root), [2, 3, 4, 5, 6]);
  assert.ok(existsSync(logFile(root, 2, "checkpoint.parquet")), "the checkpoint versions 2.. start from stays");
  assert.ok(existsSync(logFile(root, 4, "checkpoint.parquet")));
  assert.equal((await byDay(root)).x!.length, 7);
  assert.equal((await byDay(root, { versionAsOf: "2" })).x!.length, 3, "version 2 still reads (its checkpoint is kept)");
  await assert.rejects(() => byDay(root, { versionAsOf: "1" }), (e: unknown) => e instanceof WeirError && /version 1|1\b/.test(e.message));
  const history = await (await (await DeltaTable.forPath(spark, root)).history()).collect();
  assert.deepEqual(history.map((h) => Number(h.version)), [6, 5, 4, 3, 2]);
});

test("log retention follows delta.logRetentionDuration and delta.enableExpiredLogCleanup", async () => {
  const long = path.join(tmp, `ret${++counter}`);
  await df([{ id: -1, day: "x" }]).write.format("delta").option("delta.checkpointInterval", "2").option("delta.logRetentionDuration", "interval 60 days").save(long);
  await appends(long, 3);
  for (const v of [0, 1, 2]) age(logFile(long, v), 40);
  await appends(long, 3);
  assert.deepEqual(versions(long), [0, 1, 2, 3, 4, 5, 6], "40 days is within a 60-day retention");

  const off = path.join(tmp, `ret${++counter}`);
  await df([{ id: -1, day: "x" }]).write.format("delta").option("delta.checkpointInterval", "2").option("delta.enableExpiredLogCleanup", "false").save(off);
  await appends(off, 3);
  for (const v of [0, 1, 2, 3]) age(logFile(off, v), 400);
  await appends(off, 3);
  assert.deepEqual(versions(off), [0, 1, 2, 3, 4, 5, 6], "cleanup disabled");

  const short = path.join(tmp, `ret${++counter}`);
  await df([{ id: -1, day: "x" }]).write.format("delta").option("delta.checkpointInterval", "2").option("delta.logRetentionDuration", "interval 2 days").save(short);
  await appends(short, 3);
  for (const v of [0, 1, 2, 3]) age(logFile(short, v), 3);
  await appends(short, 1); // v4: checkpoint 4; cutOffCommit 3, cutOffCheckpoint 2
  assert.deepEqual(versions(short), [2, 3, 4]);
});

/** Rows of the newest checkpoint, decoded by DuckDB. */
async function checkpointRows(root: string, v: number): Promise<R[]> {
  return spark.read.parquet(logFile(root, v, "checkpoint.parquet")).collect() as Promise<R[]>;
}

test("tombstones stay in checkpoints for delta.deletedFileRetentionDuration (default 7 days) and are dropped after it", async () => {
  const keep = path.join(tmp, `tomb${++counter}`);
  await df([{ id: 1, day: "x" }]).write.format("delta").option("delta.checkpointInterval", "2").save(keep);
  await df([{ id: 2, day: "x" }]).write.format("delta").mode("overwrite").save(keep); // v1 removes v0's file
  await appends(keep, 1); // v2: checkpoint
  assert.equal((await checkpointRows(keep, 2)).filter((r) => r.remove !== null).length, 1, "a fresh tombstone is kept");

  const drop = path.join(tmp, `tomb${++counter}`);
  await df([{ id: 1, day: "x" }]).write.format("delta").option("delta.checkpointInterval", "2").option("delta.deletedFileRetentionDuration", "interval 1 hour").save(drop);
  await df([{ id: 2, day: "x" }]).write.format("delta").mode("overwrite").save(drop); // v1
  // Age the tombstone: its deletionTimestamp is two hours old.
  const lines = readFileSync(logFile(drop, 1), "utf8").split("\n").filter(Boolean).map((l) => {
    const a = JSON.parse(l) as { remove?: { deletionTimestamp: number } };
    if (a.remove) a.remove.deletionTimestamp -= 2 * 3600 * 1000;
    return JSON.stringify(a);
  });
  writeFileSync(logFile(drop, 1), `${lines.join("\n")}\n`);
  await appends(drop, 1); // v2: checkpoint
  const rows = await checkpointRows(drop, 2);
  assert.equal(rows.filter((r) => r.remove !== null).length, 0, "an expired tombstone is dropped");
  assert.equal(rows.filter((r) => r.add !== null).length, 2);
});

test("a failing checkpoint does not fail the commit: the write returns a warning, a WEIR_DELTA_CHECKPOINT_FAILED process warning is emitted, reads stay correct", async () => {
  const root = path.join(tmp, `ckfail${++counter}`);
  await df([{ id: 0, day: "x" }]).write.format("delta").option("delta.checkpointInterval", "2").save(root);
  await appends(root, 1);
  // Force the failure: _last_checkpoint cannot be replaced (a non-empty directory stands in its place).
  rmSync(path.join(log(root), "_last_checkpoint"), { force: true });
  mkdirSync(path.join(log(root), "_last_checkpoint", "blocker"), { recursive: true });
  const warnings: Error[] = [];
  const listener = (w: Error): void => { warnings.push(w); };
  process.on("warning", listener);
  try {
    const res = await df([{ id: 2, day: "x" }]).write.format("delta").mode("append").save(root); // v2: checkpoint
    assert.equal(res.committed, true);
    assert.equal(res.warnings?.length, 1);
    assert.match(res.warnings![0]!, /Version 2 .* was committed, but writing its checkpoint failed/);
    await new Promise((r) => setImmediate(r));
    assert.ok(warnings.some((w) => (w as Error & { code?: string }).code === "WEIR_DELTA_CHECKPOINT_FAILED"), "process warning emitted");
    const table = await DeltaTable.forPath(spark, root);
    await appends(root, 1); // v3
    const m = await table.update("id = 0", { id: "100" }); // v4: checkpoint fails again
    assert.equal(m.checkpointFailed, 1);
  } finally {
    process.off("warning", listener);
  }
  assert.deepEqual(versions(root), [0, 1, 2, 3, 4]);
  assert.deepEqual((await byDay(root)).x, [2, 100, 100, 100], "every committed row reads");
});
