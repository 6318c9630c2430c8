/**
 * Every table in ../shared/delta-conformance read through `spark.read.format("delta")`: rows as the README
 * states, at every version, with partition values typed, pruning/skipping reported and missing files named.
 */
import assert from "node:assert/strict";
import { utimesSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { col, Session, WeirError } from "../../../src/index.js";

const ROOT = path.resolve("../shared/delta-conformance");
const table = (name: string): string => path.join(ROOT, name);
let spark: Session;
before(async () => { spark = await Session.create({ threads: 2 }); });
after(async () => { await spark.close(); });

const read = (name: string, version?: number) => {
  const r = spark.read.format("delta");
  return (version === undefined ? r : r.option("versionAsOf", version)).load(table(name));
};
const values = async (name: string, column: string, version?: number): Promise<unknown[]> =>
  (await read(name, version).collect()).map((r) => num((r as Record<string, unknown>)[column])).sort(cmp);
const num = (v: unknown): unknown => (typeof v === "bigint" ? Number(v) : v);
function cmp(a: unknown, b: unknown): number {
  if (a === null) return b === null ? 0 : 1;
  if (b === null) return -1;
  return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
}

describe("read.format(delta) over the conformance tables", () => {
  test("simple_table reads each version as documented", async () => {
    assert.deepEqual(await values("simple_table", "id"), [5, 7, 9]);
    assert.deepEqual(await values("simple_table", "id", 0), [0, 1, 2, 3, 4]);
    assert.equal((await read("simple_table", 1).collect()).length, 20);
    assert.equal(await read("simple_table", 2).count(), 5);
    assert.equal(await read("simple_table", 3).count(), 5);
  });
  test("delta-0.2.0 v2 and v3 (from its checkpoint)", async () => {
    assert.deepEqual(await values("delta-0.2.0", "value", 2), [1, 2, 3]);
    assert.deepEqual(await values("delta-0.2.0", "value", 3), [1, 1, 2, 2, 3, 3]);
  });
  test("delta-0.8.0 v0 and v1 (after a remove)", async () => {
    assert.deepEqual(await values("delta-0.8.0", "value", 0), [0, 1, 2, 3, 4]);
    assert.deepEqual(await values("delta-0.8.0", "value", 1), [0, 1, 2, 4]);
  });
  test("delta-0.8.0-partitioned: 7 rows with partition columns; year filter scans only 2021 files", async () => {
    const rows = (await read("delta-0.8.0-partitioned").collect()).map((r) => { const x = r as Record<string, unknown>; return [Number(x.value), x.year, x.month, x.day]; });
    rows.sort((a, b) => cmp(a[0], b[0]));
    // The table's `value` column is a string.
    assert.deepEqual(rows, [[1, "2020", "1", "1"], [2, "2020", "2", "3"], [3, "2020", "2", "5"], [4, "2021", "4", "5"], [5, "2021", "12", "4"], [6, "2021", "12", "20"], [7, "2021", "12", "20"]]);
    const df = read("delta-0.8.0-partitioned").filter(col("year").equalTo("2021"));
    assert.deepEqual((await df.collect()).map((r) => Number((r as Record<string, unknown>).value)).sort(cmp), [4, 5, 6, 7]);
    const plan = await df.explain({ print: false });
    assert.match(plan, /delta .*delta-0\.8\.0-partitioned: 3 of 6 files/);
  });
  test("delta-0.8.0-null-partition: the null partition reads as NULL", async () => {
    const rows = (await read("delta-0.8.0-null-partition").collect()).map((r) => { const x = r as Record<string, unknown>; return [x.k, num(x.v)]; });
    rows.sort((a, b) => cmp(a[1], b[1]));
    assert.deepEqual(rows, [["A", 1], [null, 2]]);
    assert.equal(await read("delta-0.8.0-null-partition").filter(col("k").isNull()).count(), 1);
  });
  test("delta-0.8-empty: latest is empty with its schema, v0 has one row", async () => {
    const empty = read("delta-0.8-empty");
    assert.equal((await empty.collect()).length, 0);
    assert.deepEqual(await empty.columns(), ["column"]);
    assert.deepEqual(await values("delta-0.8-empty", "column", 0), [1]);
  });
  test("delta-2.2.0-partitioned-types: c1 is an integer partition column", async () => {
    const rows = (await read("delta-2.2.0-partitioned-types").collect()).map((r) => { const x = r as Record<string, unknown>; return [x.c1, x.c2, num(x.c3)]; });
    rows.sort((a, b) => cmp(a[0], b[0]));
    assert.deepEqual(rows, [[4, "c", 5], [5, "b", 6], [6, "a", 4]]);
    assert.equal(await read("delta-2.2.0-partitioned-types").filter(col("c1").gt(4)).count(), 2);
  });
  test("simple_table_with_checkpoint: 11 rows at v10", async () => {
    assert.equal(await read("simple_table_with_checkpoint", 10).count(), 11);
  });
  test("checkpoints (log only): reading data fails naming the missing file", async () => {
    await assert.rejects(read("checkpoints").collect(), (e: unknown) => {
      assert.ok(e instanceof WeirError);
      assert.equal(e.code, "WEIR_DELTA_MISSING_FILE");
      assert.match(e.message, /data file .*checkpoints.*\.parquet is missing/);
      return true;
    });
  });
  test("table-with-dv-small: the deletion vector hides rows 0 and 9, value reads {1..8}; version 0 reads {0..9}", async () => {
    assert.deepEqual(await values("table-with-dv-small", "value"), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(await values("table-with-dv-small", "value", 0), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(await read("table-with-dv-small").filter(col("value").gt(4)).count(), 4);
  });
  test("data skipping on stats: value > 3 at delta-0.8.0 v1 scans only files whose max exceeds 3", async () => {
    const df = read("delta-0.8.0", 1).filter(col("value").gt(3));
    assert.deepEqual((await df.collect()).map((r) => num((r as Record<string, unknown>).value)), [4]);
    const m = /delta .*: (\d+) of (\d+) files/.exec(await df.explain({ print: false }));
    assert.ok(m, "explain shows the delta scan");
    assert.equal(Number(m[2]), 2);
    assert.ok(Number(m[1]) < 2, `expected skipping, scanned ${m[1]} of ${m[2]}`);
  });
  test("timestampAsOf picks the version committed at or before the time", async () => {
    const log = path.join(table("simple_table"), "_delta_log");
    const commits = readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort();
    // Copies lose commit mtimes: give version v the time 2020-01-0(v+1) 00:00 UTC.
    commits.forEach((f, v) => { const d = new Date(Date.UTC(2020, 0, v + 1)); utimesSync(path.join(log, f), d, d); });
    const ids = async (ts: string): Promise<unknown[]> => (await spark.read.format("delta").option("timestampAsOf", ts).load(table("simple_table")).collect()).map((r) => num((r as Record<string, unknown>).id)).sort(cmp);
    assert.deepEqual(await ids("2020-01-01 12:00:00"), [0, 1, 2, 3, 4]);
    assert.deepEqual(await ids("2020-01-05"), [5, 7, 9]);
  });
});
