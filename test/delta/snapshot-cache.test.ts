/**
 * The session snapshot cache: a table read again replays only the commits added since (the cached snapshot is
 * reused when nothing changed), and a cached snapshot is never served for a log that did not grow from it —
 * another writer's commits, a checkpoint in between, a table deleted and recreated in place, time travel.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { Snapshot, SnapshotCache } from "../../src/delta/index.js";
import { DuckDBParquetReader } from "../../src/engine/index.js";
import { Session } from "../../src/index.js";

let reader: Session;
let writer: Session;
let tmp: string;
before(async () => {
  [reader, writer] = await Promise.all([Session.create({ threads: 1 }), Session.create({ threads: 1 })]);
  tmp = mkdtempSync(path.join(os.tmpdir(), "weir-snapcache-"));
});
after(async () => {
  await Promise.all([reader.close(), writer.close()]);
  rmSync(tmp, { recursive: true, force: true });
});

const append = (root: string, from: number, n: number, mode: "append" | "overwrite" = "append") =>
  writer.sql(`SELECT CAST(range AS BIGINT) AS id FROM range(${from}, ${from + n})`).write.format("delta").mode(mode).save(root);
const ids = async (root: string, version?: number): Promise<number[]> =>
  ((await (version === undefined ? reader.read.format("delta") : reader.read.format("delta").option("versionAsOf", version)).load(root).collect()) as { id: bigint }[])
    .map((r) => Number(r.id)).sort((a, b) => a - b);
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

test("Snapshot.load with a cache returns the cached snapshot while the log is unchanged and extends it with new commits", async () => {
  const root = path.join(tmp, "direct");
  await append(root, 0, 3);
  const cache = new SnapshotCache();
  const opts = { cache, parquetReader: new DuckDBParquetReader() };
  const first = await Snapshot.load(root, opts);
  assert.equal(await Snapshot.load(root, opts), first, "unchanged log: the same snapshot object");
  await append(root, 3, 2);
  const second = await Snapshot.load(root, opts);
  assert.notEqual(second, first);
  assert.equal(second.version, 1);
  assert.deepEqual(second.files.map((f) => f.path).sort(), (await Snapshot.load(root, { parquetReader: new DuckDBParquetReader() })).files.map((f) => f.path).sort(),
    "the extended snapshot has the files a full replay has");
  assert.equal((await Snapshot.load(root, { ...opts, version: 0 })).version, 0, "time travel is not served from the cache");
});

test("reads see other writers' commits, across checkpoints, and a table recreated in place", async () => {
  const root = path.join(tmp, "shared");
  await append(root, 0, 5);
  assert.deepEqual(await ids(root), range(0, 5));
  for (let i = 1; i <= 12; i++) await append(root, i * 5, 5); // crosses the checkpoint at version 10
  assert.deepEqual(await ids(root), range(0, 65));
  assert.deepEqual(await ids(root, 3), range(0, 20));
  await append(root, 100, 2, "overwrite");
  assert.deepEqual(await ids(root), [100, 101]);
  // Deleted and recreated with the same number of versions: the cached snapshot must not be served.
  rmSync(root, { recursive: true, force: true });
  for (let i = 0; i < 14; i++) await append(root, 1000 + i, 1);
  assert.deepEqual(await ids(root), range(1000, 1014));
  rmSync(root, { recursive: true, force: true });
  await append(root, 7, 1);
  assert.deepEqual(await ids(root), [7]);
});

test("several commits between two cached reads (append, txn, schema change, overwrite) give the snapshot a full replay gives", async () => {
  const root = path.join(tmp, "gap");
  await append(root, 0, 3);
  await append(root, 3, 3);
  const cache = new SnapshotCache();
  const opts = { cache, parquetReader: new DuckDBParquetReader() };
  const first = await Snapshot.load(root, opts);
  assert.equal(first.version, 1);
  await writer.sql("SELECT CAST(6 AS BIGINT) AS id").write.format("delta").mode("append").option("txnAppId", "etl").option("txnVersion", 4).save(root);
  await writer.sql("SELECT CAST(7 AS BIGINT) AS id, 'x' AS tag").write.format("delta").mode("append").option("mergeSchema", true).save(root);
  await writer.sql("SELECT CAST(8 AS BIGINT) AS id, 'y' AS tag").write.format("delta").mode("append").option("userMetadata", "last").save(root);
  const extended = await Snapshot.load(root, opts);
  const replayed = await Snapshot.load(root, { parquetReader: new DuckDBParquetReader() });
  assert.equal(extended.version, 4);
  assert.equal(cache.get(extended.tableRoot), extended, "the extended snapshot replaces the cached one");
  const facts = (s: Snapshot) => ({
    version: s.version, fields: s.schema.fields.map((f) => f.name), files: s.files.map((f) => f.path).sort(),
    tombstones: s.tombstones.map((r) => r.path).sort(), txn: s.txnVersion("etl"), userMetadata: s.commitInfo?.raw.userMetadata, timestamp: s.timestamp,
    commits: s.segment.commits.map((c) => c.version).filter((v) => v > 1), versionCommit: s.segment.versionCommit?.name,
  });
  assert.deepEqual(facts(extended), facts(replayed));
  assert.deepEqual(facts(extended).fields, ["id", "tag"]);
  assert.equal(facts(extended).userMetadata, "last");
  assert.equal(facts(extended).files.length, 5);

  await append(root, 9, 1);
  await append(root, 10, 1);
  const grown = await Snapshot.load(root, opts);
  assert.equal(grown.version, 6);
  assert.deepEqual(facts(grown), facts(await Snapshot.load(root, { parquetReader: new DuckDBParquetReader() })));
  assert.ok(extended.files.every((f) => grown.files.includes(f)), "extended from the cached snapshot: its file objects are kept");

  await append(root, 100, 1, "overwrite");
  await append(root, 101, 1);
  const overwritten = await Snapshot.load(root, opts);
  assert.equal(overwritten.version, 8);
  assert.deepEqual(facts(overwritten), facts(await Snapshot.load(root, { parquetReader: new DuckDBParquetReader() })));
  assert.equal(overwritten.files.length, 2);
  assert.equal(overwritten.tombstones.length, 7, "the overwrite's removes of the cached files are tombstones");
  assert.deepEqual(await ids(root), [100, 101]);
});
