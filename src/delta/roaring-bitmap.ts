/**
 * A decoder for the Roaring bitmap "portable" serialization (RoaringFormatSpec) and Delta's 64-bit
 * `RoaringBitmapArray` built on it (PROTOCOL.md "Deletion Vector Format"):
 *
 * ```
 *   RoaringBitmapArray (portable):  u64 LE count · count × ( u32 LE key (high 32 bits) · 32-bit Roaring bitmap )
 *   32-bit Roaring bitmap:          cookie · [run flags] · count × (u16 key, u16 cardinality-1) · [offsets] · containers
 *     cookie 12346 (no runs):       u32 LE cookie, u32 LE container count; offsets always present
 *     cookie 12347 (runs):          u16 LE 12347, u16 LE count-1, ⌈count/8⌉ bytes run flags; offsets if count ≥ 4
 *     container:                    run (u16 runs · runs × (u16 start, u16 length-1)) | array (card ≤ 4096: card × u16)
 *                                   | bitmap (1024 × u64 LE)
 * ```
 * Values are returned as JavaScript numbers (exact below 2^53, far beyond any row count).
 */
import { DeltaError } from "../errors/index.js";

const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const MAX_ARRAY_CARDINALITY = 4096;

/**
 * Decode one 32-bit portable Roaring bitmap starting at `offset` of `bytes`; returns its values in ascending
 * order and the offset just past it.
 *
 * @example
 * ```ts
 * const { values, end } = decodeRoaring32(bytes, 0); // values: [0, 9]
 * ```
 */
export function decodeRoaring32(bytes: Uint8Array, offset = 0): { readonly values: number[]; readonly end: number } {
  const r = new ByteReader(bytes, offset);
  const cookie = r.u32();
  let count: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    count = (cookie >>> 16) + 1;
    runFlags = r.bytes(Math.ceil(count / 8));
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    count = r.u32();
    if (count > 65536) throw corrupt(`it declares ${count} containers (at most 65536)`);
  } else {
    throw corrupt(`cookie ${cookie} is neither ${SERIAL_COOKIE} nor ${SERIAL_COOKIE_NO_RUNCONTAINER}`);
  }
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < count; i++) {
    keys.push(r.u16());
    cards.push(r.u16() + 1);
  }
  if (runFlags === undefined || count >= NO_OFFSET_THRESHOLD) r.skip(4 * count); // offsets: redundant when read in order
  const values: number[] = [];
  let previousKey = -1;
  for (let i = 0; i < count; i++) {
    const key = keys[i]!;
    if (key <= previousKey) throw corrupt(`container keys are not strictly increasing (${previousKey} then ${key})`);
    previousKey = key;
    const high = key * 65536;
    const before = values.length;
    if (runFlags !== undefined && (runFlags[i >>> 3]! & (1 << (i & 7))) !== 0) {
      const runs = r.u16();
      for (let j = 0; j < runs; j++) {
        const start = r.u16();
        const length = r.u16();
        if (start + length > 0xffff) throw corrupt(`a run [${start}, +${length}] leaves the 16-bit range`);
        for (let v = start; v <= start + length; v++) values.push(high + v);
      }
    } else if (cards[i]! <= MAX_ARRAY_CARDINALITY) {
      for (let j = 0; j < cards[i]!; j++) values.push(high + r.u16());
    } else {
      for (let w = 0; w < 2048; w++) { // 1024 u64 words = 2048 u32 halves, low half first
        let word = r.u32();
        const base = high + w * 32;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          values.push(base + bit);
          word &= word - 1;
        }
      }
    }
    if (values.length - before !== cards[i]) throw corrupt(`container ${i} (key ${key}) holds ${values.length - before} values, its header says ${cards[i]}`);
    for (let j = before + 1; j < values.length; j++) if (values[j]! <= values[j - 1]!) throw corrupt(`container ${i} (key ${key}) is not sorted`);
  }
  return { values, end: r.offset };
}

/**
 * Decode a Delta `RoaringBitmapArray` in the portable format (without the magic number): the 64-bit values in
 * ascending order; `end` is the offset just past it.
 *
 * @example
 * ```ts
 * decodeRoaringBitmapArray(bytes, 4).values; // [0, 9] (bytes 0..3 hold the magic number)
 * ```
 */
export function decodeRoaringBitmapArray(bytes: Uint8Array, offset = 0): { readonly values: number[]; readonly end: number } {
  const r = new ByteReader(bytes, offset);
  const low = r.u32();
  const high = r.u32();
  if (high !== 0 || low > 0x7fffffff) throw corrupt(`it declares ${high * 2 ** 32 + low} bitmaps`);
  const values: number[] = [];
  let pos = r.offset;
  let previousKey = -1;
  for (let i = 0; i < low; i++) {
    const key = new ByteReader(bytes, pos).u32();
    if (key <= previousKey) throw corrupt(`bitmap keys are not strictly increasing (${previousKey} then ${key})`);
    previousKey = key;
    const bitmap = decodeRoaring32(bytes, pos + 4);
    const base = key * 2 ** 32;
    for (const v of bitmap.values) values.push(base + v);
    pos = bitmap.end;
  }
  return { values, end: pos };
}

class ByteReader {
  private readonly view: DataView;
  constructor(private readonly data: Uint8Array, public offset: number) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  private need(n: number): void {
    if (this.offset + n > this.data.byteLength) throw corrupt(`it ends after ${this.data.byteLength} bytes, ${this.offset + n} needed`);
  }
  u16(): number { this.need(2); const v = this.view.getUint16(this.offset, true); this.offset += 2; return v; }
  u32(): number { this.need(4); const v = this.view.getUint32(this.offset, true); this.offset += 4; return v; }
  bytes(n: number): Uint8Array { this.need(n); const v = this.data.subarray(this.offset, this.offset + n); this.offset += n; return v; }
  skip(n: number): void { this.need(n); this.offset += n; }
}

function corrupt(why: string): DeltaError {
  return new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Cannot decode a Roaring bitmap of a Delta deletion vector: ${why}`, {
    hint: "the deletion vector is corrupt or truncated; re-write the table with the engine that produced it",
  });
}
