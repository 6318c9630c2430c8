import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { JsEngine, LineageNode } from "../../src/engine/index.js";
import { Session } from "../../src/index.js";

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

test("onProgress reports how many tasks of the stage finished, not how many attempts started", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "weir-ds-sched-"));
  dirs.push(dir);
  const seen: number[] = [];
  const engine = new JsEngine({ tempDir: dir, workers: 1, memoryPerTask: 1 << 20, maxFailures: 1, onProgress: (_stage, done) => seen.push(done) });
  try {
    const node = new LineageNode("parallelize", 4, { type: "parallelize", slices: [[1], [2], [3], [4]] });
    const { values } = await engine.runJob(node, () => ({ sink: { kind: "count" } }), "count");
    assert.deepEqual(values, [1, 1, 1, 1]);
    assert.deepEqual(seen, [1, 2, 3, 4]);
  } finally {
    await engine.close();
  }
});

test("reduce() and countByKey() record their job on the Dataset they were called on", async () => {
  const spark = await Session.create({ conf: { "weir.js.workers": 1 } });
  try {
    const ds = spark.parallelize([["a", 1], ["b", 2], ["a", 3]] as [string, number][], 2);
    const values = ds.values();
    assert.equal(await values.reduce((a, b) => a + b), 6);
    assert.ok(values.lastJob, "reduce() ran a job for this Dataset");
    const pairs = ds.mapValues((v) => v);
    assert.deepEqual(await pairs.countByKey(), new Map([["a", 2], ["b", 1]]));
    assert.equal(pairs.lastJob?.description, "countByValue");
  } finally {
    await spark.close();
  }
});

test("a task whose records cannot be sent to a worker does not leave its broadcasts marked as sent there", async () => {
  const spark = await Session.create({ conf: { "weir.js.workers": 1 } });
  try {
    const b = spark.broadcast(10);
    // The fold's zero value goes inside the task message: postMessage refuses it after the broadcast was listed.
    const unsendable = spark.parallelize([1], 1).map((x) => x * b.value, { capture: { b } });
    await assert.rejects(unsendable.fold(Symbol("s") as unknown as number, (x, y) => x + y), { code: "WEIR_RECORD_NOT_SERIALIZABLE", message: /zero value .* is a symbol/ });
    assert.deepEqual(await spark.parallelize([1, 2], 1).map((x) => x * b.value, { capture: { b } }).collect(), [10, 20]);
  } finally {
    await spark.close();
  }
});
