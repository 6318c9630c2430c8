import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { writeGroupbyCsv } from "../../bench/gen-groupby.js";
import { writeOrdersJsonl } from "../../bench/gen-orders.js";
import { G1_SCHEMA, GROUPBY_QUESTIONS } from "../../bench/groupby-questions.js";
import { col, F, Session } from "../../src/index.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "weir-bench-gen-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("db-benchmark groupby generator", () => {
  test("writes the same file twice for the same seed, with the spec's columns, formats and ranges", async () => {
    const a = path.join(dir, "a.csv");
    const b = path.join(dir, "b.csv");
    await writeGroupbyCsv({ n: 5000, k: 10, na: 0, sort: false }, a);
    await writeGroupbyCsv({ n: 5000, k: 10, na: 0, sort: false }, b);
    assert.equal(readFileSync(a, "utf8"), readFileSync(b, "utf8"));

    await using spark = await Session.create({ threads: 1 });
    const x = spark.read.schema(G1_SCHEMA).option("header", true).csv(a);
    assert.equal(readFileSync(a, "utf8").split("\n")[0], "id1,id2,id3,id4,id5,id6,v1,v2,v3");
    const [s] = await x.agg(
      F.count("*").alias("n"), F.countDistinct("id1").alias("k1"), F.countDistinct("id4").alias("k4"),
      F.countDistinct("id3").alias("k3"), F.min("v1").alias("v1min"), F.max("v1").alias("v1max"),
      F.min("v2").alias("v2min"), F.max("v2").alias("v2max"), F.min("v3").alias("v3min"), F.max("v3").alias("v3max"),
      F.max(F.length("id3")).alias("id3len"), F.min("id1").alias("id1min"),
    ).collect();
    assert.equal(Number(s!.n), 5000);
    assert.equal(Number(s!.k1), 10);
    assert.equal(Number(s!.k4), 10);
    assert.ok(Number(s!.k3) > 400 && Number(s!.k3) <= 500, `id3 draws from 500 values, got ${s!.k3}`);
    assert.deepEqual([s!.v1min, s!.v1max, s!.v2min, s!.v2max], [1, 5, 1, 15]);
    assert.ok((s!.v3min as number) >= 0 && (s!.v3max as number) <= 100);
    assert.equal(s!.id3len, 12); // "id" + 10 digits
    assert.equal(s!.id1min, "id001");
  });

  test("with NA share 10 nulls about a tenth of the value rows and of the id values", async () => {
    const file = path.join(dir, "na.csv");
    await writeGroupbyCsv({ n: 20000, k: 100, na: 10, sort: true }, file);
    await using spark = await Session.create({ threads: 1 });
    const [s] = await spark.read.schema(G1_SCHEMA).option("header", true).csv(file)
      .agg(F.count("*").alias("n"), F.count("v1").alias("v1"), F.countDistinct("id2").alias("k2")).collect();
    const nullShare = 1 - Number(s!.v1) / Number(s!.n);
    assert.ok(nullShare > 0.07 && nullShare < 0.13, `v1 null share ${nullShare}`);
    assert.ok(Number(s!.k2) >= 80 && Number(s!.k2) <= 97, `distinct non-null id2 ${s!.k2}`);
  });

  test("every question runs through the Weir API and returns the columns its checksum names", async () => {
    const file = path.join(dir, "q.csv");
    await writeGroupbyCsv({ n: 2000, k: 10, na: 0, sort: false }, file);
    await using spark = await Session.create({ threads: 1 });
    const x = await spark.read.schema(G1_SCHEMA).option("header", true).csv(file).cache();
    for (const q of GROUPBY_QUESTIONS) {
      const columns = await q.weir(x).columns();
      for (const c of q.checksum) assert.ok(columns.includes(c), `${q.id} lacks ${c}: ${columns.join(", ")}`);
    }
  });
});

describe("JSON-lines orders generator", () => {
  test("writes deterministic orders with the spec's fields and a ~40% completed share", async () => {
    const a = path.join(dir, "o1.jsonl");
    const b = path.join(dir, "o2.jsonl");
    await writeOrdersJsonl(4000, a);
    await writeOrdersJsonl(4000, b);
    const text = readFileSync(a, "utf8");
    assert.equal(text, readFileSync(b, "utf8"));
    const rows = text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, 4000);
    assert.deepEqual(Object.keys(rows[0]!), ["orderId", "userId", "productId", "quantity", "price", "status", "orderDate"]);
    const completed = rows.filter((r) => r.status === "completed").length / rows.length;
    assert.ok(completed > 0.36 && completed < 0.44, `completed share ${completed}`);
    for (const r of rows) {
      assert.ok(Number.isInteger(r.quantity) && (r.quantity as number) >= 1 && (r.quantity as number) <= 5);
      assert.ok((r.price as number) >= 0 && (r.price as number) <= 100 && Math.abs((r.price as number) * 100 - Math.round((r.price as number) * 100)) < 1e-6);
      assert.match(r.orderDate as string, /^2024-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }

    await using spark = await Session.create({ threads: 1 });
    const days = await spark.read.json(a).filter(col("status").equalTo("completed")).groupBy(F.toDate("orderDate").alias("day")).count().count();
    assert.ok(days > 300 && days <= 366, `${days} distinct days`);
  });
});
