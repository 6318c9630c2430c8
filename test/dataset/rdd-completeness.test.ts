import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Session, StatCounter, WeirError, type Dataset } from "../../src/index.js";
import {
  canon, cartesianRef, groupRef, histogramRef, intersectionRef, orderRef, randomNumbers, randomPairs, slicesRef, statsRef, subtractByKeyRef,
  subtractRef, takeOrderedRef,
} from "./reference.js";

// Property-style, as transformations.test.ts: every method against a single-threaded reference on seeded random
// data, for several seeds and partition counts — including empty Datasets and partitions (more partitions than
// elements) — plus Spark's error cases.
const SEEDS = [1, 2, 3];
const PARTITIONS = [1, 3, 8];
let spark: Session;

before(async () => {
  spark = await Session.create({ conf: { "weir.js.workers": 2 } });
});
after(async () => {
  await spark.close();
});

type Pair = [string | number, number];

/** Each seed's data at three sizes (all of it, 5 elements, none) in each partition count. */
async function forAll(check: (data: Pair[], parts: number, seed: number) => Promise<void>): Promise<void> {
  for (const seed of SEEDS) for (const parts of PARTITIONS) {
    const data = randomPairs(seed, 40 + seed * 7);
    for (const sized of [data, data.slice(0, 5), []]) await check(sized, parts, seed);
  }
}

const rejectsWith = (p: Promise<unknown> | (() => unknown), code: string, message?: RegExp): Promise<void> =>
  assert.rejects(async () => (typeof p === "function" ? p() : p), (e: unknown) => {
    assert.ok(e instanceof WeirError, `expected a WeirError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });

const close = (a: number, b: number, what: string): void => {
  if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `${what}: ${a} should be NaN`);
  else assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
};

describe("Dataset set operations, zip and cartesian equal a single-threaded reference", () => {
  test("subtract, intersection and subtractByKey, with the default and an explicit partition count", async () => {
    await forAll(async (data, parts, seed) => {
      const other = randomPairs(seed + 50, 30);
      const a = spark.parallelize(data, parts);
      const b = spark.parallelize(other, 2);
      const sub = a.subtract(b);
      assert.equal(sub.getNumPartitions(), parts);
      assert.deepEqual(canon(await sub.collect()), canon(subtractRef(data, other)));
      const vals = a.values();
      assert.deepEqual(canon(await vals.subtract(b.values(), 4).collect()), canon(subtractRef(data.map(([, v]) => v), other.map(([, v]) => v))));
      assert.deepEqual(canon(await vals.intersection(b.values()).collect()), canon(intersectionRef(data.map(([, v]) => v), other.map(([, v]) => v))));
      assert.deepEqual(canon(await a.keys().intersection(b.keys(), 3).collect()), canon(intersectionRef(data.map(([k]) => k), other.map(([k]) => k))));
      assert.deepEqual(canon(await a.subtractByKey(b).collect()), canon(subtractByKeyRef(data, other)));
      assert.deepEqual(canon(await b.subtractByKey(a, 5).collect()), canon(subtractByKeyRef(other, data)));
    });
  });

  test("cartesian pairs every element of each side, in Spark's partition order, one partition per partition pair", async () => {
    await forAll(async (data, parts, seed) => {
      const other = randomNumbers(seed, 6);
      const a = spark.parallelize(data, parts);
      const b = spark.parallelize(other, 2);
      const c = a.cartesian(b);
      assert.equal(c.getNumPartitions(), parts * 2);
      assert.deepEqual(await c.collect(), cartesianRef(data, parts, other, 2));
      assert.equal(await c.count(), data.length * other.length);
      assert.deepEqual(await b.cartesian(a).collect(), cartesianRef(other, 2, data, parts));
    });
  });

  test("cartesian and zip over shuffled and cached parents run the parents' map stages", async () => {
    const data = randomPairs(9, 60);
    const sums = spark.parallelize(data, 3).reduceByKey((a, b) => a + b, 2);
    const counts = spark.parallelize(data, 4).mapValues(() => 1).reduceByKey((a, b) => a + b, 2).persist("DISK");
    const pairsRef = await sums.collect();
    assert.deepEqual(canon(await sums.cartesian(counts).collect()), canon(pairsRef.flatMap((x) => groupRef(data).map(([k, vs]) => [x, [k, vs.length]]))));
    const zipped = await sums.zip(sums.mapValues((v) => -v)).collect();
    assert.deepEqual(zipped, pairsRef.map(([k, v]) => [[k, v], [k, -v]]));
    assert.match(sums.cartesian(counts).toDebugString(), /CartesianDataset/);
    assert.match(sums.zip(sums).toDebugString(), /ZippedPartitionsDataset/);
  });

  test("zip pairs elements by position; different partition counts fail at once, different element counts when run", async () => {
    await forAll(async (data, parts) => {
      const a = spark.parallelize(data, parts);
      assert.deepEqual(await a.zip(a.map(([k]) => k)).collect(), data.map((x) => [x, x[0]]));
      // Same slicing of another array of the same length: partitions match element for element.
      const labels = data.map((_, i) => `r${i}`);
      assert.deepEqual(await a.values().zip(spark.parallelize(labels, parts)).collect(), data.map(([, v], i) => [v, `r${i}`]));
    });
    const a = spark.parallelize([1, 2, 3, 4, 5], 2);
    assert.throws(() => a.zip(spark.parallelize([1, 2, 3, 4, 5], 3)), (e: unknown) => e instanceof WeirError && e.code === "WEIR_INVALID_ARGUMENT" && /has 2 partitions and Dataset\[\d+\] has 3/.test(e.message));
    await rejectsWith(a.zip(a.filter((x) => x !== 4)).collect(), "WEIR_INVALID_ARGUMENT", /zip\(\): partition 1 of Dataset\[\d+\] has more elements/);
    await rejectsWith(a.filter((x) => x !== 1).zip(a).count(), "WEIR_INVALID_ARGUMENT", /partition 0 .* has fewer elements/);
  });

  test("zipWithUniqueId gives element j of partition i the id j × numPartitions + i; glom gives each partition's array", async () => {
    await forAll(async (data, parts) => {
      const ds = spark.parallelize(data, parts);
      const slices = slicesRef(data, parts);
      const ids = slices.flatMap((s, i) => s.map((x, j) => [x, j * parts + i]));
      assert.deepEqual(await ds.zipWithUniqueId().collect(), ids);
      assert.equal(new Set(ids.map(([, id]) => id)).size, data.length);
      assert.deepEqual(await ds.glom().collect(), slices);
    });
  });

  test("groupBy groups elements by a shipped key function (captures included)", async () => {
    await forAll(async (data, parts) => {
      const m = 4;
      const grouped = await spark.parallelize(data, parts).values().groupBy((v) => ((v % m) + m) % m, 3, { capture: { m } }).collect();
      const ref = groupRef(data.map(([, v]) => [((v % m) + m) % m, v] as [number, number]));
      assert.deepEqual(canon(grouped.map(([k, vs]) => [k, [...vs].sort((x, y) => x - y)])), canon(ref));
    });
    assert.throws(() => spark.parallelize([1]).groupBy((v) => v % hidden), { code: "WEIR_FUNCTION_NOT_SERIALIZABLE" });
  });

  test("randomSplit gives disjoint Datasets that cover the input, the same for the same seed", async () => {
    await forAll(async (data, parts, seed) => {
      const indexed = data.map((x, i) => [i, x] as [number, Pair]);
      const ds = spark.parallelize(indexed, parts);
      const splits = ds.randomSplit([0.5, 0.3, 0.2], seed);
      const got = await Promise.all(splits.map((s) => s.collect()));
      assert.deepEqual(got.flat().map(([i]) => i).sort((a, b) => a - b), indexed.map(([i]) => i));
      assert.deepEqual(await Promise.all(ds.randomSplit([5, 3, 2], seed).map((s) => s.collect())), got, "normalized weights, same seed: same splits");
      const [none, all] = ds.randomSplit([0, 1], seed);
      assert.deepEqual([await none!.count(), await all!.count()], [0, data.length]);
    });
    const big = spark.parallelize(Array.from({ length: 400 }, (_, i) => i), 4);
    const [x, y] = await Promise.all(big.randomSplit([1, 1], 7).map((s) => s.count()));
    assert.ok(x! > 120 && y! > 120, `a 50/50 split of 400 elements is near even: ${x}/${y}`);
    for (const bad of [[], [-1, 2], [0, 0], [1, NaN]]) assert.throws(() => big.randomSplit(bad), { code: "WEIR_INVALID_ARGUMENT" });
  });
});

describe("Dataset actions equal a single-threaded reference", () => {
  test("isEmpty, collectAsMap (last value wins) and lookup on unpartitioned Datasets", async () => {
    await forAll(async (data, parts) => {
      const ds = spark.parallelize(data, parts);
      assert.equal(await ds.isEmpty(), data.length === 0);
      assert.equal(await ds.filter(() => false).isEmpty(), true);
      assert.deepEqual(await ds.collectAsMap(), new Map(data));
      for (const key of ["k3", 3, "missing", 99]) assert.deepEqual((await ds.lookup(key)).sort(), data.filter(([k]) => k === key).map(([, v]) => v).sort());
      assert.equal(ds.lastJob!.stages.at(-1)!.tasks, parts, "an unpartitioned Dataset is scanned whole");
    });
    const composite = spark.parallelize([[["a", 1], 1], [["a", 2], 2], [["a", 1], 3]] as [[string, number], number][], 2);
    assert.deepEqual(await composite.lookup<[string, number], number>(["a", 1]), [1, 3]);
    assert.deepEqual([...(await composite.collectAsMap()).values()], [3, 2]);
  });

  test("lookup on a hash-partitioned Dataset reads only the key's partition", async () => {
    const data = randomPairs(4, 200);
    for (const ds of [spark.parallelize(data, 3).partitionBy(5), spark.parallelize(data, 3).groupByKey(4).flatMapValues((vs) => vs).filter(() => true)]) {
      for (const key of ["k1", 7, "k11", 0, "nope"]) {
        assert.deepEqual((await ds.lookup(key)).sort(), data.filter(([k]) => k === key).map(([, v]) => v).sort());
        const result = ds.lastJob!.stages.find((s) => s.kind === "result")!;
        assert.equal(result.tasks, 1, `lookup(${String(key)}) ran one result task`);
      }
    }
    const summed = spark.parallelize(data, 2).reduceByKey((a, b) => a + b, 3);
    assert.deepEqual(await summed.lookup("k2"), [data.filter(([k]) => k === "k2").reduce((a, [, v]) => a + v, 0)]);
    // keys() or map() may change keys: lookup scans every partition again.
    const remapped = spark.parallelize(data, 2).partitionBy(3).map(([k, v]): Pair => [typeof k === "number" ? k + 1 : k, v]);
    assert.deepEqual((await remapped.lookup(8)).sort(), data.filter(([k]) => k === 7).map(([, v]) => v).sort());
    assert.equal(remapped.lastJob!.stages.find((s) => s.kind === "result")!.tasks, 3);
  });

  test("top and takeOrdered (with and without a key) equal a sort, in one stage without a shuffle", async () => {
    await forAll(async (data, parts) => {
      const ds = spark.parallelize(data, parts);
      const vals = ds.values();
      const nums = data.map(([, v]) => v);
      for (const n of [0, 1, 5, 100]) {
        assert.deepEqual(await vals.top(n), takeOrderedRef(nums, n, (v) => v, true));
        assert.deepEqual(await vals.takeOrdered(n), takeOrderedRef(nums, n, (v) => v));
        // Ties in the key may come in any order (as in Spark): compare the keys, and the elements as a multiset.
        const byKey = await ds.takeOrdered(n, ([k]) => k);
        assert.deepEqual(byKey.map(([k]) => k), takeOrderedRef(data, n, ([k]) => k).map(([k]) => k));
        assert.ok(byKey.every((x) => data.some((y) => y[0] === x[0] && y[1] === x[1])));
        // A tuple key orders lexicographically: by k, then by -v.
        const refTop = [...data].sort((x, y) => orderRef(y[0], x[0]) || x[1] - y[1]).slice(0, n);
        assert.deepEqual(await ds.top(n, ([k, v]) => [k, -v]), refTop);
      }
      await vals.top(3);
      assert.deepEqual(vals.lastJob!.stages.map((s) => s.kind), ["result"]);
    });
  });

  test("top/takeOrdered: n = 0 gives [] without a job; a negative or fractional n fails; key functions are shipped", async () => {
    const ds = spark.parallelize([3, 1, 2], 2);
    ds.lastJob = undefined;
    assert.deepEqual(await ds.top(0), []);
    assert.equal(ds.lastJob, undefined);
    await rejectsWith(ds.top(-1), "WEIR_INVALID_ARGUMENT", /top\(\)/);
    await rejectsWith(ds.takeOrdered(1.5), "WEIR_INVALID_ARGUMENT", /takeOrdered\(\)/);
    await rejectsWith(() => ds.top(2, (x) => x * hidden), "WEIR_FUNCTION_NOT_SERIALIZABLE", /top\(\) key/);
    const factor = -1;
    assert.deepEqual(await ds.top(2, (x) => x * factor, { capture: { factor } }), [1, 2]);
  });

  test("max and min (with and without a key) and their error on an empty Dataset", async () => {
    await forAll(async (data, parts) => {
      const vals = spark.parallelize(data.map(([, v]) => v), parts);
      if (data.length === 0) {
        await rejectsWith(vals.max(), "WEIR_UNSUPPORTED_OPERATION", /max\(\): the Dataset is empty/);
        await rejectsWith(vals.min(), "WEIR_UNSUPPORTED_OPERATION", /min\(\): the Dataset is empty/);
        return;
      }
      const nums = data.map(([, v]) => v);
      assert.equal(await vals.max(), Math.max(...nums));
      assert.equal(await vals.min(), Math.min(...nums));
      assert.equal(await vals.max((v) => -v), Math.min(...nums));
      const byKey = await spark.parallelize(data, parts).min(([k]) => k);
      assert.equal(byKey[0], takeOrderedRef(data, 1, ([k]) => k)[0]![0]);
    });
  });

  test("takeSample: the requested size, elements of the Dataset, distinct without replacement, the same for a seed", async () => {
    await forAll(async (data, parts, seed) => {
      const indexed = spark.parallelize(data.map((_, i) => i), parts);
      for (const num of [0, 1, 10, data.length, data.length + 5]) {
        const without = await indexed.takeSample(false, num, seed);
        assert.equal(without.length, Math.min(num, data.length));
        assert.equal(new Set(without).size, without.length, "no element twice without replacement");
        assert.ok(without.every((i) => i >= 0 && i < data.length));
        assert.deepEqual(await indexed.takeSample(false, num, seed), without, "deterministic for a seed");
        const withRepl = await indexed.takeSample(true, num, seed);
        assert.equal(withRepl.length, data.length === 0 ? 0 : num);
        assert.ok(withRepl.every((i) => i >= 0 && i < data.length));
      }
    });
    const ds = spark.parallelize(Array.from({ length: 100 }, (_, i) => i), 4);
    assert.notDeepEqual(await ds.takeSample(false, 10, 1), await ds.takeSample(false, 10, 2));
    assert.ok((await ds.takeSample(true, 50, 3)).some((x, i, xs) => xs.indexOf(x) !== i), "50 draws with replacement from 100 repeat one (seeded)");
    await rejectsWith(ds.takeSample(false, -1), "WEIR_INVALID_ARGUMENT", /takeSample\(\)/);
  });

  test("takeSample, randomSplit and sample give the same elements for a seed whatever the worker pool size (seeds are per partition)", async () => {
    const data = randomPairs(5, 300);
    const runs: string[] = [];
    for (const workers of [1, 3]) {
      const own = await Session.create({ conf: { "weir.js.workers": workers } });
      try {
        const ds = own.parallelize(data, 4); // a fixed partitioning: parallelize's default numSlices is the pool size
        const grouped = ds.groupByKey(3).mapValues((vs) => vs.length);
        runs.push(JSON.stringify([await ds.takeSample(false, 7, 11), await ds.takeSample(true, 7, 11), await grouped.takeSample(false, 5, 3),
          await Promise.all(ds.randomSplit([0.3, 0.7], 5).map((d) => d.collect())), await ds.sample(false, 0.2, 9).collect()]));
      } finally {
        await own.close();
      }
    }
    assert.equal(runs[0], runs[1]);
  });

  test("sum, mean and stats equal two-pass statistics; an empty Dataset gives Spark's empty StatCounter", async () => {
    for (const seed of SEEDS) for (const parts of PARTITIONS) for (const n of [0, 1, 2, 5, 300]) {
      const xs = randomNumbers(seed, n);
      const ds = spark.parallelize(xs, parts);
      const s = await ds.stats();
      const ref = statsRef(xs);
      assert.equal(s.count, ref.count);
      close(s.mean, ref.mean, "mean");
      close(s.sum, ref.sum, "sum");
      close(s.variance, ref.variance, "variance");
      close(s.sampleVariance, ref.sampleVariance, "sampleVariance");
      close(s.stdev, Math.sqrt(ref.variance), "stdev");
      close(s.sampleStdev, Math.sqrt(ref.sampleVariance), "sampleStdev");
      assert.equal(s.min, ref.min);
      assert.equal(s.max, ref.max);
      close(await ds.sum(), ref.sum, "sum()");
      close(await ds.mean(), ref.mean, "mean()");
    }
    const empty = await spark.parallelize([] as number[], 3).stats();
    assert.deepEqual([empty.count, empty.sum, empty.mean, empty.min, empty.max], [0, 0, 0, Infinity, -Infinity]);
    assert.ok(Number.isNaN(empty.variance) && Number.isNaN(empty.sampleVariance));
  });

  test("stats merges partitions numerically stably: large offsets keep the variance exact", async () => {
    // Sum-of-squares formulas lose every digit here (1e18-sized squares); Welford + Chan keep them.
    const xs = Array.from({ length: 1000 }, (_, i) => 1e9 + (i % 7));
    const ref = statsRef(xs.map((x) => x - 1e9));
    for (const parts of [1, 3, 8]) {
      const s = await spark.parallelize(xs, parts).stats();
      assert.ok(Math.abs(s.mean - 1e9 - ref.mean) < 1e-6, `mean ${s.mean}`); // 1e9 has 1.2e-7 between doubles
      assert.ok(Math.abs(s.variance / ref.variance - 1) < 1e-6, `variance ${s.variance} vs ${ref.variance}`);
      assert.ok(Math.abs(s.sampleVariance / ref.sampleVariance - 1) < 1e-6, `sampleVariance ${s.sampleVariance} vs ${ref.sampleVariance}`);
    }
    const naive = xs.reduce((a, x) => a + x * x, 0) / xs.length - (xs.reduce((a, x) => a + x, 0) / xs.length) ** 2;
    assert.ok(Math.abs(naive / ref.variance - 1) > 1e-3, `the naive formula is off here (${naive}), so the check above means something`);
    const merged = new StatCounter([1, 2, 3]).mergeStats(new StatCounter([10, 20]));
    const whole = new StatCounter([1, 2, 3, 10, 20]);
    close(merged.variance, whole.variance, "mergeStats");
    assert.deepEqual(JSON.parse(JSON.stringify(new StatCounter([2, 4]))), { count: 2, mean: 3, sum: 6, min: 2, max: 4, variance: 1, sampleVariance: 2, stdev: 1, sampleStdev: Math.SQRT2 });
  });

  test("histogram with explicit edges and with a bucket count equals a scan of every bucket", async () => {
    for (const seed of SEEDS) for (const parts of PARTITIONS) for (const n of [0, 3, 200]) {
      const xs = randomNumbers(seed, n);
      const ds = spark.parallelize(xs, parts);
      for (const edges of [[0, 50, 100], [-50, -10, 0, 0.5, 1, 149.99], [1000, 2000], [-Infinity, 0, Infinity]]) {
        assert.deepEqual(await ds.histogram(edges), [edges, histogramRef(xs, edges)]);
      }
      if (n === 0) continue;
      for (const count of [1, 2, 7]) {
        const [edges, counts] = await ds.histogram(count);
        const [min, max] = [Math.min(...xs), Math.max(...xs)];
        if (min === max || count === 1) { assert.deepEqual([edges, counts], [[min, max], [n]]); continue; }
        assert.equal(edges.length, count + 1);
        assert.deepEqual([edges[0], edges[count]], [min, max]);
        edges.slice(0, count).forEach((e, i) => close(e, min + (i * (max - min)) / count, `edge ${i}`));
        assert.deepEqual(counts, histogramRef(xs, edges));
        assert.equal(counts.reduce((a, b) => a + b, 0), n);
      }
    }
  });

  test("histogram follows PySpark's examples; NaN is skipped; one value gives one bucket", async () => {
    const ds = spark.parallelize(Array.from({ length: 51 }, (_, i) => i), 3);
    assert.deepEqual(await ds.histogram(2), [[0, 25, 50], [25, 26]]);
    assert.deepEqual(await ds.histogram([0, 5, 25, 50]), [[0, 5, 25, 50], [5, 20, 26]]);
    assert.deepEqual(await ds.histogram([0, 15, 30, 45, 60]), [[0, 15, 30, 45, 60], [15, 15, 15, 6]]);
    assert.deepEqual(await spark.parallelize([1, 50], 2).histogram([1, 10, 20, 50]), [[1, 10, 20, 50], [1, 0, 1]]);
    const withNaN = spark.parallelize([NaN, 1, 2, NaN, 3], 2);
    assert.deepEqual(await withNaN.histogram(2), [[1, 2, 3], [1, 2]]);
    assert.deepEqual(await withNaN.histogram([0, 10]), [[0, 10], [3]]);
    assert.deepEqual(await spark.parallelize([4, 4, 4], 2).histogram(5), [[4, 4], [3]]);
  });

  test("histogram errors: bad buckets are WEIR_INVALID_ARGUMENT; no range (empty, all NaN, ±Infinity) is WEIR_UNSUPPORTED_OPERATION", async () => {
    const ds = spark.parallelize([1, 2, 3], 2);
    for (const bad of [0, -1, 2.5, NaN]) await rejectsWith(ds.histogram(bad), "WEIR_INVALID_ARGUMENT", /number of buckets/);
    for (const bad of [[], [1], [2, 1], [1, 1, 2], [0, NaN], ["a", "b"] as unknown as number[]]) await rejectsWith(ds.histogram(bad), "WEIR_INVALID_ARGUMENT", /bucket edges/);
    await rejectsWith(spark.parallelize([] as number[], 2).histogram(3), "WEIR_UNSUPPORTED_OPERATION", /empty/);
    await rejectsWith(spark.parallelize([NaN, NaN], 2).histogram(3), "WEIR_UNSUPPORTED_OPERATION", /empty/);
    await rejectsWith(spark.parallelize([1, Infinity], 2).histogram(3), "WEIR_UNSUPPORTED_OPERATION", /Infinity/);
    await rejectsWith(spark.parallelize([-Infinity, 1], 2).histogram(3), "WEIR_UNSUPPORTED_OPERATION", /-Infinity/);
    assert.deepEqual(await spark.parallelize([] as number[], 2).histogram([0, 1]), [[0, 1], [0]]);
  });
});

declare const hidden: number;
// Typed surface: numeric actions exist only on Dataset<number>, pair actions only on pair Datasets.
export function typedSurface(words: Dataset<string>, nums: Dataset<number>, pairs: Dataset<[string, number]>): void {
  // @ts-expect-error sum() needs numbers
  void words.sum();
  // @ts-expect-error lookup() needs [key, value] pairs
  void words.lookup("a");
  const stats: Promise<StatCounter> = nums.stats();
  const hist: Promise<[number[], number[]]> = nums.histogram([0, 1]);
  const map: Promise<Map<string, number>> = pairs.collectAsMap();
  const zipped: Dataset<[string, number]> = words.zip(nums);
  void [stats, hist, map, zipped];
}
