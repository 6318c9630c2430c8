import { test } from "node:test";
import assert from "node:assert/strict";
import { utimes } from "node:fs/promises";
import path from "node:path";
import { F, col } from "../../../src/index.js";
import { failure, session, tree } from "./fixtures.js";

/** sales/year=Y/month=M/part.csv for 2023–2024, months 1–3: 6 files, one row each. */
async function partitioned(tc: Parameters<typeof session>[0]): Promise<string> {
  const files: Record<string, string> = {};
  for (const year of [2023, 2024]) for (const month of [1, 2, 3]) files[`sales/year=${year}/month=${month}/part.csv`] = `id,amount\n${year}${month},${month * 10}\n`;
  const root = await tree(tc, files);
  return path.join(root, "sales");
}

test("hive partition directories become typed columns at the end of the row", async (tc) => {
  const spark = await session(tc);
  const df = spark.read.option("header", true).csv(await partitioned(tc));
  assert.deepEqual(await df.dtypes(), [["id", "string"], ["amount", "string"], ["year", "int"], ["month", "int"]]);
  assert.equal(await df.count(), 6);
});

test("a filter on partition columns prunes files: explain shows 2 of 6 files and the rows are right", async (tc) => {
  const spark = await session(tc);
  const df = spark.read.option("header", true).csv(await partitioned(tc)).filter(col("year").equalTo(2024).and(col("month").leq(2)));
  const plan = await df.explain({ print: false });
  assert.match(plan, /2 of 6 files/);
  const rows = await df.orderBy("month").collect();
  assert.deepEqual(rows, [{ id: "20241", amount: "10", year: 2024, month: 1 }, { id: "20242", amount: "20", year: 2024, month: 2 }]);
  const unpruned = await spark.read.option("header", true).csv(await partitioned(tc)).filter(col("amount").equalTo("10")).explain({ print: false });
  assert.match(unpruned, /6 of 6 files/);
});

test("a SQL-string filter prunes too; pruning away every partition gives an empty result with the full schema", async (tc) => {
  const spark = await session(tc);
  const df = spark.read.option("header", true).csv(await partitioned(tc)).where("year = 1999");
  assert.deepEqual(await df.collect(), []);
  assert.deepEqual(await df.columns(), ["id", "amount", "year", "month"]);
  assert.match(await df.explain({ print: false }), /0 of 6 files/);
  const onData = spark.read.option("header", true).csv(await partitioned(tc)).where("amount = '10' AND year = 2023");
  assert.match(await onData.explain({ print: false }), /6 of 6 files/); // a SQL string naming a data column prunes nothing
  assert.deepEqual(await onData.collect(), [{ id: "20231", amount: "10", year: 2023, month: 1 }]);
});

test("globs and directories: a glob picks matching files; several paths are read together", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "d/a.json": '{"x":1}\n', "d/b.json": '{"x":2}\n', "d/c.txt": "ignored\n", "e/f.json": '{"x":3}\n' });
  const glob = await spark.read.json(path.join(root, "d/*.json")).orderBy("x").collect();
  assert.deepEqual(glob, [{ x: 1n }, { x: 2n }]);
  const several = await spark.read.option("pathGlobFilter", "*.json").json(path.join(root, "d"), path.join(root, "e")).count();
  assert.equal(several, 3);
});

test("modifiedAfter and modifiedBefore keep files by modification time", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "old.csv": "1\n", "mid.csv": "2\n", "new.csv": "3\n" });
  await utimes(path.join(root, "old.csv"), new Date("2024-01-01T00:00:00Z"), new Date("2024-01-01T00:00:00Z"));
  await utimes(path.join(root, "mid.csv"), new Date("2024-06-01T00:00:00Z"), new Date("2024-06-01T00:00:00Z"));
  await utimes(path.join(root, "new.csv"), new Date("2025-01-01T00:00:00Z"), new Date("2025-01-01T00:00:00Z"));
  const after = await spark.read.option("modifiedAfter", new Date("2024-03-01T00:00:00Z")).csv(root).orderBy("_c0").collect();
  assert.deepEqual(after.map((r) => r._c0), ["2", "3"]);
  const between = await spark.read.options({ modifiedAfter: new Date("2024-03-01T00:00:00Z"), modifiedBefore: new Date("2024-12-01T00:00:00Z") }).csv(root).collect();
  assert.deepEqual(between.map((r) => r._c0), ["2"]);
});

test("F.inputFileName() gives each row's source file, also with partitions and read modes", async (tc) => {
  const spark = await session(tc);
  const dir = await partitioned(tc);
  const rows = await spark.read.option("header", true).csv(dir).filter(col("year").equalTo(2023)).withColumn("src", F.inputFileName()).orderBy("month").collect();
  assert.deepEqual(rows.map((r) => path.relative(dir, String(r.src))), ["year=2023/month=1/part.csv", "year=2023/month=2/part.csv", "year=2023/month=3/part.csv"]);
  const root = await tree(tc, { "a.json": '{"id":1}\nbad\n' });
  const json = await spark.read.schema("id int, _corrupt_record string").json(path.join(root, "a.json")).select(F.inputFileName().alias("f"), col("_corrupt_record")).collect();
  assert.deepEqual(json, [{ f: path.join(root, "a.json"), _corrupt_record: null }, { f: path.join(root, "a.json"), _corrupt_record: "bad" }]);
  assert.ok(!(await spark.read.json(path.join(root, "a.json")).columns()).includes("__weir_input_file"));
});

test("parquet, text, format(x).load(path) and table(name) read the same data", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "t.txt": "alpha\nbeta\n" });
  const text = await spark.read.text(path.join(root, "t.txt")).collect();
  assert.deepEqual(text, [{ value: "alpha" }, { value: "beta" }]);
  assert.deepEqual(await spark.read.format("text").load(path.join(root, "t.txt")).collect(), text);
  await spark.read.text(path.join(root, "t.txt")).write.parquet(path.join(root, "p"));
  assert.deepEqual(await spark.read.parquet(path.join(root, "p")).orderBy("value").collect(), text);
  assert.deepEqual(await spark.read.format("parquet").load(path.join(root, "p")).count(), 2);
  spark.read.parquet(path.join(root, "p")).createOrReplaceTempView("words");
  assert.equal(await spark.read.table("words").count(), 2);
});

test("JSON multiLine reads a file holding one document or an array of records", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "one.json": '{\n  "id": 1,\n  "tags": ["a", "b"]\n}\n', "many.json": '[\n {"id": 2, "tags": []},\n {"id": 3, "tags": ["c"]}\n]\n' });
  const rows = await spark.read.option("multiLine", true).json(path.join(root, "*.json")).orderBy("id").collect();
  assert.deepEqual(rows.map((r) => r.id), [1n, 2n, 3n]);
  assert.deepEqual(rows[0]!.tags, ["a", "b"]);
});

test("JSON schema inference sorts fields by name and keeps date-like strings as strings, as Spark", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.json": '{"z":1,"a":"2024-01-01","m":1.5}\n' });
  assert.deepEqual(await spark.read.json(path.join(root, "a.json")).dtypes(), [["a", "string"], ["m", "double"], ["z", "bigint"]]);
});

test("a missing path is WEIR_PATH_NOT_FOUND naming the path", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "x.csv": "1\n" });
  const missing = path.join(root, "nope", "*.csv");
  const e = await failure(() => spark.read.csv(missing).collect());
  assert.equal(e.code, "WEIR_PATH_NOT_FOUND");
  assert.ok(e.message.includes(missing), e.message);
});

test("an unknown option is WEIR_UNSUPPORTED_OPTION listing the supported ones", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "x.csv": "1\n" });
  const e = await failure(() => spark.read.option("headr", true).csv(path.join(root, "x.csv")).collect());
  assert.equal(e.code, "WEIR_UNSUPPORTED_OPTION");
  assert.match(e.message, /headr/);
  assert.match(e.hint ?? "", /header, sep, delimiter/);
  const parquet = await failure(() => spark.read.option("header", true).parquet(path.join(root, "x.csv")).collect());
  assert.equal(parquet.code, "WEIR_UNSUPPORTED_OPTION");
});
