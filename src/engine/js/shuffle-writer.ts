/**
 * Map side of a shuffle: routes each record to a reducer (hash, range or round-robin) and appends it to that
 * reducer's file `<dir>/part-<r>` in the binary encoding. With map-side combining (reduceByKey, aggregateByKey,
 * combineByKey, mapReduce's combiner) records are first folded per key in memory (map-side-combiner.ts); when the
 * table outgrows the task's budget its partial results are written out and it starts afresh — reducers merge
 * partials anyway.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { compareKeys, partitionOf } from "./keys.js";
import { batchCombinerFor, foldCombinerFor, type BatchCombiner, type FoldCombiner } from "./map-side-combiner.js";
import { RecordFileWriter } from "./record-files.js";
import type { MapSide, Partitioner, TaskMetrics } from "./task-plan.js";

type Fn = (...args: never[]) => unknown;

/** The reducer of a record's key (round-robin ignores it). */
function routeOf(p: Partitioner, seed: number): (key: unknown) => number {
  switch (p.kind) {
    case "hash": {
      const n = p.n;
      return (k) => partitionOf(k, n);
    }
    case "roundRobin": {
      let next = seed % p.n;
      const n = p.n;
      return () => { next = next + 1 === n ? 0 : next + 1; return next; };
    }
    case "range": {
      const bounds = p.bounds;
      const cmp = p.ascending ? compareKeys : (a: unknown, b: unknown) => compareKeys(b, a);
      return (k) => {
        let lo = 0;
        let hi = bounds.length;
        while (lo < hi) { // first bound >= k
          const mid = (lo + hi) >> 1;
          if (cmp(bounds[mid], k) < 0) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
    }
    default: {
      const never: never = p;
      throw new Error(`unknown partitioner ${String(never)}`);
    }
  }
}

/**
 * Writes one map task's output for every reducer.
 * @example `const w = new ShuffleWriter(dir, { kind: "hash", n: 2 }, { kind: "none" }, fns, budget, metrics, 0); w.push(["a", 1]); w.close()`
 */
export class ShuffleWriter {
  private readonly writers: (RecordFileWriter | undefined)[];
  private readonly route: (key: unknown) => number;
  /** The map-side combiner, when there is one (a compiled pipeline inserts [key, value] into it directly). */
  readonly combiner: FoldCombiner | BatchCombiner | undefined;
  /** Accepts one record from the task's pipeline. */
  readonly push: (record: unknown) => void;
  /** Accepts one [key, value] record without the tuple (mapReduce's emit). */
  readonly pushPair: (k: unknown, v: unknown) => void;

  constructor(private readonly dir: string, partitioner: Partitioner, mapSide: MapSide, fn: (id: number) => Fn,
    budget: number, private readonly metrics: TaskMetrics, seed: number) {
    mkdirSync(dir, { recursive: true });
    this.writers = new Array(partitioner.n).fill(undefined);
    this.route = routeOf(partitioner, seed);
    const out = (k: unknown, v: unknown): void => this.writePair(k, v);
    switch (mapSide.kind) {
      case "none": {
        const keyed = partitioner.kind !== "roundRobin";
        this.push = (r) => this.write(keyed ? (r as unknown[])[0] : undefined, r);
        this.pushPair = out;
        break;
      }
      case "combine": {
        const Fold = foldCombinerFor(`${mapSide.create}:${mapSide.merge}`);
        const c = (this.combiner = new Fold(fn(mapSide.create) as (v: unknown) => unknown, fn(mapSide.merge) as (c: unknown, v: unknown) => unknown, budget, out));
        this.push = (r) => { const p = r as unknown[]; c.insert(p[0], p[1]); };
        this.pushPair = (k, v) => c.insert(k, v);
        break;
      }
      case "mrCombine": {
        const Batch = batchCombinerFor(String(mapSide.fn));
        const c = (this.combiner = new Batch(fn(mapSide.fn) as never, budget, out));
        this.push = (r) => { const p = r as unknown[]; c.insert(p[0], p[1]); };
        this.pushPair = (k, v) => c.insert(k, v);
        break;
      }
      default: {
        const never: never = mapSide;
        throw new Error(`unknown map side ${String(never)}`);
      }
    }
  }

  private writer(r: number): RecordFileWriter {
    return this.writers[r] ??= new RecordFileWriter(path.join(this.dir, `part-${r}`));
  }

  private write(key: unknown, record: unknown): void {
    this.writer(this.route(key)).write(record);
  }

  private writePair(k: unknown, v: unknown): void {
    this.writer(this.route(k)).writePair(k, v);
  }

  /** Flush everything; returns the file of each reducer (null when it got no records). */
  close(): (string | null)[] {
    this.combiner?.flush();
    return this.writers.map((w) => {
      if (!w) return null;
      this.metrics.shuffleBytesWritten += w.close();
      this.metrics.recordsOut += w.records;
      return w.path;
    });
  }
}
