import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { col, F, lit, WeirError, type DataFrame, type Row, type Session } from "../../src/index.js";
import { openSession } from "./helpers.js";

let spark: Session;
let df: DataFrame<Row>;
before(async () => {
  spark = await openSession();
  df = spark.createDataFrame([{ amount: 1, status: "ok", ts: "2024-01-01" }]) as DataFrame<Row>;
});
after(async () => { await spark.close(); });

/** Every unknown-column error names the column, suggests the closest one and lists the available columns. */
function unknownAmount(context: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof WeirError, String(e));
    assert.equal(e.code, "WEIR_UNKNOWN_COLUMN", e.message);
    assert.match(e.message, /Unknown column "ammount"/);
    assert.match(e.message, context);
    assert.match(e.message, /Did you mean "amount"\?/);
    assert.match(e.message, /Columns: amount, status, ts/);
    return true;
  };
}

test("an unknown column is WEIR_UNKNOWN_COLUMN with 'did you mean' and the columns in every transformation", async () => {
  const cases: [string, () => DataFrame<Row>, RegExp][] = [
    ["select", () => df.select("ammount"), /select\(\)/],
    ["select Column", () => df.select(col("ammount").plus(1)), /select\(\)/],
    ["selectExpr", () => df.selectExpr("ammount * 2 AS x"), /select/],
    ["filter Column", () => df.filter(col("ammount").gt(0)), /filter\(\)/],
    ["filter SQL string", () => df.filter("ammount > 0"), /filter\(\)/],
    ["withColumn", () => df.withColumn("x", col("ammount")), /withColumn\(\)/],
    ["groupBy", () => df.groupBy("ammount").count(), /groupBy/],
    ["agg", () => df.groupBy("status").agg(F.sum("ammount")), /groupBy/],
    ["agg dict", () => df.groupBy("status").agg({ ammount: "sum" }), /groupBy/],
    ["orderBy", () => df.orderBy("ammount"), /orderBy\(\)/],
    ["orderBy desc", () => df.orderBy(col("ammount").desc()), /orderBy\(\)/],
    ["dropDuplicates", () => df.dropDuplicates(["ammount"]), /dropDuplicates\(\)/],
    ["join key", () => df.join(df.select("amount"), "ammount"), /join\(\)/],
    ["pivot", () => df.groupBy("status").pivot("ammount", [1]).count(), /pivot\(\)/],
    ["fillna subset", () => df.fillna(0, ["ammount"]), /fillna\(\)/],
    ["dropna subset", () => df.dropna("any", undefined, ["ammount"]), /dropna\(\)/],
    ["df.col", () => df.select(df.col("ammount")), /select\(\)/],
  ];
  for (const [name, build, context] of cases) {
    await assert.rejects(build().collect(), unknownAmount(context), name);
  }
  await assert.rejects(df.describe("ammount"), unknownAmount(/describe\(\)/));
  // Spark: drop() and withColumnRenamed() of a missing column are no-ops.
  assert.deepEqual(await df.drop("ammount").columns(), ["amount", "status", "ts"]);
  assert.deepEqual(await df.drop(col("ammount")).columns(), ["amount", "status", "ts"]);
  assert.deepEqual(await df.withColumnRenamed("ammount", "x").columns(), ["amount", "status", "ts"]);
});

test("schema() reports unknown columns before any data is read", async () => {
  await assert.rejects(df.select("ammount").schema(), unknownAmount(/select\(\)/));
});

test("type mismatches are WEIR_TYPE_MISMATCH with a cast hint", async () => {
  await assert.rejects(df.select(col("status").minus(col("ts").plus(lit(true)))).collect(), (e: WeirError) =>
    e.code === "WEIR_TYPE_MISMATCH" && /cast/.test(e.hint ?? ""));
  await assert.rejects(df.filter("status + 1 > 0").collect(), (e: WeirError) => e.code === "WEIR_TYPE_MISMATCH");
});

test("invalid arguments fail at the call with WEIR_INVALID_ARGUMENT", async () => {
  assert.throws(() => df.select(), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT");
  assert.throws(() => df.orderBy(), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT");
  assert.throws(() => df.groupBy("status").agg({ amount: "median_of_medians" }), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT" && /Unknown aggregate/.test(e.message));
  assert.throws(() => df.withColumn("x", 5 as never), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT" && /lit\(/.test(e.hint ?? ""));
  await assert.rejects(df.limit(-1).collect(), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT");
});
