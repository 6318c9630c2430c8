import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { col, type Session, type WeirError } from "../../src/index.js";
import { byKey, openSession, people } from "./helpers.js";

let spark: Session;
before(async () => { spark = await openSession(); });
after(async () => { await spark.close(); });

test("join on a name keeps one key column for every join type; full join coalesces the keys", async () => {
  const { emp, dept } = people(spark);
  const ids = async (how: Parameters<typeof emp.join>[2]) => byKey(await emp.join(dept, "dept", how).collect(), "dept").map((r) => [r.dept, r.name ?? null, "dname" in r ? r.dname : "-"]);
  assert.deepEqual(await emp.join(dept, "dept").columns(), ["dept", "id", "name", "sal", "dname"]);
  assert.deepEqual(await ids("inner"), [[10, "ann", "sales"]]);
  assert.deepEqual(await ids("left"), [[10, "ann", "sales"], [20, "bob", null], [null, "cid", null]]);
  assert.deepEqual(await ids("right"), [[10, "ann", "sales"], [30, null, "ops"]]);
  assert.deepEqual(await ids("full"), [[10, "ann", "sales"], [20, "bob", null], [30, null, "ops"], [null, "cid", null]]);
  assert.deepEqual(await ids("outer"), await ids("full_outer"));
  assert.deepEqual(await ids("left_semi"), [[10, "ann", "-"]]);
  assert.deepEqual(await ids("left_anti"), [[20, "bob", "-"], [null, "cid", "-"]]);
  // Spark puts the keys first for every join type given names, semi joins included.
  assert.deepEqual(await emp.join(dept, "dept", "left_semi").columns(), ["dept", "id", "name", "sal"]);
});

test("cross join pairs every row; join without `on` is a cross join", async () => {
  const { emp, dept } = people(spark);
  assert.equal(await emp.crossJoin(dept).count(), 6);
  assert.equal(await emp.join(dept).count(), 6);
  assert.equal(await emp.join(dept, undefined, "cross").count(), 6);
});

test("join on a Column keeps both key columns; a bare ambiguous name fails with a hint; df.col() disambiguates", async () => {
  const { emp, dept } = people(spark);
  const joined = emp.join(dept, emp.col("dept").equalTo(dept.col("dept")), "left");
  assert.deepEqual(await joined.columns(), ["id", "name", "dept", "sal", "dept", "dname"]);
  await assert.rejects(joined.select("dept").collect(), (e: WeirError) =>
    e.code === "WEIR_AMBIGUOUS_COLUMN" && /Ambiguous column "dept"/.test(e.message) && /\.col\("dept"\)/.test(e.hint ?? ""));
  await assert.rejects(joined.collect(), (e: WeirError) => e.code === "WEIR_AMBIGUOUS_COLUMN" && /Duplicate output column "dept"/.test(e.message));
  const rows = byKey(await joined.select(emp.col("dept"), dept.col("dept").alias("d2"), "dname").collect(), "dept");
  assert.deepEqual(rows, [{ dept: 10, d2: 10, dname: "sales" }, { dept: 20, d2: null, dname: null }, { dept: null, d2: null, dname: null }]);
  assert.match(await joined.show(), /\| id\|name\|dept\|sal\|dept\|dname\|/);
});

test("aliases qualify columns after a join, including a self-join", async () => {
  const { emp } = people(spark);
  const pairs = await emp.alias("a").join(emp.alias("b"), col("a.id").plus(1).equalTo(col("b.id")))
    .select(col("a.name").alias("from"), col("b.name").alias("to")).orderBy("from").collect();
  assert.deepEqual(pairs, [{ from: "ann", to: "bob" }, { from: "bob", to: "cid" }]);
  await assert.rejects(emp.alias("a").join(emp.alias("b"), col("a.id").equalTo(col("b.id"))).select("name").collect(), (e: WeirError) => e.code === "WEIR_AMBIGUOUS_COLUMN");
});

test("df.col() of each side still resolves after a name join and a later select", async () => {
  const { emp, dept } = people(spark);
  const joined = emp.join(dept, "dept");
  assert.deepEqual(await joined.select(emp.col("name"), dept.col("dname")).collect(), [{ name: "ann", dname: "sales" }]);
  assert.deepEqual(await joined.select(joined.col("dept")).collect(), [{ dept: 10 }]);
});

test("join errors: unknown key names the side and suggests; unknown join type", async () => {
  const { emp, dept } = people(spark);
  await assert.rejects(emp.join(dept, "dpet" as never).collect(), (e: WeirError) =>
    e.code === "WEIR_UNKNOWN_COLUMN" && /Did you mean "dept"\?/.test(e.message) && /Columns: id, name, dept, sal/.test(e.message));
  assert.throws(() => emp.join(dept, "dept", "sideways" as never), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT" && /left_anti/.test(e.hint ?? ""));
});
