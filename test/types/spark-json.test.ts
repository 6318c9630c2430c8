/**
 * Spark's JSON schema format ⇄ Weir data types: every type kind parses, prints back identically, and bad
 * input fails with WEIR_SCHEMA_PARSE naming where.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { WeirError } from "../../src/errors/index.js";
import { parseSparkDataType, parseSparkSchemaJson, t, toSparkSchemaJson, toSparkTypeJson } from "../../src/types/index.js";

const FULL = {
  type: "struct",
  fields: [
    { name: "a", type: "integer", nullable: false, metadata: {} },
    { name: "b", type: { type: "struct", fields: [{ name: "d", type: "integer", nullable: false, metadata: {} }] }, nullable: true, metadata: {} },
    { name: "c", type: { type: "array", elementType: "integer", containsNull: false }, nullable: true, metadata: {} },
    { name: "f", type: { type: "map", keyType: "string", valueType: "string", valueContainsNull: true }, nullable: true, metadata: {} },
    { name: "price", type: "decimal(10,2)", nullable: true, metadata: { comment: "unit price" } },
    { name: "ntz", type: "timestamp_ntz", nullable: true, metadata: {} },
    { name: "x", type: "variant", nullable: true, metadata: { "delta.columnMapping.id": 7 } },
    ...["string", "long", "short", "byte", "float", "double", "boolean", "binary", "date", "timestamp"]
      .map((name) => ({ name: `p_${name}`, type: name, nullable: true, metadata: {} })),
  ],
};

test("the protocol's example schema and every primitive round-trip through Weir types unchanged", () => {
  const schema = parseSparkSchemaJson(JSON.stringify(FULL));
  assert.equal(schema.fields.length, FULL.fields.length);
  assert.deepEqual(schema.fields[0], { name: "a", type: t.int32(), nullable: false, metadata: {} });
  assert.deepEqual(schema.fields[2]?.type, t.array(t.int32(), false));
  assert.deepEqual(schema.fields[3]?.type, t.map(t.string(), t.string(), true));
  assert.deepEqual(schema.fields[4]?.type, t.decimal(10, 2));
  assert.equal(schema.fields[4]?.comment, "unit price");
  assert.deepEqual(schema.fields[5]?.type, t.timestampNTZ());
  assert.deepEqual(schema.fields[6]?.type, { kind: "other", sql: "variant" });
  assert.deepEqual(JSON.parse(toSparkSchemaJson(schema)), FULL);
});

test("Weir-built schemas print as Spark JSON and parse back to equal types", () => {
  const schema = t.struct({ id: t.notNull(t.int64()), tags: t.array(t.string()), amount: t.decimal(38, 6), m: t.map(t.string(), t.float64(), false) });
  const back = parseSparkSchemaJson(toSparkSchemaJson(schema));
  assert.deepEqual(back.fields.map((f) => [f.name, f.type, f.nullable]), schema.fields.map((f) => [f.name, f.type, f.nullable]));
  assert.equal(toSparkTypeJson(t.null()), "void");
  assert.deepEqual(parseSparkDataType("void"), t.null());
  assert.deepEqual(parseSparkDataType("decimal"), t.decimal(10, 0));
  assert.deepEqual(parseSparkDataType("varchar(10)"), t.string());
});

test("malformed schemas fail with WEIR_SCHEMA_PARSE naming the place", () => {
  const bad = (json: string, fragment: string) => assert.throws(() => parseSparkSchemaJson(json), (e: unknown) =>
    e instanceof WeirError && e.code === "WEIR_SCHEMA_PARSE" && e.message.includes(fragment));
  bad("{not json", "not valid JSON");
  bad('"long"', "top level is long");
  bad('{"type":"struct","fields":[{"name":"a"}]}', 'field "a" without a "type"');
  bad('{"type":"struct","fields":[{"name":"a","type":{"type":"array"}}]}', "schema.fields[0](a)");
});
