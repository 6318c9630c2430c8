import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  Session, WeirError, t, validateExpectations, weirTablePath,
  expectColumnValuesToNotBeNull, expectColumnValuesToBeUnique, expectColumnValuesToBeBetween, expectColumnValuesToBeInSet,
  expectColumnValuesToMatchRegex, expectColumnValuesToExistIn, expectTableRowCountToBeBetween,
  expectColumnProportionOfNonNullValuesToBeBetween, expectColumnValuesToBeFresh, expectRowsToSatisfy, type Row,
} from "../../src/index.js";

/** Deterministic orders with known defects: null ids, duplicate ids, bad quantities, unknown statuses, orphans. */
function makeOrders(n: number): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      id: i % 97 === 0 ? null : i % 89 === 0 ? 1 : i + 1000,
      qty: i % 13 === 0 ? -i : i % 50,
      status: ["new", "paid", "shipped", "lost"][i % 7 === 0 ? 3 : i % 3]!,
      email: i % 11 === 0 ? "broken" : `u${i}@x.org`,
      customer: i % 17 === 0 ? 999 : i % 5,
      ts: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
    });
  }
  return out;
}
const SCHEMA = t.struct({ id: t.int32(), qty: t.int32(), status: t.string(), email: t.string(), customer: t.int32(), ts: t.timestamp() });

describe("data quality expectations", () => {
  let spark: Session;
  let warehouse: string;
  const data = makeOrders(2000);
  before(async () => {
    warehouse = mkdtempSync(path.join(os.tmpdir(), "weir-quality-"));
    spark = await Session.create({ warehouse, threads: 1, memoryLimit: "1GB" });
  });
  after(async () => {
    await spark.close();
    rmSync(warehouse, { recursive: true, force: true });
  });

  it("a suite's counts equal a JS computation, with observed values and samples, and are recorded in _weir.quality_results", async () => {
    const df = spark.createDataFrame(data, SCHEMA);
    const customers = spark.createDataFrame([0, 1, 2, 3, 4].map((id) => ({ id })), t.struct({ id: t.int32() }));
    const report = await validateExpectations(spark, df, [
      expectColumnValuesToNotBeNull("id"),
      expectColumnValuesToBeUnique("id"),
      expectColumnValuesToBeBetween("qty", { min: 0, max: 40 }),
      expectColumnValuesToBeInSet("status", ["new", "paid", "shipped"]),
      expectColumnValuesToMatchRegex("email", "^[^@]+@[^@]+$"),
      expectColumnValuesToExistIn("customer", customers, "id"),
      expectRowsToSatisfy("qty <> 7", { name: "no_sevens" }),
      expectTableRowCountToBeBetween({ min: 1, max: 10_000 }),
      expectColumnProportionOfNonNullValuesToBeBetween("id", { min: 0.99 }),
      expectColumnValuesToBeFresh("ts", 3600_000),
    ], { suite: "orders", sampleSize: 3 });
    const ids = data.map((r) => r.id);
    const idCounts = new Map<unknown, number>();
    for (const id of ids) if (id !== null) idCounts.set(id, (idCounts.get(id) ?? 0) + 1);
    const expected: Record<string, number> = {
      "expectColumnValuesToNotBeNull(id)": ids.filter((v) => v === null).length,
      "expectColumnValuesToBeUnique(id)": ids.filter((v) => v !== null && idCounts.get(v)! > 1).length,
      "expectColumnValuesToBeBetween(qty)": data.filter((r) => (r.qty as number) < 0 || (r.qty as number) > 40).length,
      "expectColumnValuesToBeInSet(status)": data.filter((r) => r.status === "lost").length,
      "expectColumnValuesToMatchRegex(email)": data.filter((r) => r.email === "broken").length,
      "expectColumnValuesToExistIn(customer)": data.filter((r) => r.customer === 999).length,
      no_sevens: data.filter((r) => r.qty === 7).length,
    };
    for (const [name, count] of Object.entries(expected)) {
      const r = report.results.find((x) => x.expectation === name)!;
      assert.ok(count > 0, `fixture has defects for ${name}`);
      assert.equal(r.unexpectedCount, count, name);
      assert.equal(r.elementCount, 2000);
      assert.equal(r.success, false);
      assert.equal(r.sampleUnexpectedRows.length, 3, `${name} keeps 3 sample rows`);
    }
    const notNullSample = report.results.find((x) => x.expectation === "expectColumnValuesToNotBeNull(id)")!.sampleUnexpectedRows;
    assert.ok(notNullSample.every((r) => r.id === null));
    const rowCount = report.results.find((x) => x.type === "expectTableRowCountToBeBetween")!;
    assert.deepEqual([rowCount.success, Number(rowCount.observedValue)], [true, 2000]);
    const proportion = report.results.find((x) => x.type === "expectColumnProportionOfNonNullValuesToBeBetween")!;
    assert.equal(Number(proportion.observedValue), 1 - expected["expectColumnValuesToNotBeNull(id)"]! / 2000);
    assert.equal(proportion.success, false);
    assert.equal(report.results.find((x) => x.type === "expectColumnValuesToBeFresh")!.success, false, "2024 data is not fresh");
    assert.equal(await report.rows.count(), 2000, "warn keeps every row");
    assert.deepEqual([report.rowsDropped, report.rowsQuarantined], [0, 0]);
    const recorded = await spark.read.format("delta").load(weirTablePath(spark, "quality_results")).filter("run_id = '" + report.runId + "'").count();
    assert.equal(recorded, 10);
  });

  it("drop removes unexpected rows, quarantine moves them to a Delta table with the failed expectation names", async () => {
    const df = spark.createDataFrame(data, SCHEMA);
    const qpath = path.join(warehouse, "quarantine", "orders");
    const report = await validateExpectations(spark, df, [
      expectColumnValuesToBeBetween("qty", { min: 0, policy: "drop" }),
      expectColumnValuesToBeInSet("status", ["new", "paid", "shipped"], { policy: "quarantine" }),
      expectColumnValuesToMatchRegex("email", "@", { policy: "quarantine" }),
    ], { suite: "orders_dq", quarantinePath: qpath });
    const negative = (r: Row) => (r.qty as number) < 0;
    const quarantined = (r: Row) => r.status === "lost" || r.email === "broken";
    const kept = data.filter((r) => !negative(r) && !quarantined(r));
    assert.equal(await report.rows.count(), kept.length);
    assert.equal(report.rowsQuarantined, data.filter(quarantined).length);
    assert.equal(report.rowsDropped, data.filter((r) => negative(r) && !quarantined(r)).length, "a row both dropped and quarantined is quarantined");
    assert.deepEqual((await report.rows.columns()), ["id", "qty", "status", "email", "customer", "ts"]);
    const q = await spark.read.format("delta").load(qpath).collect();
    assert.equal(q.length, data.filter(quarantined).length);
    const both = q.find((r) => r.status === "lost" && r.email === "broken");
    assert.ok(both, "fixture has a row failing both");
    assert.deepEqual([...(both._failed_expectations as string[])].sort(), ["expectColumnValuesToBeInSet(status)", "expectColumnValuesToMatchRegex(email)"]);
  });

  it("fail stops before the write: the target stays untouched and the error carries the results", async () => {
    const target = path.join(warehouse, "silver", "orders");
    await spark.createDataFrame(data.slice(0, 10), SCHEMA).write.format("delta").save(target);
    const load = async () => {
      const report = await validateExpectations(spark, spark.createDataFrame(data, SCHEMA), [
        expectColumnValuesToNotBeNull("id", { policy: "fail" }),
        expectColumnValuesToBeInSet("status", ["new", "paid", "shipped", "lost"], { policy: "fail" }),
      ], { suite: "gate" });
      await report.rows.write.format("delta").mode("append").save(target);
    };
    await assert.rejects(load(), (e: WeirError) => {
      assert.equal(e.code, "WEIR_QUALITY_FAILED");
      assert.match(e.message, /expectColumnValuesToNotBeNull\(id\): 21 of 2000 rows unexpected/);
      const results = e.details.results as { expectation: string; success: boolean }[];
      assert.deepEqual(results.map((r) => r.success), [false, true]);
      return true;
    });
    assert.equal(await spark.read.format("delta").load(target).count(), 10);
    assert.equal(existsSync(path.join(warehouse, "_weir.db", "quarantine_gate")), false);
  });
});
