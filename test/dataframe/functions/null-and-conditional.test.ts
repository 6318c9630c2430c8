/**
 * Null handling and conditionals (when/otherwise, coalesce, greatest/least, nanvl, nullif, nvl…) against Spark.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { col, lit, when, F, t } from "../../../src/index.js";
import { iso, useSession, value, values } from "./eval.js";

const { spark } = useSession();
const rows = [{ a: 1, b: null, c: 3 }, { a: null, b: null, c: null }, { a: null, b: 5, c: 2 }];
const schema = "a int, b int, c int";

test("when/otherwise chains take the first true branch; a null condition is not true; no otherwise gives null", async () => {
  const r = [{ q: 20 }, { q: 5 }, { q: 0 }, { q: null }];
  const size = when(col("q").gt(10), "bulk").when(col("q").gt(0), "retail").otherwise("none");
  assert.deepEqual(await values(spark(), r, size), ["bulk", "retail", "none", "none"]);
  assert.deepEqual(await values(spark(), r, F.when(col("q").gt(10), 1)), [1, null, null, null]);
  assert.deepEqual(await values(spark(), r, F.when(col("q").gt(10), 1).when(col("q").isNull(), -1)), [1, null, null, -1]);
});

test("otherwise without when, or twice, is a clear error", () => {
  assert.throws(() => col("a").otherwise(1), /otherwise\(\) can only follow when\(\)/);
  assert.throws(() => when(col("a").gt(1), 1).otherwise(2).otherwise(3), /otherwise\(\) can only follow when\(\)/);
});

test("coalesce returns the first non-null argument", async () => {
  assert.deepEqual(await values(spark(), rows, F.coalesce("a", "b", "c"), schema), [1, null, 5]);
  assert.deepEqual(await values(spark(), rows, F.coalesce("b", lit(0)), schema), [0, 0, 5]);
});

test("greatest and least skip nulls and are null only when all are null", async () => {
  assert.deepEqual(await values(spark(), rows, F.greatest("a", "b", "c"), schema), [3, null, 5]);
  assert.deepEqual(await values(spark(), rows, F.least("a", "b", "c"), schema), [1, null, 2]);
});

test("ifnull/nvl replace nulls, nvl2 picks by nullness, nullif nulls equal values", async () => {
  assert.deepEqual(await values(spark(), rows, F.ifnull("a", "c"), schema), [1, null, 2]);
  assert.deepEqual(await values(spark(), rows, F.nvl("b", lit(-1)), schema), [-1, -1, 5]);
  assert.deepEqual(await values(spark(), rows, F.nvl2("a", lit("has a"), lit("no a")), schema), ["has a", "no a", "no a"]);
  assert.deepEqual(await values(spark(), [{ a: 1, b: 1 }, { a: 1, b: 2 }], F.nullif("a", "b")), [null, 1]);
});

test("isNull/isNotNull, and isnan is false (not null) for null", async () => {
  assert.deepEqual(await values(spark(), rows, col("a").isNull(), schema), [false, true, true]);
  assert.deepEqual(await values(spark(), rows, F.isnotnull("a"), schema), [true, false, false]);
  const d = [{ x: Number.NaN }, { x: 1.5 }, { x: null }];
  assert.deepEqual(await values(spark(), d, F.isnan("x"), "x double"), [true, false, false]);
  assert.deepEqual(await values(spark(), d, col("x").isNaN(), "x double"), [true, false, false]);
  assert.deepEqual(await values(spark(), d, F.nanvl("x", lit(0)), "x double"), [0, 1.5, null]);
});

test("lit binds dates, timestamps, decimals and nulls with their types", async () => {
  assert.equal(iso(await value(spark(), lit(new Date("2024-03-10T12:00:00Z")))), "2024-03-10T12:00:00.000Z");
  assert.equal(iso(await value(spark(), lit(new Date("2024-03-10T00:00:00Z"), t.date()))), "2024-03-10T00:00:00.000Z");
  assert.equal(await value(spark(), lit("12.345", t.decimal(10, 2))), 12.35);
  assert.equal(await value(spark(), lit(null)), null);
  assert.equal(await value(spark(), lit(null, t.int32()).plus(1)), null);
  const types = spark().createDataFrame([{ x: 1 }]).select(lit(new Date("2024-03-10T00:00:00Z"), t.date()).alias("d"), lit("1.5", t.decimal(5, 1)).alias("m")).dtypes();
  assert.deepEqual(await types, [["d", "date"], ["m", "decimal(5,1)"]]);
});
