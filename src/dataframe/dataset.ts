import { WeirError } from "../errors/index.js";
import {
  debugString, decodeAll, LineageNode, shipFunction, type FnOptions, type FnRef, type JobMetrics, type NarrowOp, type ShippedFunction, type Sink,
} from "../engine/index.js";
import type { DatasetContext } from "./dataset-context.js";
import * as pairs from "./dataset-pairs.js";
import * as actions from "./dataset-actions.js";
import * as streams from "./dataset-streams.js";
import * as sets from "./dataset-sets.js";
import * as stats from "./dataset-stats.js";
import type { StatCounter } from "./stat-counter.js";
import type { Readable } from "node:stream";
import { parseSchemaDDL, type StructType } from "../types/index.js";
import type { DataFrame } from "./dataframe.js";
import type { Row } from "./typed.js";

/** A user function: inline (shipped as source + captures) or a module export via `fnRef()`. @example `(x: number) => x + 1` */
export type UserFn<F extends (...args: never[]) => unknown> = F | FnRef<F>;

/**
 * Storage levels of persist(): MEMORY blocks live in shared memory of the process, DISK blocks in the session's temp
 * dir. Spark's names `MEMORY_ONLY` / `DISK_ONLY` are accepted for the same levels.
 * @example `ds.persist("DISK_ONLY")`
 */
export type StorageLevel = "MEMORY" | "DISK" | "MEMORY_ONLY" | "DISK_ONLY";

/**
 * A distributed collection of JS values processed by user functions on worker threads — Spark's RDD. Lazy:
 * transformations build lineage; actions (collect, count, reduce, saveAsTextFile …) run jobs. Functions read
 * nothing from their enclosing scope unless it is captured: `ds.map((x) => x * k, { capture: { k } })`.
 *
 * @example
 * ```ts
 * const lines = await spark.textFile("books/*.txt");
 * const counts = lines.flatMap((l) => l.split(/\s+/)).filter((w) => w !== "")
 *   .map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b);
 * console.log(await counts.take(10));
 * ```
 */
export class Dataset<T> implements AsyncIterable<T> {
  /** Metrics of the last job an action on this Dataset ran. */
  lastJob: JobMetrics | undefined;

  constructor(readonly context: DatasetContext, readonly node: LineageNode) {}

  /** Lineage id (Spark's `rdd.id`). @example `ds.id` */
  get id(): number {
    return this.node.id;
  }

  /** Number of partitions. @example `ds.getNumPartitions()` */
  getNumPartitions(): number {
    return this.node.numPartitions;
  }

  /** A new Dataset over a lineage node in the same context. @internal */
  derive<U>(node: LineageNode): Dataset<U> {
    return new Dataset<U>(this.context, node);
  }

  /** Append a record-at-a-time operation. @internal */
  narrow<U>(name: string, op: NarrowOp | ((p: number) => readonly NarrowOp[]), fns: readonly ShippedFunction[] = []): Dataset<U> {
    const ops = typeof op === "function" ? op : [op];
    return this.derive<U>(new LineageNode(name, this.node.numPartitions, { type: "narrow", parent: this.node, ops }, fns));
  }

  /** Ship a user function for this operation (free variables are refused here, at submission). @internal */
  ship(fn: unknown, options: FnOptions | undefined, where: string): ShippedFunction {
    return shipFunction(fn, options, `${where} on Dataset[${this.node.id}]`);
  }

  /** Apply `fn` to every element. @example `ds.map((x) => x * 2)` */
  map<U>(fn: UserFn<(x: T) => U>, options?: FnOptions): Dataset<U> {
    const f = this.ship(fn, options, "map()");
    return this.narrow("map", { op: "map", fn: f.spec.id }, [f]);
  }

  /** Apply `fn` and flatten the iterables it returns. @example `lines.flatMap((l) => l.split(" "))` */
  flatMap<U>(fn: UserFn<(x: T) => Iterable<U>>, options?: FnOptions): Dataset<U> {
    const f = this.ship(fn, options, "flatMap()");
    return this.narrow("flatMap", { op: "flatMap", fn: f.spec.id }, [f]);
  }

  /** Keep the elements for which `fn` is truthy. @example `ds.filter((x) => x % 2 === 0)` */
  filter(fn: UserFn<(x: T) => unknown>, options?: FnOptions): Dataset<T> {
    const f = this.ship(fn, options, "filter()");
    return this.narrow("filter", { op: "filter", fn: f.spec.id }, [f]);
  }

  /** Transform a whole partition (an iterable in, an iterable out). @example `ds.mapPartitions(function* (it) { let n = 0; for (const _ of it) n++; yield n; })` */
  mapPartitions<U>(fn: UserFn<(it: Iterable<T>) => Iterable<U>>, options?: FnOptions): Dataset<U> {
    const f = this.ship(fn, options, "mapPartitions()");
    return this.narrow("mapPartitions", { op: "mapPartitions", fn: f.spec.id, withIndex: false }, [f]);
  }

  /** mapPartitions with the partition index. @example `ds.mapPartitionsWithIndex((i, it) => [...it].map((x) => [i, x]))` */
  mapPartitionsWithIndex<U>(fn: UserFn<(index: number, it: Iterable<T>) => Iterable<U>>, options?: FnOptions): Dataset<U> {
    const f = this.ship(fn, options, "mapPartitionsWithIndex()");
    return this.narrow("mapPartitionsWithIndex", { op: "mapPartitions", fn: f.spec.id, withIndex: true }, [f]);
  }

  /**
   * Apply an async function with at most `concurrency` calls in flight, keeping order (backpressure: records
   * are pulled only as calls finish). `fn` runs on the driver's event loop — for I/O-bound calls such as an HTTP
   * API per record; CPU-bound work belongs in map(). @example `ds.mapAsync(async (id) => lookup(id), { concurrency: 8 })`
   */
  mapAsync<U>(fn: (x: T) => U | Promise<U>, options?: streams.MapAsyncOptions): Dataset<U> {
    return streams.mapAsync(this, fn, options);
  }

  /** Pair every element with a key: `[fn(x), x]`. @example `people.keyBy((p) => p.city)` */
  keyBy<K>(fn: UserFn<(x: T) => K>, options?: FnOptions): Dataset<[K, T]> {
    const f = this.ship(fn, options, "keyBy()");
    return this.narrow("keyBy", { op: "keyBy", fn: f.spec.id }, [f]);
  }

  /** A sample: each element kept with probability `fraction` (or Poisson(fraction) copies with replacement). Deterministic for a seed. @example `ds.sample(false, 0.1, 42)` */
  sample(withReplacement: boolean, fraction: number, seed = 0x5eed): Dataset<T> {
    if (!(fraction >= 0) || (!withReplacement && fraction > 1)) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `sample(): fraction must be in [0, 1] without replacement and >= 0 with it, got ${fraction}`, { hint: "e.g. sample(false, 0.1)" });
    }
    return this.narrow("sample", { op: "sample", withReplacement, fraction, seed });
  }

  /** Concatenate with another Dataset (partitions of both, no shuffle). @example `a.union(b)` */
  union(other: Dataset<T>): Dataset<T> {
    return this.derive(new LineageNode("union", this.node.numPartitions + other.node.numPartitions, { type: "union", parents: [this.node, other.node] }));
  }

  /** Fewer partitions without a shuffle (neighbouring partitions concatenated), or any number with `shuffle`. @example `ds.coalesce(1)` */
  coalesce(numPartitions: number, shuffle = false): Dataset<T> {
    checkPartitions(numPartitions, "coalesce()");
    if (shuffle) return this.repartition(numPartitions);
    const n = Math.min(numPartitions, this.node.numPartitions);
    const groups = Array.from({ length: n }, (_, i) => {
      const from = Math.floor((i * this.node.numPartitions) / n);
      const to = Math.floor(((i + 1) * this.node.numPartitions) / n);
      return Array.from({ length: to - from }, (_, j) => from + j);
    });
    return this.derive(new LineageNode("coalesce", n, { type: "coalesce", parent: this.node, groups }));
  }

  /** Exactly `numPartitions` partitions of about equal size (a round-robin shuffle). @example `ds.repartition(8)` */
  repartition(numPartitions: number): Dataset<T> {
    return pairs.repartition(this, numPartitions);
  }

  /** The distinct elements (structural equality for arrays and objects). @example `ds.distinct()` */
  distinct(numPartitions?: number): Dataset<T> {
    return pairs.distinct(this, numPartitions);
  }

  /** Sort by a key function (range-partitioned from a sample, then sorted within partitions). @example `ds.sortBy((p) => p.age, false)` */
  sortBy<K>(fn: UserFn<(x: T) => K>, ascending = true, numPartitions?: number, options?: FnOptions): Dataset<T> {
    return this.keyBy(fn, options).sortByKey(ascending, numPartitions).values();
  }

  /** Pair every element with its index in the Dataset's order (runs a count job first when it has several partitions). @example `ds.zipWithIndex()` */
  zipWithIndex(): Dataset<[T, number]> {
    return pairs.zipWithIndex(this);
  }

  /** Pair every element with a unique id — element j of partition i gets j × numPartitions + i (no job, ids have gaps). @example `ds.zipWithUniqueId()` */
  zipWithUniqueId(): Dataset<[T, number]> { return sets.zipWithUniqueId(this); }

  /** Pair the i-th elements of two Datasets with the same partitions and element counts per partition (else WEIR_INVALID_ARGUMENT). @example `names.zip(ages)` */
  zip<U>(other: Dataset<U>): Dataset<[T, U]> { return sets.zip(this, other); }

  /** Every pair [a, b] of this and `other` (one partition per pair of partitions; each task holds one partition of `other`). @example `a.cartesian(b)` */
  cartesian<U>(other: Dataset<U>): Dataset<[T, U]> { return sets.cartesian(this, other); }

  /** Elements that do not occur in `other` (structural equality; duplicates kept). @example `a.subtract(b)` */
  subtract(other: Dataset<T>, numPartitions?: number): Dataset<T> { return sets.subtract(this, other, numPartitions); }

  /** The distinct elements that occur in both Datasets. @example `a.intersection(b)` */
  intersection(other: Dataset<T>, numPartitions?: number): Dataset<T> { return sets.intersection(this, other, numPartitions); }

  /** One array per partition. @example `ds.glom() // [[1, 2], [3]]` */
  glom(): Dataset<T[]> { return sets.glom(this); }

  /** Group elements by `fn(x)`: [key, elements]. @example `people.groupBy((p) => p.city)` */
  groupBy<K>(fn: UserFn<(x: T) => K>, numPartitions?: number, options?: FnOptions): Dataset<[K, T[]]> { return this.keyBy(fn, options).groupByKey(numPartitions); }

  /** Split at random by `weights` (normalized) into disjoint Datasets that cover this one; deterministic for a seed and partitioning (seeds are per partition, not per worker). @example `const [train, test] = ds.randomSplit([0.8, 0.2], 42)` */
  randomSplit(weights: readonly number[], seed = Math.floor(Math.random() * 2 ** 31)): Dataset<T>[] { return sets.randomSplit(this, weights, seed); }

  // ---- pair operations (elements are [key, value] tuples) ----

  /** Keys of a pair Dataset. @example `pairs.keys()` */
  keys<K, V>(this: Dataset<[K, V]>): Dataset<K> {
    return this.narrow("keys", { op: "keys" });
  }

  /** Values of a pair Dataset. @example `pairs.values()` */
  values<K, V>(this: Dataset<[K, V]>): Dataset<V> {
    return this.narrow("values", { op: "values" });
  }

  /** Apply `fn` to every value, keeping keys (and partitioning). @example `pairs.mapValues((v) => v * 2)` */
  mapValues<K, V, U>(this: Dataset<[K, V]>, fn: UserFn<(v: V) => U>, options?: FnOptions): Dataset<[K, U]> {
    const f = this.ship(fn, options, "mapValues()");
    return this.narrow("mapValues", { op: "mapValues", fn: f.spec.id }, [f]);
  }

  /** Apply `fn` to every value and flatten, keeping keys. @example `pairs.flatMapValues((v) => v.split(","))` */
  flatMapValues<K, V, U>(this: Dataset<[K, V]>, fn: UserFn<(v: V) => Iterable<U>>, options?: FnOptions): Dataset<[K, U]> {
    const f = this.ship(fn, options, "flatMapValues()");
    return this.narrow("flatMapValues", { op: "flatMapValues", fn: f.spec.id }, [f]);
  }

  /** Merge the values of each key with an associative function (combined map-side first). @example `words.map((w) => [w, 1]).reduceByKey((a, b) => a + b)` */
  reduceByKey<K, V>(this: Dataset<[K, V]>, fn: UserFn<(a: V, b: V) => V>, numPartitions?: number, options?: FnOptions): Dataset<[K, V]> {
    return pairs.reduceByKey(this, fn, numPartitions, options);
  }

  /** Generic per-key aggregation with map-side combining (Spark's combineByKey). @example `ds.combineByKey((v) => [v, 1], (c, v) => [c[0] + v, c[1] + 1], (a, b) => [a[0] + b[0], a[1] + b[1]])` */
  combineByKey<K, V, C>(this: Dataset<[K, V]>, createCombiner: UserFn<(v: V) => C>, mergeValue: UserFn<(c: C, v: V) => C>,
    mergeCombiners: UserFn<(a: C, b: C) => C>, numPartitions?: number, options?: FnOptions): Dataset<[K, C]> {
    return pairs.combineByKey(this, createCombiner, mergeValue, mergeCombiners, numPartitions, options);
  }

  /** Per-key aggregation from a zero value (copied per key). @example `ds.aggregateByKey(0, (acc, v) => acc + v, (a, b) => a + b)` */
  aggregateByKey<K, V, U>(this: Dataset<[K, V]>, zeroValue: U, seqOp: UserFn<(acc: U, v: V) => U>, combOp: UserFn<(a: U, b: U) => U>,
    numPartitions?: number, options?: FnOptions): Dataset<[K, U]> {
    return pairs.aggregateByKey(this, zeroValue, seqOp, combOp, numPartitions, options);
  }

  /** Per-key fold from a zero value. @example `ds.foldByKey(0, (a, b) => a + b)` */
  foldByKey<K, V>(this: Dataset<[K, V]>, zeroValue: V, fn: UserFn<(a: V, b: V) => V>, numPartitions?: number, options?: FnOptions): Dataset<[K, V]> {
    return pairs.aggregateByKey(this, zeroValue, fn, fn, numPartitions, options);
  }

  /** All values of each key (spills beyond the task memory budget). @example `ds.groupByKey()` */
  groupByKey<K, V>(this: Dataset<[K, V]>, numPartitions?: number): Dataset<[K, V[]]> {
    return pairs.groupByKey(this, numPartitions);
  }

  /** For each key, the values of this and of `other`. @example `a.cogroup(b) // [k, [as, bs]]` */
  cogroup<K, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V[], W[]]]> {
    return pairs.cogroup(this, other, numPartitions);
  }

  /** Inner join by key. @example `a.join(b) // [k, [v, w]]` */
  join<K, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V, W]]> {
    return pairs.joinBy(this, other, "inner", numPartitions);
  }

  /** Left outer join (`null` where `other` has no value). @example `a.leftOuterJoin(b)` */
  leftOuterJoin<K, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V, W | null]]> {
    return pairs.joinBy(this, other, "left", numPartitions);
  }

  /** Right outer join. @example `a.rightOuterJoin(b)` */
  rightOuterJoin<K, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V | null, W]]> {
    return pairs.joinBy(this, other, "right", numPartitions);
  }

  /** Full outer join. @example `a.fullOuterJoin(b)` */
  fullOuterJoin<K, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V | null, W | null]]> {
    return pairs.joinBy(this, other, "full", numPartitions);
  }

  /** Pairs whose key does not occur in `other`. @example `a.subtractByKey(b)` */
  subtractByKey<K, V, W>(this: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, V]> { return sets.subtractByKey(this, other, numPartitions); }

  /** Sort by key (range partitioning from a sample; external sort within partitions). @example `ds.sortByKey(false)` */
  sortByKey<K, V>(this: Dataset<[K, V]>, ascending = true, numPartitions?: number): Dataset<[K, V]> {
    return pairs.sortByKey(this, ascending, numPartitions);
  }

  /** Hash-partition by key into `numPartitions`. @example `ds.partitionBy(4)` */
  partitionBy<K, V>(this: Dataset<[K, V]>, numPartitions: number): Dataset<[K, V]> {
    return pairs.partitionBy(this, numPartitions);
  }

  // ---- persistence ----

  /** Keep computed partitions (MEMORY by default); a lost block is recomputed from lineage. @example `ds.persist("DISK")` */
  persist(level: StorageLevel = "MEMORY"): this {
    const storage = level === "MEMORY" || level === "MEMORY_ONLY" ? "MEMORY" : level === "DISK" || level === "DISK_ONLY" ? "DISK" : undefined;
    if (!storage) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `persist(${String(level)}): unknown storage level`, { hint: 'use "MEMORY" (Spark: MEMORY_ONLY) or "DISK" (DISK_ONLY)' });
    }
    if (this.node.storage && this.node.storage !== storage) {
      throw new WeirError("WEIR_UNSUPPORTED_OPERATION", `persist(${level}): Dataset[${this.node.id}] is already persisted as ${this.node.storage}`, { hint: "call unpersist() first" });
    }
    this.node.storage = storage;
    return this;
  }

  /** persist("MEMORY"). @example `ds.cache()` */
  cache(): this {
    return this.persist("MEMORY");
  }

  /** Drop cached partitions. @example `ds.unpersist()` */
  unpersist(): this {
    this.context.engine.dropBlocks(this.node);
    this.node.storage = undefined;
    return this;
  }

  /** Compute now and save to files in the session temp dir; the lineage is then truncated to those files. @example `await ds.checkpoint()` */
  checkpoint(): Promise<this> {
    return actions.checkpoint(this).then(() => this);
  }

  /** The lineage with stage boundaries, as Spark prints it. @example `console.log(ds.toDebugString())` */
  toDebugString(): string {
    return debugString(this.node);
  }

  // ---- actions ----

  /** Run a job with a sink per partition. @internal */
  async runJob(description: string, sinkFor: (p: number) => { sink: Sink; fns?: readonly ShippedFunction[] }, partitions?: readonly number[]): Promise<unknown[]> {
    const { values, job } = await this.context.engine.runJob(this.node, sinkFor, description, partitions);
    this.lastJob = job;
    return values;
  }

  /** All elements, in partition order. @example `await ds.collect()` */
  async collect(): Promise<T[]> {
    const parts = await this.runJob("collect", () => ({ sink: { kind: "collect" } }));
    return parts.flatMap((b) => decodeAll(b as Uint8Array)) as T[];
  }

  /** Number of elements. @example `await ds.count()` */
  async count(): Promise<number> {
    const parts = await this.runJob("count", () => ({ sink: { kind: "count" } }));
    return parts.reduce<number>((a, b) => a + (b as number), 0);
  }

  /** The first `n` elements (scanning as few partitions as it can). @example `await ds.take(5)` */
  take(n: number): Promise<T[]> {
    return actions.take(this, n);
  }

  /** The first element; fails on an empty Dataset. @example `await ds.first()` */
  async first(): Promise<T> {
    const xs = await this.take(1);
    if (xs.length === 0) throw new WeirError("WEIR_UNSUPPORTED_OPERATION", "first(): the Dataset is empty", { hint: "use take(1) to get an empty array instead" });
    return xs[0] as T;
  }

  /** Combine all elements with an associative, commutative function; fails on an empty Dataset. @example `await ds.reduce((a, b) => a + b)` */
  reduce(fn: UserFn<(a: T, b: T) => T>, options?: FnOptions): Promise<T> {
    return actions.reduce(this, fn, options);
  }

  /** Fold each partition from `zeroValue`, then the partition results. @example `await ds.fold(0, (a, b) => a + b)` */
  fold(zeroValue: T, fn: UserFn<(a: T, b: T) => T>, options?: FnOptions): Promise<T> {
    return actions.fold(this, zeroValue, fn, options);
  }

  /** Aggregate with a per-partition seqOp and a merging combOp. @example `await ds.aggregate(0, (acc, x) => acc + x.length, (a, b) => a + b)` */
  aggregate<U>(zeroValue: U, seqOp: UserFn<(acc: U, x: T) => U>, combOp: UserFn<(a: U, b: U) => U>, options?: FnOptions): Promise<U> {
    return actions.aggregate(this, zeroValue, seqOp, combOp, options);
  }

  /** How many times each element occurs. @example `await words.countByValue()` */
  countByValue(): Promise<Map<T, number>> {
    return actions.countByValue(this);
  }

  /** How many elements each key has. @example `await pairs.countByKey()` */
  async countByKey<K, V>(this: Dataset<[K, V]>): Promise<Map<K, number>> {
    const keys = this.keys();
    const counts = await keys.countByValue();
    this.lastJob = keys.lastJob;
    return counts;
  }

  /** The pairs as a Map (the last value of a repeated key wins). @example `await pairs.collectAsMap()` */
  collectAsMap<K, V>(this: Dataset<[K, V]>): Promise<Map<K, V>> { return actions.collectAsMap(this); }

  /** All values of `key`; reads only the key's partition when the Dataset is hash-partitioned (partitionBy, reduceByKey …). @example `await pairs.lookup("a")` */
  lookup<K, V>(this: Dataset<[K, V]>, key: K): Promise<V[]> { return pairs.lookup(this, key); }

  /** Whether the Dataset has no element (scans as few partitions as take(1)). @example `await ds.isEmpty()` */
  async isEmpty(): Promise<boolean> { return (await this.take(1)).length === 0; }

  /** The `n` largest elements (by `key(x)` if given), largest first; a bounded heap per partition, no full sort. @example `await scores.top(3)` */
  top(n: number, key?: UserFn<(x: T) => unknown>, options?: FnOptions): Promise<T[]> { return stats.takeOrdered(this, n, key, options, true); }

  /** The `n` smallest elements (by `key(x)` if given), smallest first. @example `await ds.takeOrdered(3, (p) => p.age)` */
  takeOrdered(n: number, key?: UserFn<(x: T) => unknown>, options?: FnOptions): Promise<T[]> { return stats.takeOrdered(this, n, key, options, false); }

  /** The largest element (by `key(x)` if given); fails on an empty Dataset. @example `await ds.max()` */
  max(key?: UserFn<(x: T) => unknown>, options?: FnOptions): Promise<T> { return stats.extreme(this, true, key, options); }

  /** The smallest element (by `key(x)` if given); fails on an empty Dataset. @example `await ds.min((p) => p.age)` */
  min(key?: UserFn<(x: T) => unknown>, options?: FnOptions): Promise<T> { return stats.extreme(this, false, key, options); }

  /** `num` elements drawn at random (with or without replacement), deterministic for a seed and partitioning (not per worker). @example `await ds.takeSample(false, 10, 42)` */
  takeSample(withReplacement: boolean, num: number, seed = Math.floor(Math.random() * 2 ** 31)): Promise<T[]> { return stats.takeSample(this, withReplacement, num, seed); }

  // ---- numeric actions (Dataset<number>) ----

  /** Sum of the numbers (0 when empty). @example `await nums.sum()` */
  sum(this: Dataset<number>): Promise<number> { return stats.sum(this); }

  /** Mean of the numbers (0 when empty, as Spark's StatCounter). @example `await nums.mean()` */
  async mean(this: Dataset<number>): Promise<number> { return (await this.stats()).mean; }

  /** count, mean, sum, min, max, variance, sampleVariance, stdev, sampleStdev in one job (Spark's StatCounter). @example `(await nums.stats()).stdev` */
  stats(this: Dataset<number>): Promise<StatCounter> { return stats.stats(this); }

  /**
   * `[edges, counts]`: `histogram(4)` cuts [min, max] into 4 even buckets (an extra job; fails when empty or on
   * ±Infinity), `histogram([0, 10, 50])` uses sorted, distinct edges. Buckets are [lo, hi), the last [lo, hi].
   * @example `await nums.histogram([0, 10, 20, 50]) // [[0, 10, 20, 50], [4, 2, 1]]`
   */
  histogram(this: Dataset<number>, buckets: number | readonly number[]): Promise<[number[], number[]]> { return stats.histogram(this, buckets); }

  /** Run `fn` on every element in the workers (side effects: use accumulators to bring values back). @example `await ds.foreach((x) => acc.add(x), { capture: { acc } })` */
  async foreach(fn: UserFn<(x: T) => void>, options?: FnOptions): Promise<void> {
    const f = this.ship(fn, options, "foreach()");
    await this.runJob("foreach", () => ({ sink: { kind: "foreach", fn: f.spec.id }, fns: [f] }));
  }

  /** Run `fn` on every partition's iterator in the workers. @example `await ds.foreachPartition((it) => { for (const x of it) send(x); })` */
  async foreachPartition(fn: UserFn<(it: Iterable<T>) => void>, options?: FnOptions): Promise<void> {
    const f = this.ship(fn, options, "foreachPartition()");
    await this.runJob("foreachPartition", () => ({ sink: { kind: "foreachPartition", fn: f.spec.id }, fns: [f] }));
  }

  /** Write one text file per partition (strings as is, other values as JSON), published atomically. @example `await ds.saveAsTextFile("out/words")` */
  saveAsTextFile(path: string): Promise<void> {
    return actions.saveAsTextFile(this, path);
  }

  /** A Node Readable (object mode) of the elements; partitions are computed one at a time as the consumer reads. @example `ds.toStream().pipe(sink)` */
  toStream(): Readable {
    return streams.toStream(this);
  }

  /** A DataFrame of the elements (objects by field name, arrays by position), through JSON-lines files the workers write. @example `await ds.toDF(t.struct({ id: t.int64(), name: t.string() }))` */
  toDF(schema?: StructType | string): Promise<DataFrame<Row>> {
    return streams.datasetToDF(this, typeof schema === "string" ? parseSchemaDDL(schema) : schema);
  }

  /** Iterate the elements on the driver, one partition at a time (Spark's toLocalIterator). @example `for await (const x of ds.toLocalIterator()) …` */
  toLocalIterator(): AsyncGenerator<T> {
    return actions.toLocalIterator(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.toLocalIterator();
  }
}

/** Validate a partition count. @example `checkPartitions(4, "repartition()")` */
export function checkPartitions(n: number, where: string): void {
  if (!Number.isInteger(n) || n < 1) throw new WeirError("WEIR_INVALID_ARGUMENT", `${where}: numPartitions must be a positive integer, got ${n}`, { hint: "e.g. 4" });
}
