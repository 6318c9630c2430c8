import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, fnRef, WeirError, type Dataset } from "../../src/index.js";
import type { failOnce, logThenUnsendable, weirErrorOnce } from "./helpers.js";

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
const weirErrorOnceRef = fnRef<typeof weirErrorOnce>(new URL("./helpers.ts", import.meta.url), "weirErrorOnce");
const logThenUnsendableRef = fnRef<typeof logThenUnsendable>(new URL("./helpers.ts", import.meta.url), "logThenUnsendable");

/** Asserts a WEIR_RECORD_NOT_SERIALIZABLE error whose message matches `message`, with the plain-data hint. */
function notSerializable(message: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof WeirError, String(e));
    assert.equal(e.code, "WEIR_RECORD_NOT_SERIALIZABLE", e.message);
    assert.match(e.message, message);
    assert.match(e.hint ?? "", /plain data/);
    assert.match(e.hint ?? "", /class instances to plain objects/);
    return true;
  };
}

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

  test("a transient WeirError from user code calling Weir (a dropped Postgres connection) is retried, not failed at once", async () => {
    const marker = path.join(dir, "weir-error-once");
    const out = await spark.parallelize([[marker, 4]] as [string, number][], 1).map(weirErrorOnceRef).collect();
    assert.ok(existsSync(marker), "the first attempt threw");
    assert.deepEqual(out, [8]);
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

test("failed attempts leave no open files in the workers: shuffle writers, spill-run readers and DISK block writers are closed", { skip: !existsSync("/proc/self/fd") && "needs /proc/self/fd (Linux)" }, async () => {
  const own = await Session.create({ conf: { "weir.js.workers": 2, "weir.task.maxFailures": 2, "weir.js.memoryPerTask": "2kb" } });
  try {
    const openFiles = (): number => readdirSync("/proc/self/fd").length;
    const data = Array.from({ length: 3000 }, (_, i) => [`k${i % 500}`, i] as [string, number]);
    assert.equal(await own.parallelize(data, 2).groupByKey(2).count(), 500); // workers started, spilling works
    const before = openFiles();
    for (let round = 0; round < 3; round++) {
      // A map task throws after writing to 20 reducers' files; a reducer throws while merging its spill runs; a task throws while caching.
      await assert.rejects(own.parallelize(data, 2).map((r) => { if (r[1] === 2999) throw new Error("late in the map task"); return r; }).partitionBy(20).count(), { code: "WEIR_TASK_FAILED" });
      await assert.rejects(own.parallelize(data, 2).groupByKey(2).map(([k]) => { if (k === "k250") throw new Error("while merging"); return k; }).count(), { code: "WEIR_TASK_FAILED" });
      await assert.rejects(own.parallelize(data, 2).map((r) => { if (r[1] === 2999) throw new Error("while caching"); return r; }).persist("DISK").count(), { code: "WEIR_TASK_FAILED" });
    }
    assert.ok(openFiles() - before < 16, `open files grew from ${before} to ${openFiles()} over 18 failed attempts`);
  } finally {
    await own.close();
  }
});

test("closing the session while a job runs fails the job with WEIR_SESSION_CLOSED instead of leaving it pending", async () => {
  const own = await Session.create({ conf: { "weir.js.workers": 1 } });
  const job = own.parallelize([1, 2, 3], 3).map((x) => { const end = Date.now() + 1000; while (Date.now() < end) { /* a running task */ } return x; }).collect();
  const outcome = job.then(() => "finished", (e: unknown) => e);
  await new Promise((r) => setTimeout(r, 300));
  await own.close();
  const settled = await Promise.race([outcome, new Promise((r) => setTimeout(() => r("still pending after 5 s"), 5000))]);
  assert.ok(settled instanceof WeirError, String(settled));
  assert.equal(settled.code, "WEIR_SESSION_CLOSED");
});

test("a fnRef() to a missing export or module fails at once with WEIR_FUNCTION_NOT_SERIALIZABLE naming the module and export", async () => {
  const helpers = new URL("./helpers.ts", import.meta.url);
  const ds = spark.parallelize([1, 2], 2).map(fnRef<(x: number) => number>(helpers, "noSuchExport"));
  for (const run of [1, 2]) { // the second action reuses the worker that failed to load it
    await assert.rejects(ds.collect(), (e: unknown) => {
      assert.ok(e instanceof WeirError);
      assert.equal(e.code, "WEIR_FUNCTION_NOT_SERIALIZABLE", `run ${run}: ${e.message}`);
      assert.match(e.message, /fnRef\(".*helpers\.ts", "noSuchExport"\): the module (has no exported function "noSuchExport" \(exports: .*failOnce|failed to load)/);
      return true;
    });
  }
  await assert.rejects(spark.parallelize([1], 1).map(fnRef<(x: number) => number>(new URL("./no-such-module.ts", import.meta.url), "f")).collect(),
    { code: "WEIR_FUNCTION_NOT_SERIALIZABLE", message: /no-such-module\.ts", "f"\): the module cannot be imported in a worker thread/ });
});

describe("records that are not plain data", () => {
  class Secret { #v = 1; get v(): number { return this.#v; } }

  test("parallelize() of a record holding a function, a symbol, a WeakMap or a class instance fails at once with WEIR_RECORD_NOT_SERIALIZABLE naming the stage, the record and the value", async () => {
    await assert.rejects(spark.parallelize([{ a: 1 }, { a: 2, f: () => 1 }], 1).collect(),
      notSerializable(/Task 0 in stage \d+ \(parallelize\): record 1 of the parallelize\(\) slice it reads holds a function \(f\) at \.f/));
    await assert.rejects(spark.parallelize([1, 2, Symbol("s")], 2).map((x) => String(x)).count(),
      notSerializable(/Task 1 in stage \d+ \(map\): record 1 of the parallelize\(\) slice it reads is a symbol \(Symbol\(s\)\)/));
    await assert.rejects(spark.parallelize([["k", { cache: new WeakMap() }]] as [string, object][], 1).groupByKey().collect(),
      notSerializable(/record 0 of the parallelize\(\) slice it reads holds an instance of WeakMap at \[1\]\.cache/));
    // Structured cloning would silently drop the private field and the getter: refused instead.
    await assert.rejects(spark.parallelize([new Secret()], 1).map((s) => s.v).collect(), (e: unknown) => {
      notSerializable(/record 0 of the parallelize\(\) slice it reads is an instance of Secret/)(e);
      assert.equal((e as WeirError).details.valueType, "an instance of Secret");
      assert.equal((e as WeirError).details.partition, 0);
      return true;
    });
    // The session still works, and plain data (Maps, Sets, Dates, bigints, bytes) goes through.
    const plain = [{ m: new Map([["a", 1]]), s: new Set([1]), d: new Date(5), b: 7n, u: new Uint8Array([1]) }];
    assert.deepEqual(await spark.parallelize(plain, 1).collect(), plain);
  });

  test("a map() returning a record with a function fails on the first attempt (no retries) for a result and for a shuffle", async () => {
    for (const [name, run] of [
      ["collect", (ds: Dataset<[number, () => number]>) => ds.collect()],
      ["groupByKey", (ds: Dataset<[number, () => number]>) => ds.groupByKey(2).count()],
    ] as const) {
      const log = path.join(dir, `attempts-${name}`);
      const ds = spark.parallelize([[log, 1]] as [string, number][], 1).map(logThenUnsendableRef);
      await assert.rejects(run(ds), notSerializable(/Task 0 in stage \d+ \(map\): A record holds a function at \[1\], which cannot be encoded/));
      assert.ok(existsSync(log), "the task ran");
      assert.equal(readFileSync(log, "utf8"), "attempt\n", `${name}: one attempt, not maxFailures (3)`);
    }
    await assert.rejects(spark.parallelize([1], 1).map((x) => { class Secret2 { #v = x; get v(): number { return this.#v; } } return new Secret2(); }).collect(),
      notSerializable(/A record is an instance of Secret2/));
    await assert.rejects(spark.parallelize([1], 1).map((x) => ({ x, self: null as unknown })).map((r) => { r.self = r; return r; }).collect(),
      notSerializable(/A record holds a reference cycle \(an array or object that contains itself\) at \.self/));
  });

  test("results that cannot be cloned back (countByValue of symbols, a fold that returns a function) and a fold zero value holding a function fail with WEIR_RECORD_NOT_SERIALIZABLE", async () => {
    await assert.rejects(spark.parallelize([1, 2], 1).map(() => Symbol.iterator).countByValue(),
      notSerializable(/The task's result holds a symbol \(Symbol\(Symbol\.iterator\)\) at \[0\]\[0\], which cannot be sent back/));
    await assert.rejects(spark.parallelize([1] as unknown as { n: number; f: () => number }[], 1).fold({ n: 0, f: () => 0 }, (a) => a),
      notSerializable(/The zero value of fold\(\)\/aggregate\(\) holds a function \(f\) at \.f, which cannot be sent to a worker thread/));
    assert.equal(await spark.parallelize([1, 2, 3], 2).fold(0, (a, b) => a + b), 6);
  });
});

declare const hits: { add(n: number): void };
declare function f(r: [string, string, number]): number;
