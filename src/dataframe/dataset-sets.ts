/**
 * Transformations of {@link Dataset} that combine two Datasets or split one: set operations built on cogroup
 * (subtract, subtractByKey, intersection — as Spark builds them), zip and cartesian (a "paired" lineage node
 * reading one partition of each parent), zipWithUniqueId, glom and randomSplit.
 */
import { WeirError } from "../errors/index.js";
import { fnRef, LineageNode, shipFunction } from "../engine/index.js";
import type { Dataset } from "./dataset.js";
import { KERNELS } from "./dataset-kernels.js";
import { cogroup } from "./dataset-pairs.js";

/** subtractByKey: cogroup, keep keys `other` lacks, flatten their values. @example `subtractByKey(a, b)` */
export function subtractByKey<K, V, W>(ds: Dataset<[K, V]>, other: Dataset<[K, W]>, numPartitions?: number): Dataset<[K, V]> {
  return cogroup(ds, other, numPartitions ?? ds.getNumPartitions())
    .filter(([, [, ws]]: [K, [V[], W[]]]) => ws.length === 0)
    .flatMapValues(([vs]: [V[], W[]]) => vs);
}

/** subtract: elements as keys of subtractByKey (duplicates in `ds` kept). @example `subtract(a, b)` */
export function subtract<T>(ds: Dataset<T>, other: Dataset<T>, numPartitions?: number): Dataset<T> {
  const asKeys = (d: Dataset<T>): Dataset<[T, null]> => d.map((x: T): [T, null] => [x, null]);
  return subtractByKey(asKeys(ds), asKeys(other), numPartitions ?? ds.getNumPartitions()).keys();
}

/** intersection: keys present on both sides of a cogroup (distinct). @example `intersection(a, b)` */
export function intersection<T>(ds: Dataset<T>, other: Dataset<T>, numPartitions?: number): Dataset<T> {
  const asKeys = (d: Dataset<T>): Dataset<[T, null]> => d.map((x: T): [T, null] => [x, null]);
  return cogroup(asKeys(ds), asKeys(other), numPartitions)
    .filter(([, [vs, ws]]: [T, [null[], null[]]]) => vs.length > 0 && ws.length > 0)
    .keys();
}

/** zip: partition p of both parents element by element; counts are checked in the tasks. @example `zip(a, b)` */
export function zip<T, U>(ds: Dataset<T>, other: Dataset<U>): Dataset<[T, U]> {
  const [a, b] = [ds.getNumPartitions(), other.getNumPartitions()];
  if (a !== b) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `zip(): Dataset[${ds.id}] has ${a} partitions and Dataset[${other.id}] has ${b}; zip needs the same number of partitions`, {
      hint: "zip Datasets derived from one parent by map(); otherwise number both with zipWithIndex() and join on the index",
    });
  }
  return ds.derive(new LineageNode("zip", a, { type: "paired", mode: "zip", left: ds.node, right: other.node }));
}

/** cartesian: one partition per (left, right) pair of partitions. @example `cartesian(a, b)` */
export function cartesian<T, U>(ds: Dataset<T>, other: Dataset<U>): Dataset<[T, U]> {
  const n = ds.getNumPartitions() * other.getNumPartitions();
  return ds.derive(new LineageNode("cartesian", n, { type: "paired", mode: "cartesian", left: ds.node, right: other.node }));
}

/** zipWithUniqueId: element j of partition i gets j × numPartitions + i (no job). @example `zipWithUniqueId(ds)` */
export function zipWithUniqueId<T>(ds: Dataset<T>): Dataset<[T, number]> {
  const n = ds.getNumPartitions();
  const f = shipFunction(function* (i: number, it: Iterable<unknown>) {
    let j = 0;
    for (const x of it) yield [x, j++ * n + i];
  }, { capture: { n } }, "zipWithUniqueId()");
  return ds.narrow("zipWithUniqueId", { op: "mapPartitions", fn: f.spec.id, withIndex: true }, [f]);
}

/** glom: one array per partition (empty partitions give []). @example `glom(ds)` */
export function glom<T>(ds: Dataset<T>): Dataset<T[]> {
  const f = shipFunction((it: Iterable<unknown>) => [Array.from(it)], {}, "glom()");
  return ds.narrow("glom", { op: "mapPartitions", fn: f.spec.id, withIndex: false }, [f]);
}

/**
 * randomSplit: one Dataset per weight (normalized); each keeps the elements whose per-partition seeded draw falls
 * in its slice of [0, 1), so the splits are disjoint and cover the input (which must compute the same way each time).
 * @example `randomSplit(ds, [0.8, 0.2], 42)`
 */
export function randomSplit<T>(ds: Dataset<T>, weights: readonly number[], seed: number): Dataset<T>[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0 || !weights.every((w) => Number.isFinite(w) && w >= 0) || !(total > 0)) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `randomSplit(): weights must be finite, non-negative and sum to more than 0, got [${weights.join(", ")}]`, { hint: "e.g. randomSplit([0.8, 0.2])" });
  }
  if (!Number.isInteger(seed)) throw new WeirError("WEIR_INVALID_ARGUMENT", `randomSplit(): seed must be an integer, got ${seed}`, { hint: "e.g. randomSplit([0.8, 0.2], 42)" });
  let acc = 0;
  return weights.map((w, i) => {
    const lb = acc / total;
    acc += w;
    const ub = i === weights.length - 1 ? 1 : acc / total;
    const f = shipFunction((index: number, it: Iterable<unknown>) => split(index, it, lb, ub, seed),
      { capture: { split: fnRef(KERNELS, "splitOfPartition"), lb, ub, seed } }, "randomSplit()");
    return ds.narrow<T>("randomSplit", { op: "mapPartitions", fn: f.spec.id, withIndex: true }, [f]);
  });
}
// The wrapper above runs in workers, where `split` is the captured kernel; this declaration types it.
declare function split(index: number, it: Iterable<unknown>, lb: number, ub: number, seed: number): Iterable<unknown>;
