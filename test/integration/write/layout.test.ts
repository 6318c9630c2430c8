import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { col, F } from "../../../src/index.js";
import { canon, listFiles, setUp } from "./helpers.js";

/** Row counts per file, through a plain DuckDB connection. */
async function rowsPerFile(files: readonly string[]): Promise<number[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    const out: number[] = [];
    for (const f of files) out.push(Number((await c.runAndReadAll(`SELECT count(*) AS n FROM '${f.replace(/'/g, "''")}'`)).getRowObjects()[0]!.n));
    return out;
  } finally {
    c.closeSync();
  }
}

test("partition directories are named as Spark names them: escaped values, null and \"\" as __HIVE_DEFAULT_PARTITION__", async (t) => {
  const { spark, dir } = await setUp(t);
  const dest = path.join(dir, "out");
  const values = ["a b", "x/y", "k=v", "50%", "ü", "q?#", "", null];
  const df = spark.createDataFrame(values.map((p, id) => ({ id, p })), "id int, p string");
  await df.write.partitionBy("p").parquet(dest);
  assert.deepEqual((await readdir(dest)).filter((d) => d.startsWith("p=")).sort(),
    ["p=50%25", "p=__HIVE_DEFAULT_PARTITION__", "p=a b", "p=k%3Dv", "p=q%3F%23", "p=x%2Fy", "p=ü"]);
  // Read back by Weir: every value as written, "" comes back as null (as in Spark).
  const back = await spark.read.parquet(dest).collect();
  assert.deepEqual(canon(back), canon(values.map((p, id) => ({ id, p: p === "" ? null : p }))));
});

test("date, timestamp, double and boolean partition values are rendered as Spark casts them to strings", async (t) => {
  const { spark, dir } = await setUp(t);
  const dest = path.join(dir, "out");
  const df = spark.sql(`SELECT 1 AS id, DATE '2024-03-05' AS d, TIMESTAMPTZ '2024-03-05 10:20:30.5+00' AS ts, 1e10::DOUBLE AS x, 2.5::DOUBLE AS y, true AS b`);
  const res = await df.write.partitionBy("d", "ts", "x", "y", "b").parquet(dest);
  assert.equal(res.files.length, 1);
  assert.match(path.relative(dest, res.files[0]!), /^d=2024-03-05\/ts=2024-03-05 10%3A20%3A30\.5\/x=1\.0E10\/y=2\.5\/b=true\/part-00000-[^/]+\.c000\.snappy\.parquet$/);
  const [row] = await spark.read.parquet(dest).collect();
  assert.equal(row!.id, 1);
  assert.equal((row!.d as Date).toISOString(), "2024-03-05T00:00:00.000Z");
  assert.equal((row!.ts as Date).toISOString(), "2024-03-05T10:20:30.500Z");
  assert.equal(row!.x, 1e10);
  assert.equal(row!.b, "true", "Spark's partition type inference leaves booleans as strings");
});

test("written Parquet is readable by plain DuckDB read_parquet(hive_partitioning = true), partition columns only in paths", async (t) => {
  const { spark, dir } = await setUp(t);
  const dest = path.join(dir, "out");
  const df = spark.sql(`SELECT id, 'v' || id AS v, list_extract(['a b', 'x/y', 'plain'], CAST(id % 3 + 1 AS INTEGER)) AS p, DATE '2024-01-01' + CAST(id % 2 AS INTEGER) AS day, CAST(id AS DECIMAL(10,2)) AS amt FROM range(12) t(id)`);
  const res = await df.write.partitionBy("day", "p").parquet(dest);
  assert.equal(res.rows, 12);
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  t.after(() => c.closeSync());
  const glob = `${dest}/**/*.parquet`.replace(/'/g, "''");
  const rows = (await c.runAndReadAll(`SELECT id, v, p, CAST(day AS VARCHAR) AS day, CAST(amt AS VARCHAR) AS amt FROM read_parquet('${glob}', hive_partitioning = true) ORDER BY id`)).getRowObjects();
  assert.equal(rows.length, 12);
  for (const r of rows) {
    const id = Number(r.id);
    assert.deepEqual({ v: r.v, p: r.p, day: r.day, amt: r.amt }, { v: `v${id}`, p: ["a b", "x/y", "plain"][id % 3], day: `2024-01-0${1 + (id % 2)}`, amt: `${id}.00` });
  }
  const fileColumns = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${res.files[0]!.replace(/'/g, "''")}', hive_partitioning = false)`)).getRowObjects().map((r) => r.column_name);
  assert.deepEqual(fileColumns, ["id", "v", "amt"]);
});

test("repartition(n) writes n files, coalesce(n) n files keeping row order, repartition(n, key) puts equal keys in one file", async (t) => {
  const { spark, dir } = await setUp(t);
  const base = spark.range(1000).withColumn("k", col("id").mod(7));
  const four = await base.repartition(4).write.parquet(path.join(dir, "r4"));
  assert.equal(four.files.length, 4);
  assert.deepEqual(await rowsPerFile(four.files), [250, 250, 250, 250]);
  assert.ok(four.files.every((f, i) => path.basename(f).startsWith(`part-0000${i}-`)), four.files.join());

  const two = await base.orderBy(col("id").desc()).coalesce(2).write.csv(path.join(dir, "c2"));
  assert.equal(two.files.length, 2);
  const firstIds = (await spark.read.schema("id long, k long").csv(two.files[0]!).collect()).map((r) => Number(r.id));
  assert.deepEqual(firstIds, Array.from({ length: 500 }, (_, i) => 999 - i), "coalesce keeps the sorted order in one run per file");
  assert.equal((await base.coalesce(1).write.parquet(path.join(dir, "c1"))).files.length, 1);

  const keyed = await base.repartition(3, "k").select("id", "k").write.json(path.join(dir, "rk"));
  assert.ok(keyed.files.length <= 3 && keyed.files.length >= 2, keyed.files.join());
  const withFile = await spark.read.json(path.join(dir, "rk")).withColumn("f", F.inputFileName()).select("k", "f").distinct().collect();
  const filesPerKey = new Map<unknown, Set<unknown>>();
  for (const r of withFile) filesPerKey.set(r.k, (filesPerKey.get(r.k) ?? new Set()).add(r.f));
  assert.equal(filesPerKey.size, 7);
  for (const [k, files] of filesPerKey) assert.equal(files.size, 1, `key ${String(k)} is in ${files.size} files`);
  assert.equal((await spark.read.json(path.join(dir, "rk")).count()), 1000);

  // With partitionBy: a bucket per partition directory, so repartition(n, partition column) → one file per directory.
  const byP = await base.repartition(5, "k").write.partitionBy("k").parquet(path.join(dir, "rp"));
  assert.equal(byP.files.length, 7);
  assert.deepEqual(new Set(byP.files.map((f) => path.basename(path.dirname(f)))).size, 7);
});

test("maxRecordsPerFile caps every file exactly, with and without partitionBy and repartition", async (t) => {
  const { spark, dir } = await setUp(t);
  const base = spark.range(1000).withColumn("p", col("id").mod(3));
  const flat = await base.write.option("maxRecordsPerFile", 300).parquet(path.join(dir, "flat"));
  assert.deepEqual((await rowsPerFile(flat.files)).sort((a, b) => b - a), [300, 300, 300, 100]);
  assert.deepEqual(flat.files.map((f) => /\.c(\d{3})\./.exec(f)![1]), ["000", "001", "002", "003"]);

  const parted = await base.write.option("maxRecordsPerFile", 100).partitionBy("p").csv(path.join(dir, "parted"));
  const counts = await Promise.all(parted.files.map(async (f) => (await spark.read.csv(f).count())));
  assert.ok(counts.every((n) => n <= 100), counts.join());
  assert.equal(counts.reduce((a, b) => a + b, 0), 1000);
  assert.equal(parted.files.length, 12); // 334 + 333 + 333 rows → 4 files each

  spark.conf.set("spark.sql.files.maxRecordsPerFile", 90);
  const both = await base.repartition(2).write.parquet(path.join(dir, "both"));
  const n = await rowsPerFile(both.files);
  assert.ok(n.every((x) => x <= 90), n.join());
  assert.equal(n.reduce((a, b) => a + b, 0), 1000);
  assert.equal(both.files.length, 12); // 2 buckets of 500 → 6 files each
});

test("compression codecs give Spark's file names and readable files; an empty DataFrame still writes a readable file", async (t) => {
  const { spark, dir } = await setUp(t);
  const df = spark.range(20).withColumn("s", F.concat(F.lit("v"), col("id").cast("string")));
  const cases: [string, string, string, RegExp][] = [
    ["parquet", "none", "p-none", /\.c000\.parquet$/],
    ["parquet", "gzip", "p-gzip", /\.c000\.gz\.parquet$/],
    ["parquet", "zstd", "p-zstd", /\.c000\.zstd\.parquet$/],
    ["parquet", "snappy", "p-snappy", /\.c000\.snappy\.parquet$/],
    ["csv", "gzip", "c-gzip", /\.c000\.csv\.gz$/],
    ["json", "gzip", "j-gzip", /\.c000\.json\.gz$/],
    ["json", "none", "j-none", /\.c000\.json$/],
  ];
  for (const [format, codec, name, re] of cases) {
    const res = await df.write.format(format).option("compression", codec).save(path.join(dir, name));
    assert.equal(res.files.length, 1);
    assert.match(res.files[0]!, re, `${format} ${codec}`);
    const reader = spark.read.format(format);
    const back = format === "csv" ? reader.schema("id long, s string").load(path.join(dir, name)) : reader.load(path.join(dir, name));
    assert.deepEqual(canon(await back.collect()), canon((await df.collect()).map((r) => (format === "json" ? { ...r } : r))), `${format} ${codec}`);
  }
  const empty = await df.filter(col("id").lt(0)).write.parquet(path.join(dir, "empty"));
  assert.equal(empty.rows, 0);
  assert.equal(empty.files.length, 1);
  const back = spark.read.parquet(path.join(dir, "empty"));
  assert.deepEqual(await back.columns(), ["id", "s"]);
  assert.equal(await back.count(), 0);
  assert.deepEqual(await listFiles(path.join(dir, "empty")), ["_SUCCESS", path.basename(empty.files[0]!)]);
});
