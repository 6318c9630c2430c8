/**
 * The compact binary record encoding of shuffle files, spill runs and cached blocks: a file is a plain
 * concatenation of encoded values (no per-record framing), so readers decode straight from read buffers.
 *
 *   value := tag:u8 payload        tags: 0 null · 1 undefined · 2 false · 3 true · 4 int (zigzag varint)
 *   5 float64 · 6 utf8 string (varint bytes) · 7 latin1/ASCII string · 8 array (varint n, values)
 *   9 object (varint n, [string key, value]…) · 10 bigint (as string) · 11 Date (float64) · 12 bytes
 *   13 Map (varint n, [key, value]…) · 14 Set (varint n, values)
 *   15 typed array (kind:u8 — index in TYPED_ARRAYS —, varint byte length, bytes in this machine's order)
 *
 * Records are plain data: anything else (functions, symbols, class instances, WeakMaps, cycles) fails with
 * WEIR_RECORD_NOT_SERIALIZABLE naming where in the record it sits — never encoded as a lossy `{}`.
 */
import { bug, WeirError } from "../../errors/index.js";
import { findUnencodable, isCodecTypedArray, isPlainObject, recordNotEncodable, TYPED_ARRAYS, type TypedArrayClass } from "./record-check.js";

const NEED_MORE = Symbol("need more bytes");

/** Thrown (without a stack) where a value has no encoding; {@link Encoder.write} turns it into the user's error. */
const UNENCODABLE = Symbol("unencodable value");

/** Node's undocumented-but-stable fast string slicers (what Buffer#toString calls after argument checks). */
type FastSlices = { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

/** Typed access to Buffer's fast slicers. @example `fast(buf).utf8Slice(0, 10)` */
export function fast(buf: Buffer): FastSlices {
  return buf as unknown as FastSlices;
}

/**
 * Appends encoded values to a growable buffer.
 * @example `const e = new Encoder(); e.write(["word", 1]); fs.writeSync(fd, e.bytes())`
 */
export class Encoder {
  buf: Buffer;
  pos = 0;
  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Bytes written so far (a view, valid until the next write or reset). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private varint(n: number): void {
    // n >= 0, < 2^53
    this.ensure(8);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  private string(s: string): void {
    const len = s.length;
    if (len < 64) {
      this.ensure(len + 2);
      const start = this.pos;
      const b = this.buf;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[start + 2 + i] = c;
      }
      if (i === len) {
        b[start] = 7;
        b[start + 1] = len;
        this.pos = start + 2 + len;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, "utf8");
    this.ensure(bytes + 10);
    this.buf[this.pos++] = 6;
    this.varint(bytes);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  /** Append the pair `[k, v]` (the same bytes as `write([k, v])`) without allocating the tuple. */
  writePair(k: unknown, v: unknown): void {
    const start = this.pos;
    try {
      this.ensure(2);
      this.buf[this.pos++] = 8;
      this.buf[this.pos++] = 2;
      this.value(k);
      this.value(v);
    } catch (e) {
      this.pos = start;
      throw unencodable([k, v], e);
    }
  }

  /**
   * Append one value. A value that is not plain data fails with WEIR_RECORD_NOT_SERIALIZABLE naming the offending
   * part; nothing of it stays in the buffer.
   */
  write(v: unknown): void {
    const start = this.pos;
    try {
      this.value(v);
    } catch (e) {
      this.pos = start;
      throw unencodable(v, e);
    }
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case "string": this.string(v); return;
      case "number":
        if (Number.isInteger(v) && v <= 0x3fffffff && v >= -0x40000000 && (v !== 0 || 1 / v > 0)) { // -0 stays a float
          this.ensure(1);
          this.buf[this.pos++] = 4;
          this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
        } else {
          this.ensure(9);
          this.buf[this.pos++] = 5;
          this.pos = this.buf.writeDoubleLE(v, this.pos);
        }
        return;
      case "boolean": this.ensure(1); this.buf[this.pos++] = v ? 3 : 2; return;
      case "undefined": this.ensure(1); this.buf[this.pos++] = 1; return;
      case "bigint": {
        this.ensure(1);
        this.buf[this.pos++] = 10;
        this.string(v.toString());
        return;
      }
      case "object":
        if (v === null) { this.ensure(1); this.buf[this.pos++] = 0; return; }
        if (Array.isArray(v)) {
          this.ensure(1);
          this.buf[this.pos++] = 8;
          this.varint(v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i]);
          return;
        }
        if (isPlainObject(v)) { // before the class checks: the common record shape pays one prototype lookup
          const keys = Object.keys(v);
          this.ensure(1);
          this.buf[this.pos++] = 9;
          this.varint(keys.length);
          for (const k of keys) { this.string(k); this.value((v as Record<string, unknown>)[k]); }
          return;
        }
        if (v instanceof Date) { this.ensure(9); this.buf[this.pos++] = 11; this.pos = this.buf.writeDoubleLE(v.getTime(), this.pos); return; }
        if (v instanceof Uint8Array) {
          this.ensure(v.length + 10);
          this.buf[this.pos++] = 12;
          this.varint(v.length);
          this.buf.set(v, this.pos);
          this.pos += v.length;
          return;
        }
        if (isCodecTypedArray(v)) {
          const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
          this.ensure(bytes.length + 11);
          this.buf[this.pos++] = 15;
          this.buf[this.pos++] = TYPED_ARRAYS.indexOf(v.constructor as TypedArrayClass);
          this.varint(bytes.length);
          this.buf.set(bytes, this.pos);
          this.pos += bytes.length;
          return;
        }
        if (v instanceof Map) {
          this.ensure(1);
          this.buf[this.pos++] = 13;
          this.varint(v.size);
          for (const [k, x] of v) { this.value(k); this.value(x); }
          return;
        }
        if (v instanceof Set) {
          this.ensure(1);
          this.buf[this.pos++] = 14;
          this.varint(v.size);
          for (const x of v) this.value(x);
          return;
        }
        throw UNENCODABLE;
      default:
        throw UNENCODABLE;
    }
  }
}

/**
 * The error for a value the encoder gave up on: the user's error naming the offending part, or (a getter or
 * toString threw) the original error.
 */
function unencodable(v: unknown, e: unknown): unknown {
  if (e instanceof RangeError && /call stack/.test(e.message)) {
    const p = findUnencodable(v); // a cycle overflows the recursion before any check sees it
    return p ? recordNotEncodable(p, e) : e;
  }
  if (e !== UNENCODABLE) return e;
  const p = findUnencodable(v);
  return p ? recordNotEncodable(p) : bug("the encoder refused a value the record check accepts", { value: String(v) });
}

/**
 * Decodes values from a buffer; {@link Decoder.next} returns `NEED_MORE`-style undefined via {@link Decoder.tryNext}
 * when the buffer ends mid-value, so a streaming reader can refill.
 * @example `const d = new Decoder(buf); while (d.pos < d.end) out.push(d.next());`
 */
export class Decoder {
  pos = 0;
  end: number;
  constructor(public buf: Buffer, end = buf.length) {
    this.end = end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw NEED_MORE;
  }

  private varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
  }

  private str(tag: number): string {
    if (tag === 7) {
      this.need(1);
      const len = this.buf[this.pos++]!;
      this.need(len);
      const s = fast(this.buf).latin1Slice(this.pos, this.pos + len);
      this.pos += len;
      return s;
    }
    const len = this.varint();
    this.need(len);
    const s = fast(this.buf).utf8Slice(this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** Decode one value (throws an internal marker if the buffer ends mid-value; use tryNext when streaming). */
  next(): unknown {
    this.need(1);
    const tag = this.buf[this.pos++]!;
    switch (tag) {
      case 0: return null;
      case 1: return undefined;
      case 2: return false;
      case 3: return true;
      case 4: { const z = this.varint(); return z % 2 === 0 ? z / 2 : -(z + 1) / 2; }
      case 5: { this.need(8); const d = this.buf.readDoubleLE(this.pos); this.pos += 8; return d; }
      case 6: case 7: return this.str(tag);
      case 8: {
        const n = this.varint();
        const a = new Array<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = this.next();
        return a;
      }
      case 9: {
        const n = this.varint();
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          this.need(1);
          const k = this.str(this.buf[this.pos++]!);
          o[k] = this.next();
        }
        return o;
      }
      case 10: { this.need(1); return BigInt(this.str(this.buf[this.pos++]!)); }
      case 11: { this.need(8); const d = new Date(this.buf.readDoubleLE(this.pos)); this.pos += 8; return d; }
      case 12: {
        const n = this.varint();
        this.need(n);
        const b = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return b;
      }
      case 13: {
        const n = this.varint();
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) { const k = this.next(); m.set(k, this.next()); }
        return m;
      }
      case 14: {
        const n = this.varint();
        const set = new Set<unknown>();
        for (let i = 0; i < n; i++) set.add(this.next());
        return set;
      }
      case 15: {
        this.need(1);
        const Kind = TYPED_ARRAYS[this.buf[this.pos++]!];
        const n = this.varint();
        this.need(n);
        if (Kind === undefined) break;
        const copy = new ArrayBuffer(n); // aligned for the element type, unlike a slice of the read buffer
        new Uint8Array(copy).set(this.buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return new Kind(copy);
      }
      default:
        break;
    }
    throw new WeirError("WEIR_INTERNAL", `Corrupt record encoding: unknown tag ${tag} at byte ${this.pos - 1}: this is a bug in Weir`, { hint: "please report it" });
  }

  /** Decode one value, or return `false` (position unchanged) when the buffer ends mid-value. */
  tryNext(out: { value: unknown }): boolean {
    const start = this.pos;
    try {
      out.value = this.next();
      return true;
    } catch (e) {
      if (e !== NEED_MORE) throw e;
      this.pos = start;
      return false;
    }
  }
}

/** Encode values into one buffer. @example `encodeAll([1, "a"])` */
export function encodeAll(values: Iterable<unknown>): Buffer {
  const e = new Encoder();
  for (const v of values) e.write(v);
  return Buffer.from(e.bytes());
}

/** Decode every value of a buffer. @example `decodeAll(encodeAll([1, "a"])) // [1, "a"]` */
export function decodeAll(buf: Uint8Array): unknown[] {
  const d = new Decoder(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  const out: unknown[] = [];
  while (d.pos < d.end) out.push(d.next());
  return out;
}
