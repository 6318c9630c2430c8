/**
 * The wide (shuffle) transformations of {@link Dataset}: each builds a ShuffleDependency (partitioner + map-side
 * work) and a shuffled lineage node (reduce-side mode), the way Spark's PairRDDFunctions build ShuffledRDDs.
 */
import { compareKeys, decodeAll, fnRef, LineageNode, partitionOf, ShuffleDependency, shipFunction, type FnOptions, type NarrowOp } from "../engine/index.js";
import { checkPartitions, type Dataset, type UserFn } from "./dataset.js";
import { KERNELS } from "./dataset-kernels.js";

function partitions(ds: Dataset<unknown>, n: number | undefined, where: string): number {
  const v = n ?? ds.node.numPartitions;
  checkPartitions(v, where);
  return v;
}

/** Hash shuffle with map-side combining. @example `combineByKey(ds, (v) => v, (a, b) => a + b, (a, b) => a + b)` */
export function combineByKey<K, V, C>(ds: Dataset<[K, V]>, create: UserFn<(v: V) => C>, mergeValue: UserFn<(c: C, v: V) => C>,
  mergeCombiners: UserFn<(a: C, b: C) => C>, numPartitions: number | undefined, options: FnOptions | undefined, name = "combineByKey"): Dataset<[K, C]> {
  const n = partitions(ds as Dataset<unknown>, numPartitions, `${name}()`);
  const c = ds.ship(create, options, `${name}() createCombiner`);
  const mv = ds.ship(mergeValue, options, `${name}() mergeValue`);
  const mc = ds.ship(mergeCombiners, options, `${name}() mergeCombiners`);
  const dep = new ShuffleDependency(ds.node, { kind: "hash", n }, { kind: "combine", create: c.spec.id, merge: mv.spec.id }, [c, mv]);
  return ds.derive(new LineageNode(name, n, { type: "shuffled", deps: [dep], reduce: { mode: "combine", merge: mc.spec.id } }, [mc]));
}

/** reduceByKey as combineByKey(identity, fn, fn). @example `reduceByKey(ds, (a, b) => a + b)` */
export function reduceByKey<K, V>(ds: Dataset<[K, V]>, fn: UserFn<(a: V, b: V) => V>, numPartitions?: number, options?: FnOptions): Dataset<[K, V]> {
  const f = ds.ship(fn, options, "reduceByKey()");
  const identity = shipFunction((v: unknown) => v, {}, "reduceByKey()");
  return combineByKey(ds, identity as never, f as never, f as never, numPartitions, undefined, "reduceByKey");
}

/** aggregateByKey/foldByKey: the zero value is copied (structuredClone) for every key. @example `aggregateByKey(ds, 0, (a, v) => a + v, (a, b) => a + b)` */
export function aggregateByKey<K, V, U>(ds: Dataset<[K, V]>, zeroValue: U, seqOp: UserFn<(acc: U, v: V) => U>, combOp: UserFn<(a: U, b: U) => U>,
  numPartitions?: number, options?: FnOptions): Dataset<[K, U]> {
  const seqFn = ds.ship(seqOp, options, "aggregateByKey() seqOp");
  const combFn = ds.ship(combOp, options, "aggregateByKey() combOp");
  const create = shipFunction((v: unknown) => seq(structuredClone(zero), v), { capture: { seq: seqFn, zero: zeroValue } }, "aggregateByKey() zeroValue");
  return combineByKey(ds, create as never, seqFn as never, combFn as never, numPartitions, undefined, "aggregateByKey");
}
// The wrapper above runs only in workers, where `seq` and `zero` are its captured values; these declarations type it.
declare function seq(acc: unknown, v: unknown): unknown;
declare const zero: unknown;

/** groupByKey: hash shuffle, grouping (with spill) on the reduce side. @example `groupByKey(ds)` */
export function groupByKey<K, V>(ds: Dataset<[K, V]>, numPartitions?: number): Dataset<[K, V[]]> {
  const n = partitions(ds as Dataset<unknown>, numPartitions, "groupByKey()");
  const dep = new ShuffleDependency(ds.node, { kind: "hash", n }, { kind: "none" }, []);
  return ds.derive(new LineageNode("groupByKey", n, { type: "shuffled", deps: [dep], reduce: { mode: "group" } }));
}

/** cogroup of two pair Datasets. @example `cogroup(a, b)` */
export function cogroup<K, V, W>(ds: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, [V[], W[]]]> {
  const n = numPartitions ?? Math.max(ds.node.numPartitions, other.node.numPartitions);
  partitions(ds as Dataset<unknown>, n, "cogroup()");
  const deps = [ds.node, other.node].map((p) => new ShuffleDependency(p, { kind: "hash", n }, { kind: "none" }, []));
  return ds.derive(new LineageNode("cogroup", n, { type: "shuffled", deps, reduce: { mode: "cogroup", inputs: 2 } }));
}

/** Joins as cogroup + a flattening narrow step (Spark's join implementation). @example `joinBy(a, b, "left")` */
export function joinBy<K, V, W, R>(ds: Dataset<[K, V]>, other: Dataset<[K, W]>, how: "inner" | "left" | "right" | "full", numPartitions?: number): Dataset<R> {
  const names = { inner: "join", left: "leftOuterJoin", right: "rightOuterJoin", full: "fullOuterJoin" } as const;
  return cogroup(ds, other, numPartitions).narrow(names[how], { op: "join", how });
}

/** partitionBy: hash shuffle, records unchanged. @example `partitionBy(ds, 4)` */
export function partitionBy<K, V>(ds: Dataset<[K, V]>, numPartitions: number): Dataset<[K, V]> {
  const n = partitions(ds as Dataset<unknown>, numPartitions, "partitionBy()");
  const dep = new ShuffleDependency(ds.node, { kind: "hash", n }, { kind: "none" }, []);
  return ds.derive(new LineageNode("partitionBy", n, { type: "shuffled", deps: [dep], reduce: { mode: "plain" } }));
}

/** repartition: round-robin shuffle. @example `repartition(ds, 8)` */
export function repartition<T>(ds: Dataset<T>, numPartitions: number): Dataset<T> {
  const n = partitions(ds as Dataset<unknown>, numPartitions, "repartition()");
  const dep = new ShuffleDependency(ds.node, { kind: "roundRobin", n }, { kind: "none" }, []);
  return ds.derive(new LineageNode("repartition", n, { type: "shuffled", deps: [dep], reduce: { mode: "plain" } }));
}

/** distinct via reduceByKey on [x, null]. @example `distinct(ds)` */
export function distinct<T>(ds: Dataset<T>, numPartitions?: number): Dataset<T> {
  const keyed = ds.map((x) => [x, null] as [T, null]);
  return reduceByKey(keyed, (a) => a, numPartitions).keys();
}

/** sortByKey: the range partitioner's bounds come from a sampling job run before the shuffle. @example `sortByKey(ds, true)` */
export function sortByKey<K, V>(ds: Dataset<[K, V]>, ascending: boolean, numPartitions?: number): Dataset<[K, V]> {
  const n = partitions(ds as Dataset<unknown>, numPartitions, "sortByKey()");
  const dep = new ShuffleDependency(ds.node, { kind: "range", n, bounds: [], ascending }, { kind: "none" }, []);
  const node = new LineageNode("sortByKey", n, { type: "shuffled", deps: [dep], reduce: { mode: "sort", ascending } });
  if (n > 1) {
    node.prepare = async () => {
      const perPartition = Math.ceil((20 * n) / Math.max(1, ds.node.numPartitions)) + 1;
      const samples = (await ds.runJob("sortByKey sample", () => ({ sink: { kind: "sampleKeys", perPartition, seed: 17 } }))) as { keys: unknown[]; count: number }[];
      // Weight each sampled key by how many records it stands for, then cut into n ranges of equal weight.
      const weighted = samples.flatMap((s) => s.keys.map((k) => [k, s.count / Math.max(1, s.keys.length)] as const));
      const cmp = ascending ? compareKeys : (a: unknown, b: unknown) => compareKeys(b, a);
      weighted.sort((a, b) => cmp(a[0], b[0]));
      const total = weighted.reduce((s, w) => s + w[1], 0);
      const bounds: unknown[] = [];
      let acc = 0;
      for (const [k, w] of weighted) {
        acc += w;
        if (bounds.length < n - 1 && acc >= (total * (bounds.length + 1)) / n && (bounds.length === 0 || cmp(bounds[bounds.length - 1], k) < 0)) bounds.push(k);
      }
      dep.partitioner = { kind: "range", n, bounds, ascending };
    };
  }
  return ds.derive(node);
}

/** zipWithIndex: a count job gives each partition's first index. @example `zipWithIndex(ds)` */
export function zipWithIndex<T>(ds: Dataset<T>): Dataset<[T, number]> {
  const starts: number[] = [0];
  const out = ds.narrow<[T, number]>("zipWithIndex", (p): readonly NarrowOp[] => [{ op: "zipWithIndex", start: starts[p] ?? 0 }]);
  if (ds.node.numPartitions > 1) {
    out.node.prepare = async () => {
      const counts = (await ds.runJob("zipWithIndex count", () => ({ sink: { kind: "count" } }))) as number[];
      let acc = 0;
      counts.forEach((c, i) => { starts[i] = acc; acc += c; });
    };
  }
  return out;
}

/** Narrow operations that keep every record's key, so the records stay in the partition their key hashes to. */
const KEEPS_KEYS = new Set<NarrowOp["op"]>(["filter", "mapValues", "flatMapValues", "sample", "join"]);

/**
 * The partition count of the hash partitioning a node's records are known to follow (Spark's `rdd.partitioner`):
 * a hash shuffle that keeps keys (partitionBy, reduceByKey, groupByKey, cogroup …), then only key-keeping steps.
 * @example `knownHashPartitions(ds.partitionBy(4).node) // 4`
 */
export function knownHashPartitions(node: LineageNode): number | undefined {
  const s = node.source;
  if (s.type === "narrow") return typeof s.ops !== "function" && s.ops.every((o) => KEEPS_KEYS.has(o.op)) ? knownHashPartitions(s.parent) : undefined;
  if (s.type !== "shuffled" || s.reduce.mode === "sort") return undefined;
  const hashed = s.deps.every((d) => d.partitioner.kind === "hash" && d.partitioner.n === node.numPartitions && d.mapSide.kind !== "mrCombine");
  return hashed ? node.numPartitions : undefined;
}

/** lookup: the values of one key; only the key's partition is read when the partitioning is known. @example `await lookup(ds, "a")` */
export async function lookup<K, V>(ds: Dataset<[K, V]>, key: K): Promise<V[]> {
  const match = shipFunction((kv: [unknown, unknown]) => same(kv[0], wanted), { capture: { same: fnRef(KERNELS, "keysEqual"), wanted: key } }, "lookup()");
  const values = ds.filter(match as never).values();
  const n = knownHashPartitions(ds.node);
  const parts = await values.runJob("lookup", () => ({ sink: { kind: "collect" } }), n === undefined ? undefined : [partitionOf(key, n)]);
  ds.lastJob = values.lastJob;
  return parts.flatMap((b) => decodeAll(b as Uint8Array)) as V[];
}
// lookup's predicate runs in workers, where `same` is the captured kernel and `wanted` the key.
declare function same(a: unknown, b: unknown): boolean;
declare const wanted: unknown;
