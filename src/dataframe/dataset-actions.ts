/**
 * Actions of {@link Dataset} that need more than one sink: incremental take(), reductions finished on the
 * driver, countByValue, atomic saveAsTextFile, partition-at-a-time iteration and checkpoint().
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { WeirError } from "../errors/index.js";
import { decodeAll, FnRef, KeyMap, shipFunction, type FnOptions, type ShippedFunction } from "../engine/index.js";
import { beginOutput } from "../io/index.js";
import type { Dataset, UserFn } from "./dataset.js";

/** The user's function on the driver (importing a fnRef's module), for merging partition results. */
async function onDriver<F>(f: ShippedFunction): Promise<F> {
  const o = f.original;
  if (o instanceof FnRef) return (await import(o.moduleUrl) as Record<string, F>)[o.exportName]!;
  return o as F;
}

/** take(n): scan 1 partition, then up to 4× as many per round, like Spark. @example `await take(ds, 5)` */
export async function take<T>(ds: Dataset<T>, n: number): Promise<T[]> {
  if (!Number.isInteger(n) || n < 0) throw new WeirError("WEIR_INVALID_ARGUMENT", `take(): n must be a non-negative integer, got ${n}`, { hint: "e.g. take(10)" });
  const out: T[] = [];
  let next = 0;
  let batch = 1;
  const total = ds.getNumPartitions();
  while (out.length < n && next < total) {
    const parts = Array.from({ length: Math.min(batch, total - next) }, (_, i) => next + i);
    const left = n - out.length;
    const values = await ds.runJob("take", () => ({ sink: { kind: "take", n: left } }), parts);
    for (const v of values) for (const x of decodeAll(v as Uint8Array)) if (out.length < n) out.push(x as T);
    next += parts.length;
    batch *= 4;
  }
  return out;
}

/** reduce(): a partial per partition in the workers, merged on the driver. @example `await reduce(ds, (a, b) => a + b)` */
export async function reduce<T>(ds: Dataset<T>, fn: UserFn<(a: T, b: T) => T>, options?: FnOptions): Promise<T> {
  const f = ds.ship(fn, options, "reduce()");
  const partial = shipFunction(function* (it: Iterable<unknown>) {
    let has = false;
    let acc: unknown;
    for (const x of it) { acc = has ? g(acc, x) : x; has = true; }
    if (has) yield acc;
  }, { capture: { g: f } }, "reduce()");
  const partials = ds.mapPartitions(partial as never);
  const parts = await partials.collect();
  ds.lastJob = partials.lastJob;
  if (parts.length === 0) throw new WeirError("WEIR_UNSUPPORTED_OPERATION", "reduce(): the Dataset is empty", { hint: "use fold(zeroValue, fn) for possibly empty Datasets" });
  const merge = await onDriver<(a: T, b: T) => T>(f);
  return (parts as T[]).reduce((a, b) => merge(a, b));
}
// `g` is the captured user function inside the worker-side wrapper above.
declare function g(a: unknown, b: unknown): unknown;

/** fold(): zero per partition, then partition results folded from zero on the driver (Spark semantics). @example `await fold(ds, 0, (a, b) => a + b)` */
export async function fold<T>(ds: Dataset<T>, zeroValue: T, fn: UserFn<(a: T, b: T) => T>, options?: FnOptions): Promise<T> {
  const f = ds.ship(fn, options, "fold()");
  const parts = await ds.runJob("fold", () => ({ sink: { kind: "fold", fn: f.spec.id, zero: zeroValue }, fns: [f] }));
  const merge = await onDriver<(a: T, b: T) => T>(f);
  return (parts as T[]).reduce((a, b) => merge(a, b), structuredClone(zeroValue));
}

/** aggregate(): seqOp in the workers, combOp on the driver. @example `await aggregate(ds, 0, (a, x) => a + x, (a, b) => a + b)` */
export async function aggregate<T, U>(ds: Dataset<T>, zeroValue: U, seqOp: UserFn<(acc: U, x: T) => U>, combOp: UserFn<(a: U, b: U) => U>, options?: FnOptions): Promise<U> {
  const seq = ds.ship(seqOp, options, "aggregate() seqOp");
  const comb = ds.ship(combOp, options, "aggregate() combOp");
  const parts = await ds.runJob("aggregate", () => ({ sink: { kind: "aggregate", seqOp: seq.spec.id, zero: zeroValue }, fns: [seq] }));
  const merge = await onDriver<(a: U, b: U) => U>(comb);
  return (parts as U[]).reduce((a, b) => merge(a, b), structuredClone(zeroValue));
}

/** countByValue(): per-partition counts merged on the driver. @example `await countByValue(ds)` */
export async function countByValue<T>(ds: Dataset<T>): Promise<Map<T, number>> {
  const parts = (await ds.runJob("countByValue", () => ({ sink: { kind: "countByValue" } }))) as [unknown, number][][];
  const merged = new KeyMap<number>();
  for (const part of parts) for (const [k, c] of part) merged.set(k, (merged.get(k) ?? 0) + c);
  return new Map([...merged.entries()] as [T, number][]);
}

/** collectAsMap(): pairs collected into a Map, the last value of a key winning (keys compared structurally). @example `await collectAsMap(ds)` */
export async function collectAsMap<K, V>(ds: Dataset<[K, V]>): Promise<Map<K, V>> {
  const merged = new KeyMap<V>();
  for (const [k, v] of await ds.collect()) merged.set(k, v);
  return new Map([...merged.entries()] as [K, V][]);
}

/** saveAsTextFile(): part files written into the atomic output's staging dir, then committed. @example `await saveAsTextFile(ds, "out")` */
export async function saveAsTextFile<T>(ds: Dataset<T>, dest: string): Promise<void> {
  const out = await beginOutput(dest, "error");
  try {
    await ds.runJob("saveAsTextFile", (p) => ({ sink: { kind: "textFile", path: path.join(out.stagingDir, `part-${String(p).padStart(5, "0")}`) } }));
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

/** Partition-at-a-time iteration on the driver. @example `for await (const x of toLocalIterator(ds)) …` */
export async function* toLocalIterator<T>(ds: Dataset<T>): AsyncGenerator<T> {
  for (let p = 0; p < ds.getNumPartitions(); p++) {
    const [bytes] = await ds.runJob("toLocalIterator", () => ({ sink: { kind: "collect" } }), [p]);
    yield* decodeAll(bytes as Uint8Array) as T[];
  }
}

/** checkpoint(): write every partition to files, then replace the lineage by them. @example `await checkpoint(ds)` */
export async function checkpoint<T>(ds: Dataset<T>): Promise<void> {
  const dir = path.join(ds.context.engine.options.tempDir, "checkpoints", `rdd${ds.id}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: ds.getNumPartitions() }, (_, p) => path.join(dir, `part-${String(p).padStart(5, "0")}`));
  await ds.runJob("checkpoint", (p) => ({ sink: { kind: "blockFile", path: files[p]! } }));
  ds.node.checkpointFiles = files;
}
