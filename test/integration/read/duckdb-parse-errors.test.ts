import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { failure, session, tree } from "./fixtures.js";

test("read_json in SQL on a malformed line is WEIR_MALFORMED_RECORD naming the file and the physical line", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, {
    "a.json": '{"a":1}\n{"a":}\n{"a":3}\n',
    // Blank lines are not records: the bad record is the 3rd, on line 5.
    "b.json": '{"a":1}\n\n{"a":2}\n\n{"a" 5}\n',
    "c.json": '{"a":1}\n{"a":2}\n{"a":3',
  });
  for (const [file, line] of [["a.json", 2], ["b.json", 5], ["c.json", 3]] as const) {
    const p = path.join(root, file);
    const e = await failure(() => spark.sql(`SELECT * FROM read_json($p, format = 'newline_delimited')`, { p }).collect());
    assert.equal(e.code, "WEIR_MALFORMED_RECORD", file);
    assert.equal(e.details?.file, p, file);
    assert.equal(e.details?.line, line, file);
    assert.ok(e.message.includes(`${p}:${line}`), e.message);
  }
});

test("read_json in SQL with a value that does not convert names the physical line of the record", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.json": '{"a":1}\n\n{"a":"x"}\n' });
  const p = path.join(root, "a.json");
  const e = await failure(() => spark.sql(`SELECT * FROM read_json($p, format = 'newline_delimited', columns = {'a': 'INTEGER'})`, { p }).collect());
  assert.equal(e.code, "WEIR_MALFORMED_RECORD");
  assert.equal(e.details?.line, 3);
});

test("read_csv in SQL on a bad value or an unterminated quote is WEIR_MALFORMED_RECORD with file, line and record", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.csv": "a,b\n1,2\nx,5\n", "b.csv": 'a,b\n1,2\n3,"open\n' });
  const a = path.join(root, "a.csv");
  const e = await failure(() => spark.sql(`SELECT * FROM read_csv($p, header = true, columns = {'a': 'INTEGER', 'b': 'VARCHAR'}, auto_detect = false)`, { p: a }).collect());
  assert.equal(e.code, "WEIR_MALFORMED_RECORD");
  assert.deepEqual([e.details?.file, e.details?.line, e.details?.record], [a, 3, "x,5"]);
  assert.match(String(e.details?.reason), /converting column "a"/);
  const b = path.join(root, "b.csv");
  const u = await failure(() => spark.sql(`SELECT * FROM read_csv($p, header = true, columns = {'a': 'INTEGER', 'b': 'VARCHAR'}, auto_detect = false)`, { p: b }).collect());
  assert.equal(u.code, "WEIR_MALFORMED_RECORD");
  assert.equal(u.details?.line, 3);
});

test("JSON multiLine FAILFAST on a malformed document is WEIR_MALFORMED_RECORD naming the file", async (tc) => {
  const spark = await session(tc);
  const root = await tree(tc, { "a.json": '[{"a":1},\n{"a" 2}]\n' });
  const p = path.join(root, "a.json");
  const e = await failure(() => spark.read.schema("a int").options({ multiLine: true, mode: "FAILFAST" }).json(p).collect());
  assert.equal(e.code, "WEIR_MALFORMED_RECORD");
  assert.equal(e.details?.file, p);
});
