import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { col, WeirError } from "../../../src/index.js";
import { canon, listFiles, setUp } from "./helpers.js";

const rowsOf = (ids: number[], tag: string) => ids.map((id) => ({ id, tag, p: id % 3 }));

test("mode error (the default) writes a new path, then fails with WEIR_PATH_EXISTS and leaves it as it was", async (t) => {
  const { spark, dir } = await setUp(t);
  const dest = path.join(dir, "out");
  const first = await spark.createDataFrame(rowsOf([1, 2, 3], "a")).write.parquet(dest);
  assert.equal(first.rows, 3);
  assert.equal(first.committed, true);
  assert.deepEqual(first.files.map((f) => path.relative(dest, f)), (await listFiles(dest)).filter((f) => f !== "_SUCCESS"));
  const before = await listFiles(dest);
  await assert.rejects(spark.createDataFrame(rowsOf([4], "b")).write.parquet(dest), (e: unknown) => {
    assert.ok(e instanceof WeirError && e.code === "WEIR_PATH_EXISTS", String(e));
    assert.match(e.message, /already exists.*Hint: use mode\("overwrite"\)/);
    return true;
  });
  await assert.rejects(spark.createDataFrame(rowsOf([4], "b")).write.mode("errorifexists").parquet(dest), /WEIR_PATH_EXISTS|already exists/);
  assert.deepEqual(await listFiles(dest), before);
  assert.deepEqual(canon(await spark.read.parquet(dest).collect()), canon(rowsOf([1, 2, 3], "a")));
});

test("mode append adds the new rows and keeps the old files byte for byte", async (t) => {
  const { spark, dir } = await setUp(t);
  const dest = path.join(dir, "out");
  await spark.createDataFrame(rowsOf([1, 2], "a")).write.partitionBy("p").parquet(dest);
  const before = await listFiles(dest);
  const oldBytes = await Promise.all(before.filter((f) => f !== "_SUCCESS").map((f) => readFile(path.join(dest, f))));
  const res = await spark.createDataFrame(rowsOf([3, 4], "b")).write.mode("append").partitionBy("p").parquet(dest);
  assert.equal(res.rows, 2);
  const after = await listFiles(dest);
  for (const f of before) assert.ok(after.includes(f), `${f} kept`);
  assert.deepEqual(await Promise.all(before.filter((f) => f !== "_SUCCESS").map((f) => readFile(path.join(dest, f)))), oldBytes);
  assert.deepEqual(canon(await spark.read.parquet(dest).collect()), canon(rowsOf([1, 2, 3, 4], "x").map((r) => ({ ...r, tag: r.id <= 2 ? "a" : "b" }))));
});

test("mode overwrite replaces the whole output, including partitions the new data does not have", async (t) => {
  const { spark, dir } = await setUp(t);
  const dest = path.join(dir, "out");
  await spark.createDataFrame(rowsOf([1, 2, 3], "a")).write.partitionBy("p").parquet(dest);
  await spark.createDataFrame(rowsOf([3, 6], "b")).write.mode("overwrite").partitionBy("p").parquet(dest);
  assert.deepEqual((await readdir(dest)).sort(), ["_SUCCESS", "p=0"]);
  assert.deepEqual(canon(await spark.read.parquet(dest).collect()), canon(rowsOf([3, 6], "b")));
});

test("mode ignore keeps existing data and reports committed false; on a missing path it writes", async (t) => {
  const { spark, dir } = await setUp(t);
  const dest = path.join(dir, "out");
  const first = await spark.createDataFrame(rowsOf([1], "a")).write.mode("ignore").json(dest);
  assert.equal(first.committed, true);
  const before = await listFiles(dest);
  const second = await spark.createDataFrame(rowsOf([2], "b")).write.mode("ignore").json(dest);
  assert.deepEqual({ ...second, path: "" }, { path: "", files: [], rows: 0, committed: false });
  assert.deepEqual(await listFiles(dest), before);
});

test("dynamic partition overwrite (option) replaces only the partitions written; static replaces everything", async (t) => {
  const { spark, dir } = await setUp(t);
  const dest = path.join(dir, "out");
  await spark.createDataFrame(rowsOf([0, 1, 2, 3, 4, 5], "old")).write.partitionBy("p").parquet(dest);
  await spark.createDataFrame(rowsOf([7], "new")).write.mode("overwrite").option("partitionOverwriteMode", "dynamic").partitionBy("p").parquet(dest);
  const expected = [...rowsOf([0, 2, 3, 5], "old"), ...rowsOf([7], "new")];
  assert.deepEqual(canon(await spark.read.parquet(dest).collect()), canon(expected));
  await spark.createDataFrame(rowsOf([7], "static")).write.mode("overwrite").option("partitionOverwriteMode", "static").partitionBy("p").parquet(dest);
  assert.deepEqual(canon(await spark.read.parquet(dest).collect()), canon(rowsOf([7], "static")));
});

test("dynamic partition overwrite from the session conf spark.sql.sources.partitionOverwriteMode; unpartitioned writes stay static", async (t) => {
  const { spark, dir } = await setUp(t);
  spark.conf.set("spark.sql.sources.partitionOverwriteMode", "DYNAMIC");
  const dest = path.join(dir, "out");
  await spark.createDataFrame(rowsOf([0, 1, 2], "old")).write.partitionBy("p").csv(dest);
  await spark.createDataFrame(rowsOf([4], "new")).write.mode("overwrite").partitionBy("p").csv(dest);
  const read = () => spark.read.schema("id int, tag string").csv(dest).collect();
  assert.deepEqual(canon(await read()), canon([...rowsOf([0, 2], "old"), ...rowsOf([4], "new")]));
  const flat = path.join(dir, "flat");
  await spark.createDataFrame(rowsOf([1, 2], "a")).write.parquet(flat);
  await spark.createDataFrame(rowsOf([3], "b")).write.mode("overwrite").parquet(flat);
  assert.deepEqual(canon(await spark.read.parquet(flat).collect()), canon(rowsOf([3], "b")));
});

test("a query that fails while writing leaves an existing destination untouched and a missing one absent", async (t) => {
  const { spark, dir } = await setUp(t);
  const dest = path.join(dir, "out");
  await spark.createDataFrame(rowsOf([1, 2, 3], "a")).write.partitionBy("p").parquet(dest);
  const before = await listFiles(dest);
  // Fails at run time, on the 3rd row, after some rows were already produced.
  const failing = spark.range(100).withColumn("p", col("id").mod(3)).selectExpr("id", "p", "CAST(CASE WHEN id = 50 THEN 'x' ELSE '1' END AS INTEGER) AS v");
  for (const mode of ["overwrite", "append"] as const) {
    await assert.rejects(failing.write.mode(mode).partitionBy("p").parquet(dest), (e: unknown) => e instanceof WeirError);
    assert.deepEqual(await listFiles(dest), before, `mode ${mode}`);
  }
  assert.deepEqual(canon(await spark.read.parquet(dest).collect()), canon(rowsOf([1, 2, 3], "a")));
  const fresh = path.join(dir, "fresh");
  await assert.rejects(failing.write.parquet(fresh), (e: unknown) => e instanceof WeirError);
  assert.deepEqual((await readdir(dir)).sort(), ["out"], "no output and no staging directory left");
});

test("unsupported formats, options and values fail before writing and list what is supported", async (t) => {
  const { spark, dir } = await setUp(t);
  const df = spark.createDataFrame(rowsOf([1], "a"));
  const dest = path.join(dir, "out");
  const code = (c: string, re: RegExp) => (e: unknown) => e instanceof WeirError && e.code === c && re.test(`${e.message} ${e.hint ?? ""}`);
  await assert.rejects(df.write.format("avro").save(dest), code("WEIR_UNSUPPORTED_OPTION", /"avro".*parquet, csv, json/));
  await assert.rejects(df.write.option("headr", true).csv(dest), code("WEIR_UNSUPPORTED_OPTION", /"headr".*header, sep/));
  await assert.rejects(df.write.option("header", true).parquet(dest), code("WEIR_UNSUPPORTED_OPTION", /"header" for the parquet writer.*compression/));
  await assert.rejects(df.write.option("compression", "lzo").parquet(dest), code("WEIR_UNSUPPORTED_OPTION", /"lzo".*snappy, gzip, zstd/));
  await assert.rejects(df.write.option("compression", "snappy").json(dest), code("WEIR_UNSUPPORTED_OPTION", /"snappy".*gzip/));
  await assert.rejects(df.write.option("partitionOverwriteMode", "some").parquet(dest), code("WEIR_UNSUPPORTED_OPTION", /static.*dynamic/));
  await assert.rejects(df.write.option("maxRecordsPerFile", "ten").parquet(dest), code("WEIR_UNSUPPORTED_OPTION", /integer/));
  await assert.rejects(df.write.partitionBy("nope").parquet(dest), code("WEIR_UNKNOWN_COLUMN", /"nope".*id, tag, p/));
  await assert.rejects(df.select("p").write.partitionBy("p").parquet(dest), code("WEIR_INVALID_ARGUMENT", /every column/));
  assert.throws(() => df.write.mode("upsert" as "append"), code("WEIR_UNSUPPORTED_OPTION", /append/));
  assert.deepEqual(await readdir(dir), [], "nothing was written");
  // Keys are case-insensitive, as in Spark.
  await df.write.option("HEADER", true).option("Sep", ";").csv(dest);
  assert.match(await readFile(path.join(dest, (await listFiles(dest)).find((f) => f.endsWith(".csv"))!), "utf8"), /^id;tag;p\n1;a;1\n$/);
});
