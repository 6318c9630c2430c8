import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Session, type Dataset } from "../../src/index.js";
import { canon, groupRef, joinRef, randomPairs, reduceRef, rng } from "./reference.js";

// Property-style: every transformation against a single-threaded reference on seeded random data, for several
// seeds, partition counts and pool sizes — the results must not depend on any of them.
const SEEDS = [1, 2, 3];
const PARTITIONS = [1, 3];
const POOLS = [1, 2];
const sessions = new Map<number, Session>();

before(async () => {
  for (const workers of POOLS) sessions.set(workers, await Session.create({ conf: { "weir.js.workers": workers } }));
});
after(async () => {
  for (const s of sessions.values()) await s.close();
});

async function forAll(check: (spark: Session, data: [string | number, number][], parts: number, seed: number) => Promise<void>): Promise<void> {
  for (const [, spark] of sessions) for (const seed of SEEDS) for (const parts of PARTITIONS) {
    await check(spark, randomPairs(seed, 40 + seed * 7), parts, seed);
  }
}

const sortGroups = <K>(xs: [K, number[]][]): [K, number[]][] => xs.map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)]);

describe("Dataset transformations equal a single-threaded reference for any seed, partition count and pool size", () => {
  test("map, flatMap, filter, keyBy, mapValues, flatMapValues, keys, values", async () => {
    await forAll(async (spark, data, parts) => {
      const ds = spark.parallelize(data, parts);
      assert.deepEqual(await ds.map(([k, v]) => `${k}:${v}`).collect(), data.map(([k, v]) => `${k}:${v}`));
      assert.deepEqual(await ds.flatMap(([k, v]) => (v > 0 ? [k, v] : [])).collect(), data.flatMap(([k, v]) => (v > 0 ? [k, v] : [])));
      assert.deepEqual(await ds.filter(([, v]) => v % 2 === 0).collect(), data.filter(([, v]) => v % 2 === 0));
      assert.deepEqual(await ds.values().keyBy((v) => v % 5).collect(), data.map(([, v]) => [v % 5, v]));
      assert.deepEqual(await ds.mapValues((v) => v * 3).collect(), data.map(([k, v]) => [k, v * 3]));
      assert.deepEqual(await ds.flatMapValues((v) => [v, -v]).collect(), data.flatMap(([k, v]) => [[k, v], [k, -v]]));
      assert.deepEqual(await ds.keys().collect(), data.map(([k]) => k));
    });
  });

  test("mapPartitions and mapPartitionsWithIndex see whole partitions, in order", async () => {
    await forAll(async (spark, data, parts) => {
      const ds = spark.parallelize(data, parts);
      const sums = await ds.mapPartitions(function* (it) { let s = 0; for (const [, v] of it) s += v; yield s; }).collect();
      assert.equal(sums.length, parts);
      assert.equal(sums.reduce((a, b) => a + b, 0), data.reduce((a, [, v]) => a + v, 0));
      const idx = await ds.mapPartitionsWithIndex((i, it) => [...it].map(() => i)).collect();
      assert.deepEqual(idx, [...idx].sort((a, b) => a - b));
      assert.equal(new Set(idx).size, Math.min(parts, data.length));
    });
  });

  test("reduceByKey, foldByKey, aggregateByKey, combineByKey, groupByKey", async () => {
    await forAll(async (spark, data, parts) => {
      const ds = spark.parallelize(data, parts);
      const n = 1 + (parts % 2);
      assert.deepEqual(canon(await ds.reduceByKey((a, b) => a + b, n).collect()), canon(reduceRef(data, (a, b) => a + b)));
      assert.deepEqual(canon(await ds.foldByKey(0, (a, b) => Math.max(a, b)).collect()), canon(reduceRef(data.map(([k, v]) => [k, Math.max(0, v)] as [string | number, number]), Math.max)));
      const agg = await ds.aggregateByKey([] as number[], (acc, v) => { acc.push(v); return acc; }, (a, b) => a.concat(b)).collect();
      assert.deepEqual(canon(sortGroups(agg)), canon(groupRef(data)));
      const avg = await ds.combineByKey((v) => [v, 1] as [number, number], (c, v) => [c[0] + v, c[1] + 1] as [number, number], (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number]).collect();
      assert.deepEqual(canon(avg), canon(groupRef(data).map(([k, vs]) => [k, [vs.reduce((a, b) => a + b, 0), vs.length]])));
      assert.deepEqual(canon(sortGroups(await ds.groupByKey(n).collect())), canon(groupRef(data)));
    });
  });

  test("join, leftOuterJoin, rightOuterJoin, fullOuterJoin and cogroup", async () => {
    await forAll(async (spark, data, parts, seed) => {
      const other = randomPairs(seed + 100, 25).map(([k, v]) => [k, `w${v}`] as [string | number, string]);
      const a = spark.parallelize(data, parts);
      const b = spark.parallelize(other, 2);
      assert.deepEqual(canon(await a.join(b).collect()), canon(joinRef(data, other, "inner")));
      assert.deepEqual(canon(await a.leftOuterJoin(b).collect()), canon(joinRef(data, other, "left")));
      assert.deepEqual(canon(await a.rightOuterJoin(b, 3).collect()), canon(joinRef(data, other, "right")));
      assert.deepEqual(canon(await a.fullOuterJoin(b).collect()), canon(joinRef(data, other, "full")));
      const cg = await a.cogroup(b).collect();
      assert.equal(cg.length, new Set([...data, ...other].map(([k]) => JSON.stringify(k))).size);
    });
  });

  test("distinct, union, sortBy, sortByKey (ascending and descending), countByKey, countByValue", async () => {
    await forAll(async (spark, data, parts) => {
      const ds = spark.parallelize(data, parts);
      const vals = data.map(([, v]) => v);
      assert.deepEqual((await ds.values().distinct(2).collect()).sort((a, b) => a - b), [...new Set(vals)].sort((a, b) => a - b));
      assert.deepEqual(canon(await ds.distinct().collect()), canon([...new Map(data.map((p) => [JSON.stringify(p), p])).values()]));
      assert.deepEqual(await ds.union(ds).count(), 2 * data.length);
      assert.deepEqual(await ds.values().sortBy((v) => v).collect(), [...vals].sort((a, b) => a - b));
      assert.deepEqual(await ds.values().sortBy((v) => v, false, 3).collect(), [...vals].sort((a, b) => b - a));
      const byKey = await ds.map(([, v]): [number, number] => [v, v]).sortByKey(true, 2).keys().collect();
      assert.deepEqual(byKey, [...vals].sort((a, b) => a - b));
      const cbk = await ds.countByKey();
      for (const [k, vs] of groupRef(data)) assert.equal(cbk.get(k), vs.length);
      const cbv = await ds.values().countByValue();
      assert.equal([...cbv.values()].reduce((a, b) => a + b, 0), vals.length);
    });
  });

  test("repartition, coalesce, partitionBy keep every record; zipWithIndex numbers them in order", async () => {
    await forAll(async (spark, data, parts) => {
      const ds = spark.parallelize(data, parts);
      const re = ds.repartition(4);
      assert.equal(re.getNumPartitions(), 4);
      assert.deepEqual(canon(await re.collect()), canon(data));
      assert.deepEqual(await ds.coalesce(1).collect(), data);
      assert.deepEqual(canon(await ds.partitionBy(2).collect()), canon(data));
      assert.deepEqual(await ds.zipWithIndex().collect(), data.map((x, i) => [x, i]));
    });
  });

  test("actions: count, take, first, reduce, fold, aggregate, toLocalIterator", async () => {
    await forAll(async (spark, data, parts) => {
      const vals = spark.parallelize(data, parts).values();
      const ref = data.map(([, v]) => v);
      assert.equal(await vals.count(), ref.length);
      assert.deepEqual(await vals.take(7), ref.slice(0, 7));
      assert.equal(await vals.first(), ref[0]);
      assert.equal(await vals.reduce((a, b) => a + b), ref.reduce((a, b) => a + b, 0));
      assert.equal(await vals.fold(0, (a, b) => a + b), ref.reduce((a, b) => a + b, 0));
      assert.deepEqual(await vals.aggregate([0, 0], (acc, v) => [acc[0]! + v, acc[1]! + 1], (a, b) => [a[0]! + b[0]!, a[1]! + b[1]!]), [ref.reduce((a, b) => a + b, 0), ref.length]);
      const seen: number[] = [];
      for await (const v of vals) seen.push(v);
      assert.deepEqual(seen, ref);
    });
  });

  test("sample is deterministic for a seed and keeps about the requested fraction", async () => {
    const spark = sessions.get(2)!;
    const r = rng(9);
    const ds: Dataset<number> = spark.parallelize(Array.from({ length: 2000 }, () => r()), 4);
    const a = await ds.sample(false, 0.25, 7).collect();
    assert.deepEqual(await ds.sample(false, 0.25, 7).collect(), a);
    assert.ok(a.length > 380 && a.length < 620, `sample size ${a.length}`);
    const w = await ds.sample(true, 2, 7).count();
    assert.ok(w > 3500 && w < 4500, `with replacement ${w}`);
  });

  test("first() and reduce() on an empty Dataset fail with WEIR_UNSUPPORTED_OPERATION", async () => {
    const empty = sessions.get(1)!.parallelize([] as number[], 2);
    await assert.rejects(empty.first(), { code: "WEIR_UNSUPPORTED_OPERATION" });
    await assert.rejects(empty.reduce((a, b) => a + b), { code: "WEIR_UNSUPPORTED_OPERATION" });
    assert.equal(await empty.fold(0, (a, b) => a + b), 0);
  });
});
