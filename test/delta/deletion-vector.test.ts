/**
 * Deletion-vector decoding (PROTOCOL.md "Deletion Vector Format"): Z85, the portable 32-bit Roaring format
 * (array, bitmap and run containers, both cookies) and the 64-bit RoaringBitmapArray, checked against
 * reference encoders written here from the specs; plus a table whose DV is inline, read through the API.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { crc32 } from "node:zlib";
import { after, before, test } from "node:test";
import { decodeRoaring32, decodeRoaringBitmapArray, deletionVectorPath, DV_PORTABLE_MAGIC, readDeletionVector, readDeletionVectorShared, z85Decode, z85DecodeUuid, Z85_ALPHABET } from "../../src/delta/index.js";
import { DeltaError } from "../../src/errors/index.js";
import { Session } from "../../src/index.js";

// ---- reference encoders (from the Z85 and RoaringFormatSpec specifications) ----
function z85Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let v = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
    const chunk: string[] = [];
    for (let j = 0; j < 5; j++) { chunk.unshift(Z85_ALPHABET[v % 85]!); v = Math.floor(v / 85); }
    out += chunk.join("");
  }
  return out;
}
type Kind = "array" | "bitmap" | "run";
class Bytes {
  readonly parts: number[] = [];
  u16(v: number): this { this.parts.push(v & 0xff, (v >>> 8) & 0xff); return this; }
  u32(v: number): this { return this.u16(v & 0xffff).u16(v >>> 16); }
  raw(b: Iterable<number>): this { for (const x of b) this.parts.push(x); return this; }
  get array(): Uint8Array { return Uint8Array.from(this.parts); }
}
/** Serialize sorted 32-bit values; `kind(key)` picks each container's type; runs force cookie 12347. */
function roaring32(values: number[], kind: (key: number) => Kind): Uint8Array {
  const byKey = new Map<number, number[]>();
  for (const v of values) { const k = Math.floor(v / 65536); (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(v % 65536); }
  const keys = [...byKey.keys()].sort((a, b) => a - b);
  const hasRuns = keys.some((k) => kind(k) === "run");
  const body = keys.map((k) => {
    const lows = byKey.get(k)!; const b = new Bytes();
    switch (kind(k)) {
      case "array": for (const l of lows) b.u16(l); break;
      case "bitmap": { const words = new Uint32Array(2048); for (const l of lows) words[l >>> 5]! |= 1 << (l & 31); for (const w of words) b.u32(w); break; }
      case "run": {
        const runs: [number, number][] = [];
        for (const l of lows) { const last = runs[runs.length - 1]; if (last && last[0] + last[1] + 1 === l) last[1]++; else runs.push([l, 0]); }
        b.u16(runs.length); for (const [s, len] of runs) b.u16(s).u16(len); break;
      }
    }
    return b.parts;
  });
  const out = new Bytes();
  if (hasRuns) {
    out.u16(12347).u16(keys.length - 1);
    const flags = new Uint8Array(Math.ceil(keys.length / 8));
    keys.forEach((k, i) => { if (kind(k) === "run") flags[i >>> 3]! |= 1 << (i & 7); });
    out.raw(flags);
  } else out.u32(12346).u32(keys.length);
  keys.forEach((k) => out.u16(k).u16(byKey.get(k)!.length - 1));
  if (!hasRuns || keys.length >= 4) {
    let pos = out.parts.length + 4 * keys.length;
    for (const b of body) { out.u32(pos); pos += b.length; }
  }
  for (const b of body) out.raw(b);
  return out.array;
}
/** Magic + portable RoaringBitmapArray of 64-bit values (high 32 bits = bitmap key). */
function dvBitmap(values: number[], kind: (key: number) => Kind = () => "array"): Uint8Array {
  const groups = new Map<number, number[]>();
  for (const v of values) { const k = Math.floor(v / 2 ** 32); (groups.get(k) ?? groups.set(k, []).get(k)!).push(v % 2 ** 32); }
  const out = new Bytes().u32(DV_PORTABLE_MAGIC).u32(groups.size).u32(0);
  for (const [k, vs] of [...groups].sort((a, b) => a[0] - b[0])) out.u32(k).raw(roaring32(vs, kind));
  return out.array;
}
function dvFile(bitmaps: Uint8Array[]): { file: Buffer; offsets: number[] } {
  const parts: Buffer[] = [Buffer.from([1])];
  const offsets: number[] = [];
  let pos = 1;
  for (const b of bitmaps) {
    offsets.push(pos);
    const size = Buffer.alloc(4); size.writeUInt32BE(b.length);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc32(b) >>> 0);
    parts.push(size, Buffer.from(b), sum);
    pos += 8 + b.length;
  }
  return { file: Buffer.concat(parts), offsets };
}

let dir: string;
let spark: Session;
before(async () => { dir = mkdtempSync(path.join(os.tmpdir(), "weir-dv-")); spark = await Session.create({ threads: 2 }); });
after(async () => { await spark.close(); rmSync(dir, { recursive: true, force: true }); });

test("z85: the ZeroMQ reference vector and the conformance table's UUID decode; bad input is refused", () => {
  assert.deepEqual([...z85Decode("HelloWorld")], [0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 255) & 0xff);
  assert.deepEqual(z85Decode(z85Encode(bytes)), bytes);
  assert.equal(z85DecodeUuid("vBn[lx{q8@P<9BNH/isA"), "61d16c75-6994-46b7-a15b-8b538852e50e");
  assert.throws(() => z85Decode("abcd"), (e: unknown) => e instanceof DeltaError && e.code === "WEIR_DELTA_CORRUPT_LOG");
  assert.throws(() => z85Decode("abc\"d"), /not a Z85 digit/);
});

test("roaring: array, bitmap and run containers in both cookies decode to the encoded values", () => {
  const values = [0, 9, 65535, ...Array.from({ length: 5000 }, (_, i) => 65536 + i * 3), ...Array.from({ length: 300 }, (_, i) => 3 * 65536 + 100 + i), 4 * 65536 + 7, 60000 * 65536 + 5];
  const kinds: Record<number, Kind> = { 0: "array", 1: "bitmap", 3: "run", 4: "array", 60000: "run" };
  for (const kind of [(k: number) => kinds[k] ?? "array", (k: number) => (kinds[k] === "run" ? "array" : kinds[k] ?? "array")] as const) {
    const bytes = roaring32(values, kind);
    const { values: got, end } = decodeRoaring32(bytes);
    assert.deepEqual(got, values);
    assert.equal(end, bytes.length);
  }
  // Fewer than 4 containers with runs: no offset header.
  const small = roaring32([1, 2, 3, 10], () => "run");
  assert.deepEqual(decodeRoaring32(small).values, [1, 2, 3, 10]);
  assert.throws(() => decodeRoaring32(small.subarray(0, small.length - 1)), /ends after/);
  assert.throws(() => decodeRoaring32(new Bytes().u32(999).array), /cookie 999/);
});

test("RoaringBitmapArray: several 32-bit keys combine into 64-bit row positions", () => {
  const values = [3, 4, 2 ** 32 + 1, 5 * 2 ** 32 + 65536];
  const bytes = dvBitmap(values);
  const { values: got, end } = decodeRoaringBitmapArray(bytes, 4);
  assert.deepEqual(got, values);
  assert.equal(end, bytes.length);
});

test("readDeletionVector: 'u' with a prefix and offsets, 'p' absolute, 'i' inline; a bad checksum or cardinality is refused", async () => {
  const uuidZ85 = "vBn[lx{q8@P<9BNH/isA";
  const a = dvBitmap([0, 9]);
  const b = dvBitmap(Array.from({ length: 5000 }, (_, i) => i * 2), (k) => (k === 0 ? "bitmap" : "array"));
  const { file, offsets } = dvFile([a, b]);
  const target = deletionVectorPath(dir, { storageType: "u", pathOrInlineDv: `ab${uuidZ85}`, sizeInBytes: 0, cardinality: 0 })!;
  assert.equal(target, path.join(dir, "ab", "deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin"));
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, file);
  assert.deepEqual(await readDeletionVector(dir, { storageType: "u", pathOrInlineDv: `ab${uuidZ85}`, offset: offsets[0], sizeInBytes: a.length, cardinality: 2 }), [0, 9]);
  const second = await readDeletionVector(dir, { storageType: "u", pathOrInlineDv: `ab${uuidZ85}`, offset: offsets[1], sizeInBytes: b.length, cardinality: 5000 });
  assert.equal(second.length, 5000);
  assert.equal(second[4999], 9998);
  assert.deepEqual(await readDeletionVector(dir, { storageType: "p", pathOrInlineDv: `file://${target}`, offset: offsets[0], sizeInBytes: a.length, cardinality: 2 }), [0, 9]);
  const padded = new Uint8Array(Math.ceil(a.length / 4) * 4); padded.set(a);
  assert.deepEqual(await readDeletionVector(dir, { storageType: "i", pathOrInlineDv: z85Encode(padded), sizeInBytes: a.length, cardinality: 2 }), [0, 9]);
  await assert.rejects(readDeletionVector(dir, { storageType: "u", pathOrInlineDv: `ab${uuidZ85}`, offset: offsets[0], sizeInBytes: a.length, cardinality: 3 }), /cardinality is 3/);
  const broken = Buffer.from(file); broken[offsets[0]! + 10]! ^= 0xff; writeFileSync(target, broken);
  await assert.rejects(readDeletionVector(dir, { storageType: "u", pathOrInlineDv: `ab${uuidZ85}`, offset: offsets[0], sizeInBytes: a.length, cardinality: 2 }),
    (e: unknown) => e instanceof DeltaError && e.code === "WEIR_DELTA_CORRUPT_LOG" && /CRC-32/.test(e.message));
  await assert.rejects(readDeletionVector(dir, { storageType: "u", pathOrInlineDv: "zz" + uuidZ85, offset: 1, sizeInBytes: 36, cardinality: 2 }),
    (e: unknown) => e instanceof DeltaError && e.code === "WEIR_DELTA_MISSING_FILE");
});

test("readDeletionVectorShared decodes a descriptor object once (scan and DML share it); a new descriptor object reads and checks the file again", async () => {
  const uuidZ85 = "vBn[lx{q8@P<9BNH/isB";
  const a = dvBitmap([3, 4, 7]);
  const { file, offsets } = dvFile([a]);
  const target = deletionVectorPath(dir, { storageType: "u", pathOrInlineDv: uuidZ85, sizeInBytes: 0, cardinality: 0 })!;
  writeFileSync(target, file);
  const descriptor = { storageType: "u", pathOrInlineDv: uuidZ85, offset: offsets[0], sizeInBytes: a.length, cardinality: 3 };
  const first = await readDeletionVectorShared(dir, descriptor);
  assert.deepEqual(first, [3, 4, 7]);
  assert.equal(await readDeletionVectorShared(dir, descriptor), first, "the same decoded positions, not a second decode");
  const broken = Buffer.from(file); broken[offsets[0]! + 10]! ^= 0xff; writeFileSync(target, broken);
  assert.equal(await readDeletionVectorShared(dir, descriptor), first);
  await assert.rejects(readDeletionVectorShared(dir, { ...descriptor }), /CRC-32/);
  // A failed read is not remembered: once the file is whole again, the same descriptor object reads.
  const again = { ...descriptor };
  await assert.rejects(readDeletionVectorShared(dir, again), /CRC-32/);
  writeFileSync(target, file);
  assert.deepEqual(await readDeletionVectorShared(dir, again), [3, 4, 7]);
});

test("readDeletionVectorShared is bounded by memory, not only by positions: after 100k one-row DVs (~370 bytes each kept) the first one is decoded again", async () => {
  const a = dvBitmap([5]);
  const padded = new Uint8Array(Math.ceil(a.length / 4) * 4); padded.set(a);
  const inline = z85Encode(padded);
  const descriptor = (): { storageType: string; pathOrInlineDv: string; sizeInBytes: number; cardinality: number } => ({ storageType: "i", pathOrInlineDv: inline, sizeInBytes: a.length, cardinality: 1 });
  const first = descriptor();
  const decoded = await readDeletionVectorShared(dir, first);
  assert.equal(await readDeletionVectorShared(dir, first), decoded, "kept while few entries are cached");
  for (let i = 0; i < 100_000; i++) await readDeletionVectorShared(dir, descriptor());
  const again = await readDeletionVectorShared(dir, first);
  assert.deepEqual(again, [5]);
  assert.notEqual(again, decoded, "100k entries of one position each exceed the cache's budget: the oldest was dropped");
});

test("a table whose deletion vector is inline in the log reads without the deleted rows", async () => {
  const src = path.resolve(import.meta.dirname, "../../../shared/delta-conformance/table-with-dv-small");
  const table = path.join(dir, "inline-dv");
  cpSync(src, table, { recursive: true });
  const log = path.join(table, "_delta_log", "00000000000000000001.json");
  const bitmap = dvBitmap([1, 2, 3, 9]);
  const padded = new Uint8Array(Math.ceil(bitmap.length / 4) * 4); padded.set(bitmap);
  const dv = { storageType: "i", pathOrInlineDv: z85Encode(padded), sizeInBytes: bitmap.length, cardinality: 4 };
  writeFileSync(log, readFileSync(log, "utf8").split("\n").map((l) => (l.includes('"add"') ? JSON.stringify({ add: { ...JSON.parse(l).add, deletionVector: dv } }) : l)).join("\n"));
  const rows = await spark.read.format("delta").load(table).collect();
  assert.deepEqual(rows.map((r) => Number((r as { value: number }).value)).sort((x, y) => x - y), [0, 4, 5, 6, 7, 8]);
});

test("appending to a table written by Delta/Spark with deletion vectors keeps its DV and adds the rows", async () => {
  const src = path.resolve(import.meta.dirname, "../../../shared/delta-conformance/table-with-dv-small");
  const table = path.join(dir, "write-dv");
  cpSync(src, table, { recursive: true });
  await spark.sql("SELECT CAST(42 AS INT) AS value").write.format("delta").mode("append").save(table);
  const rows = await spark.read.format("delta").load(table).collect();
  assert.deepEqual(rows.map((r) => Number((r as { value: number }).value)).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 42]);
});
