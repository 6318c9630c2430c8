/**
 * Reading Delta deletion vectors (PROTOCOL.md "Deletion Vectors", "Deletion Vector Format"): the row positions
 * of a data file that its logical file no longer contains.
 *
 * ```
 *   descriptor.storageType  "u": <random prefix><20-char Z85 UUID> → <table>/<prefix>/deletion_vector_<uuid>.bin
 *                           "p": an absolute path (URI), like add.path
 *                           "i": Z85 of the serialized bitmap, inline in the log
 *   DV file:                u8 version (1) · { u32 BE size · magic u32 LE 1681511377 · RoaringBitmapArray · u32 BE CRC-32 } …
 *                           descriptor.offset points at a `size` field; descriptor.sizeInBytes = size
 * ```
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { crc32 } from "node:zlib";
import { DeltaError } from "../errors/index.js";
import type { DeletionVectorDescriptor } from "./actions.js";
import { decodeRoaringBitmapArray } from "./roaring-bitmap.js";
import { resolveDataPath } from "./snapshot.js";
import { z85Decode, z85DecodeUuid } from "./z85.js";

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

function corrupt(tableRoot: string, dv: DeletionVectorDescriptor, why: string): DeltaError {
  return new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Cannot read a deletion vector (${dv.storageType}:${dv.pathOrInlineDv.slice(0, 60)}) of the Delta table at ${tableRoot}: ${why}`, {
    hint: "the deletion vector or its descriptor is corrupt or truncated; re-write the table with the engine that produced it",
    details: { table: tableRoot, storageType: dv.storageType },
  });
}
