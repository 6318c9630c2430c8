import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { Session, col } from "../../src/index.js";

let spark: Session;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "weir-ds-streams-"));
  spark = await Session.create({ conf: { "weir.js.workers": 2 } });
});
after(async () => {
  await spark.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Node streams and DataFrames", () => {
  test("fromAsyncIterable reads the source once, keeps its order and cuts it into the requested partitions", async () => {
    let pulls = 0;
    async function* source(): AsyncGenerator<{ i: number }> {
      for (let i = 0; i < 1000; i++) { pulls++; if (i % 100 === 0) await sleep(0); yield { i }; }
    }
    const ds = spark.fromAsyncIterable(source(), 3);
    assert.equal(ds.getNumPartitions(), 3);
    assert.deepEqual((await ds.collect()).map((r) => r.i), Array.from({ length: 1000 }, (_, i) => i));
    assert.equal(await ds.map((r) => r.i * 2).reduce((a, b) => a + b), 999 * 1000);
    assert.equal(pulls, 1000);
    const sizes = await ds.mapPartitions(function* (it) { let n = 0; for (const _ of it) n++; yield n; }).collect();
    assert.deepEqual(sizes, [333, 333, 334]);
    assert.deepEqual(await spark.fromAsyncIterable([], 2).collect(), []);
  });

  test("fromStream takes object-mode chunks as records and reads a byte stream as lines (CRLF too)", async () => {
    assert.deepEqual(await spark.fromStream(Readable.from([{ a: 1 }, { a: 2 }, { a: 3 }]), 2).collect(), [{ a: 1 }, { a: 2 }, { a: 3 }]);
    const file = path.join(dir, "lines.txt");
    writeFileSync(file, "alpha beta\r\ngamma\n\ndelta");
    const words = spark.fromStream(createReadStream(file)).flatMap((l: string) => l.split(" ")).filter((w) => w !== "");
    assert.deepEqual(await words.collect(), ["alpha", "beta", "gamma", "delta"]);
    assert.throws(() => spark.fromStream({} as never), { code: "WEIR_INVALID_ARGUMENT" });
  });

  test("df.toDataset() streams a DataFrame's rows into worker functions", async () => {
    const df = spark.range(0, 5000).withColumn("even", col("id").mod(2).equalTo(0));
    const ds = df.toDataset(4);
    assert.equal(ds.getNumPartitions(), 4);
    const evens = await ds.filter((r) => r.even).map((r) => Number(r.id)).reduce((a, b) => a + b);
    assert.equal(evens, Array.from({ length: 2500 }, (_, i) => 2 * i).reduce((a, b) => a + b));
    const rows = await spark.createDataFrame([{ name: "a", n: 1 }, { name: "b", n: 2 }]).toDataset().collect();
    assert.deepEqual(rows.map((r) => [r.name, Number(r.n)]), [["a", 1], ["b", 2]]);
  });

  test("ds.toDF(schema) turns objects and tuples into a queryable DataFrame; an empty Dataset gives no rows", async () => {
    const objects = spark.parallelize([{ name: "x", qty: 3 }, { name: "y", qty: 5 }, { name: "x", qty: 1 }], 2);
    const df = await objects.toDF("name STRING, qty BIGINT");
    const totals = await df.groupBy("name").agg({ qty: "sum" }).orderBy("name").collect();
    assert.deepEqual(totals.map((r) => [r.name, Number(r["sum(qty)"])]), [["x", 4], ["y", 5]]);
    const tuples = spark.parallelize([["a", 1], ["b", 2]] as [string, number][], 2).reduceByKey((a, b) => a + b);
    const fromTuples = await tuples.toDF("word STRING, n INT");
    assert.deepEqual((await fromTuples.orderBy("word").collect()).map((r) => [r.word, r.n]), [["a", 1], ["b", 2]]);
    assert.equal(await (await spark.parallelize([], 2).toDF("a INT")).count(), 0);
  });

  test("toStream computes partitions only as the consumer reads", async () => {
    const seen = spark.accumulator(0);
    const ds = spark.parallelize(Array.from({ length: 400 }, (_, i) => i), 4).map((x) => { seen.add(1); return x; }, { capture: { seen } });
    const all: number[] = [];
    for await (const x of ds.toStream()) all.push(x as number);
    assert.deepEqual(all, Array.from({ length: 400 }, (_, i) => i));
    seen.value = 0;
    for await (const x of ds.toStream()) { assert.equal(x, 0); break; }
    assert.equal(seen.value, 100, "only the first partition was computed");
  });

  test("mapAsync keeps order, never has more than `concurrency` calls in flight, and surfaces a failing call", async () => {
    let inFlight = 0;
    let most = 0;
    const ds = spark.parallelize(Array.from({ length: 60 }, (_, i) => i), 3).mapAsync(async (x) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(x % 3);
      inFlight--;
      return x * 10;
    }, { concurrency: 4 });
    assert.deepEqual(await ds.collect(), Array.from({ length: 60 }, (_, i) => i * 10));
    assert.ok(most <= 4 && most > 1, `at most 4 in flight (saw ${most})`);
    const failing = spark.parallelize([1, 2, 3], 1).mapAsync(async (x) => { if (x === 2) throw new Error("api down"); return x; }, { concurrency: 2 });
    await assert.rejects(failing.collect(), /api down/);
    assert.throws(() => spark.parallelize([1]).mapAsync((x) => x, { concurrency: 0 }), { code: "WEIR_INVALID_ARGUMENT" });
  });
});
