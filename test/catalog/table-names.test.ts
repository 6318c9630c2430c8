import { mkdirSync, mkdtempSync, symlinkSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Session, WeirError } from "../../src/index.js";

async function open(): Promise<{ spark: Session; warehouse: string }> {
  const warehouse = mkdtempSync(path.join(os.tmpdir(), "weir-names-"));
  return { spark: await Session.create({ warehouse, threads: 1 }), warehouse };
}

function code(c: string) {
  return (e: unknown) => e instanceof WeirError && e.code === c;
}

test("table names with ../, slashes, absolute paths or dots in a part are WEIR_INVALID_NAME and create nothing", async () => {
  const { spark, warehouse } = await open();
  try {
    const df = spark.createDataFrame([{ id: 1 }]);
    for (const bad of ["../escape", "a/b", "/tmp/abs", "`../x`", "`a.b`.c", "a.b.c", "1abc", "x y", "`x;y`", ""]) {
      await assert.rejects(df.write.saveAsTable(bad), code("WEIR_INVALID_NAME"), `saveAsTable(${JSON.stringify(bad)})`);
    }
    await assert.rejects(async () => { await spark.sql("CREATE TABLE `../../etc` (id INT) USING DELTA"); }, code("WEIR_INVALID_NAME"));
    await assert.rejects(async () => { await spark.sql("CREATE DATABASE `..`"); }, code("WEIR_INVALID_NAME"));
    assert.throws(() => spark.read.table("../x"), code("WEIR_INVALID_NAME"));
    assert.ok(!existsSync(path.join(warehouse, "..", "escape")));
  } finally {
    await spark.close();
  }
});

test("backquoted names with safe characters are accepted and case-insensitive", async () => {
  const { spark } = await open();
  try {
    await spark.sql("CREATE DATABASE `Gold`");
    await spark.sql("CREATE TABLE `gold`.`Orders` (id BIGINT) USING DELTA");
    assert.equal(await spark.catalog.tableExists("GOLD.orders"), true);
    assert.deepEqual((await spark.catalog.listTables("gold")).map((t) => t.name), ["orders"]);
  } finally {
    await spark.close();
  }
});

test("a database directory that is a symlink leading out of the warehouse is refused with WEIR_INVALID_NAME", async () => {
  const { spark, warehouse } = await open();
  const outside = mkdtempSync(path.join(os.tmpdir(), "weir-outside-"));
  try {
    mkdirSync(warehouse, { recursive: true });
    symlinkSync(outside, path.join(warehouse, "evil.db"));
    await assert.rejects(async () => { await spark.sql("CREATE DATABASE evil"); }, code("WEIR_INVALID_NAME"));
    // A table directory symlinked out of the warehouse is refused too.
    symlinkSync(outside, path.join(warehouse, "sneaky"));
    await assert.rejects(spark.createDataFrame([{ id: 1 }]).write.saveAsTable("sneaky"), code("WEIR_INVALID_NAME"));
    assert.ok(!existsSync(path.join(outside, "_delta_log")));
  } finally {
    await spark.close();
  }
});

test("an unknown table is WEIR_UNKNOWN_TABLE suggesting the closest existing table", async () => {
  const { spark } = await open();
  try {
    await spark.sql("CREATE DATABASE gold");
    await spark.sql("CREATE TABLE gold.orders (id BIGINT) USING DELTA");
    assert.throws(() => spark.read.table("gold.ordres"), (e: unknown) => e instanceof WeirError && e.code === "WEIR_UNKNOWN_TABLE" && /Did you mean orders\?/.test(e.message));
    assert.throws(() => spark.sql("SELECT * FROM gold.ordrs"), code("WEIR_UNKNOWN_TABLE"));
    await assert.rejects(async () => { await spark.sql("DROP TABLE gold.ordres"); }, code("WEIR_UNKNOWN_TABLE"));
    await assert.rejects(async () => { await spark.sql("USE silver"); }, code("WEIR_UNKNOWN_DATABASE"));
  } finally {
    await spark.close();
  }
});
