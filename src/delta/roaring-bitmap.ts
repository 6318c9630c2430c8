/**
 * An encoder and decoder for the Roaring bitmap "portable" serialization (RoaringFormatSpec) and Delta's 64-bit
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
 * Values are JavaScript numbers (exact below 2^53, far beyond any row count). The encoder picks, per
 * container, the smallest of array, bitmap and run encodings (as Roaring's `runOptimize` does).
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

/**
 * Encode ascending, distinct, non-negative integers as a Delta `RoaringBitmapArray` in the portable format
 * (without the magic number) — the inverse of {@link decodeRoaringBitmapArray}.
 *
 * @example
 * ```ts
 * decodeRoaringBitmapArray(encodeRoaringBitmapArray([0, 9])).values; // [0, 9]
 * ```
 */
export function encodeRoaringBitmapArray(values: ArrayLike<number>): Uint8Array {
  const bitmaps: { key: number; low: number[] }[] = [];
  let previous = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v <= previous) {
      throw new DeltaError("WEIR_INVALID_ARGUMENT", `Cannot encode a deletion vector: values must be ascending, distinct, non-negative integers (got ${v} after ${previous})`, { hint: "sort and de-duplicate the row positions" });
    }
    previous = v;
    const key = Math.floor(v / 2 ** 32);
    if (bitmaps.length === 0 || bitmaps[bitmaps.length - 1]!.key !== key) bitmaps.push({ key, low: [] });
    bitmaps[bitmaps.length - 1]!.low.push(v - key * 2 ** 32);
  }
  const parts: Uint8Array[] = [];
  const head = new DataView(new ArrayBuffer(8));
  head.setUint32(0, bitmaps.length, true);
  parts.push(new Uint8Array(head.buffer));
  for (const b of bitmaps) {
    const key = new DataView(new ArrayBuffer(4));
    key.setUint32(0, b.key, true);
    parts.push(new Uint8Array(key.buffer), encodeRoaring32(b.low));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

type Container = { readonly key: number; readonly card: number; readonly kind: "array" | "bitmap" | "run"; readonly body: Uint8Array };

/** One 32-bit portable Roaring bitmap of ascending distinct values below 2^32. */
function encodeRoaring32(values: readonly number[]): Uint8Array {
  const containers: Container[] = [];
  for (let i = 0; i < values.length;) {
    const key = Math.floor(values[i]! / 65536);
    let j = i;
    while (j < values.length && Math.floor(values[j]! / 65536) === key) j++;
    containers.push(encodeContainer(key, values.slice(i, j).map((v) => v - key * 65536)));
    i = j;
  }
  const n = containers.length;
  const hasRuns = containers.some((c) => c.kind === "run");
  const withOffsets = !hasRuns || n >= NO_OFFSET_THRESHOLD;
  const headerSize = (hasRuns ? 4 + Math.ceil(n / 8) : 8) + 4 * n + (withOffsets ? 4 * n : 0);
  const size = headerSize + containers.reduce((s, c) => s + c.body.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  if (hasRuns) {
    view.setUint16(0, SERIAL_COOKIE, true);
    view.setUint16(2, n - 1, true);
    at = 4;
    containers.forEach((c, i) => { if (c.kind === "run") out[at + (i >>> 3)] = out[at + (i >>> 3)]! | (1 << (i & 7)); });
    at += Math.ceil(n / 8);
  } else {
    view.setUint32(0, SERIAL_COOKIE_NO_RUNCONTAINER, true);
    view.setUint32(4, n, true);
    at = 8;
  }
  for (const c of containers) {
    view.setUint16(at, c.key, true);
    view.setUint16(at + 2, c.card - 1, true);
    at += 4;
  }
  let data = headerSize;
  if (withOffsets) {
    for (const c of containers) {
      view.setUint32(at, data, true);
      at += 4;
      data += c.body.length;
    }
  }
  for (const c of containers) {
    out.set(c.body, at);
    at += c.body.length;
  }
  return out;
}

function encodeContainer(key: number, low: readonly number[]): Container {
  const card = low.length;
  const runs: [number, number][] = [];
  for (const v of low) {
    const last = runs[runs.length - 1];
    if (last && last[1] === v - 1) last[1] = v;
    else runs.push([v, v]);
  }
  const runBytes = 2 + 4 * runs.length;
  const plainBytes = card <= MAX_ARRAY_CARDINALITY ? 2 * card : 8192;
  if (runBytes < plainBytes) {
    const body = new DataView(new ArrayBuffer(runBytes));
    body.setUint16(0, runs.length, true);
    runs.forEach(([start, end], i) => { body.setUint16(2 + 4 * i, start, true); body.setUint16(4 + 4 * i, end - start, true); });
    return { key, card, kind: "run", body: new Uint8Array(body.buffer) };
  }
  if (card <= MAX_ARRAY_CARDINALITY) {
    const body = new DataView(new ArrayBuffer(2 * card));
    low.forEach((v, i) => body.setUint16(2 * i, v, true));
    return { key, card, kind: "array", body: new Uint8Array(body.buffer) };
  }
  const words = new Uint32Array(2048); // 1024 u64 words as u32 halves, low half first
  for (const v of low) words[v >>> 5] = words[v >>> 5]! | (1 << (v & 31));
  const body = new Uint8Array(8192);
  const view = new DataView(body.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w, true));
  return { key, card, kind: "bitmap", body };
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
