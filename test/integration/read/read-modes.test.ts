import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { t } from "../../../src/index.js";
import { failure, jsonLinesUnder, nonBlankLines, session, tree } from "./fixtures.js";

// Lines 2..7 of the CSV (line 1 is the header): good, bad type, too few fields, too many fields, good, unterminated quote.
const CSV = 'id,qty,name\n1,10,a\n2,xx,b\n3,30\n4,40,d,extra\n6,60,f\n"7,70,g\n';
const CSV_BAD_LINES = [3, 4, 5, 7];
// Lines: good, bad type, invalid JSON, blank (skipped, not a record), good, not an object, truncated final line.
const JSON_LINES = '{"id":1,"qty":10}\n{"id":2,"qty":"xx"}\nnot json\n\n{"id":4,"qty":40}\n[1,2]\n{"id":5,"q';
const JSON_BAD_LINES = [2, 3, 6, 7];
const csvSchema = t.struct({ id: t.int32(), qty: t.int32(), name: t.string() });

async function malformedFiles(tc: Parameters<typeof session>[0]): Promise<{ csv: string; json: string; root: string }> {
  const root = await tree(tc, { "in/a.csv": CSV, "in/b.json": JSON_LINES });
  return { root, csv: path.join(root, "in/a.csv"), json: path.join(root, "in/b.json") };
}

test("CSV PERMISSIVE without a corrupt column keeps every record: bad fields become NULL, missing fields NULL", async (tc) => {
  const spark = await session(tc);
  const { csv } = await malformedFiles(tc);
  const rows = await spark.read.schema(csvSchema).option("header", true).csv(csv).collect();
  assert.equal(rows.length, 6); // every data record is a row
  assert.deepEqual(rows.slice(0, 4), [
    { id: 1, qty: 10, name: "a" }, { id: 2, qty: null, name: "b" }, { id: 3, qty: 30, name: null }, { id: 4, qty: 40, name: "d" },
  ]);
});

test("CSV PERMISSIVE with _corrupt_record in the schema: malformed records are NULL rows holding the raw text", async (tc) => {
  const spark = await session(tc);
  const { csv } = await malformedFiles(tc);
  const rows = await spark.read.schema("id int, qty int, name string, _corrupt_record string").option("header", true).csv(csv).collect();
  assert.equal(rows.length, nonBlankLines(CSV) - 1); // one row per data line (the header is not a record)
  const good = rows.filter((r) => r._corrupt_record === null);
  const bad = rows.filter((r) => r._corrupt_record !== null);
  assert.deepEqual(good.map((r) => r.id), [1, 6]);
  assert.deepEqual(bad.map((r) => r._corrupt_record), ["2,xx,b", "3,30", "4,40,d,extra", '"7,70,g']);
  assert.ok(bad.every((r) => r.id === null && r.qty === null && r.name === null));
});

test("columnNameOfCorruptRecord renames the corrupt-record column", async (tc) => {
  const spark = await session(tc);
  const { csv, json } = await malformedFiles(tc);
  const c = await spark.read.schema("id int, qty int, name string, bad string").options({ header: true, columnNameOfCorruptRecord: "bad" }).csv(csv).collect();
  assert.equal(c.filter((r) => r.bad !== null).length, 4);
  const j = await spark.read.schema("bad string, id int, qty int").option("columnNameOfCorruptRecord", "bad").json(json).collect();
  assert.deepEqual(Object.keys(j[0]!), ["bad", "id", "qty"]);
  assert.deepEqual(j.filter((r) => r.bad !== null).map((r) => r.bad), ['{"id":2,"qty":"xx"}', "not json", "[1,2]", '{"id":5,"q']);
});

test("CSV DROPMALFORMED drops exactly the malformed records", async (tc) => {
  const spark = await session(tc);
  const { csv } = await malformedFiles(tc);
  const df = spark.read.schema(csvSchema).options({ header: true, mode: "DROPMALFORMED" }).csv(csv);
  assert.deepEqual(await df.collect(), [{ id: 1, qty: 10, name: "a" }, { id: 6, qty: 60, name: "f" }]);
  assert.equal(await df.count(), 2); // count() reads no column, yet drops the same records
  assert.equal(await df.select("id").count(), 2);
});

test("CSV FAILFAST fails with WEIR_MALFORMED_RECORD naming the file, the line and the reason", async (tc) => {
  const spark = await session(tc);
  const { csv } = await malformedFiles(tc);
  const e = await failure(() => spark.read.schema(csvSchema).options({ header: true, mode: "FAILFAST" }).csv(csv).collect());
  assert.equal(e.code, "WEIR_MALFORMED_RECORD");
  assert.ok(e.message.includes(`${csv}:3`), e.message);
  assert.match(e.message, /qty/);
  assert.deepEqual({ line: e.details?.line, file: e.details?.file }, { line: 3, file: csv });
});

test("CSV FAILFAST on a ragged header-less file names the first line with a wrong field count", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "r.csv": "a,b\nc,d\ne\n" });
  const e = await failure(() => spark.read.option("mode", "FAILFAST").csv(path.join(root, "r.csv")).collect());
  assert.equal(e.code, "WEIR_MALFORMED_RECORD");
  assert.ok(e.message.includes("r.csv:3"), e.message);
  assert.match(e.message, /Expected Number of Columns: 2 Found: 1/);
});

test("CSV badRecordsPath writes every rejected record with file, line, reason and text; the rest are returned", async (tc) => {
  const spark = await session(tc);
  const { csv, root } = await malformedFiles(tc);
  const bad = path.join(root, "bad");
  const rows = await spark.read.schema(csvSchema).options({ header: true, badRecordsPath: bad }).csv(csv).collect();
  const rejected = await jsonLinesUnder(bad);
  assert.deepEqual(rows.map((r) => r.id), [1, 6]);
  assert.deepEqual(rejected.map((r) => r.line), CSV_BAD_LINES);
  assert.ok(rejected.every((r) => r.path === csv && typeof r.reason === "string" && (r.reason as string).length > 0));
  assert.equal(rejected[0]!.record, "2,xx,b");
  // Nothing lost: 6 data lines = 2 rows + 4 rejected records.
  assert.equal(rows.length + rejected.length, nonBlankLines(CSV) - 1);
  // Another action on the same files does not write the records again.
  assert.equal(await spark.read.schema(csvSchema).options({ header: true, badRecordsPath: bad }).csv(csv).count(), 2);
  assert.equal((await jsonLinesUnder(bad)).length, rejected.length);
});

test("JSON PERMISSIVE without a corrupt column: a record per non-blank line, NULLs where it does not parse", async (tc) => {
  const spark = await session(tc);
  const { json } = await malformedFiles(tc);
  const rows = await spark.read.schema("id int, qty int").json(json).collect();
  assert.equal(rows.length, nonBlankLines(JSON_LINES));
  assert.deepEqual(rows[0], { id: 1, qty: 10 });
  assert.deepEqual(rows[2], { id: null, qty: null });
});

test("JSON PERMISSIVE with _corrupt_record: malformed lines are NULL rows holding the raw line", async (tc) => {
  const spark = await session(tc);
  const { json } = await malformedFiles(tc);
  const rows = await spark.read.schema("id int, qty int, _corrupt_record string").json(json).collect();
  assert.equal(rows.length, nonBlankLines(JSON_LINES));
  assert.deepEqual(rows.filter((r) => r._corrupt_record === null).map((r) => [r.id, r.qty]), [[1, 10], [4, 40]]);
  const bad = rows.filter((r) => r._corrupt_record !== null);
  assert.equal(bad.length, JSON_BAD_LINES.length);
  assert.ok(bad.every((r) => r.id === null && r.qty === null));
});

test("JSON DROPMALFORMED keeps only the well-formed lines", async (tc) => {
  const spark = await session(tc);
  const { json } = await malformedFiles(tc);
  const rows = await spark.read.schema("id int, qty int").option("mode", "DROPMALFORMED").json(json).collect();
  assert.deepEqual(rows, [{ id: 1, qty: 10 }, { id: 4, qty: 40 }]);
  assert.equal(rows.length + JSON_BAD_LINES.length, nonBlankLines(JSON_LINES));
});

test("JSON FAILFAST names file and exact line of the first malformed record, counting blank lines", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "c.json": '{"id":1}\n\n{"id":2}\n{"id":3\n{"id":"x"}\n' });
  const file = path.join(root, "c.json");
  const e = await failure(() => spark.read.schema("id int").option("mode", "FAILFAST").json(file).collect());
  assert.equal(e.code, "WEIR_MALFORMED_RECORD");
  assert.ok(e.message.includes(`${file}:4`), e.message);
  assert.match(e.message, /invalid JSON/);
  const typed = await tree(tc, { "d.json": '{"id":1}\n{"id":"x"}\n' });
  const e2 = await failure(() => spark.read.schema("id int").option("mode", "FAILFAST").json(path.join(typed, "d.json")).count());
  assert.ok(e2.message.includes("d.json:2"), e2.message);
  assert.match(e2.message, /field "id": cannot convert "x" to INTEGER/);
});

test("JSON badRecordsPath: every rejected line with exact line number and reason, a truncated last line included", async (tc) => {
  const spark = await session(tc);
  const { json, root } = await malformedFiles(tc);
  const bad = path.join(root, "bad");
  const rows = await spark.read.schema("id int, qty int").option("badRecordsPath", bad).json(json).collect();
  const rejected = await jsonLinesUnder(bad);
  assert.deepEqual(rows, [{ id: 1, qty: 10 }, { id: 4, qty: 40 }]);
  assert.deepEqual(rejected.map((r) => [r.line, r.reason]), [
    [2, 'field "qty": cannot convert "xx" to INTEGER'], [3, "invalid JSON"], [6, "not a JSON object: ARRAY"], [7, "truncated final line: invalid JSON"],
  ]);
  assert.deepEqual(rejected.map((r) => r.record), ['{"id":2,"qty":"xx"}', "not json", "[1,2]", '{"id":5,"q']);
  assert.equal(rows.length + rejected.length, nonBlankLines(JSON_LINES));
});

test("well-formed input reads the same in every mode", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "id,qty\n1,10\n2,20\n", "b.json": '{"id":1,"qty":10}\n{"id":2,"qty":20}\n' });
  for (const mode of ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"]) {
    const c = await spark.read.schema("id int, qty int").options({ header: true, mode }).csv(path.join(root, "a.csv")).collect();
    const j = await spark.read.schema("id int, qty int").option("mode", mode).json(path.join(root, "b.json")).collect();
    assert.deepEqual(c, [{ id: 1, qty: 10 }, { id: 2, qty: 20 }], mode);
    assert.deepEqual(j, c, mode);
  }
});

test("an unknown mode is WEIR_UNSUPPORTED_OPTION", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "1\n" });
  const e = await failure(() => spark.read.option("mode", "LENIENT").csv(path.join(root, "a.csv")).collect());
  assert.equal(e.code, "WEIR_UNSUPPORTED_OPTION");
  assert.match(e.message, /PERMISSIVE, DROPMALFORMED, FAILFAST/);
});
