import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session, t } from "../../src/index.js";

// df.write.<format>(dir) then session.read.<format>(dir), default options on both sides (multiLine on read where
// a CSV value holds a line break: Spark needs it there too).

async function setup(tc: TestContext): Promise<{ spark: Session; dir: string }> {
  const spark = await Session.create({ threads: 2, memoryLimit: "1GB" });
  const dir = await mkdtemp(path.join(tmpdir(), "weir-roundtrip-"));
  tc.after(async () => {
    await spark.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { spark, dir };
}

const tricky = ['say "hi"', "back\\slash", 'both \\" mixed', "trailing\\", "\\\\", '"', "a,b", "  padded  ", "ümlaut €", "tab\there", "plain"];
const schema = t.struct({ id: t.int32(), s: t.string(), n: t.int64(), x: t.double(), d: t.date(), ts: t.timestamp(), ok: t.boolean() });
const DDL = "id int, s string, n bigint, x double, d date, ts timestamp, ok boolean";

function rows(values: readonly (string | null)[]): { id: number; s: string | null; n: bigint | null; x: number | null; d: Date | null; ts: Date | null; ok: boolean | null }[] {
  return values.map((s, i) => ({
    id: i, s, n: i % 4 === 3 ? null : BigInt(i) * 10_000_000_000n, x: i % 5 === 4 ? null : i + 0.25,
    d: i % 6 === 5 ? null : new Date(Date.UTC(2024, 0, 1 + i)), ts: i % 7 === 6 ? null : new Date(Date.UTC(2024, 1, 2, 3, 4, 5 + i, 123)), ok: i % 3 === 2 ? null : i % 2 === 0,
  }));
}

test("csv round trip with default options: quotes, backslashes, delimiters, nulls and typed columns read back identical", async (tc) => {
  const { spark, dir } = await setup(tc);
  const data = rows([...tricky, null]);
  await spark.createDataFrame(data, schema).write.csv(path.join(dir, "out"));
  for (const mode of ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"]) {
    const back = await spark.read.schema(DDL).option("mode", mode).csv(path.join(dir, "out")).orderBy("id").collect();
    assert.deepEqual(back, data, mode);
  }
  // Without a schema every column is a string, the text of the value.
  const text = await spark.read.csv(path.join(dir, "out")).orderBy("_c0").collect();
  assert.deepEqual(text.map((r) => r._c1).sort(), [...tricky, null].sort());
});

test("csv round trip: an empty string reads back as null, as in Spark (nullValue and emptyValue both default to \"\")", async (tc) => {
  const { spark, dir } = await setup(tc);
  await spark.createDataFrame([{ id: 1, s: "" }, { id: 2, s: null }, { id: 3, s: "x" }], t.struct({ id: t.int32(), s: t.string() })).write.csv(path.join(dir, "out"));
  const back = await spark.read.schema("id int, s string").csv(path.join(dir, "out")).orderBy("id").collect();
  assert.deepEqual(back, [{ id: 1, s: null }, { id: 2, s: null }, { id: 3, s: "x" }]);
});

test("csv round trip with line breaks inside values reads back identical with multiLine=true, in every mode", async (tc) => {
  const { spark, dir } = await setup(tc);
  const values = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? `line ${i}\nnext, "quoted" \\ end` : i % 3 === 1 ? `crlf ${i}\r\nafter` : `v${i}`));
  const data = values.map((s, i) => ({ id: i, s }));
  await spark.createDataFrame(data, t.struct({ id: t.int32(), s: t.string() })).write.csv(path.join(dir, "out"));
  for (const mode of ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"]) {
    const back = await spark.read.schema("id int, s string").options({ multiLine: true, mode }).csv(path.join(dir, "out")).orderBy("id").collect();
    assert.equal(back.length, data.length, mode);
    assert.deepEqual(back.filter((r, i) => r.s !== data[i]!.s), [], mode);
  }
});

test("json round trip with default options: strings with quotes, backslashes, line breaks and unicode, nulls and empty strings", async (tc) => {
  const { spark, dir } = await setup(tc);
  const data = rows([...tricky, "line\nbreak", "", null]);
  await spark.createDataFrame(data, schema).write.json(path.join(dir, "out"));
  const back = await spark.read.schema(DDL).json(path.join(dir, "out")).orderBy("id").collect();
  assert.deepEqual(back, data);
  // Inferred: fields sorted by name, whole numbers as bigint, dates and timestamps as strings (as Spark).
  const inferred = spark.read.json(path.join(dir, "out"));
  assert.deepEqual((await inferred.dtypes()).map(([n]) => n), ["d", "id", "n", "ok", "s", "ts", "x"]);
  assert.deepEqual((await inferred.orderBy("id").collect()).map((r) => r.s), data.map((r) => r.s));
});

test("parquet round trip with default options keeps every value and type", async (tc) => {
  const { spark, dir } = await setup(tc);
  const data = rows([...tricky, "line\nbreak", "", null]);
  await spark.createDataFrame(data, schema).write.parquet(path.join(dir, "out"));
  const df = spark.read.parquet(path.join(dir, "out"));
  assert.deepEqual(await df.dtypes(), [["id", "int"], ["s", "string"], ["n", "bigint"], ["x", "double"], ["d", "date"], ["ts", "timestamp"], ["ok", "boolean"]]);
  assert.deepEqual(await df.orderBy("id").collect(), data);
});

test("partitioned round trip: partition values with escaped characters come back from the directory names", async (tc) => {
  const { spark, dir } = await setup(tc);
  const data = ["a/b", "x=y", "50%", "ü:€", "plain"].map((k, i) => ({ id: i, k }));
  await spark.createDataFrame(data, t.struct({ id: t.int32(), k: t.string() })).write.partitionBy("k").csv(path.join(dir, "out"));
  const back = await spark.read.schema("id int, k string").csv(path.join(dir, "out")).orderBy("id").collect();
  assert.deepEqual(back, data);
});
