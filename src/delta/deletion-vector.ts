/**
 * Reading and writing Delta deletion vectors (PROTOCOL.md "Deletion Vectors", "Deletion Vector Format"): the row
 * positions of a data file that its logical file no longer contains.
 *
 * ```
 *   descriptor.storageType  "u": <random prefix><20-char Z85 UUID> → <table>/<prefix>/deletion_vector_<uuid>.bin
 *                           "p": an absolute path (URI), like add.path
 *                           "i": Z85 of the serialized bitmap, inline in the log
 *   DV file:                u8 version (1) · { u32 BE size · magic u32 LE 1681511377 · RoaringBitmapArray · u32 BE CRC-32 } …
 *                           descriptor.offset points at a `size` field; descriptor.sizeInBytes = size
 * ```
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { crc32 } from "node:zlib";
import { DeltaError } from "../errors/index.js";
import type { DeletionVectorDescriptor } from "./actions.js";
import { decodeRoaringBitmapArray, encodeRoaringBitmapArray } from "./roaring-bitmap.js";
import { resolveDataPath } from "./snapshot.js";
import { z85Decode, z85DecodeUuid, z85EncodeUuid } from "./z85.js";

/** The magic number opening a portable-format serialized `RoaringBitmapArray`. @example `DV_PORTABLE_MAGIC // 1681511377` */
export const DV_PORTABLE_MAGIC = 1681511377;
const DV_NATIVE_MAGIC = 1681511376;

/**
 * The absolute path of the file holding an on-disk deletion vector (`u` or `p`); undefined for inline (`i`).
 *
 * @example
 * ```ts
 * deletionVectorPath("/t", { storageType: "u", pathOrInlineDv: "abvBn[lx{q8@P<9BNH/isA", sizeInBytes: 36, cardinality: 2 });
 * // "/t/ab/deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin"
 * ```
 */
export function deletionVectorPath(tableRoot: string, dv: DeletionVectorDescriptor): string | undefined {
  switch (dv.storageType) {
    case "u": {
      const s = dv.pathOrInlineDv;
      if (s.length < 20) throw corrupt(tableRoot, dv, `a "u" descriptor ends in a 20-character Z85 UUID, got ${JSON.stringify(s)}`);
      const prefix = s.slice(0, s.length - 20);
      const name = `deletion_vector_${z85DecodeUuid(s.slice(s.length - 20))}.bin`;
      return path.join(tableRoot, prefix, name);
    }
    case "p":
      return resolveDataPath(tableRoot, dv.pathOrInlineDv);
    case "i":
      return undefined;
    default:
      throw new DeltaError("WEIR_DELTA_UNSUPPORTED_FEATURE", `Cannot read a deletion vector of the Delta table at ${tableRoot}: storage type ${JSON.stringify(dv.storageType)} is not one of "u", "p", "i"`, {
        hint: "the table was written by a newer Delta writer; read it with an engine that supports this storage type",
        details: { table: tableRoot, feature: "deletionVectors", storageType: dv.storageType },
      });
  }
}

/**
 * The deleted row positions (0-based, ascending) a deletion vector holds, read and checked against the
 * descriptor's size, checksum and cardinality.
 *
 * @example
 * ```ts
 * await readDeletionVector("/t", add.deletionVector!); // [0, 9]
 * ```
 */
export async function readDeletionVector(tableRoot: string, dv: DeletionVectorDescriptor): Promise<number[]> {
  const file = deletionVectorPath(tableRoot, dv);
  let data: Uint8Array;
  if (file === undefined) {
    const decoded = z85Decode(dv.pathOrInlineDv);
    if (decoded.length < dv.sizeInBytes) throw corrupt(tableRoot, dv, `the inline data holds ${decoded.length} bytes, sizeInBytes is ${dv.sizeInBytes}`);
    data = decoded.subarray(0, dv.sizeInBytes);
  } else {
    const offset = dv.offset ?? 1;
    let raw: Buffer;
    try {
      const handle = await fs.open(file, "r");
      try {
        raw = Buffer.alloc(dv.sizeInBytes + 8);
        const { bytesRead } = await handle.read(raw, 0, raw.length, offset);
        raw = raw.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (cause) {
      throw new DeltaError("WEIR_DELTA_MISSING_FILE", `Cannot read the deletion vector file ${file} of the Delta table at ${tableRoot}: ${(cause as Error).message}`, {
        hint: "the file was probably removed by VACUUM or not copied with the log; read a later version or restore the file",
        cause, details: { table: tableRoot, file },
      });
    }
    if (raw.length < dv.sizeInBytes + 8) throw corrupt(tableRoot, dv, `${file} ends before offset ${offset} + ${dv.sizeInBytes + 8} bytes`);
    const size = raw.readUInt32BE(0);
    if (size !== dv.sizeInBytes) throw corrupt(tableRoot, dv, `${file} holds ${size} bytes at offset ${offset}, the descriptor says ${dv.sizeInBytes}`);
    data = raw.subarray(4, 4 + size);
    const expected = raw.readUInt32BE(4 + size);
    const actual = crc32(data) >>> 0;
    if (actual !== expected) throw corrupt(tableRoot, dv, `the CRC-32 of ${file} at offset ${offset} is ${actual}, its checksum says ${expected}`);
  }
  if (data.length < 4) throw corrupt(tableRoot, dv, `the serialized bitmap has ${data.length} bytes`);
  const magic = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
  if (magic === DV_NATIVE_MAGIC) {
    throw new DeltaError("WEIR_DELTA_UNSUPPORTED_FEATURE", `Cannot read a deletion vector of the Delta table at ${tableRoot}: it uses the native (non-portable) RoaringBitmapArray serialization`, {
      hint: "only the portable serialization is specified by the Delta protocol; rewrite the table's deletion vectors with Spark/Delta",
      details: { table: tableRoot, feature: "deletionVectors" },
    });
  }
  if (magic !== DV_PORTABLE_MAGIC) throw corrupt(tableRoot, dv, `magic number ${magic} is not ${DV_PORTABLE_MAGIC}`);
  const { values, end } = decodeRoaringBitmapArray(data, 4);
  if (end !== data.length) throw corrupt(tableRoot, dv, `the bitmap ends at byte ${end} of ${data.length}`);
  if (values.length !== dv.cardinality) throw corrupt(tableRoot, dv, `it holds ${values.length} row positions, the descriptor's cardinality is ${dv.cardinality}`);
  return values;
}

/** Decoded positions kept by {@link readDeletionVectorShared}, oldest first; bounded by their total weight. */
const shared = new Map<DeletionVectorDescriptor, { root: string; positions: Promise<readonly number[]>; size: number }>();
const MAX_SHARED_POSITIONS = 4_000_000;
/**
 * What an entry costs besides its positions, in positions (8 bytes each): ~370 bytes (map entry, promise, array,
 * the descriptor it keeps alive). Without it, 4M one-row DVs (many files each with a few rows deleted, decoded
 * anew after every checkpoint replay) would stay cached: ~1.5 GB instead of ~32 MB.
 */
const ENTRY_WEIGHT = 48;
let sharedPositions = 0;

/**
 * {@link readDeletionVector}, decoded once per descriptor object: a DML scans a file (skipping its deleted rows)
 * and then unions its DV with the new positions, and both steps hold the same `add.deletionVector` of the
 * snapshot. The result is shared: never mutate it. At most ~4M positions are kept, an entry counting as 48 more
 * (least recently used go first), keyed by object identity, so a descriptor parsed anew (another snapshot, a test)
 * is read and checked again.
 *
 * @example
 * ```ts
 * const rows = await readDeletionVectorShared(snapshot.tableRoot, file.add.deletionVector!); // [0, 9]
 * ```
 */
export function readDeletionVectorShared(tableRoot: string, dv: DeletionVectorDescriptor): Promise<readonly number[]> {
  const hit = shared.get(dv);
  if (hit && hit.root === tableRoot) {
    shared.delete(dv);
    shared.set(dv, hit);
    return hit.positions;
  }
  const positions = readDeletionVector(tableRoot, dv);
  const entry = { root: tableRoot, positions, size: dv.cardinality + ENTRY_WEIGHT };
  if (hit) sharedPositions -= hit.size;
  shared.delete(dv);
  shared.set(dv, entry);
  sharedPositions += entry.size;
  positions.catch(() => {
    if (shared.get(dv) === entry) { shared.delete(dv); sharedPositions -= entry.size; }
  });
  for (const [key, e] of shared) {
    if (sharedPositions <= MAX_SHARED_POSITIONS || key === dv) break;
    shared.delete(key);
    sharedPositions -= e.size;
  }
  return positions;
}

/**
 * Write deletion vectors — one per entry of `positions` (ascending, distinct row positions) — into one new file
 * `<table>/deletion_vector_<uuid>.bin` and return their descriptors (storage type "u", in the same order).
 * The file is invisible to readers until a commit names it; a crash leaves an orphan for VACUUM.
 *
 * @example
 * ```ts
 * const [dv] = await writeDeletionVectors("/data/t", [[3, 4, 7]]);
 * // { storageType: "u", pathOrInlineDv: "…20 chars…", offset: 1, sizeInBytes: 34, cardinality: 3 }
 * ```
 */
export async function writeDeletionVectors(tableRoot: string, positions: readonly ArrayLike<number>[]): Promise<DeletionVectorDescriptor[]> {
  if (!positions.length) return [];
  const uuid = randomUUID();
  const chunks: Uint8Array[] = [Uint8Array.of(1)]; // format version
  const descriptors: DeletionVectorDescriptor[] = [];
  let offset = 1;
  for (const rows of positions) {
    const bitmap = encodeRoaringBitmapArray(rows);
    const data = new Uint8Array(4 + bitmap.length);
    new DataView(data.buffer).setUint32(0, DV_PORTABLE_MAGIC, true);
    data.set(bitmap, 4);
    const frame = Buffer.alloc(data.length + 8);
    frame.writeUInt32BE(data.length, 0);
    frame.set(data, 4);
    frame.writeUInt32BE(crc32(data) >>> 0, 4 + data.length);
    chunks.push(frame);
    descriptors.push(Object.freeze({ storageType: "u", pathOrInlineDv: z85EncodeUuid(uuid), offset, sizeInBytes: data.length, cardinality: rows.length }));
    offset += frame.length;
  }
  const file = path.join(tableRoot, `deletion_vector_${uuid}.bin`);
  const handle = await fs.open(file, "wx");
  try {
    await handle.writeFile(Buffer.concat(chunks));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return descriptors;
}

/**
 * The ascending union of two ascending lists of distinct row positions (an existing deletion vector's and new ones).
 *
 * @example `unionPositions([1, 5], [2, 5, 9]) // [1, 2, 5, 9]`
 */
export function unionPositions(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! : Infinity;
    const y = j < b.length ? b[j]! : Infinity;
    if (x <= y) { out.push(x); i++; if (x === y) j++; } else { out.push(y); j++; }
  }
  return out;
}

function corrupt(tableRoot: string, dv: DeletionVectorDescriptor, why: string): DeltaError {
  return new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Cannot read a deletion vector (${dv.storageType}:${dv.pathOrInlineDv.slice(0, 60)}) of the Delta table at ${tableRoot}: ${why}`, {
    hint: "the deletion vector or its descriptor is corrupt or truncated; re-write the table with the engine that produced it",
    details: { table: tableRoot, storageType: dv.storageType },
  });
}
