/**
 * Actions of {@link Dataset} that order, sample or summarise: takeOrdered/top (a bounded heap per partition, then
 * a merge on the driver — never a full sort), max/min, takeSample (Spark's oversampling loop), and the numeric
 * actions sum, stats (StatCounter per partition, merged), mean and histogram.
 */
import { WeirError } from "../errors/index.js";
import { fnRef, shipFunction, type FnOptions } from "../engine/index.js";
import { seededRandom } from "../util/index.js";
import type { Dataset, UserFn } from "./dataset.js";
import { KERNELS, mergeSmallest } from "./dataset-kernels.js";
import { StatCounter } from "./stat-counter.js";

/** Run a per-partition function that yields one value per partition; collect those values. */
async function perPartition<T, R>(ds: Dataset<T>, wrapper: unknown): Promise<R[]> {
  const parts = ds.mapPartitions(wrapper as never);
  const values = (await parts.collect()) as R[];
  ds.lastJob = parts.lastJob;
  return values;
}

function checkCount(n: number, where: string): void {
  if (!Number.isInteger(n) || n < 0) throw new WeirError("WEIR_INVALID_ARGUMENT", `${where}: the number of elements must be a non-negative integer, got ${n}`, { hint: `e.g. ${where.replace("()", "(10)")}` });
}

/**
 * The first `n` elements in ascending order of `key(x)` (or of x), by Weir's key order; `descending` gives top().
 * @example `await takeOrdered(ds, 3, (p) => p.age, undefined, false)`
 */
export async function takeOrdered<T>(ds: Dataset<T>, n: number, key: UserFn<(x: T) => unknown> | undefined, options: FnOptions | undefined,
  descending: boolean, where = descending ? "top()" : "takeOrdered()"): Promise<T[]> {
  checkCount(n, where);
  if (n === 0) return [];
  const k = key === undefined ? null : ds.ship(key, options, `${where} key`);
  const wrapper = shipFunction((it: Iterable<unknown>) => [smallest(it, n, k, descending)],
    { capture: { smallest: fnRef(KERNELS, "smallestOfPartition"), n, k, descending } }, where);
  return mergeSmallest<T>(await perPartition(ds, wrapper), n, descending);
}
// The wrappers in this file run in workers, where these names are captured kernels; the declarations type them.
declare function smallest(it: Iterable<unknown>, n: number, key: unknown, descending: boolean): [unknown, unknown][];
declare function statsOf(it: Iterable<unknown>): [number, number, number, number, number];
declare function countIn(it: Iterable<unknown>, edges: readonly number[]): number[];

/** max()/min(): takeOrdered(1); fails on an empty Dataset as reduce() does. @example `await extreme(ds, true, undefined, undefined)` */
export async function extreme<T>(ds: Dataset<T>, largest: boolean, key: UserFn<(x: T) => unknown> | undefined, options: FnOptions | undefined): Promise<T> {
  const where = largest ? "max()" : "min()";
  const xs = await takeOrdered(ds, 1, key, options, largest, where);
  if (xs.length === 0) throw new WeirError("WEIR_UNSUPPORTED_OPERATION", `${where}: the Dataset is empty`, { hint: `use ${largest ? "top" : "takeOrdered"}(1) to get an empty array instead` });
  return xs[0] as T;
}

/** stats(): a StatCounter per partition in the workers, merged on the driver. @example `await stats(ds)` */
export async function stats(ds: Dataset<number>): Promise<StatCounter> {
  const wrapper = shipFunction((it: Iterable<unknown>) => [statsOf(it)], { capture: { statsOf: fnRef(KERNELS, "statsOfPartition") } }, "stats()");
  const parts = await perPartition<number, [number, number, number, number, number]>(ds, wrapper);
  return parts.reduce((acc, s) => acc.mergeStats(StatCounter.fromState(s)), new StatCounter());
}

/**
 * histogram(): with a bucket count, a first job finds min and max (NaN skipped) and the edges are evenly spaced;
 * with edges, they must be sorted, distinct and at least two. Either way one job counts per partition.
 * @example `await histogram(ds, [0, 10, 20]) // [[0, 10, 20], [3, 5]]`
 */
export async function histogram(ds: Dataset<number>, buckets: number | readonly number[]): Promise<[number[], number[]]> {
  const edges = typeof buckets === "number" ? await evenEdges(ds, buckets) : checkEdges(buckets);
  if (!Array.isArray(edges)) return [[edges.min, edges.max], [edges.count]];
  const wrapper = shipFunction((it: Iterable<unknown>) => [countIn(it, edges)], { capture: { countIn: fnRef(KERNELS, "histogramOfPartition"), edges } }, "histogram()");
  const parts = await perPartition<number, number[]>(ds, wrapper);
  return [edges, parts.reduce((acc, c) => acc.map((x, i) => x + c[i]!), new Array<number>(edges.length - 1).fill(0))];
}

function checkEdges(buckets: readonly number[]): number[] {
  const bad = (why: string): never => {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `histogram(): bucket edges ${why}, got [${[...buckets].join(", ")}]`, { hint: "pass at least two sorted, distinct numbers, e.g. histogram([0, 10, 20, 50]), or a bucket count, e.g. histogram(4)" });
  };
  if (!Array.isArray(buckets)) return bad("must be an array of numbers or a bucket count");
  if (buckets.length < 2) return bad("need at least two values");
  if (!buckets.every((b) => typeof b === "number" && !Number.isNaN(b))) return bad("must be numbers, not NaN");
  for (let i = 1; i < buckets.length; i++) if (!(buckets[i - 1]! < buckets[i]!)) return bad("must be sorted and distinct");
  return [...buckets];
}

/** Evenly spaced edges between min and max (PySpark's rule), or the one-bucket result when min = max or count = 1. */
async function evenEdges(ds: Dataset<number>, count: number): Promise<number[] | { min: number; max: number; count: number }> {
  if (!Number.isInteger(count) || count < 1) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `histogram(): the number of buckets must be a positive integer, got ${count}`, { hint: "e.g. histogram(10), or explicit edges such as histogram([0, 10, 20])" });
  }
  const [min, max, n] = await ds.aggregate([Infinity, -Infinity, 0] as [number, number, number],
    (a, x) => { if (x === x) { if (x < a[0]) a[0] = x; if (x > a[1]) a[1] = x; a[2] += 1; } return a; },
    (a, b) => [Math.min(a[0], b[0]), Math.max(a[1], b[1]), a[2] + b[2]]);
  if (n === 0) throw new WeirError("WEIR_UNSUPPORTED_OPERATION", `histogram(${count}): the Dataset is empty (NaN values are skipped), so there is no range to cut into buckets`, { hint: "pass explicit edges, e.g. histogram([0, 10, 20])" });
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new WeirError("WEIR_UNSUPPORTED_OPERATION", `histogram(${count}): the Dataset holds ${Number.isFinite(max) ? "-Infinity" : "Infinity"}, so evenly spaced buckets cannot be computed`, { hint: "filter out infinite values first, or pass explicit edges" });
  }
  if (min === max || count === 1) return { min, max, count: n };
  const step = (max - min) / count;
  return [...Array.from({ length: count }, (_, i) => min + i * step), max];
}

/** sum(): fold from 0 (0 for an empty Dataset). @example `await sum(ds)` */
export function sum(ds: Dataset<number>): Promise<number> {
  return ds.fold(0, (a, b) => a + b);
}

/**
 * takeSample(): count, then sample with Spark's oversampling fraction (the sample holds `num` elements with
 * probability 0.9999), resampling with the next seed while it falls short; shuffled, cut to `num`.
 * @example `await takeSample(ds, false, 10, 42)`
 */
export async function takeSample<T>(ds: Dataset<T>, withReplacement: boolean, num: number, seed: number): Promise<T[]> {
  checkCount(num, "takeSample()");
  if (!Number.isInteger(seed)) throw new WeirError("WEIR_INVALID_ARGUMENT", `takeSample(): seed must be an integer, got ${seed}`, { hint: "e.g. takeSample(false, 10, 42)" });
  if (num === 0) return [];
  const rnd = seededRandom(seed);
  const total = await ds.count();
  if (total === 0) return [];
  if (!withReplacement && num >= total) return shuffle(await ds.collect(), rnd);
  const fraction = fractionForSampleSize(num, total, withReplacement);
  let samples: T[] = [];
  // Spark loops until the sample is large enough; the bound only stops a Dataset that changes between jobs.
  for (let round = 0; samples.length < num && round < 100; round++) {
    const sampled = ds.sample(withReplacement, fraction, Math.floor(rnd() * 2 ** 31));
    samples = await sampled.collect();
    ds.lastJob = sampled.lastJob;
  }
  return shuffle(samples, rnd).slice(0, num);
}

/** Spark's SamplingUtils.computeFractionForSampleSize: a fraction whose sample reaches `num` with probability 1 - 1e-4. */
function fractionForSampleSize(num: number, total: number, withReplacement: boolean): number {
  if (withReplacement) {
    const sd = num < 6 ? 12 : num < 16 ? 9 : 6; // Poisson bound: more standard deviations for small counts
    return Math.max(num + sd * Math.sqrt(num), 1e-10) / total;
  }
  const fraction = num / total;
  const gamma = -Math.log(1e-4) / total;
  return Math.min(1, Math.max(1e-10, fraction + gamma + Math.sqrt(gamma * gamma + 2 * gamma * fraction)));
}

/** Fisher–Yates in place. */
function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
