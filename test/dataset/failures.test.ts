import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, fnRef, WeirError } from "../../src/index.js";
import type { failOnce } from "./helpers.js";

let spark: Session;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "weir-ds-fail-"));
  spark = await Session.create({ conf: { "weir.js.workers": 2, "weir.task.maxFailures": 3 } });
});
after(async () => {
  await spark.close();
  rmSync(dir, { recursive: true, force: true });
});

const failOnceRef = fnRef<typeof failOnce>(new URL("./helpers.ts", import.meta.url), "failOnce");

describe("task failures", () => {
  test("a task whose function always throws fails after maxFailures with WEIR_TASK_FAILED naming stage, partition, attempt and the user's stack", async () => {
    const ds = spark.parallelize([1, 2, 3, 4], 2).map((x) => { if (x === 3) throw new RangeError(`bad record ${x}`); return x; });
    await assert.rejects(ds.collect(), (e: unknown) => {
      assert.ok(e instanceof WeirError);
      assert.equal(e.code, "WEIR_TASK_FAILED");
      assert.match(e.message, /Task 1 in stage \d+ \(map\) failed 3 times/);
      assert.match(e.message, /RangeError: bad record 3/);
      assert.equal(e.details.partition, 1);
      assert.equal(e.details.attempt, 3);
      assert.equal(typeof e.details.stage, "number");
      assert.match(String(e.details.stack), /RangeError: bad record 3/);
      return true;
    });
  });

  test("a transient exception is retried and the job succeeds", async () => {
    const marker = path.join(dir, "throw-once");
    const out = await spark.parallelize([[marker, "throw", 5]] as [string, string, number][], 1).map(failOnceRef).collect();
    assert.deepEqual(out, [10]);
  });

  test("a worker that dies (process.exit) is replaced and its task retried", async () => {
    const marker = path.join(dir, "exit-once");
    const out = await spark.parallelize([[marker, "exit", 21]] as [string, string, number][], 1).map(failOnceRef).collect();
    assert.deepEqual(out, [42]);
    // The pool still works afterwards.
    assert.equal(await spark.parallelize([1, 2, 3], 3).count(), 3);
  });

  test("a worker that dies on every attempt fails with WEIR_TASK_FAILED and a hint about the worker exiting", async () => {
    const ds = spark.parallelize([1, 2], 2).map((x) => { if (x === 2) process.exit(9); return x; });
    await assert.rejects(ds.collect(), (e: unknown) => {
      assert.ok(e instanceof WeirError);
      assert.equal(e.code, "WEIR_TASK_FAILED");
      assert.match(e.message, /worker thread .* died \(exit code 9\)/);
      assert.match(e.hint ?? "", /exited/);
      return true;
    });
    assert.deepEqual(await spark.parallelize([1, 2], 2).map((x) => x + 1).collect(), [2, 3]);
  });

  test("a failing shuffle-map task fails the job; an accumulator counts only the successful attempts", async () => {
    const acc = spark.accumulator(0);
    const marker = path.join(dir, "acc-once");
    await spark.parallelize([[marker, "throw", 1]] as [string, string, number][], 1)
      .map((r) => { hits.add(1); return f(r); }, { capture: { hits: acc, f: failOnceRef } })
      .foreach(() => undefined);
    assert.equal(acc.value, 1);
    const bad = spark.parallelize([[1, 1]] as [number, number][], 1).map(([k, v]): [number, number] => { if (v) throw new Error("in map stage"); return [k, v]; });
    await assert.rejects(bad.reduceByKey((a, b) => a + b).collect(), { code: "WEIR_TASK_FAILED", message: /in map stage/ });
  });
});

declare const hits: { add(n: number): void };
declare function f(r: [string, string, number]): number;
