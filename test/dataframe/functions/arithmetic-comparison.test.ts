/**
 * Arithmetic, comparison, boolean and predicate Column methods against Spark's documented results.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { col, lit, F } from "../../../src/index.js";
import { useSession, values } from "./eval.js";

const { spark } = useSession();
const nums = [{ a: 7, b: 2 }, { a: -7, b: 3 }, { a: 7, b: 0 }, { a: null, b: 1 }];

test("divide is always fractional and null on division by zero, as Spark's /", async () => {
  assert.deepEqual(await values(spark(), nums, col("a").divide(col("b"))), [3.5, -7 / 3, null, null]);
  assert.deepEqual(await values(spark(), [{ a: 1.5, b: 0.0 }], col("a").divide(col("b"))), [null]);
});

test("mod keeps the dividend's sign and is null for a zero divisor; pmod is non-negative", async () => {
  assert.deepEqual(await values(spark(), nums, col("a").mod(col("b"))), [1, -1, null, null]);
  assert.deepEqual(await values(spark(), nums, F.pmod("a", "b")), [1, 2, null, null]);
});

test("plus, minus, multiply and negate propagate nulls", async () => {
  assert.deepEqual(await values(spark(), nums, col("a").plus(col("b"))), [9, -4, 7, null]);
  assert.deepEqual(await values(spark(), nums, col("a").minus(1)), [6, -8, 6, null]);
  assert.deepEqual(await values(spark(), nums, col("a").multiply(col("b"))), [14, -21, 0, null]);
  assert.deepEqual(await values(spark(), nums, col("a").negate()), [-7, 7, -7, null]);
});

test("comparisons with null are null; eqNullSafe is true for two nulls and false for one", async () => {
  const rows = [{ a: 1, b: 1 }, { a: 1, b: null }, { a: null, b: null }, { a: 2, b: 1 }];
  assert.deepEqual(await values(spark(), rows, col("a").equalTo(col("b"))), [true, null, null, false]);
  assert.deepEqual(await values(spark(), rows, col("a").eqNullSafe(col("b"))), [true, false, true, false]);
  assert.deepEqual(await values(spark(), rows, col("a").notEqual(col("b"))), [false, null, null, true]);
  assert.deepEqual(await values(spark(), rows, col("a").gt(col("b"))), [false, null, null, true]);
  assert.deepEqual(await values(spark(), rows, col("a").geq(col("b"))), [true, null, null, true]);
  assert.deepEqual(await values(spark(), rows, col("a").lt(col("b"))), [false, null, null, false]);
  assert.deepEqual(await values(spark(), rows, col("a").leq(col("b"))), [true, null, null, false]);
});

test("and/or/not follow three-valued logic", async () => {
  const rows = [{ p: true, q: null }, { p: false, q: null }, { p: null, q: null }];
  const schema = "p boolean, q boolean";
  assert.deepEqual(await values(spark(), rows, col("p").and(col("q")), schema), [null, false, null]);
  assert.deepEqual(await values(spark(), rows, col("p").or(col("q")), schema), [true, null, null]);
  assert.deepEqual(await values(spark(), rows, col("p").not(), schema), [false, true, null]);
});

test("bitwise and/or/xor/not on integers", async () => {
  const rows = [{ a: 5, b: 3 }];
  assert.deepEqual(await values(spark(), rows, col("a").bitwiseAND(col("b"))), [1]);
  assert.deepEqual(await values(spark(), rows, col("a").bitwiseOR(col("b"))), [7]);
  assert.deepEqual(await values(spark(), rows, col("a").bitwiseXOR(col("b"))), [6]);
  assert.deepEqual(await values(spark(), rows, F.bitwiseNot("a")), [-6]);
});

test("between is inclusive at both ends and null for a null value", async () => {
  const rows = [{ a: 1 }, { a: 3 }, { a: 5 }, { a: 6 }, { a: null }];
  assert.deepEqual(await values(spark(), rows, col("a").between(1, 5)), [true, true, true, false, null]);
});

test("isin: empty list is false, a null value or a null in the list without a match is null", async () => {
  const rows = [{ a: 1 }, { a: 2 }, { a: null }];
  assert.deepEqual(await values(spark(), rows, col("a").isin()), [false, false, false]);
  assert.deepEqual(await values(spark(), rows, col("a").isin(1, 3)), [true, false, null]);
  assert.deepEqual(await values(spark(), rows, col("a").isin([1, null])), [true, null, null]);
});

test("like uses % and _ with backslash escapes, ilike ignores case, rlike matches anywhere", async () => {
  const rows = [{ s: "a_c" }, { s: "abc" }, { s: "ABC" }, { s: null }];
  assert.deepEqual(await values(spark(), rows, col("s").like("a_c")), [true, true, false, null]);
  assert.deepEqual(await values(spark(), rows, col("s").like("a\\_c")), [true, false, false, null]);
  assert.deepEqual(await values(spark(), rows, col("s").ilike("a%")), [true, true, true, null]);
  assert.deepEqual(await values(spark(), rows, col("s").rlike("b")), [false, true, false, null]);
  assert.deepEqual(await values(spark(), rows, col("s").rlike("^[a-z]+$")), [false, true, false, null]);
});

test("startsWith, endsWith and contains", async () => {
  const rows = [{ s: "spark" }, { s: null }];
  assert.deepEqual(await values(spark(), rows, col("s").startsWith("sp")), [true, null]);
  assert.deepEqual(await values(spark(), rows, col("s").endsWith("rk")), [true, null]);
  assert.deepEqual(await values(spark(), rows, col("s").contains("ar")), [true, null]);
});

test("literal arithmetic on columns of different numeric types widens like Spark", async () => {
  const rows = [{ i: 3, d: 0.5 }];
  assert.deepEqual(await values(spark(), rows, col("i").plus(col("d"))), [3.5]);
  assert.deepEqual(await values(spark(), rows, lit(10).divide(4)), [2.5]);
});
