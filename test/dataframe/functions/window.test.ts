/**
 * Window functions and aggregates over windows (partitions, orderings, rows/range frames) against Spark.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { col, F, Window, type Column } from "../../../src/index.js";
import { useSession } from "./eval.js";

const { spark } = useSession();
const rows = [
  { g: "a", t: 1, v: 10 }, { g: "a", t: 2, v: 20 }, { g: "a", t: 2, v: 30 }, { g: "a", t: 4, v: null },
  { g: "b", t: 1, v: 5 }, { g: "b", t: 3, v: 7 },
];
const schema = "g string, t int, v int";
const df = () => spark().createDataFrame(rows as Record<string, unknown>[], schema);
/** The named columns of the result ordered by g, t, v (nulls first) for stable assertions. */
async function run(...cols: Column<unknown, string>[]): Promise<unknown[][]> {
  const out = await df().select("g", "t", "v", ...cols).orderBy("g", "t", col("v").asc_nulls_first()).collect();
  return out.map((r) => Object.values(r as Record<string, unknown>).slice(3));
}
const w = Window.partitionBy("g").orderBy("t");

test("rowNumber, rank, denseRank, percentRank, cumeDist and ntile over an ordered partition", async () => {
  const ordered = Window.partitionBy("g").orderBy("t", "v");
  const r = await run(F.rowNumber().over(ordered).alias("rn"), F.rank().over(w).alias("rk"), F.denseRank().over(w).alias("drk"),
    F.percentRank().over(w).alias("pr"), F.cumeDist().over(w).alias("cd"), F.ntile(2).over(ordered).alias("nt"));
  assert.deepEqual(r, [
    [1, 1, 1, 0, 0.25, 1], [2, 2, 2, 1 / 3, 0.75, 1], [3, 2, 2, 1 / 3, 0.75, 2], [4, 4, 3, 1, 1, 2],
    [1, 1, 1, 0, 0.5, 1], [2, 2, 2, 1, 1, 2],
  ]);
});

test("lag and lead give null, or the default, beyond the partition; offsets other than 1", async () => {
  const ordered = Window.partitionBy("g").orderBy("t", "v");
  const r = await run(F.lag("v").over(ordered).alias("lag"), F.lag("v", 1, 0).over(ordered).alias("lag0"), F.lead("v", 2).over(ordered).alias("lead2"), F.lead("v", 1, -1).over(ordered).alias("lead"));
  assert.deepEqual(r, [
    [null, 0, 30, 20], [10, 10, null, 30], [20, 20, null, null], [30, 30, null, -1],
    [null, 0, null, 7], [5, 5, null, -1],
  ]);
});

test("an aggregate over an ordered window uses Spark's default frame RANGE UNBOUNDED PRECEDING..CURRENT ROW (ties together)", async () => {
  const r = await run(F.sum("v").over(w).alias("running"), F.count("*").over(w).alias("n"));
  assert.deepEqual(r, [[10n, 1n], [60n, 3n], [60n, 3n], [60n, 4n], [5n, 1n], [12n, 2n]]);
});

test("an aggregate over a partition without order covers the whole partition; over() the whole input", async () => {
  const r = await run(F.sum("v").over(Window.partitionBy("g")).alias("total"), F.max("v").over().alias("mx"), F.avg("v").over(Window.partitionBy("g")).alias("avg"));
  assert.deepEqual(r, [[60n, 30, 20], [60n, 30, 20], [60n, 30, 20], [60n, 30, 20], [12n, 30, 6], [12n, 30, 6]]);
});

test("rowsBetween counts physical rows; unbounded and currentRow bounds", async () => {
  const ordered = Window.partitionBy("g").orderBy("t", "v");
  const r = await run(
    F.sum("v").over(ordered.rowsBetween(-1, 1)).alias("moving"),
    F.sum("v").over(ordered.rowsBetween(Window.currentRow, Window.unboundedFollowing)).alias("rest"),
    F.count("v").over(ordered.rowsBetween(Window.unboundedPreceding, Window.currentRow)).alias("seen"),
  );
  assert.deepEqual(r, [[30n, 60n, 1n], [60n, 50n, 2n], [50n, 30n, 3n], [30n, null, 3n], [12n, 12n, 1n], [12n, 7n, 2n]]);
});

test("rangeBetween covers the ORDER BY value range relative to the current row", async () => {
  const r = await run(F.sum("v").over(w.rangeBetween(-1, 0)).alias("r"), F.count("*").over(w.rangeBetween(0, Window.unboundedFollowing)).alias("n"));
  assert.deepEqual(r, [[10n, 4n], [60n, 3n], [60n, 3n], [null, 1n], [5n, 2n], [7n, 1n]]);
});

test("PySpark's numeric unbounded bounds (±Infinity, beyond ±2^63) are accepted", async () => {
  const ordered = Window.partitionBy("g").orderBy("t", "v");
  const r = await run(F.sum("v").over(ordered.rowsBetween(Number.NEGATIVE_INFINITY, 0)).alias("a"), F.sum("v").over(ordered.rowsBetween(-9223372036854775808, 0)).alias("b"));
  assert.deepEqual(r.map((x) => x[0]), [10n, 30n, 60n, 60n, 5n, 12n]);
  assert.deepEqual(r.map((x) => x[1]), r.map((x) => x[0]));
  await assert.rejects(df().select(F.sum("v").over(ordered.rowsBetween(0.5, 1))).collect(), /frame boundary/);
});

test("first/last over windows, with ignoreNulls; collectList over a running window", async () => {
  const ordered = Window.partitionBy("g").orderBy("t", "v").rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing);
  const r = await run(F.last("v").over(ordered).alias("last"), F.last("v", true).over(ordered).alias("lastnn"), F.first("v").over(ordered).alias("first"),
    F.collectList("v").over(Window.partitionBy("g").orderBy("t", "v").rowsBetween(Window.unboundedPreceding, Window.currentRow)).alias("seen"));
  assert.deepEqual(r, [
    [null, 30, 10, [10]], [null, 30, 10, [10, 20]], [null, 30, 10, [10, 20, 30]], [null, 30, 10, [10, 20, 30]],
    [7, 7, 5, [5]], [7, 7, 5, [5, 7]],
  ]);
});

test("window functions in filter via withColumn: top row per group", async () => {
  const top = await df().withColumn("rn", F.rowNumber().over(Window.partitionBy("g").orderBy(col("v").desc_nulls_last()))).filter(col("rn").equalTo(1)).orderBy("g").select("g", "v").collect();
  assert.deepEqual(top, [{ g: "a", v: 30 }, { g: "b", v: 7 }]);
});
