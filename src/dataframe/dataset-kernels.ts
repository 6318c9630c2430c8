/**
 * Functions that run inside worker tasks for Dataset's ordering, statistics, splitting and lookup — shipped by
 * module reference (`fnRef(KERNELS, name)`, ADR 002) because they share code with the driver (Weir's key order,
 * StatCounter) — plus the driver-side merges of their per-partition results. Every worker that runs one imports
 * this module, so it imports only light modules (keys.js directly, not the engine barrel).
 */
import { canonicalKey, compareKeys } from "../engine/js/keys.js";
import { seededRandom } from "../util/seeded-random.js";
import { StatCounter } from "./stat-counter.js";

/** This module's URL, for `fnRef(KERNELS, "exportName")`. @example `fnRef(KERNELS, "statsOfPartition")` */
export const KERNELS = import.meta.url;

type Cmp = (a: unknown, b: unknown) => number;
type Keyed = [key: unknown, element: unknown];

const orderOf = (descending: boolean): Cmp => (descending ? (a, b) => compareKeys(b, a) : compareKeys);

/**
 * The `n` first elements of a partition in key order (Weir's key order, reversed with `descending`), as [key,
 * element] pairs, sorted. A bounded max-heap keeps memory at `n` elements; on equal keys the earlier element wins.
 * @example `smallestOfPartition([5, 1, 3], 2, null, false) // [[1, 1], [3, 3]]`
 */
export function smallestOfPartition(it: Iterable<unknown>, n: number, key: ((x: unknown) => unknown) | null, descending: boolean): Keyed[] {
  const cmp = orderOf(descending);
  const heap: Keyed[] = []; // heap[0] is the last of the kept elements in the order
  const above = (i: number, j: number): boolean => cmp(heap[i]![0], heap[j]![0]) > 0;
  const swap = (i: number, j: number): void => { const t = heap[i]!; heap[i] = heap[j]!; heap[j] = t; };
  for (const x of it) {
    const k = key ? key(x) : x;
    if (heap.length < n) {
      heap.push([k, x]);
      for (let i = heap.length - 1; i > 0 && above(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
    } else if (n > 0 && cmp(k, heap[0]![0]) < 0) {
      heap[0] = [k, x];
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let top = i;
        if (l < heap.length && above(l, top)) top = l;
        if (r < heap.length && above(r, top)) top = r;
        if (top === i) break;
        swap(i, top);
        i = top;
      }
    }
  }
  return heap.sort((a, b) => cmp(a[0], b[0]));
}

/**
 * Driver side: merge per-partition results of {@link smallestOfPartition} into the first `n` elements (stable:
 * on equal keys, earlier partitions first).
 * @example `mergeSmallest([[[1, 1]], [[0, 0]]], 1, false) // [0]`
 */
export function mergeSmallest<T>(parts: readonly Keyed[][], n: number, descending: boolean): T[] {
  const cmp = orderOf(descending);
  return parts.flat().sort((a, b) => cmp(a[0], b[0])).slice(0, n).map(([, x]) => x as T);
}

/** A partition's StatCounter state. @example `statsOfPartition([1, 2, 3])` */
export function statsOfPartition(it: Iterable<number>): ReturnType<StatCounter["state"]> {
  return new StatCounter(it).state();
}

/**
 * Counts per bucket of sorted, distinct `edges`: bucket i is [edges[i], edges[i+1]), the last one also holds
 * its upper edge (Spark's histogram); values outside the edges and NaN are not counted.
 * @example `histogramOfPartition([1, 5, 10, 11], [0, 5, 10]) // [1, 2]`
 */
export function histogramOfPartition(it: Iterable<number>, edges: readonly number[]): number[] {
  const last = edges.length - 1;
  const counts = new Array<number>(last).fill(0);
  const lo0 = edges[0]!;
  const hi0 = edges[last]!;
  for (const x of it) {
    if (!(x >= lo0 && x <= hi0)) continue;
    let lo = 0;
    let hi = last; // edges[lo] <= x, and x < edges[hi] or hi is the last edge
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= x) lo = mid;
      else hi = mid;
    }
    counts[lo]! += 1;
  }
  return counts;
}

/**
 * randomSplit's filter for one split: keeps an element when its draw from the partition's seeded generator falls
 * in [lb, ub). Every split draws the same sequence, so splits with adjacent ranges are disjoint and cover the data.
 * @example `[...splitOfPartition(0, [1, 2, 3], 0, 0.5, 42)]`
 */
export function* splitOfPartition(index: number, it: Iterable<unknown>, lb: number, ub: number, seed: number): Generator<unknown> {
  const rnd = seededRandom(Math.imul(seed | 0, 31) + index * 7919 + 7);
  for (const x of it) {
    const r = rnd();
    if (r >= lb && r < ub) yield x;
  }
}

/**
 * Key equality as grouping sees it: `===` for primitives (NaN equals NaN), structural for arrays and objects.
 * @example `keysEqual(["a", 1], ["a", 1]) // true`
 */
export function keysEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return canonicalKey(a) === canonicalKey(b);
}
