/**
 * Delta partition value serialization → typed values, per column type, with nulls and bad values.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePartitionValue } from "../../src/delta/index.js";
import { DeltaError } from "../../src/errors/index.js";
import { t } from "../../src/types/index.js";

const where = { column: "c", file: "/t/c=x/part-0.parquet" };
const parse = (raw: string | null | undefined, type: Parameters<typeof parsePartitionValue>[1]) => parsePartitionValue(raw, type, where);

test("each type parses from its serialized form (long as bigint, dates and timestamps as UTC Dates)", () => {
  assert.equal(parse("1", t.int32()), 1);
  assert.equal(parse("-7", t.int16()), -7);
  assert.equal(parse("9007199254740993", t.int64()), 9007199254740993n);
  assert.equal(parse("1.5", t.float64()), 1.5);
  assert.equal(parse("12.34", t.decimal(10, 2)), 12.34);
  assert.equal(parse("12345678901234567.89", t.decimal(20, 2)), "12345678901234567.89");
  assert.equal(parse("true", t.boolean()), true);
  assert.equal(parse("false", t.boolean()), false);
  assert.equal(parse("a b", t.string()), "a b");
  assert.equal((parse("2021-12-20", t.date()) as Date).toISOString(), "2021-12-20T00:00:00.000Z");
  assert.equal((parse("1970-01-01 00:00:01.123456", t.timestamp()) as Date).toISOString(), "1970-01-01T00:00:01.123Z");
  assert.equal((parse("2024-03-01T10:00:00.000000Z", t.timestamp()) as Date).toISOString(), "2024-03-01T10:00:00.000Z");
  assert.equal((parse("2024-03-01 10:00:00", t.timestampNTZ()) as Date).toISOString(), "2024-03-01T10:00:00.000Z");
  assert.deepEqual(parse("\u0001\u0002", t.binary()), Uint8Array.from([1, 2]));
});

test("missing, null, empty and __HIVE_DEFAULT_PARTITION__ are all null", () => {
  for (const raw of [undefined, null, "", "__HIVE_DEFAULT_PARTITION__"]) {
    assert.equal(parse(raw, t.int32()), null);
    assert.equal(parse(raw, t.string()), null);
  }
});

test("a value that does not fit the column type is WEIR_DELTA_CORRUPT_LOG naming column and file", () => {
  for (const [raw, type] of [["abc", t.int32()], ["1.5", t.int32()], ["yes", t.boolean()], ["2021-02-30", t.date()], ["x", t.int64()]] as const) {
    assert.throws(() => parse(raw, type), (e: unknown) =>
      e instanceof DeltaError && e.code === "WEIR_DELTA_CORRUPT_LOG" && e.message.includes('"c"') && e.message.includes(where.file));
  }
});
