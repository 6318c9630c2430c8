/**
 * OptimisticTransaction and Delta's conflict rules, with two transactions racing from the same snapshot:
 * blind appends retry to the next version; a transaction whose read files were removed concurrently fails
 * with WEIR_DELTA_CONCURRENT_MODIFICATION naming the winning version and operation.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { OptimisticTransaction, type AddAction } from "../../src/delta/index.js";
import { DeltaError } from "../../src/errors/index.js";
import { toSparkSchemaJson, t } from "../../src/types/index.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "weir-delta-txn-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const add = (p: string): AddAction => ({ kind: "add", path: p, partitionValues: {}, size: 1, modificationTime: 0, dataChange: true, stats: '{"numRecords":1}' });
const op = (operation: string) => ({ operation, operationParameters: {}, operationMetrics: {} });

async function newTable(name: string): Promise<string> {
  const root = path.join(tmp, name);
  const txn = await OptimisticTransaction.start(root);
  await txn.commit([
    { kind: "protocol", minReaderVersion: 1, minWriterVersion: 2 },
    { kind: "metaData", id: "id", format: { provider: "parquet", options: {} }, schemaString: toSparkSchemaJson(t.struct({ a: t.int32() })), partitionColumns: [], configuration: {} },
    add("f0.parquet"),
  ], op("CREATE TABLE"));
  return root;
}

test("two blind appends from the same snapshot both commit, at versions 1 and 2", async () => {
  const root = await newTable("appends");
  const a = await OptimisticTransaction.start(root);
  const b = await OptimisticTransaction.start(root);
  assert.equal(await a.commit([add("a.parquet")], op("WRITE")), 1);
  assert.equal(await b.commit([add("b.parquet")], op("WRITE")), 2);
});

test("an overwrite that lost to a delete of a file it read fails naming version 1 and DELETE", async () => {
  const root = await newTable("overwrite");
  const overwrite = await OptimisticTransaction.start(root);
  overwrite.readWholeTable();
  overwrite.markFilesRead(["f0.parquet"]);
  const del = await OptimisticTransaction.start(root);
  del.markFilesRead(["f0.parquet"]);
  await del.commit([{ kind: "remove", path: "f0.parquet", dataChange: true, deletionTimestamp: Date.now() }], op("DELETE"));
  await assert.rejects(overwrite.commit([{ kind: "remove", path: "f0.parquet", dataChange: true, deletionTimestamp: Date.now() }, add("n.parquet")], op("WRITE")), (e: unknown) => {
    assert.ok(e instanceof DeltaError);
    assert.equal(e.code, "WEIR_DELTA_CONCURRENT_MODIFICATION");
    assert.match(e.message, /version 1 was written concurrently by DELETE/);
    return true;
  });
});

test("creating a table that another writer created concurrently fails (metadata changed)", async () => {
  const root = path.join(tmp, "create-race");
  const a = await OptimisticTransaction.start(root);
  await newTable("create-race");
  await assert.rejects(a.commit([{ kind: "protocol", minReaderVersion: 1, minWriterVersion: 2 }], op("CREATE TABLE")), /WEIR_DELTA_CONCURRENT_MODIFICATION|version 0 was written concurrently by CREATE TABLE/);
});

test("the same txn appId committed concurrently conflicts", async () => {
  const root = await newTable("appid");
  const a = await OptimisticTransaction.start(root);
  const b = await OptimisticTransaction.start(root);
  await a.commit([add("a.parquet"), { kind: "txn", appId: "etl", version: 1 }], op("WRITE"));
  await assert.rejects(b.commit([add("b.parquet"), { kind: "txn", appId: "etl", version: 1 }], op("WRITE")), /transaction "etl" version 1/);
});
