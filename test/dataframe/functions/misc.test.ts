/**
 * F.expr, hashes, math and id functions against Spark's documented results.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { col, lit, F } from "../../../src/index.js";
import { useSession, value, values } from "./eval.js";

const { spark } = useSession();

test("F.expr evaluates DuckDB SQL over the DataFrame's columns; 'AS alias' names the output", async () => {
  const df = spark().createDataFrame([{ qty: 2, price: 1.5 }]);
  assert.deepEqual(await df.select(F.expr("qty * price AS amount")).collect(), [{ amount: 3 }]);
  assert.deepEqual(await df.select(F.expr("qty * price as `total amount`")).collect(), [{ "total amount": 3 }]);
  assert.deepEqual(await df.select(F.expr("qty + 1").alias("q")).collect(), [{ q: 3 }]);
  assert.deepEqual(await df.select(F.expr("upper('a')")).collect(), [{ "upper('a')": "A" }]);
  assert.deepEqual(await df.select(F.expr("CAST(qty AS VARCHAR)")).collect(), [{ "CAST(qty AS VARCHAR)": "2" }]);
  assert.throws(() => F.expr(" "), /expr\(\) needs a SQL expression/);
});

test("hash is deterministic, equal for equal inputs and differs across values", async () => {
  const rows = [{ a: 1, s: "x" }, { a: 1, s: "x" }, { a: 2, s: "x" }];
  const h = await values(spark(), rows, F.hash("a", "s"));
  assert.equal(h[0], h[1]);
  assert.notEqual(h[0], h[2]);
  assert.equal(typeof h[0], "bigint");
});

test("md5, sha1, sha2(256) hex digests", async () => {
  assert.equal(await value(spark(), F.md5(lit("Spark"))), "8cde774d6f7333752ed72cacddb05126");
  assert.equal(await value(spark(), F.sha1(lit("Spark"))), "85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c");
  assert.equal(await value(spark(), F.sha2(lit("Spark"), 256)), "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b");
  assert.throws(() => F.sha2("s", 384), /sha2\(\) supports 256 bits/);
});

test("round is half up, bround half even; ceil/floor are longs", async () => {
  const rows = [{ x: 2.5 }, { x: -2.5 }, { x: 1.45 }];
  assert.deepEqual(await values(spark(), rows, F.round("x")), [3, -3, 1]);
  assert.deepEqual(await values(spark(), rows, F.round("x", 1)), [2.5, -2.5, 1.5]);
  assert.deepEqual(await values(spark(), rows, F.bround("x")), [2, -2, 1]);
  assert.deepEqual(await values(spark(), rows, F.ceil("x")), [3n, -2n, 2n]);
  assert.deepEqual(await values(spark(), rows, F.floor("x")), [2n, -3n, 1n]);
  assert.deepEqual(await values(spark(), [{ n: 15 }], F.round("n", -1)), [20]);
});

test("abs, sqrt (NaN for negatives), exp, log (natural and with base), log10, log2, pow, signum", async () => {
  const one = [{ x: -4 }];
  assert.deepEqual(await values(spark(), one, F.abs("x")), [4]);
  assert.ok(Number.isNaN((await values(spark(), one, F.sqrt("x")))[0] as number));
  assert.deepEqual(await values(spark(), [{ x: 16 }], F.sqrt("x")), [4]);
  assert.deepEqual(await values(spark(), [{ x: 0 }], F.exp("x")), [1]);
  assert.deepEqual(await values(spark(), [{ x: 8 }], F.log(2, "x")), [3]);
  assert.deepEqual(await values(spark(), [{ x: 100 }], F.log10("x")), [2]);
  assert.deepEqual(await values(spark(), [{ x: 8 }], F.log2("x")), [3]);
  assert.deepEqual(await values(spark(), [{ x: 1 }], F.log("x")), [0]);
  assert.deepEqual(await values(spark(), [{ x: 0 }], F.log("x")), [null]);
  assert.deepEqual(await values(spark(), [{ x: 3 }], F.pow("x", 2)), [9]);
  assert.deepEqual(await values(spark(), [{ x: -3 }, { x: 0 }, { x: 2 }], F.signum("x")), [-1, 0, 1]);
});

test("monotonicallyIncreasingId is unique and increasing; rand is in [0, 1)", async () => {
  const ids = await values(spark(), [{ x: 1 }, { x: 2 }, { x: 3 }], F.monotonicallyIncreasingId());
  assert.equal(new Set(ids.map(String)).size, 3);
  const r = await values(spark(), [{ x: 1 }, { x: 2 }], F.rand());
  assert.ok(r.every((v) => typeof v === "number" && v >= 0 && v < 1));
});

test("columns compose: a Spark-style pipeline of functions", async () => {
  const df = spark().createDataFrame([{ name: " alice ", amount: "12.345", ts: "2024-03-10 10:00:00" }]);
  const out = await df.select(
    F.initcap(F.trim("name")).alias("name"), col("amount").cast("decimal(10,2)").alias("amount"),
    F.dateFormat(F.toTimestamp("ts"), "yyyy-MM").alias("month"), F.when(col("amount").cast("double").gt(10), "big").otherwise("small").alias("size"),
  ).collect();
  assert.deepEqual(out, [{ name: "Alice", amount: 12.35, month: "2024-03", size: "big" }]);
});
