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
