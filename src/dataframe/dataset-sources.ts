/**
 * Where Datasets come from: local arrays (parallelize), text files split by byte range (textFile), and the
 * MapReduce model on top of them (mapReduce).
 */
import { WeirError } from "../errors/index.js";
import { LineageNode, ShuffleDependency, shipFunction, type FnOptions, type MapSide, type ShippedFunction, type TextSplit } from "../engine/index.js";
import { listInputFiles } from "../io/index.js";
import { Dataset, type UserFn } from "./dataset.js";
import type { DatasetContext } from "./dataset-context.js";

/** Hadoop's local block size: the largest split of a big file. */
const MAX_SPLIT = 32 * 1024 * 1024;

/** parallelize(): contiguous slices, like Spark. @example `parallelize(ctx, [1, 2, 3], 2)` */
export function parallelize<T>(ctx: DatasetContext, data: Iterable<T>, numSlices?: number): Dataset<T> {
  const items = [...data];
  const n = numSlices ?? ctx.defaultParallelism;
  if (!Number.isInteger(n) || n < 1) throw new WeirError("WEIR_INVALID_ARGUMENT", `parallelize(): numSlices must be a positive integer, got ${n}`, { hint: "e.g. parallelize(data, 4)" });
  const slices = Array.from({ length: n }, (_, i) => items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n)));
  return new Dataset<T>(ctx, new LineageNode("parallelize", n, { type: "parallelize", slices }));
}

/** Options of textFile. @example `{ minPartitions: 8 }` */
export interface TextFileOptions {
  /** Lower bound on the number of splits (default min(defaultParallelism, 2), as Spark). */
  readonly minPartitions?: number;
}

/** Byte-range splits of files: goal size total/minPartitions, at most 32 MB (Hadoop's FileInputFormat rule). */
function splitFiles(files: readonly { path: string; size: number }[], minPartitions: number): TextSplit[] {
  const total = files.reduce((s, f) => s + f.size, 0);
  const goal = Math.max(1, Math.ceil(total / Math.max(1, minPartitions)));
  const size = Math.min(goal, MAX_SPLIT);
  const splits: TextSplit[] = [];
  for (const f of files) {
    if (f.size === 0) continue;
    for (let start = 0; start < f.size; start += size) {
      const end = Math.min(f.size, start + size);
      // Hadoop's SPLIT_SLOP: a last piece under 10% of a split joins the previous one.
      if (f.size - end > 0 && f.size - end < size * 0.1) { splits.push({ path: f.path, start, end: f.size }); break; }
      splits.push({ path: f.path, start, end });
    }
  }
  return splits;
}

async function textSource(ctx: DatasetContext, paths: string | readonly string[], minPartitions: number | undefined, withOffsets: boolean, name: string): Promise<LineageNode> {
  const listing = await listInputFiles(paths);
  const min = minPartitions ?? Math.min(ctx.defaultParallelism, 2);
  const splits = splitFiles(listing.files, min);
  const label = typeof paths === "string" ? paths : paths.join(",");
  return new LineageNode(`${name} ${label}`, Math.max(1, splits.length), { type: "textFile", splits, withOffsets, label });
}

/** textFile(): lines of files, directories or globs. @example `await textFile(ctx, "logs/*.txt")` */
export async function textFile(ctx: DatasetContext, paths: string | readonly string[], options: TextFileOptions = {}): Promise<Dataset<string>> {
  return new Dataset<string>(ctx, await textSource(ctx, paths, options.minPartitions, false, "textFile"));
}

/** The emit callback of map, combine and reduce functions. @example `emit(word, 1)` */
export type Emit<K, V> = (key: K, value: V) => void;

/**
 * A MapReduce job (Dean & Ghemawat; Hadoop's model). `input` is text (file paths → key: byte offset, value:
 * line), an array of [key, value] pairs or a pair Dataset. `combine` runs on map outputs per map task (any number
 * of times), `reduce` once per key with all its values; both emit [key, value] pairs. `combineOp` instead of
 * `combine` declares the combiner an associative, commutative binary function (Hadoop/Spark's reduceByKey
 * contract): map outputs are then folded into the map-side hash table on emit, which is as fast as reduceByKey,
 * and `reduce` receives the folded partial values of each key (ADR 002, "Combiners").
 * @example
 * ```ts
 * const counts = await spark.mapReduce({
 *   input: "books/*.txt",
 *   map: (_offset, line, emit) => { for (const w of line.split(/\s+/)) if (w) emit(w, 1); },
 *   combine: (w, ones, emit) => emit(w, ones.reduce((a, b) => a + b, 0)),
 *   reduce: (w, ones, emit) => emit(w, ones.reduce((a, b) => a + b, 0)),
 *   numReducers: 4,
 * });
 * ```
 */
export interface MapReduceSpec<K1, V1, K2, V2, K3, V3> {
  readonly input: string | readonly string[] | Dataset<[K1, V1]> | readonly (readonly [K1, V1])[];
  readonly map: UserFn<(key: K1, value: V1, emit: Emit<K2, V2>) => void>;
  readonly combine?: UserFn<(key: K2, values: V2[], emit: Emit<K2, V2>) => void>;
  /**
   * The combiner as an associative, commutative fold of two values, e.g. `(a, b) => a + b` (exclusive with
   * `combine`). Values of a key are folded as they are emitted, any number of times, in any grouping.
   */
  readonly combineOp?: UserFn<(a: V2, b: V2) => V2>;
  readonly reduce: UserFn<(key: K2, values: V2[], emit: Emit<K3, V3>) => void>;
  /** Reduce tasks (default: the number of map tasks). */
  readonly numReducers?: number;
  /** Values map, combine and reduce read by name (see ADR 002). */
  readonly capture?: FnOptions["capture"];
}

/** Run the MapReduce model on Datasets: mrMap → shuffle (with combiner) → group → mrReduce. @example `await mapReduce(ctx, spec)` */
export async function mapReduce<K1, V1, K2, V2, K3, V3>(ctx: DatasetContext, spec: MapReduceSpec<K1, V1, K2, V2, K3, V3>): Promise<Dataset<[K3, V3]>> {
  let input: Dataset<[K1, V1]>;
  if (spec.input instanceof Dataset) input = spec.input;
  else if (typeof spec.input === "string" || (Array.isArray(spec.input) && spec.input.every((x) => typeof x === "string"))) {
    input = new Dataset(ctx, await textSource(ctx, spec.input as string | string[], undefined, true, "mapReduce input"));
  } else input = parallelize(ctx, spec.input as readonly [K1, V1][]) as Dataset<[K1, V1]>;
  const options: FnOptions = spec.capture ? { capture: spec.capture } : {};
  const map = input.ship(spec.map, options, "mapReduce() map");
  const reduce = input.ship(spec.reduce, options, "mapReduce() reduce");
  if (spec.combine !== undefined && spec.combineOp !== undefined) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", "mapReduce(): combine and combineOp are both given: a job has one combiner",
      { hint: "keep combineOp for a fold such as (a, b) => a + b (faster), or combine for any other combiner" });
  }
  const n = spec.numReducers ?? input.getNumPartitions();
  if (!Number.isInteger(n) || n < 1) throw new WeirError("WEIR_INVALID_ARGUMENT", `mapReduce(): numReducers must be a positive integer, got ${n}`, { hint: "e.g. numReducers: 4" });
  let mapSide: MapSide = { kind: "none" };
  let fns: ShippedFunction[] = [];
  if (spec.combineOp !== undefined) { // a fold: the same map-side table as reduceByKey (identity, op)
    const op = input.ship(spec.combineOp, options, "mapReduce() combineOp");
    const identity = shipFunction((v: unknown) => v, {}, "mapReduce() combineOp");
    mapSide = { kind: "combine", create: identity.spec.id, merge: op.spec.id };
    fns = [identity, op];
  } else if (spec.combine !== undefined) {
    const combine = input.ship(spec.combine, options, "mapReduce() combine");
    mapSide = { kind: "mrCombine", fn: combine.spec.id };
    fns = [combine];
  }
  const mapped = input.narrow<[K2, V2]>("map", { op: "mrMap", fn: map.spec.id }, [map]);
  const dep = new ShuffleDependency(mapped.node, { kind: "hash", n }, mapSide, fns);
  const grouped = mapped.derive<[K2, V2[]]>(new LineageNode("shuffle", n, { type: "shuffled", deps: [dep], reduce: { mode: "group" } }));
  return grouped.narrow<[K3, V3]>("reduce", { op: "mrReduce", fn: reduce.spec.id }, [reduce]);
}
