/**
 * Reduce-side aggregation and sorting under a memory budget. When the in-memory table outgrows the budget it is
 * sorted by key and written as a run file; at the end the runs (and what is still in memory) are merged by key
 * with a k-way heap merge — groupByKey, cogroup/joins, combineByKey and sortByKey all work on data larger than
 * the budget.
 *
 *   insert(k, v) ─▶ slot table (≤ budget) ──over budget──▶ sort by key ─▶ run-N file
 *   result()  ─▶ no runs: the map │ runs: heap-merge(run-0 … run-N, sorted map), merging equal keys
 */
import path from "node:path";
import { compareKeys, estimateSize } from "./keys.js";
import { SlotTable } from "./slot-table.js";
import { readRecordFile, RecordFileWriter } from "./record-files.js";
import type { TaskMetrics } from "./task-plan.js";

/** How values fold into an accumulator. @example `{ create: (i, v) => [v], merge: (a, i, v) => (a.push(v), a), mergeAcc: (a, b) => a.concat(b), grows: true }` */
export interface AggregationOps<A> {
  create(input: number, v: unknown): A;
  merge(acc: A, input: number, v: unknown): A;
  mergeAcc(a: A, b: A): A;
  /** True when an accumulator grows with every merged value (lists), so each merge is charged to the budget. */
  readonly grows: boolean;
}

/** Where and how much to spill. @example `{ budget: 64 << 20, dir: "/tmp/spill", metrics }` */
export interface SpillContext {
  readonly budget: number;
  readonly dir: string;
  readonly metrics: TaskMetrics;
  nextRunPath(): string;
}

class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size(): number { return this.items.length; }
  peek(): T | undefined { return this.items[0]; }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

type Cursor = { it: Iterator<unknown>; head: [unknown, unknown]; order: number };

/** Merge sorted streams of [key, x] pairs; `cmp` orders keys. Ties keep stream order (stable). */
function* mergeSorted(streams: Iterable<unknown>[], cmp: (a: unknown, b: unknown) => number): Generator<[unknown, unknown]> {
  const heap = new Heap<Cursor>((a, b) => { const c = cmp(a.head[0], b.head[0]); return c < 0 || (c === 0 && a.order < b.order); });
  streams.forEach((s, order) => {
    const it = s[Symbol.iterator]();
    const r = it.next();
    if (!r.done) heap.push({ it, head: r.value as [unknown, unknown], order });
  });
  while (heap.size > 0) {
    const c = heap.pop()!;
    yield c.head;
    const r = c.it.next();
    if (!r.done) { c.head = r.value as [unknown, unknown]; heap.push(c); }
  }
}

function spillRun(entries: [unknown, unknown][], ctx: SpillContext): string {
  const file = ctx.nextRunPath();
  const w = new RecordFileWriter(file);
  for (const e of entries) w.write(e);
  ctx.metrics.spillBytes += w.close();
  ctx.metrics.spillFiles++;
  return file;
}

/**
 * Aggregates [key, value] pairs by key within a memory budget (combine, group, cogroup).
 * @example `const agg = new ExternalAggregator(groupOps, ctx); agg.insert(0, "a", 1); for (const [k, vs] of agg.result()) …`
 */
export class ExternalAggregator<A> {
  private table = new SlotTable();
  private vals: A[] = [];
  private mem = 0;
  private readonly runs: string[] = [];

  constructor(private readonly ops: AggregationOps<A>, private readonly ctx: SpillContext) {}

  insert(input: number, k: unknown, v: unknown): void {
    const s = this.table.slot(k);
    if (s === undefined) {
      this.table.add(k);
      this.vals.push(this.ops.create(input, v));
      this.mem += 64 + estimateSize(k) + estimateSize(v);
    } else {
      this.vals[s] = this.ops.merge(this.vals[s]!, input, v);
      if (this.ops.grows) this.mem += 8 + estimateSize(v);
    }
    if (this.mem > this.ctx.budget) this.spill();
  }

  private sortedEntries(): [unknown, unknown][] {
    const { keys } = this.table;
    return keys.map((k, i): [unknown, unknown] => [k, this.vals[i]]).sort((a, b) => compareKeys(a[0], b[0]));
  }

  private reset(): void {
    this.table.clear();
    this.vals = [];
    this.mem = 0;
  }

  private spill(): void {
    this.runs.push(spillRun(this.sortedEntries(), this.ctx));
    this.reset();
  }

  /** Every key with its accumulator (unordered without spills; key order with spills). */
  *result(): Generator<[unknown, A]> {
    if (this.runs.length === 0) {
      const { keys } = this.table;
      const vals = this.vals;
      this.reset();
      for (let i = 0; i < keys.length; i++) yield [keys[i], vals[i]!];
      return;
    }
    const streams: Iterable<unknown>[] = this.runs.map((f) => readRecordFile(f, undefined, 64 * 1024));
    streams.push(this.sortedEntries());
    this.reset();
    let cur: [unknown, A] | undefined;
    for (const [k, a] of mergeSorted(streams, compareKeys)) {
      if (cur && compareKeys(cur[0], k) === 0) cur[1] = this.ops.mergeAcc(cur[1], a as A);
      else {
        if (cur) yield cur;
        cur = [k, a as A];
      }
    }
    if (cur) yield cur;
  }
}

/**
 * Sorts [key, value] records by key (ascending or descending) within a memory budget; stable.
 * @example `const s = new ExternalSorter(true, ctx); s.insert(["b", 1]); for (const r of s.result()) …`
 */
export class ExternalSorter {
  private buf: [unknown, unknown][] = [];
  private mem = 0;
  private readonly runs: string[] = [];
  private readonly cmp: (a: unknown, b: unknown) => number;

  constructor(ascending: boolean, private readonly ctx: SpillContext) {
    this.cmp = ascending ? compareKeys : (a, b) => compareKeys(b, a);
  }

  insert(record: [unknown, unknown]): void {
    this.buf.push(record);
    this.mem += 40 + estimateSize(record[0]) + estimateSize(record[1]);
    if (this.mem > this.ctx.budget) {
      this.runs.push(spillRun(this.sorted(), this.ctx));
      this.buf = [];
      this.mem = 0;
    }
  }

  private sorted(): [unknown, unknown][] {
    return this.buf.sort((a, b) => this.cmp(a[0], b[0]));
  }

  /** The records in key order. */
  result(): Iterable<[unknown, unknown]> {
    if (this.runs.length === 0) return this.sorted();
    const streams: Iterable<unknown>[] = this.runs.map((f) => readRecordFile(f, undefined, 64 * 1024));
    streams.push(this.sorted());
    return mergeSorted(streams, this.cmp);
  }
}

/** The run-file namer for a task's spill directory. @example `runNamer("/tmp/spill/t3")()` */
export function runNamer(dir: string): () => string {
  let n = 0;
  return () => path.join(dir, `run-${n++}`);
}
