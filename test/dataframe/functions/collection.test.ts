/**
 * Arrays, maps and structs: construction, access, set operations, generators and higher-order functions.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { col, lit, F } from "../../../src/index.js";
import { useSession, value, values } from "./eval.js";

const { spark } = useSession();
const arr = (a: (number | null)[] | null) => [{ a }];

test("struct keeps field names from columns and aliases; getField reads them", async () => {
  const rows = [{ a: 7, s: "x" }];
  assert.deepEqual(await values(spark(), rows, F.struct("a", col("s").alias("z"), lit(1).alias("one"))), [{ a: 7, z: "x", one: 1 }]);
  assert.deepEqual(await values(spark(), rows, F.struct("a", col("s").alias("z")).getField("z")), ["x"]);
  const nested = await spark().createDataFrame(rows).select(F.struct("a", "s").alias("st")).select(col("st.s").alias("v")).collect();
  assert.deepEqual(nested, [{ v: "x" }]);
  assert.throws(() => F.struct(lit(1)), /struct\(\) fields need names/);
});

test("array and getItem: 0-based, out of range or negative is null", async () => {
  const rows = [{ a: 1, b: 2 }];
  assert.deepEqual(await values(spark(), rows, F.array("a", "b")), [[1, 2]]);
  assert.deepEqual(await values(spark(), rows, F.array("a", "b").getItem(0)), [1]);
  assert.deepEqual(await values(spark(), rows, F.array("a", "b").getItem(1)), [2]);
  assert.deepEqual(await values(spark(), rows, F.array("a", "b").getItem(2)), [null]);
  assert.deepEqual(await values(spark(), rows, F.array("a", "b").getItem(-1)), [null]);
});

test("createMap/mapFromArrays build maps; getItem and elementAt look up keys (missing → null)", async () => {
  const rows = [{ k: "x", v: 1 }];
  assert.deepEqual(await values(spark(), rows, F.createMap("k", "v").getItem("x")), [1]);
  assert.deepEqual(await values(spark(), rows, F.createMap("k", "v").getItem("nope")), [null]);
  assert.deepEqual(await values(spark(), rows, F.elementAt(F.createMap(lit("a"), lit(1), lit("b"), lit(2)), "b")), [2]);
  assert.deepEqual(await values(spark(), rows, F.mapKeys(F.createMap(lit("a"), lit(1), lit("b"), lit(2)))), [["a", "b"]]);
  assert.deepEqual(await values(spark(), rows, F.mapValues(F.mapFromArrays(F.array(lit("a"), lit("b")), F.array(lit(1), lit(2))))), [[1, 2]]);
});

test("elementAt is 1-based with negatives from the end; size is -1 for null", async () => {
  assert.deepEqual(await values(spark(), arr([10, 20, 30]), F.elementAt("a", 1)), [10]);
  assert.deepEqual(await values(spark(), arr([10, 20, 30]), F.elementAt("a", -1)), [30]);
  assert.deepEqual(await values(spark(), [{ a: [1, 2] }, { a: [] }, { a: null }], F.size("a"), "a array<int>"), [2, 0, -1]);
});

test("arrayContains, arrayPosition (1-based, 0 when absent), arrayMin/Max, slice with negative start", async () => {
  const one = arr([3, 1, 2]);
  assert.deepEqual(await values(spark(), one, F.arrayContains("a", 2)), [true]);
  assert.deepEqual(await values(spark(), one, F.arrayPosition("a", 2)), [3n]);
  assert.deepEqual(await values(spark(), one, F.arrayPosition("a", 9)), [0n]);
  assert.deepEqual(await values(spark(), one, F.arrayMin("a")), [1]);
  assert.deepEqual(await values(spark(), one, F.arrayMax("a")), [3]);
  assert.deepEqual(await values(spark(), one, F.slice("a", 2, 2)), [[1, 2]]);
  assert.deepEqual(await values(spark(), one, F.slice("a", -2, 1)), [[1]]);
});

test("sorting: arraySort puts nulls last, sortArray nulls first ascending and last descending", async () => {
  const one = [{ a: [3, null, 1] }];
  assert.deepEqual(await values(spark(), one, F.arraySort("a"), "a array<int>"), [[1, 3, null]]);
  assert.deepEqual(await values(spark(), one, F.sortArray("a"), "a array<int>"), [[null, 1, 3]]);
  assert.deepEqual(await values(spark(), one, F.sortArray("a", false), "a array<int>"), [[3, 1, null]]);
});

test("set operations keep first-appearance order and treat null as a value", async () => {
  const rows = [{ a: [3, 1, 3, null, 1], b: [1, 5, null] }];
  const schema = "a array<int>, b array<int>";
  assert.deepEqual(await values(spark(), rows, F.arrayDistinct("a"), schema), [[3, 1, null]]);
  assert.deepEqual(await values(spark(), rows, F.arrayUnion("a", "b"), schema), [[3, 1, null, 5]]);
  assert.deepEqual(await values(spark(), rows, F.arrayIntersect("a", "b"), schema), [[1, null]]);
  assert.deepEqual(await values(spark(), rows, F.arrayExcept("a", "b"), schema), [[3]]);
  assert.deepEqual(await values(spark(), rows, F.arraysOverlap("a", "b"), schema), [true]);
  assert.deepEqual(await values(spark(), rows, F.arrayRemove("a", 3), schema), [[1, null, 1]]);
});

test("arrayJoin skips nulls or replaces them; flatten; arrayRepeat; sequence is inclusive", async () => {
  assert.deepEqual(await values(spark(), [{ a: ["x", null, "z"] }], F.arrayJoin("a", ",")), ["x,z"]);
  assert.deepEqual(await values(spark(), [{ a: ["x", null, "z"] }], F.arrayJoin("a", ",", "NA")), ["x,NA,z"]);
  assert.deepEqual(await values(spark(), [{ a: [[1, 2], [3]] }], F.flatten("a"), "a array<array<int>>"), [[1, 2, 3]]);
  assert.deepEqual(await value(spark(), F.arrayRepeat(lit("ab"), 3)), ["ab", "ab", "ab"]);
  assert.deepEqual(await value(spark(), F.sequence(lit(1), lit(5))), [1, 2, 3, 4, 5]);
  assert.deepEqual(await value(spark(), F.sequence(lit(5), lit(1))), [5, 4, 3, 2, 1]);
  assert.deepEqual(await value(spark(), F.sequence(lit(0), lit(10), lit(5))), [0, 5, 10]);
});

test("explode drops empty/null arrays, explodeOuter keeps them as null; posexplode gives pos and col", async () => {
  const df = spark().createDataFrame([{ id: 1, a: ["x", "y"] }, { id: 2, a: [] }, { id: 3, a: null }], "id int, a array<string>");
  assert.deepEqual(await df.select("id", F.explode("a").alias("v")).collect(), [{ id: 1, v: "x" }, { id: 1, v: "y" }]);
  assert.deepEqual(await df.select("id", F.explodeOuter("a").alias("v")).orderBy("id", "v").collect(), [{ id: 1, v: "x" }, { id: 1, v: "y" }, { id: 2, v: null }, { id: 3, v: null }]);
  assert.deepEqual(await df.select("id", F.posexplode("a")).collect(), [{ id: 1, pos: 0n, col: "x" }, { id: 1, pos: 1n, col: "y" }]);
  assert.deepEqual(await df.select("id", F.posexplode("a").alias("i", "item")).collect(), [{ id: 1, i: 0n, item: "x" }, { id: 1, i: 1n, item: "y" }]);
  assert.deepEqual(await df.select("id", F.posexplodeOuter("a")).orderBy("id", col("pos")).collect(),
    [{ id: 1, pos: 0n, col: "x" }, { id: 1, pos: 1n, col: "y" }, { id: 2, pos: null, col: null }, { id: 3, pos: null, col: null }]);
  assert.throws(() => col("a").alias("x", "y"), /single-column expression/);
});

test("transform and filter (with 0-based index), exists/forall with three-valued logic, aggregate with finish", async () => {
  const one = arr([1, 2, 3]);
  assert.deepEqual(await values(spark(), one, F.transform("a", (x) => x.multiply(2))), [[2, 4, 6]]);
  assert.deepEqual(await values(spark(), one, F.transform("a", (x, i) => x.plus(i))), [[1, 3, 5]]);
  assert.deepEqual(await values(spark(), one, F.filter("a", (x) => x.gt(1))), [[2, 3]]);
  assert.deepEqual(await values(spark(), one, F.filter("a", (_x, i) => i.equalTo(0))), [[1]]);
  const rows = [{ a: [1, 2] }, { a: [1, null] }, { a: [3, null] }, { a: [] }, { a: null }];
  const schema = "a array<int>";
  assert.deepEqual(await values(spark(), rows, F.exists("a", (x) => x.gt(2)), schema), [false, null, true, false, null]);
  assert.deepEqual(await values(spark(), rows, F.forall("a", (x) => x.lt(3)), schema), [true, null, false, true, null]);
  assert.deepEqual(await values(spark(), one, F.aggregate("a", lit(0), (acc, x) => acc.plus(x))), [6]);
  assert.deepEqual(await values(spark(), one, F.aggregate("a", lit(0), (acc, x) => acc.plus(x), (acc) => acc.multiply(10))), [60]);
  assert.deepEqual(await values(spark(), [{ a: [] }], F.aggregate("a", lit(0), (acc, x) => acc.plus(x)), schema), [0]);
  assert.deepEqual(await values(spark(), [{ a: ["x", "y"] }], F.aggregate("a", lit(""), (acc, x) => F.concat(acc, x))), ["xy"]);
});
