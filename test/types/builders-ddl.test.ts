import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDataType, parseSchemaDDL, simpleString, t, treeString, type WeirError } from "../../src/index.js";

test("the issue's DDL string parses into nested struct/array types", () => {
  const s = parseSchemaDDL("InvoiceNumber string, CreatedTime bigint, DeliveryAddress struct<City string, PinCode string>, Items array<struct<ItemCode string, ItemQty bigint>>");
  assert.deepEqual(s, t.struct({
    InvoiceNumber: t.string(), CreatedTime: t.int64(),
    DeliveryAddress: t.struct({ City: t.string(), PinCode: t.string() }),
    Items: t.array(t.struct({ ItemCode: t.string(), ItemQty: t.int64() })),
  }));
});

test("every Spark type name and alias maps to its t builder", () => {
  const cases: [string, ReturnType<typeof parseDataType>][] = [
    ["string", t.string()], ["boolean", t.boolean()], ["tinyint", t.int8()], ["byte", t.byte()], ["smallint", t.int16()],
    ["short", t.short()], ["int", t.int32()], ["integer", t.integer()], ["bigint", t.int64()], ["long", t.long()],
    ["float", t.float32()], ["double", t.float64()], ["decimal(10,2)", t.decimal(10, 2)], ["date", t.date()],
    ["timestamp", t.timestamp()], ["binary", t.binary()], ["array<int>", t.array(t.int32())],
    ["map<string,bigint>", t.map(t.string(), t.int64())], ["struct<a: int, b: string>", t.struct({ a: t.int32(), b: t.string() })],
  ];
  for (const [ddl, type] of cases) assert.deepEqual(parseDataType(ddl), type, ddl);
  assert.equal(simpleString(t.map(t.string(), t.array(t.decimal(10, 2)))), "map<string,array<decimal(10,2)>>");
});

test("NOT NULL and t.notNull mark fields non-nullable; treeString prints Spark's printSchema", () => {
  const s = t.struct({ id: t.notNull(t.int64()), tags: t.array(t.string()), m: t.map(t.string(), t.int32()) });
  assert.deepEqual(parseSchemaDDL("id bigint NOT NULL, tags array<string>, m map<string,int>"), s);
  assert.equal(treeString(s), [
    "root",
    " |-- id: long (nullable = false)",
    " |-- tags: array (nullable = true)",
    " |    |-- element: string (containsNull = true)",
    " |-- m: map (nullable = true)",
    " |    |-- key: string",
    " |    |-- value: integer (valueContainsNull = true)",
  ].join("\n"));
});

test("bad DDL and bad decimals fail with clear errors", () => {
  assert.throws(() => parseSchemaDDL("a strin"), (e: WeirError) => e.code === "WEIR_SCHEMA_PARSE");
  assert.throws(() => parseSchemaDDL("a int, A string"), (e: WeirError) => e.code === "WEIR_SCHEMA_PARSE" && /duplicate/.test(e.message));
  assert.throws(() => t.decimal(40, 2), (e: WeirError) => e.code === "WEIR_INVALID_ARGUMENT");
});
