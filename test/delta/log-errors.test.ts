/**
 * Damaged, incomplete and unusual logs behave as the Delta protocol says: precise errors for corruption and
 * gaps, incomplete multi-part checkpoints ignored, unknown fields ignored, unknown reader features refused;
 * and `putIfAbsent` lets exactly one writer create a commit. Each test works on a copy of a conformance
 * table's `_delta_log` in a temp directory.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import {
  FileSystemLogStore, LogSegment, Snapshot, checkpointPartFileName, commitFileName, type SnapshotOptions,
} from "../../src/delta/index.js";
import { DeltaError } from "../../src/errors/index.js";
import { DuckDBParquetReader } from "../../src/engine/duckdb/duckdb-parquet-reader.js";

const CONFORMANCE = path.resolve("../shared/delta-conformance");
const temps: string[] = [];
let instance: DuckDBInstance;
let conn: DuckDBConnection;
let reader: DuckDBParquetReader;
before(async () => {
  instance = await DuckDBInstance.create(":memory:");
  conn = await instance.connect();
  reader = new DuckDBParquetReader(conn);
});
after(async () => {
  conn.closeSync();
  instance.closeSync();
  for (const dir of temps) await fs.rm(dir, { recursive: true, force: true });
});

/** A fresh copy of a conformance table's log (data files are not needed for log replay). */
async function copyLog(name: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `weir-delta-${name}-`));
  temps.push(dir);
  await fs.cp(path.join(CONFORMANCE, name, "_delta_log"), path.join(dir, "_delta_log"), { recursive: true });
  return dir;
}
const log = (root: string, file: string): string => path.join(root, "_delta_log", file);
const load = (root: string, opts: SnapshotOptions = {}): Promise<Snapshot> => Snapshot.load(root, { parquetReader: reader, ...opts });
function isDeltaError(code: string, ...fragments: string[]) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof DeltaError, `expected a DeltaError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" should mention "${f}"`);
    return true;
  };
}

test("a truncated commit fails with WEIR_DELTA_CORRUPT_LOG naming the file and line; earlier versions still read", async () => {
  const root = await copyLog("simple_table");
  const file = log(root, commitFileName(4));
  const text = await fs.readFile(file, "utf8");
  const lines = text.trimEnd().split("\n");
  const truncated = [...lines.slice(0, -1), (lines.at(-1) ?? "").slice(0, 25)].join("\n");
  await fs.writeFile(file, truncated);
  await assert.rejects(load(root), isDeltaError("WEIR_DELTA_CORRUPT_LOG", file, `line ${lines.length}`));
  await assert.rejects(load(root), (e: unknown) => (e as DeltaError).details.line === lines.length);
  assert.equal((await load(root, { version: 3 })).version, 3);
});

test("a missing version in the middle fails with WEIR_DELTA_CORRUPT_LOG naming the missing version", async () => {
  const root = await copyLog("simple_table");
  await fs.rm(log(root, commitFileName(2)));
  await assert.rejects(load(root), isDeltaError("WEIR_DELTA_CORRUPT_LOG", "version 2 is missing", commitFileName(2)));
  await assert.rejects(load(root, { version: 3 }), isDeltaError("WEIR_DELTA_CORRUPT_LOG", "version 2 is missing"));
  assert.equal((await load(root, { version: 1 })).version, 1);
});

test("no _delta_log, or an empty one, is WEIR_DELTA_NOT_A_TABLE", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "weir-delta-empty-"));
  temps.push(dir);
  await assert.rejects(load(dir), isDeltaError("WEIR_DELTA_NOT_A_TABLE", dir));
  await fs.mkdir(path.join(dir, "_delta_log"));
  await assert.rejects(load(dir), isDeltaError("WEIR_DELTA_NOT_A_TABLE"));
});

test("a version beyond the latest, or before the earliest reconstructable one, is WEIR_DELTA_VERSION_NOT_FOUND", async () => {
  const root = await copyLog("simple_table_with_checkpoint");
  await assert.rejects(load(root, { version: 11 }), isDeltaError("WEIR_DELTA_VERSION_NOT_FOUND", "latest version is 10"));
  // Log cleanup: commits before the checkpoint are gone; v10 still reads from the checkpoint.
  for (let v = 0; v < 10; v++) await fs.rm(log(root, commitFileName(v)));
  assert.equal((await load(root)).files.length, 11);
  await assert.rejects(load(root, { version: 5 }), isDeltaError("WEIR_DELTA_VERSION_NOT_FOUND", "earliest reconstructable version is 10"));
});

test("a stale _last_checkpoint (checkpoint file gone) falls back to listing and replays the JSON commits", async () => {
  const root = await copyLog("simple_table_with_checkpoint");
  await fs.rm(log(root, "00000000000000000010.checkpoint.parquet"));
  const snap = await load(root);
  assert.equal(snap.segment.checkpoint, undefined);
  assert.equal(snap.files.length, 11);
});

test("a damaged checkpoint file fails with WEIR_DELTA_CORRUPT_LOG naming it", async () => {
  const root = await copyLog("simple_table_with_checkpoint");
  const cp = log(root, "00000000000000000010.checkpoint.parquet");
  await fs.writeFile(cp, "PAR1 this is not parquet");
  await assert.rejects(load(root), isDeltaError("WEIR_DELTA_CORRUPT_LOG", cp));
});

/** Rewrite the classic checkpoint at v10 as a two-part checkpoint (and point _last_checkpoint at it). */
async function splitCheckpoint(root: string): Promise<[string, string]> {
  const classic = log(root, "00000000000000000010.checkpoint.parquet");
  const parts: [string, string] = [log(root, checkpointPartFileName(10, 1, 2)), log(root, checkpointPartFileName(10, 2, 2))];
  // COPY targets cannot be bound parameters; these are test-owned temp paths without quotes.
  await conn.run(`CREATE OR REPLACE TABLE cp AS SELECT row_number() OVER () AS rn, * FROM read_parquet('${classic}')`);
  await conn.run(`COPY (SELECT * EXCLUDE (rn) FROM cp WHERE rn % 2 = 0) TO '${parts[0]}' (FORMAT parquet)`);
  await conn.run(`COPY (SELECT * EXCLUDE (rn) FROM cp WHERE rn % 2 = 1) TO '${parts[1]}' (FORMAT parquet)`);
  await fs.rm(classic);
  await fs.writeFile(log(root, "_last_checkpoint"), JSON.stringify({ version: 10, size: 13, parts: 2 }));
  return parts;
}

test("a complete multi-part checkpoint is used; one missing a part is ignored and the JSON commits are replayed", async () => {
  const root = await copyLog("simple_table_with_checkpoint");
  const [, part2] = await splitCheckpoint(root);
  const multi = await load(root);
  assert.equal(multi.segment.checkpoint?.kind, "multiPartCheckpoint");
  assert.equal(multi.segment.checkpoint?.files.length, 2);
  assert.equal(multi.files.length, 11);

  await fs.rm(part2);
  const fallback = await load(root);
  assert.equal(fallback.segment.checkpoint, undefined);
  assert.equal(fallback.files.length, 11);

  // With the older commits cleaned up, nothing can reconstruct the table.
  for (let v = 0; v < 10; v++) await fs.rm(log(root, commitFileName(v)));
  await assert.rejects(load(root), isDeltaError("WEIR_DELTA_CORRUPT_LOG", "commit 0"));
});

test("unknown fields and unknown actions are ignored", async () => {
  const root = await copyLog("delta-0.8.0");
  const before = await load(root);
  const file = log(root, commitFileName(1));
  const lines = (await fs.readFile(file, "utf8")).trimEnd().split("\n").map((line) => {
    const obj = JSON.parse(line) as Record<string, Record<string, unknown>>;
    for (const body of Object.values(obj)) body.someFutureField = { nested: [1, 2, 3] };
    return JSON.stringify({ ...obj, anotherFutureAction: null });
  });
  lines.push(JSON.stringify({ someFutureAction: { x: 1 } }));
  await fs.writeFile(file, `${lines.join("\n")}\n`);
  const after = await load(root);
  assert.deepEqual(after.files.map((f) => f.path).sort(), before.files.map((f) => f.path).sort());
});

async function appendCommit(root: string, version: number, actions: object[]): Promise<void> {
  const body = actions.map((a) => JSON.stringify(a)).join("\n");
  assert.equal(await new FileSystemLogStore().putIfAbsent(log(root, commitFileName(version)), Buffer.from(body)), "created");
}

test("an unknown reader feature is refused naming it; timestampNtz is accepted", async () => {
  const root = await copyLog("delta-0.8.0");
  await appendCommit(root, 2, [{ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz"], writerFeatures: ["timestampNtz"] } }]);
  assert.equal((await load(root)).protocol.minReaderVersion, 3);
  await appendCommit(root, 3, [{ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ["timestampNtz", "quantumFiles"], writerFeatures: ["quantumFiles"] } }]);
  await assert.rejects(load(root), isDeltaError("WEIR_DELTA_UNSUPPORTED_FEATURE", "quantumFiles"));
  assert.equal((await load(root, { version: 2 })).version, 2);
});

test("reader version 4, and column mapping in name mode, are refused", async () => {
  const root = await copyLog("delta-0.8.0");
  const v0 = (await fs.readFile(log(root, commitFileName(0)), "utf8")).split("\n").map((l) => l.trim()).filter(Boolean);
  const meta = JSON.parse(v0.find((l) => l.includes('"metaData"')) ?? "{}") as { metaData: { configuration: Record<string, string> } };
  meta.metaData.configuration["delta.columnMapping.mode"] = "name";
  await appendCommit(root, 2, [{ protocol: { minReaderVersion: 2, minWriterVersion: 5 } }, meta]);
  await assert.rejects(load(root), isDeltaError("WEIR_DELTA_UNSUPPORTED_FEATURE", "column mapping mode \"name\""));
  await appendCommit(root, 3, [{ protocol: { minReaderVersion: 4, minWriterVersion: 7 } }]);
  await assert.rejects(load(root), isDeltaError("WEIR_DELTA_UNSUPPORTED_FEATURE", "reader protocol version 4"));
});

test("putIfAbsent twice on the same version: the second returns \"exists\" and the first content stays", async () => {
  const root = await copyLog("delta-0.8.0");
  const store = new FileSystemLogStore();
  const target = log(root, commitFileName(2));
  assert.equal(await store.putIfAbsent(target, Buffer.from('{"commitInfo":{"operation":"A"}}\n')), "created");
  assert.equal(await store.putIfAbsent(target, Buffer.from('{"commitInfo":{"operation":"B"}}\n')), "exists");
  assert.match(await fs.readFile(target, "utf8"), /"A"/);
  assert.deepEqual((await fs.readdir(path.join(root, "_delta_log"))).filter((n) => n.endsWith(".tmp")), []);
});

test("concurrent putIfAbsent of one version from Promise.all: exactly one wins, its bytes are whole", async () => {
  const root = await copyLog("delta-0.8.0");
  const store = new FileSystemLogStore();
  const target = log(root, commitFileName(2));
  const bodies = Array.from({ length: 16 }, (_, i) => `${JSON.stringify({ commitInfo: { operation: `W${i}`, pad: "x".repeat(100_000) } })}\n`);
  const results = await Promise.all(bodies.map((b) => store.putIfAbsent(target, Buffer.from(b))));
  assert.equal(results.filter((r) => r === "created").length, 1);
  assert.equal(results.filter((r) => r === "exists").length, 15);
  const winner = results.indexOf("created");
  assert.equal(await fs.readFile(target, "utf8"), bodies[winner]);
  assert.deepEqual((await fs.readdir(path.join(root, "_delta_log"))).filter((n) => n.endsWith(".tmp")), []);
  assert.equal((await load(root)).version, 2);
});

test("time travel by timestamp picks the newest version committed at or before it (mtime, or inCommitTimestamp)", async () => {
  const root = await copyLog("simple_table");
  const base = Date.UTC(2024, 0, 1) / 1000;
  for (let v = 0; v <= 4; v++) await fs.utimes(log(root, commitFileName(v)), base + v * 60, base + v * 60);
  const at = (secs: number): Promise<LogSegment> => LogSegment.load(new FileSystemLogStore(), root, { timestamp: secs * 1000 });
  assert.equal((await at(base)).version, 0);
  assert.equal((await at(base + 150)).version, 2);
  assert.equal((await at(base + 10_000)).version, 4);
  await assert.rejects(at(base - 1), isDeltaError("WEIR_DELTA_VERSION_NOT_FOUND", "2024-01-01T00:00:00.000Z"));
  const snap = await load(root, { timestamp: (base + 200) * 1000 });
  assert.equal(snap.version, 3);
  assert.equal(snap.timestamp, (base + 180) * 1000);

  // In-commit timestamps win over file times.
  const ict = Date.UTC(2030, 0, 1);
  await appendCommit(root, 5, [{ commitInfo: { inCommitTimestamp: ict, timestamp: ict, operation: "WRITE" } }]);
  assert.equal((await at(ict / 1000 - 1)).version, 4);
  assert.equal((await at(ict / 1000)).version, 5);
  assert.equal((await load(root)).timestamp, ict);
});
