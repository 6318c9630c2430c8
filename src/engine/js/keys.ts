/**
 * Key semantics shared by every worker: a deterministic hash (same partition for the same key in every thread
 * and run), a total order (range partitioning, sorted spill runs, external merge) and structural equality for
 * composite keys (`[a, b]` tuples group together, as Spark's tuple keys do).
 */
import { Encoder, fast } from "./codec.js";

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** A deterministic 32-bit hash of a key. @example `hashKey(["a", 1])` */
export function hashKey(k: unknown): number {
  switch (typeof k) {
    case "string": return hashString(k);
    case "number": return Number.isInteger(k) && Math.abs(k) < 2 ** 31 ? mix(k | 0) : hashString(String(k));
    case "bigint": return hashString(k.toString());
    case "boolean": return k ? 1231 : 1237;
    case "undefined": return 0;
    default:
      if (k === null) return 0;
      if (Array.isArray(k)) {
        let h = 17;
        for (const x of k) h = (Math.imul(h, 31) + hashKey(x)) | 0;
        return h;
      }
      if (k instanceof Date) return mix(k.getTime() | 0);
      return hashString(canonicalKey(k));
  }
}

/** Non-negative partition index of a key for `n` hash partitions. @example `partitionOf("a", 4)` */
export function partitionOf(k: unknown, n: number): number {
  const m = hashKey(k) % n;
  return m < 0 ? m + n : m;
}

const canon = new Encoder(256);
/** A string equal for structurally equal composite keys. @example `canonicalKey([1, "a"]) === canonicalKey([1, "a"])` */
export function canonicalKey(k: unknown): string {
  canon.reset();
  canon.write(k);
  return fast(canon.buf).latin1Slice(0, canon.pos);
}

function rank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case "boolean": return 1;
    case "number": return 2;
    case "bigint": return 3;
    case "string": return 4;
    default: return v instanceof Date ? 5 : Array.isArray(v) ? 6 : 7;
  }
}

/**
 * Total order of keys: null < booleans < numbers/bigints (numerically) < strings < Dates < arrays
 * (lexicographic) < objects. @example `[3, 1, 2].sort(compareKeys)`
 */
export function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  const ra = rank(a);
  const rb = rank(b);
  if ((ra === 2 || ra === 3) && (rb === 2 || rb === 3) && ra !== rb) {
    const x = a as number | bigint;
    const y = b as number | bigint;
    return x < y ? -1 : x > y ? 1 : ra - rb;
  }
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0: return 0;
    case 1: return a === b ? 0 : a ? 1 : -1;
    case 3: return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    case 5: return (a as Date).getTime() - (b as Date).getTime();
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareKeys(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    default: {
      const x = canonicalKey(a);
      const y = canonicalKey(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

/**
 * A Map with structural equality for composite keys (primitives use the fast native path).
 * @example `const m = new KeyMap<number>(); m.set(["a", 1], 2); m.get(["a", 1]) // 2`
 */
export class KeyMap<V> {
  private readonly prim = new Map<unknown, V>();
  private readonly composite = new Map<string, [unknown, V]>();

  get size(): number {
    return this.prim.size + this.composite.size;
  }

  get(k: unknown): V | undefined {
    if (k === null || typeof k !== "object") return this.prim.get(k);
    return this.composite.get(canonicalKey(k))?.[1];
  }

  set(k: unknown, v: V): void {
    if (k === null || typeof k !== "object") this.prim.set(k, v);
    else this.composite.set(canonicalKey(k), [k, v]);
  }

  clear(): void {
    this.prim.clear();
    this.composite.clear();
  }

  *entries(): Generator<[unknown, V]> {
    yield* this.prim.entries();
    for (const e of this.composite.values()) yield e;
  }
}

/** A rough in-memory size of a value in bytes, for memory budgets. @example `estimateSize("word") // 48` */
export function estimateSize(v: unknown): number {
  switch (typeof v) {
    case "string": return 40 + 2 * v.length;
    case "number": case "boolean": case "undefined": return 16;
    case "bigint": return 32;
    default:
      if (v === null) return 8;
      if (Array.isArray(v)) {
        let s = 32 + 8 * v.length;
        for (let i = 0; i < v.length && i < 64; i++) s += estimateSize(v[i]);
        return v.length > 64 ? Math.round(s * (v.length / 64)) : s;
      }
      if (ArrayBuffer.isView(v)) return 64 + v.byteLength; // Uint8Array and the other typed arrays records hold
      if (v instanceof Date) return 48;
      if (v instanceof Map || v instanceof Set) return estimateEntries(v);
      {
        let s = 64;
        for (const [k, x] of Object.entries(v as object)) s += 40 + 2 * k.length + estimateSize(x);
        return s;
      }
  }
}

/** A Map's or Set's size from its first 64 entries, scaled to all of them (as arrays are sampled). */
function estimateEntries(v: Map<unknown, unknown> | Set<unknown>): number {
  let s = 0;
  let n = 0;
  for (const [k, x] of v.entries()) { // a Set's entries are [x, x]
    if (n === 64) break;
    s += 48 + estimateSize(x) + (v instanceof Map ? estimateSize(k) : 0);
    n++;
  }
  return 64 + (n === 0 ? 0 : Math.round(s * (v.size / n)));
}
