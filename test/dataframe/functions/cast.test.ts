/**
 * Casts with Spark's (ANSI off) semantics: invalid → null, fractional → integral truncates, decimals round
 * half up, strings are trimmed, booleans from Spark's true/false strings, epoch seconds ↔ timestamps.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { col, lit, t } from "../../../src/index.js";
import { iso, useSession, values } from "./eval.js";

const { spark } = useSession();

test("string → int: invalid is null, whitespace is trimmed, a fraction is truncated", async () => {
  const rows = [{ s: "42" }, { s: " 12 " }, { s: "1.5" }, { s: "-1.9" }, { s: "abc" }, { s: "" }, { s: null }, { s: "99999999999" }];
  assert.deepEqual(await values(spark(), rows, col("s").cast("int")), [42, 12, 1, -1, null, null, null, null]);
  assert.deepEqual(await values(spark(), rows.slice(-1), col("s").cast("bigint")), [99999999999n]);
});

test("double and decimal → int truncate toward zero (DuckDB would round)", async () => {
  const rows = [{ d: 1.5 }, { d: -1.5 }, { d: 2.9 }, { d: -2.9 }];
  assert.deepEqual(await values(spark(), rows, col("d").cast("int")), [1, -1, 2, -2]);
  assert.deepEqual(await values(spark(), rows, col("d").cast("decimal(4,1)").cast(t.int64())), [1n, -1n, 2n, -2n]);
  assert.deepEqual(await values(spark(), [{ b: true }, { b: false }], col("b").cast("int")), [1, 0]);
});

test("decimal(p,s) rounds half up; overflow is null", async () => {
  const rows = [{ s: "1.005" }, { s: "-1.005" }, { s: "1.004" }, { s: "123456.789" }];
  assert.deepEqual(await values(spark(), rows, col("s").cast("decimal(10,2)")), [1.01, -1.01, 1, 123456.79]);
  assert.deepEqual(await values(spark(), rows, col("s").cast("decimal(4,1)")), [1, -1, 1, null]);
  // A double is rounded by its decimal text, as Spark does: 1.005 → 1.01 (its binary value is 1.00499…).
  assert.deepEqual(await values(spark(), [{ d: 1.005 }, { d: 2.675 }], col("d").cast("decimal(10,2)")), [1.01, 2.68]);
  assert.deepEqual(await (spark().createDataFrame([{ d: 1.5 }]).select(col("d").cast("decimal(10,2)").alias("m"))).dtypes(), [["m", "decimal(10,2)"]]);
});

test("string → boolean accepts Spark's true/false spellings, anything else is null", async () => {
  const rows = ["true", "TRUE", "t", "yes", "y", "1", "false", "f", "no", "n", "0", " true ", "2", "maybe"].map((s) => ({ s }));
  assert.deepEqual(await values(spark(), rows, col("s").cast("boolean")),
    [true, true, true, true, true, true, false, false, false, false, false, true, null, null]);
  assert.deepEqual(await values(spark(), [{ i: 0 }, { i: 2 }], col("i").cast("boolean")), [false, true]);
});

test("string → date/timestamp: ISO text parses, a timestamp string gives its date, garbage is null", async () => {
  const rows = [{ s: "2024-03-10" }, { s: "2024-03-10 12:34:56" }, { s: "2024-3-5" }, { s: "10/03/2024" }, { s: null }];
  assert.deepEqual((await values(spark(), rows, col("s").cast("date"))).map(iso),
    ["2024-03-10T00:00:00.000Z", "2024-03-10T00:00:00.000Z", "2024-03-05T00:00:00.000Z", null, null]);
  assert.deepEqual((await values(spark(), rows, col("s").cast("timestamp"))).map(iso),
    ["2024-03-10T00:00:00.000Z", "2024-03-10T12:34:56.000Z", "2024-03-05T00:00:00.000Z", null, null]);
  assert.deepEqual((await values(spark(), [{ s: "2024-03-10T12:00:00Z" }], col("s").cast("timestamp"))).map(iso), ["2024-03-10T12:00:00.000Z"]);
});

test("timestamp ↔ numbers are epoch seconds; timestamp → date keeps the day", async () => {
  const ts = lit(new Date("2024-03-10T12:34:56.500Z"));
  const one = [{ x: 1 }];
  assert.deepEqual(await values(spark(), one, ts.cast("long")), [1710074096n]);
  assert.deepEqual(await values(spark(), one, ts.cast("double")), [1710074096.5]);
  assert.deepEqual((await values(spark(), one, lit(1710074096).cast("timestamp"))).map(iso), ["2024-03-10T12:34:56.000Z"]);
  assert.deepEqual((await values(spark(), one, ts.cast("date"))).map(iso), ["2024-03-10T00:00:00.000Z"]);
});

test("→ string: numbers, booleans, dates and timestamps print as Spark prints them", async () => {
  const one = [{ x: 1 }];
  assert.deepEqual(await values(spark(), one, lit(42).cast("string")), ["42"]);
  assert.deepEqual(await values(spark(), one, lit(1.5).cast("string")), ["1.5"]);
  assert.deepEqual(await values(spark(), one, lit(true).cast("string")), ["true"]);
  assert.deepEqual(await values(spark(), one, lit(new Date("2024-03-10T00:00:00Z"), t.date()).cast("string")), ["2024-03-10"]);
  assert.deepEqual(await values(spark(), one, lit(new Date("2024-03-10T12:34:56Z")).cast("string")), ["2024-03-10 12:34:56"]);
  assert.deepEqual(await values(spark(), one, lit(new Date("2024-03-10T12:34:56.500Z")).cast("string")), ["2024-03-10 12:34:56.5"]);
});

test("astype is cast; casting to the same type is the identity", async () => {
  const rows = [{ a: 1 }, { a: null }];
  assert.deepEqual(await values(spark(), rows, col("a").astype("int")), [1, null]);
  assert.deepEqual(await values(spark(), rows, col("a").cast(t.int32()).cast("string")), ["1", null]);
});
