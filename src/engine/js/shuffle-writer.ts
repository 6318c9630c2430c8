/**
 * Map side of a shuffle: routes each record to a reducer (hash, range or round-robin) and appends it to that
 * reducer's file `<dir>/part-<r>` in the binary encoding. With map-side combining (reduceByKey, aggregateByKey,
 * combineByKey, mapReduce's combiner) records are first folded per key in memory; when the table outgrows the
 * task's budget its partial results are written out and it starts afresh — reducers merge partials anyway.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { compareKeys, estimateSize, KeyMap, partitionOf } from "./keys.js";
import { RecordFileWriter } from "./record-files.js";
import type { MapSide, Partitioner, TaskMetrics } from "./task-plan.js";

type Fn = (...args: never[]) => unknown;

function routeOf(p: Partitioner, seed: number): (record: unknown) => number {
  switch (p.kind) {
    case "hash": {
      const n = p.n;
      return (r) => partitionOf((r as unknown[])[0], n);
    }
    case "roundRobin": {
      let next = seed % p.n;
      const n = p.n;
      return () => { next = next + 1 === n ? 0 : next + 1; return next; };
    }
    case "range": {
      const bounds = p.bounds;
      const cmp = p.ascending ? compareKeys : (a: unknown, b: unknown) => compareKeys(b, a);
      return (r) => {
        const k = (r as unknown[])[0];
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
  private readonly route: (record: unknown) => number;
  private combined: KeyMap<unknown> | undefined;
  private groups: KeyMap<unknown[]> | undefined;
  private mem = 0;
  /** Accepts one record from the task's pipeline. */
  readonly push: (record: unknown) => void;

  constructor(private readonly dir: string, partitioner: Partitioner, private readonly mapSide: MapSide, fn: (id: number) => Fn,
    private readonly budget: number, private readonly metrics: TaskMetrics, seed: number) {
    mkdirSync(dir, { recursive: true });
    this.writers = new Array(partitioner.n).fill(undefined);
    this.route = routeOf(partitioner, seed);
    switch (mapSide.kind) {
      case "none":
        this.push = (r) => this.emit(r);
        break;
      case "combine": {
        const create = fn(mapSide.create) as (v: unknown) => unknown;
        const merge = fn(mapSide.merge) as (c: unknown, v: unknown) => unknown;
        const map = (this.combined = new KeyMap<unknown>());
        this.push = (r) => {
          const [k, v] = r as [unknown, unknown];
          const c = map.get(k);
          if (c === undefined) {
            map.set(k, create(v));
            this.mem += 64 + estimateSize(k);
            if (this.mem > this.budget) this.flushCombined();
          } else map.set(k, merge(c, v));
        };
        break;
      }
      case "mrCombine": {
        const combine = fn(mapSide.fn) as (k: unknown, vs: unknown[], emit: (k: unknown, v: unknown) => void) => void;
        const groups = (this.groups = new KeyMap<unknown[]>());
        this.push = (r) => {
          const [k, v] = r as [unknown, unknown];
          const vs = groups.get(k);
          if (vs === undefined) {
            groups.set(k, [v]);
            this.mem += 96 + estimateSize(k) + estimateSize(v);
          } else {
            vs.push(v);
            this.mem += 8 + estimateSize(v);
            if (vs.length >= 64) { // combine eagerly so hot keys stay small (combiners may run any number of times)
              const out: unknown[] = [];
              combine(k, vs, (k2, v2) => { if (compareKeys(k2, k) === 0) out.push(v2); else this.emit([k2, v2]); });
              groups.set(k, out);
            }
          }
          if (this.mem > this.budget) this.flushGroups(combine);
        };
        break;
      }
      default: {
        const never: never = mapSide;
        throw new Error(`unknown map side ${String(never)}`);
      }
    }
  }

  private emit(record: unknown): void {
    const r = this.route(record);
    let w = this.writers[r];
    if (!w) w = this.writers[r] = new RecordFileWriter(path.join(this.dir, `part-${r}`));
    w.write(record);
  }

  private flushCombined(): void {
    for (const e of this.combined!.entries()) this.emit(e);
    this.combined!.clear();
    this.mem = 0;
  }

  private flushGroups(combine: (k: unknown, vs: unknown[], emit: (k: unknown, v: unknown) => void) => void): void {
    for (const [k, vs] of this.groups!.entries()) combine(k, vs, (k2, v2) => this.emit([k2, v2]));
    this.groups!.clear();
    this.mem = 0;
  }

  /** Flush everything; returns the file of each reducer (null when it got no records). */
  close(fn: (id: number) => Fn): (string | null)[] {
    if (this.combined) this.flushCombined();
    if (this.groups && this.mapSide.kind === "mrCombine") this.flushGroups(fn(this.mapSide.fn) as never);
    return this.writers.map((w) => {
      if (!w) return null;
      this.metrics.shuffleBytesWritten += w.close();
      this.metrics.recordsOut += w.records;
      return w.path;
    });
  }
}
