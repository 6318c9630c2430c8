import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { type Session, type WeirError } from "../../src/index.js";
import { openSession } from "./helpers.js";

let spark: Session;
before(async () => { spark = await openSession(); });
after(async () => { await spark.close(); });

const nums = (...xs: number[]) => spark.createDataFrame(xs.map((x) => ({ x })));
const values = async (df: { collect(): Promise<{ x: unknown }[]> }) => (await df.collect()).map((r) => r.x).sort();

test("union matches columns by position, keeps duplicates and takes the left names", async () => {
  const a = spark.createDataFrame([{ a: 1, b: "x" }]);
  const b = spark.createDataFrame([{ b: 2, a: "y" }]);
  // b's first column (named b) lands in a, its second (named a) in b.
  assert.deepEqual(await a.union(b as never).collect(), [{ a: 1, b: "x" }, { a: 2, b: "y" }]);
  assert.deepEqual(await values(nums(1, 2).union(nums(2))), [1, 2, 2]);
  await assert.rejects(a.union(nums(1) as never).collect(), (e: WeirError) =>
    e.code === "WEIR_INVALID_ARGUMENT" && /left has 2 \(a, b\) and right has 1 \(x\)/.test(e.message) && /unionByName/.test(e.hint ?? ""));
});

test("unionByName matches names, and fills missing columns only with allowMissingColumns", async () => {
  const a = spark.createDataFrame([{ id: 1, name: "a" }]);
  const b = spark.createDataFrame([{ name: "b", id: 2 }]);
  assert.deepEqual(await a.unionByName(b).orderBy("id").collect(), [{ id: 1, name: "a" }, { id: 2, name: "b" }]);
  const c = spark.createDataFrame([{ id: 3, extra: true }]);
  await assert.rejects(a.unionByName(c).collect(), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT" && /only left: name; only right: extra/.test(e.message));
  assert.deepEqual(await a.unionByName(c, { allowMissingColumns: true }).orderBy("id").collect(), [{ id: 1, name: "a", extra: null }, { id: 3, name: null, extra: true }]);
});

test("intersect/intersectAll/subtract/exceptAll follow set vs bag semantics", async () => {
  const l = nums(1, 1, 1, 2, 3);
  const r = nums(1, 1, 3, 4);
  assert.deepEqual(await values(l.intersect(r)), [1, 3]);
  assert.deepEqual(await values(l.intersectAll(r)), [1, 1, 3]);
  assert.deepEqual(await values(l.subtract(r)), [2]);
  assert.deepEqual(await values(l.exceptAll(r)), [1, 2]);
});

test("fillna with one value fills only columns of its kind; integral columns truncate a fractional value", async () => {
  const df = spark.createDataFrame([{ i: null, d: null, s: null, b: null }, { i: 1, d: 1.5, s: "x", b: true }], "i int, d double, s string, b boolean");
  assert.deepEqual(await df.fillna(7.9).first(), { i: 7, d: 7.9, s: null, b: null });
  assert.deepEqual(await df.fillna("z").first(), { i: null, d: null, s: "z", b: null });
  assert.deepEqual(await df.fillna(false).first(), { i: null, d: null, s: null, b: false });
  assert.deepEqual(await df.na.fill(0, ["d"]).first(), { i: null, d: 0, s: null, b: null });
});

test("fillna with a dict casts each value to its column's type; unknown names fail", async () => {
  const df = spark.createDataFrame([{ i: null, s: null }], "i int, s string");
  assert.deepEqual(await df.fillna({ i: "42", s: 5 }).first(), { i: 42, s: "5" });
  await assert.rejects(df.fillna({ ii: 1 } as never).collect(), (e: WeirError) => e.code === "WEIR_UNKNOWN_COLUMN" && /Did you mean "i"\?/.test(e.message));
  await assert.rejects(df.fillna(0, ["ss" as never]).collect(), (e: WeirError) => e.code === "WEIR_UNKNOWN_COLUMN" && /Did you mean "s"\?/.test(e.message));
});

test("NaN counts as missing in double columns for fillna and dropna", async () => {
  const df = spark.sql("SELECT * FROM (VALUES (1, 'nan'::DOUBLE), (2, NULL), (3, 1.0)) t(k, d)");
  assert.deepEqual((await df.fillna(0).orderBy("k").collect()).map((r) => r.d), [0, 0, 1]);
  assert.equal(await df.dropna().count(), 1);
});

test("dropna how/thresh/subset", async () => {
  const df = spark.createDataFrame([{ a: null, b: null }, { a: 1, b: null }, { a: 1, b: 2 }], "a int, b int");
  assert.equal(await df.dropna().count(), 1);
  assert.equal(await df.dropna("all").count(), 2);
  assert.equal(await df.dropna("any", 1).count(), 2);
  assert.equal(await df.dropna("any", undefined, ["a"]).count(), 2);
});

test("replace applies only to columns of the value's kind; mixed kinds fail as in Spark", async () => {
  const df = spark.createDataFrame([{ s: "N/A", n: 1, d: 1.0 }, { s: "ok", n: 2, d: 2.5 }], "s string, n int, d double");
  assert.deepEqual(await df.replace("N/A", null).orderBy("n").first(), { s: null, n: 1, d: 1 });
  assert.deepEqual(await df.replace(1, 9.7).orderBy("s").collect(), [{ s: "N/A", n: 9, d: 9.7 }, { s: "ok", n: 2, d: 2.5 }]);
  assert.deepEqual(await df.replace({ ok: "fine" }, undefined, ["s"]).orderBy("n").collect().then((r) => r.map((x) => x.s)), ["N/A", "fine"]);
  assert.deepEqual(await df.na.replace(new Map([[2, 20]])).orderBy("n").collect().then((r) => r.map((x) => x.n)), [1, 20]);
  await assert.rejects(df.replace(1, "one").collect(), (e: WeirError) => e.code === "WEIR_TYPE_MISMATCH" && /mixed type/.test(e.message));
});
