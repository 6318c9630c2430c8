/**
 * Aggregate functions through groupBy().agg() and agg() against Spark's documented results.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { col, F, type Column } from "../../../src/index.js";
import { useSession } from "./eval.js";

const { spark } = useSession();
const rows = [
  { k: "a", v: 1, w: 2.0, s: "x" }, { k: "a", v: 2, w: 4.0, s: null }, { k: "a", v: null, w: 6.0, s: "y" },
  { k: "a", v: 4, w: 8.0, s: "x" }, { k: "b", v: null, w: null, s: null },
];
const schema = "k string, v int, w double, s string";
const agg = async (...cols: Column<unknown, string>[]) =>
  spark().createDataFrame(rows, schema).groupBy("k").agg(...cols).orderBy("k").collect() as Promise<Record<string, unknown>[]>;

test("count(*) counts rows, count(col) non-nulls; countDistinct skips tuples with any null", async () => {
  const r = await agg(F.count("*").alias("n"), F.count("v").alias("nv"), F.countDistinct("s").alias("ds"), F.countDistinct("v", "s").alias("dvs"));
  assert.deepEqual(r, [{ k: "a", n: 4n, nv: 3n, ds: 2n, dvs: 2n }, { k: "b", n: 1n, nv: 0n, ds: 0n, dvs: 0n }]);
});

test("sum of ints is a long, avg/mean a double, both null for an all-null group; min/max skip nulls", async () => {
  const r = await agg(F.sum("v").alias("sum"), F.avg("v").alias("avg"), F.mean("w").alias("mean"), F.min("v").alias("min"), F.max("s").alias("max"), F.sumDistinct("v").alias("sd"));
  assert.deepEqual(r, [
    { k: "a", sum: 7n, avg: 7 / 3, mean: 5, min: 1, max: "y", sd: 7n },
    { k: "b", sum: null, avg: null, mean: null, min: null, max: null, sd: null },
  ]);
  const dtypes = await spark().createDataFrame(rows, schema).groupBy("k").agg(F.sum("v").alias("s")).dtypes();
  assert.deepEqual(dtypes, [["k", "string"], ["s", "bigint"]]);
});

test("first/last return the group's first/last value, or with ignoreNulls the first/last non-null", async () => {
  const ordered = spark().createDataFrame([{ g: 1, x: null }, { g: 1, x: "p" }, { g: 1, x: "q" }, { g: 1, x: null }], "g int, x string");
  const r = await ordered.coalesce(1).groupBy("g").agg(F.first("x").alias("f"), F.first("x", true).alias("fn"), F.last("x").alias("l"), F.last("x", true).alias("ln")).collect();
  assert.deepEqual(r, [{ g: 1, f: null, fn: "p", l: null, ln: "q" }]);
});

test("collectList keeps duplicates and skips nulls; collectSet is distinct; an all-null group gives []", async () => {
  const r = await agg(F.sortArray(F.collectList("s")).alias("l"), F.sortArray(F.collectSet("s")).alias("set"));
  assert.deepEqual(r, [{ k: "a", l: ["x", "x", "y"], set: ["x", "y"] }, { k: "b", l: [], set: [] }]);
});

test("stddev/variance are sample statistics (null for one value); the _pop variants are population", async () => {
  const df = spark().createDataFrame([{ x: 2 }, { x: 4 }, { x: 4 }, { x: 4 }, { x: 5 }, { x: 5 }, { x: 7 }, { x: 9 }]);
  const [r] = await df.agg(F.stddev("x").alias("sd"), F.variance("x").alias("var"), F.stddevPop("x").alias("sdp"), F.varPop("x").alias("vp"), F.stddevSamp("x").alias("sds"), F.varSamp("x").alias("vs")).collect() as Record<string, number>[];
  assert.equal(r!.sdp, 2);
  assert.equal(r!.vp, 4);
  assert.ok(Math.abs(r!.var! - 32 / 7) < 1e-12);
  assert.ok(Math.abs(r!.sd! - Math.sqrt(32 / 7)) < 1e-12);
  assert.equal(r!.sds, r!.sd);
  assert.equal(r!.vs, r!.var);
  const [one] = await spark().createDataFrame([{ x: 1 }]).agg(F.stddev("x").alias("sd"), F.variance("x").alias("v")).collect();
  assert.deepEqual(one, { sd: null, v: null });
});

test("corr, covarPop and covarSamp", async () => {
  const df = spark().createDataFrame([{ a: 1, b: 2 }, { a: 2, b: 4 }, { a: 3, b: 7 }]);
  const [r] = await df.agg(F.corr("a", "b").alias("c"), F.covarPop("a", "b").alias("cp"), F.covarSamp("a", "b").alias("cs")).collect() as Record<string, number>[];
  assert.ok(Math.abs(r!.c! - 0.9933992677987828) < 1e-12);
  assert.ok(Math.abs(r!.cp! - 5 / 3) < 1e-12);
  assert.ok(Math.abs(r!.cs! - 2.5) < 1e-12);
});

test("percentileApprox returns actual values (rank ceil(p·n)), an array for an array of percentages", async () => {
  const df = spark().createDataFrame(Array.from({ length: 10 }, (_, i) => ({ x: i + 1 })));
  const [r] = await df.agg(
    F.percentileApprox("x", 0.5).alias("p50"), F.percentileApprox("x", [0.25, 0.5, 0.75]).alias("qs"),
    F.percentileApprox("x", 0.35).alias("p35"), F.percentileApprox("x", 0).alias("p0"), F.percentileApprox("x", 1).alias("p100"),
    F.median("x").alias("med"), F.percentile("x", 0.5).alias("pct"),
  ).collect();
  assert.deepEqual(r, { p50: 5, qs: [3, 5, 8], p35: 4, p0: 1, p100: 10, med: 5.5, pct: 5.5 });
  const [small] = await spark().createDataFrame([{ x: 1 }, { x: 2 }, { x: 3 }]).agg(F.percentileApprox("x", 0.9).alias("p")).collect();
  assert.deepEqual(small, { p: 3 });
});

test("approxCountDistinct is exact on small inputs and ignores nulls", async () => {
  const r = await agg(F.approxCountDistinct("s").alias("n"));
  assert.deepEqual(r, [{ k: "a", n: 2n }, { k: "b", n: 0n }]);
});

test("aggregates over expressions, and boolAnd/boolOr", async () => {
  const df = spark().createDataFrame([{ q: 2, p: 1.5 }, { q: 4, p: 2.5 }]);
  const [r] = await df.agg(F.sum(col("q").multiply(col("p"))).alias("amount"), F.boolAnd(col("q").gt(1)).alias("all"), F.boolOr(col("q").gt(3)).alias("any")).collect();
  assert.deepEqual(r, { amount: 13, all: true, any: true });
});
