/** Single-threaded reference implementations and seeded random data for the Dataset property tests. */
import { seededRandom as rng } from "../../src/util/index.js";

export { rng };

/** `n` random [key, value] pairs: keys from a small alphabet of strings and ints, values ints. */
export function randomPairs(seed: number, n: number): [string | number, number][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const k = r() < 0.5 ? `k${Math.floor(r() * 12)}` : Math.floor(r() * 12);
    return [k, Math.floor(r() * 100) - 20] as [string | number, number];
  });
}

/** A canonical, order-independent form for comparing multisets of records. */
export function canon(xs: readonly unknown[]): string[] {
  return xs.map((x) => JSON.stringify(x)).sort();
}

/** Group values by key, values sorted (order within a group is unspecified in Spark). */
export function groupRef<K, V>(pairs: readonly [K, V][]): [K, V[]][] {
  const m = new Map<K, V[]>();
  for (const [k, v] of pairs) { const a = m.get(k) ?? []; a.push(v); m.set(k, a); }
  return [...m.entries()].map(([k, vs]) => [k, [...vs].sort((a, b) => (a as number) - (b as number))]);
}

export function reduceRef<K>(pairs: readonly [K, number][], f: (a: number, b: number) => number): [K, number][] {
  const m = new Map<K, number>();
  for (const [k, v] of pairs) m.set(k, m.has(k) ? f(m.get(k)!, v) : v);
  return [...m.entries()];
}

export function joinRef<K, V, W>(a: readonly [K, V][], b: readonly [K, W][], how: "inner" | "left" | "right" | "full"): [K, [V | null, W | null]][] {
  const ga = new Map(groupRef(a));
  const gb = new Map(groupRef(b));
  const keys = new Set<K>([...ga.keys(), ...gb.keys()]);
  const out: [K, [V | null, W | null]][] = [];
  for (const k of keys) {
    const vs = ga.get(k) ?? [];
    const ws = gb.get(k) ?? [];
    if (vs.length && ws.length) for (const v of vs) for (const w of ws) out.push([k, [v, w]]);
    else if (vs.length && (how === "left" || how === "full")) for (const v of vs) out.push([k, [v, null]]);
    else if (ws.length && (how === "right" || how === "full")) for (const w of ws) out.push([k, [null, w]]);
  }
  return out;
}

/** Words of a Zipf-like vocabulary, for word count tests. */
export function zipfLines(seed: number, lines: number, vocabulary = 200): string[] {
  const r = rng(seed);
  const weights = Array.from({ length: vocabulary }, (_, i) => 1 / Math.pow(i + 1, 1.1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w / total));
  const word = (): string => {
    const x = r();
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid]! < x) lo = mid + 1; else hi = mid; }
    return `w${lo}`;
  };
  return Array.from({ length: lines }, () => Array.from({ length: 5 + Math.floor(r() * 16) }, word).join(" "));
}

export function wordCountRef(lines: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) for (const w of l.split(" ")) if (w) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

/** `n` random numbers in [-50, 150) with two decimals (some repeat), for the numeric actions. */
export function randomNumbers(seed: number, n: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.round((r() * 200 - 50) * 100) / 100);
}

/** The partitions parallelize(data, n) makes: contiguous slices. */
export function slicesRef<T>(data: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, i) => data.slice(Math.floor((i * data.length) / n), Math.floor(((i + 1) * data.length) / n)));
}

/** Elements of `a` not in `b` (duplicates of `a` kept). */
export function subtractRef<T>(a: readonly T[], b: readonly T[]): T[] {
  const inB = new Set(b.map((x) => JSON.stringify(x)));
  return a.filter((x) => !inB.has(JSON.stringify(x)));
}

/** Distinct elements of `a` that are in `b`. */
export function intersectionRef<T>(a: readonly T[], b: readonly T[]): T[] {
  const inB = new Set(b.map((x) => JSON.stringify(x)));
  return [...new Map(a.filter((x) => inB.has(JSON.stringify(x))).map((x) => [JSON.stringify(x), x])).values()];
}

/** Pairs of `a` whose key is not a key of `b`. */
export function subtractByKeyRef<K, V, W>(a: readonly [K, V][], b: readonly [K, W][]): [K, V][] {
  const keys = new Set(b.map(([k]) => JSON.stringify(k)));
  return a.filter(([k]) => !keys.has(JSON.stringify(k)));
}

/** cartesian in Spark's order: partition pairs (i, j) in order, then each x of a's slice i with each y of b's slice j. */
export function cartesianRef<T, U>(a: readonly T[], aParts: number, b: readonly U[], bParts: number): [T, U][] {
  const out: [T, U][] = [];
  for (const sa of slicesRef(a, aParts)) for (const sb of slicesRef(b, bParts)) for (const x of sa) for (const y of sb) out.push([x, y]);
  return out;
}

/** Numbers before strings, each in natural order (Weir's key order restricted to these types). */
export function orderRef(a: number | string, b: number | string): number {
  if (typeof a !== typeof b) return typeof a === "number" ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first `n` by a stable sort of key(x). */
export function takeOrderedRef<T>(xs: readonly T[], n: number, key: (x: T) => number | string, descending = false): T[] {
  return [...xs].sort((x, y) => (descending ? -1 : 1) * orderRef(key(x), key(y))).slice(0, n);
}

/** Two-pass statistics (the textbook definitions). */
export function statsRef(xs: readonly number[]): { count: number; mean: number; sum: number; min: number; max: number; variance: number; sampleVariance: number } {
  const count = xs.length;
  const sum = xs.reduce((a, b) => a + b, 0);
  const mean = count === 0 ? 0 : sum / count;
  const m2 = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { count, mean, sum, min: Math.min(...xs), max: Math.max(...xs), variance: count === 0 ? NaN : m2 / count, sampleVariance: count <= 1 ? NaN : m2 / (count - 1) };
}

/** Histogram counts by scanning every bucket: [e_i, e_i+1), the last bucket closed. */
export function histogramRef(xs: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const x of xs) {
    for (let i = 0; i < counts.length; i++) {
      const last = i === counts.length - 1;
      if (x >= edges[i]! && (x < edges[i + 1]! || (last && x === edges[i + 1]))) { counts[i]! += 1; break; }
    }
  }
  return counts;
}
