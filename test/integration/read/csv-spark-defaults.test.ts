import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { failure, session, tree } from "./fixtures.js";

test("csv default escape is a backslash: escaped quotes and backslashes in quoted values unescape; unquoted backslashes stay", async (tc) => {
  const spark = await session(tc);
  // What Spark (and df.write.csv) writes for a"b, a\"b, "q", a\b and a,\b with default options.
  const root = await tree(tc, { "a.csv": '1,"a\\"b"\n2,"a\\\\\\"b"\n3,"\\"q\\""\n4,a\\b\n5,"a,\\\\b"\n' });
  for (const mode of ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"]) {
    const rows = await spark.read.schema("id int, s string").option("mode", mode).csv(path.join(root, "a.csv")).collect();
    assert.deepEqual(rows.map((r) => r.s), ['a"b', 'a\\"b', '"q"', "a\\b", "a,\\b"], mode);
  }
});

test("csv quote option alone does not change the escape: it stays a backslash, as in Spark", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "1,'it\\'s, ok'\n" });
  assert.deepEqual(await spark.read.option("quote", "'").csv(path.join(root, "a.csv")).collect(), [{ _c0: "1", _c1: "it's, ok" }]);
});

test("csv RFC-4180 doubled quotes are not unescaped with the default escape (as Spark); escape '\"' reads them", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": 'id,s\n1,"say ""hi"" now"\n2,plain\n' });
  const file = path.join(root, "a.csv");
  // Spark's default (escape \, unescapedQuoteHandling STOP_AT_DELIMITER) keeps the doubled quotes in the value.
  const lenient = await spark.read.option("header", true).csv(file).collect();
  assert.equal(lenient.length, 2);
  assert.match(String(lenient[0]!.s), /say ""hi"" now/);
  assert.equal(lenient[1]!.s, "plain");
  const rfc = await spark.read.options({ header: true, escape: '"' }).csv(file).collect();
  assert.deepEqual(rfc, [{ id: "1", s: 'say "hi" now' }, { id: "2", s: "plain" }]);
  // FAILFAST names the record and points at the escape option.
  const e = await failure(() => spark.read.schema("id int, s string").options({ header: true, mode: "FAILFAST" }).csv(file).collect());
  assert.equal(e.code, "WEIR_MALFORMED_RECORD");
  assert.equal(e.details?.line, 2);
  assert.match(e.hint ?? "", /escape/);
});

test("csv multiLine=true reads quoted values with line breaks in every mode, with and without a schema", async (tc) => {
  const spark = await session(tc);
  const lines = ["1,plain"];
  for (let i = 2; i <= 3000; i++) lines.push(i % 3 === 0 ? `${i},"first ${i}\nsecond, \\"quoted\\""` : `${i},v${i}`);
  const root = await tree(tc, { "a.csv": `${lines.join("\n")}\n` });
  const file = path.join(root, "a.csv");
  const expected = (id: number): string => (id % 3 === 0 ? `first ${id}\nsecond, "quoted"` : id === 1 ? "plain" : `v${id}`);
  for (const mode of ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"]) {
    const typed = await spark.read.schema("id int, s string").options({ multiLine: true, mode }).csv(file).collect();
    assert.equal(typed.length, 3000, mode);
    assert.ok(typed.every((r) => r.s === expected(Number(r.id))), mode);
    const untyped = await spark.read.options({ multiLine: true, mode }).csv(file).collect();
    assert.equal(untyped.length, 3000, mode);
    assert.ok(untyped.every((r) => r._c1 === expected(Number(r._c0))), mode);
  }
});

test("csv quoted line breaks without multiLine fail with WEIR_MALFORMED_RECORD and a hint to set multiLine", async (tc) => {
  const spark = await session(tc);
  const big = Array.from({ length: 20000 }, (_, i) => (i % 2 ? `${i},"a\nb"` : `${i},x`)).join("\n");
  const root = await tree(tc, { "a.csv": `${big}\n` });
  const e = await failure(() => spark.read.csv(path.join(root, "a.csv")).collect());
  assert.equal(e.code, "WEIR_MALFORMED_RECORD");
  assert.match(e.hint ?? "", /multiLine/);
});
