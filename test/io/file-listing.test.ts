import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { IoError } from "../../src/errors/index.js";
import { castPartitionValue, listInputFiles, type InputFileListing, type PartitionValue } from "../../src/io/index.js";

/** Create files (relative path → content) under a fresh temp directory. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "weir-listing-"));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  return root;
}
const rels = (root: string, files: readonly { path: string }[]): string[] => files.map((f) => path.relative(root, f.path));
/** Each file's partition values converted to their columns' inferred types. */
const typed = ({ files, partitionColumns }: InputFileListing): Record<string, PartitionValue>[] =>
  files.map((f) => Object.fromEntries(partitionColumns.map((c) => [c.name, castPartitionValue(f.partitionValues[c.name] ?? null, c.type)])));
const kinds = (cols: readonly { name: string; type: { kind: string } }[]): string[] => cols.map((c) => `${c.name}:${c.type.kind}`);

test("a directory is listed recursively, sorted, with hidden files, _SUCCESS, _temporary and _delta_log skipped", async (t) => {
  const root = await tree({
    "b.csv": "1", "a.csv": "22", "sub/c.csv": "3", ".hidden.csv": "x", "_SUCCESS": "", "_temporary/0/x.csv": "x",
    "_delta_log/00.json": "{}", ".git/HEAD": "x", "sub/.crc": "x", "part.csv._COPYING_": "x",
  });
  t.after(() => rm(root, { recursive: true, force: true }));
  const { files, partitionColumns } = await listInputFiles(root);
  assert.deepEqual(rels(root, files), ["a.csv", "b.csv", "sub/c.csv"]);
  assert.equal(files[0]!.size, 2);
  assert.ok(path.isAbsolute(files[0]!.path));
  assert.deepEqual(partitionColumns, []);
});

test("globs match files and directories; a glob's static prefix is the partition base path", async (t) => {
  const root = await tree({ "day=2024-01-01/a.csv": "", "day=2024-01-02/b.csv": "", "day=2024-01-02/b.json": "", "_tmp/c.csv": "" });
  t.after(() => rm(root, { recursive: true, force: true }));
  const csv = await listInputFiles("*/*.csv", { cwd: root });
  assert.deepEqual(rels(root, csv.files), ["day=2024-01-01/a.csv", "day=2024-01-02/b.csv"]);
  assert.deepEqual(kinds(csv.partitionColumns), ["day:date"]);
  assert.deepEqual(csv.files[1]!.partitionValues, { day: "2024-01-02" });
  const dirs = await listInputFiles(path.join(root, "day=*"));
  assert.equal(dirs.files.length, 3);
  const filtered = await listInputFiles(root, { pathGlobFilter: "*.json" });
  assert.deepEqual(rels(root, filtered.files), ["day=2024-01-02/b.json"]);
});

test("nested hive partitions infer integer, long, double, decimal, date, timestamp and string like Spark", async (t) => {
  const root = await tree({
    "y=2024/m=01/big=3000000000/d=1.5/dec=123456789012345678901/ts=2024-01-01 10%3A00%3A00/s=EU/f.csv": "",
    "y=2025/m=12/big=1/d=2/dec=1/ts=2024-01-02 00%3A00%3A00.5/s=2024-13-01/f.csv": "",
  });
  t.after(() => rm(root, { recursive: true, force: true }));
  const { files, partitionColumns } = await listInputFiles(root);
  assert.deepEqual(kinds(partitionColumns), ["y:integer", "m:integer", "big:long", "d:double", "dec:decimal", "ts:timestamp", "s:string"]);
  assert.deepEqual(files[0]!.partitionValues, { y: "2024", m: "01", big: "3000000000", d: "1.5", dec: "123456789012345678901", ts: "2024-01-01 10:00:00", s: "EU" });
  const [v, w] = typed({ files, partitionColumns });
  assert.ok(v!.y === 2024 && v!.m === 1 && v!.big === 3000000000n && v!.d === 1.5
    && (v!.ts as Date).toISOString() === "2024-01-01T10:00:00.000Z" && v!.dec === "123456789012345678901" && v!.s === "EU");
  assert.deepEqual([w!.y, w!.m, w!.big], [2025, 12, 1n]);
});

test("mixed values widen: integer with double is double, date with text is string", async (t) => {
  const root = await tree({ "a=1/b=2024-01-01/f": "", "a=2.5/b=later/f": "" });
  t.after(() => rm(root, { recursive: true, force: true }));
  assert.deepEqual(kinds((await listInputFiles(root)).partitionColumns), ["a:double", "b:string"]);
});

test("__HIVE_DEFAULT_PARTITION__ is null, escaped values are unescaped, all-null columns are strings", async (t) => {
  const root = await tree({
    "k=__HIVE_DEFAULT_PARTITION__/n=__HIVE_DEFAULT_PARTITION__/p=a%2Fb%3Dc/f.csv": "",
    "k=7/n=__HIVE_DEFAULT_PARTITION__/p=x%zz/f.csv": "",
  });
  t.after(() => rm(root, { recursive: true, force: true }));
  const listing = await listInputFiles(root);
  assert.deepEqual(kinds(listing.partitionColumns), ["k:integer", "n:string", "p:string"]);
  assert.deepEqual(listing.files.map((f) => f.partitionValues), [
    { k: "7", n: null, p: "x%zz" },
    { k: null, n: null, p: "a/b=c" },
  ]);
  assert.deepEqual(typed(listing).map((v) => v.k), [7, null]);
});

test("basePath makes the partition directory given as the path a column; recursiveFileLookup disables discovery", async (t) => {
  const root = await tree({ "year=2024/a.csv": "", "year=2025/b.csv": "" });
  t.after(() => rm(root, { recursive: true, force: true }));
  assert.deepEqual((await listInputFiles(path.join(root, "year=2024"))).partitionColumns, []);
  const withBase = await listInputFiles(path.join(root, "year=2024"), { basePath: root });
  assert.deepEqual(kinds(withBase.partitionColumns), ["year:integer"]);
  const flat = await listInputFiles(root, { recursiveFileLookup: true });
  assert.equal(flat.files.length, 2);
  assert.deepEqual(flat.partitionColumns, []);
  await assert.rejects(listInputFiles(root, { basePath: path.join(root, "year=2025") }), /basePath .* is not a parent/);
});

test("files at different partition depths fail with WEIR_PARTITION_DISCOVERY naming both layouts", async (t) => {
  const root = await tree({ "a=1/f.csv": "", "a=1/b=2/g.csv": "", "h.csv": "" });
  t.after(() => rm(root, { recursive: true, force: true }));
  await assert.rejects(listInputFiles(root), (e: unknown) => {
    assert.ok(e instanceof IoError);
    assert.equal(e.code, "WEIR_PARTITION_DISCOVERY");
    assert.match(e.message, /\[a\] e\.g\. .*a=1\/f\.csv/);
    assert.match(e.message, /\[a, b\]/);
    assert.match(e.message, /\[\] e\.g\. .*h\.csv/);
    assert.match(e.message, /Hint: .*recursiveFileLookup/);
    return true;
  });
});

test("modifiedAfter and modifiedBefore keep files strictly inside the window (Date or ISO string)", async (t) => {
  const root = await tree({ "old.csv": "", "mid.csv": "", "new.csv": "" });
  t.after(() => rm(root, { recursive: true, force: true }));
  const at = (iso: string): Date => new Date(iso);
  await utimes(path.join(root, "old.csv"), at("2024-01-01T00:00:00Z"), at("2024-01-01T00:00:00Z"));
  await utimes(path.join(root, "mid.csv"), at("2024-06-01T00:00:00Z"), at("2024-06-01T00:00:00Z"));
  await utimes(path.join(root, "new.csv"), at("2025-01-01T00:00:00Z"), at("2025-01-01T00:00:00Z"));
  const names = async (o: object): Promise<string[]> => rels(root, (await listInputFiles(root, o)).files);
  assert.deepEqual(await names({ modifiedAfter: "2024-01-01T00:00:00Z" }), ["mid.csv", "new.csv"]);
  assert.deepEqual(await names({ modifiedBefore: at("2025-01-01T00:00:00Z") }), ["mid.csv", "old.csv"]);
  assert.deepEqual(await names({ modifiedAfter: "2024-02-01T00:00:00Z", modifiedBefore: "2024-12-31T00:00:00Z" }), ["mid.csv"]);
  await assert.rejects(listInputFiles(root, { modifiedAfter: "yesterday" }), /Invalid modifiedAfter "yesterday"/);
});

test("a missing path, an empty directory and a glob without matches fail with WEIR_PATH_NOT_FOUND and a hint", async (t) => {
  const root = await tree({ "_SUCCESS": "", "a.csv": "" });
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(path.join(root, "empty"));
  const expectNotFound = (given: string) => (e: unknown): boolean => {
    assert.ok(e instanceof IoError);
    assert.equal(e.code, "WEIR_PATH_NOT_FOUND");
    assert.ok(e.message.includes(`"${given}"`), e.message);
    assert.match(e.message, /Hint: check the path/);
    return true;
  };
  await assert.rejects(listInputFiles("nope/data.csv", { cwd: root }), expectNotFound("nope/data.csv"));
  await assert.rejects(listInputFiles(path.join(root, "empty")), expectNotFound(path.join(root, "empty")));
  await assert.rejects(listInputFiles("*.parquet", { cwd: root }), expectNotFound("*.parquet"));
  await assert.rejects(listInputFiles([path.join(root, "a.csv"), "missing.csv"], { cwd: root }), expectNotFound("missing.csv"));
});
