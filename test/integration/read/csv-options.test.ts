import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { writeFile } from "node:fs/promises";
import { t } from "../../../src/index.js";
import { session, tree } from "./fixtures.js";

test("csv without options: no header (columns _c0, _c1…) and every column a string, as Spark", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "id,qty\n1,10\n2,20\n" });
  const df = spark.read.csv(path.join(root, "a.csv"));
  assert.deepEqual(await df.columns(), ["_c0", "_c1"]);
  assert.deepEqual(await df.collect(), [{ _c0: "id", _c1: "qty" }, { _c0: "1", _c1: "10" }, { _c0: "2", _c1: "20" }]);
});

test("csv header=true names columns from the first line; values stay strings without inferSchema", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "id,qty\n1,10\n" });
  assert.deepEqual(await spark.read.option("header", true).csv(path.join(root, "a.csv")).collect(), [{ id: "1", qty: "10" }]);
});

test("csv inferSchema is inferred again when a file changes (the inferred schema is reused only while the files are unchanged)", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "n,x\n1,2\n" });
  const file = path.join(root, "a.csv");
  const df = spark.read.option("header", true).option("inferSchema", true).csv(file);
  const xType = async (): Promise<string | undefined> => (await df.dtypes())[1]?.[1];
  assert.match((await xType())!, /^(int|bigint)$/);
  assert.match((await xType())!, /^(int|bigint)$/);
  await writeFile(file, "n,x\n1,two\n3,4.5\n");
  assert.equal(await xType(), "string");
});

test("csv inferSchema=true infers int, double, boolean and timestamp over all rows", async (tc) => {
  const spark = await session(tc);
  const rows = ["n,x,b,ts", ...Array.from({ length: 30000 }, (_, i) => `${i},1.5,true,2024-01-02 03:04:05`), "9,2.5,false,2024-01-03 00:00:00"];
  const root = await tree(tc, { "a.csv": `${rows.join("\n")}\n` });
  const df = spark.read.option("header", true).option("inferSchema", true).csv(path.join(root, "a.csv"));
  const kinds = (await df.dtypes()).map(([n, ty]) => `${n}:${ty}`);
  assert.equal(kinds.length, 4);
  assert.match(kinds[0]!, /^n:(int|bigint)$/);
  assert.deepEqual(kinds.slice(1), ["x:double", "b:boolean", "ts:timestamp"]);
  assert.equal(await df.count(), 30001);
});

test("csv sep/delimiter, quote, escape and nullValue follow the options", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, {
    "semi.csv": "a;b\n'x;y';NA\n'it\\'s';2\n",
    "tab.tsv": "a\tb\n1\t2\n",
  });
  const semi = await spark.read.options({ header: true, sep: ";", quote: "'", escape: "\\", nullValue: "NA" }).csv(path.join(root, "semi.csv")).collect();
  assert.deepEqual(semi, [{ a: "x;y", b: null }, { a: "it's", b: "2" }]);
  const tab = await spark.read.option("header", true).option("delimiter", "\t").csv(path.join(root, "tab.tsv")).collect();
  assert.deepEqual(tab, [{ a: "1", b: "2" }]);
});

test("csv dateFormat and timestampFormat parse declared date and timestamp columns", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "d,ts\n31/12/2024,2024.01.02 10:11:12\n" });
  const schema = t.struct({ d: t.date(), ts: t.timestamp() });
  for (const mode of ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"]) {
    const rows = await spark.read.schema(schema).options({ header: true, dateFormat: "dd/MM/yyyy", timestampFormat: "yyyy.MM.dd HH:mm:ss", mode }).csv(path.join(root, "a.csv")).collect();
    assert.equal(rows.length, 1, mode);
    assert.equal(rows[0]!.d?.toISOString().slice(0, 10), "2024-12-31", mode);
    assert.equal(rows[0]!.ts?.toISOString(), "2024-01-02T10:11:12.000Z", mode);
  }
});

test("csv encoding latin-1 decodes non-UTF-8 bytes", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": Buffer.from("name\ncaf\xe9\n", "latin1") });
  assert.deepEqual(await spark.read.option("header", true).option("encoding", "ISO-8859-1").csv(path.join(root, "a.csv")).collect(), [{ name: "café" }]);
});

test("csv comment skips lines starting with the comment character", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "a,b\n# a note\n1,2\n" });
  assert.deepEqual(await spark.read.options({ header: true, comment: "#" }).csv(path.join(root, "a.csv")).collect(), [{ a: "1", b: "2" }]);
});

test("csv multiLine reads quoted values spanning lines as one record", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": 'id,text\n1,"line one\nline two"\n2,plain\n' });
  const rows = await spark.read.options({ header: true, multiLine: true }).csv(path.join(root, "a.csv")).collect();
  assert.deepEqual(rows, [{ id: "1", text: "line one\nline two" }, { id: "2", text: "plain" }]);
});

test("a t.struct schema gives typed rows; columns are taken by position as in Spark", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "ID,QTY,PRICE,DAY\nA1,3,2.50,2024-05-01\n" });
  const schema = t.struct({ order_id: t.string(), qty: t.int32(), price: t.decimal(10, 2), day: t.date() });
  const rows = await spark.read.schema(schema).option("header", true).csv(path.join(root, "a.csv")).collect();
  assert.equal(rows.length, 1);
  const r = rows[0]!;
  assert.equal(r.order_id, "A1");
  assert.equal(r.qty, 3);
  assert.equal(r.price, 2.5);
  assert.equal(r.day?.toISOString().slice(0, 10), "2024-05-01");
});

test("a DDL schema string declares the columns and their types", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "1,x,true\n" });
  const df = spark.read.schema("id bigint, name string, ok boolean").csv(path.join(root, "a.csv"));
  assert.deepEqual(await df.dtypes(), [["id", "bigint"], ["name", "string"], ["ok", "boolean"]]);
  assert.deepEqual(await df.collect(), [{ id: 1n, name: "x", ok: true }]);
});
