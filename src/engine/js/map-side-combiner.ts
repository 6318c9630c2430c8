/**
 * Map-side combining, the hot loop of reduceByKey/aggregateByKey/combineByKey and of mapReduce's combiner.
 * Keys map to dense slots (one hash lookup per record, not a get and a set); while every accumulator is a
 * number the accumulators live unboxed in a Float64Array (word counts, sums). The first non-number switches the
 * table to a plain array for the rest of its life, so any value type works — numbers are only the fast path.
 *
 *   reduceByKey:  insert(k, v) ─▶ slot(k) ─▶ acc[slot] = merge(acc[slot], v)           ─▶ flush: out(k, acc)
 *   mapReduce:    insert(k, v) ─▶ slot(k) ─▶ pending (slot, v) ──full──▶ combine(k, [acc, …pending]) per key ─▶ flush: out(k, acc)
 *
 * A table whose estimated size passes the task budget is flushed (partial results go to the shuffle; reducers
 * merge partials anyway) and starts afresh. A fold table that finds almost every key new after its first 128k
 * records stops combining and passes records through (high-cardinality keys: combining would only cost).
 */
import { compareKeys, estimateSize, KeyMap } from "./keys.js";
import { SlotTable } from "./slot-table.js";
import { freshCopy } from "./pipeline-compiler.js";

/** Emits one combined [key, value] record to the shuffle. */
export type PairOut = (k: unknown, v: unknown) => void;
type Combine = (k: unknown, vs: unknown[], emit: PairOut) => void;

function grown<A extends Float64Array | Int32Array | Uint8Array>(a: A, need: number): A {
  if (need < a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(need + 1, a.length * 2));
  b.set(a);
  return b;
}

/** Records after which a table that holds nearly one key per record stops combining. */
const PROBE = 1 << 17;

/**
 * Folds values per key with createCombiner/mergeValue (reduceByKey, aggregateByKey, combineByKey).
 * @example `const c = new FoldCombiner((v) => v, (a, b) => a + b, 64 << 20, out); c.insert("a", 1); c.flush()`
 */
export class FoldCombiner {
  private table = new SlotTable();
  private nums = new Float64Array(4096);
  /** Accumulators once one was not a number (until the next flush). */
  private vals: unknown[] | undefined;
  private mem = 0;
  private inserts = 0;
  /** Set when the first PROBE records were almost all distinct keys (Spark SQL's adaptive partial aggregation). */
  private passThrough = false;

  constructor(private readonly create: (v: unknown) => unknown, private readonly merge: (c: unknown, v: unknown) => unknown,
    private readonly budget: number, private readonly out: PairOut) {}

  insert(k: unknown, v: unknown): void {
    if (this.passThrough) { this.out(k, this.create(v)); return; }
    const s = this.table.slot(k);
    if (++this.inserts === PROBE && this.table.size > PROBE * 0.8) { // nearly every key is new: combining only costs
      this.flush();
      this.passThrough = true;
      this.out(k, this.create(v));
      return;
    }
    if (s !== undefined) {
      const vals = this.vals;
      if (vals === undefined) {
        const c = this.merge(this.nums[s], v);
        if (typeof c === "number") this.nums[s] = c;
        else { this.generic()[s] = c; }
      } else vals[s] = this.merge(vals[s], v);
      return;
    }
    const c = this.create(v);
    const t = this.table.add(k);
    if (this.vals === undefined && typeof c === "number") {
      if (t >= this.nums.length) this.nums = grown(this.nums, t);
      this.nums[t] = c;
      this.mem += 64 + estimateSize(k);
    } else {
      this.generic()[t] = c;
      this.mem += 64 + estimateSize(k) + estimateSize(c);
    }
    if (this.mem > this.budget) this.flush();
  }

  private generic(): unknown[] {
    if (this.vals) return this.vals;
    const n = this.table.size;
    const vals = new Array<unknown>(n);
    for (let i = 0; i < n; i++) vals[i] = this.nums[i];
    return (this.vals = vals);
  }

  /** Send every partial result to `out` and start afresh. */
  flush(): void {
    const { keys } = this.table;
    const vals = this.vals;
    for (let i = 0; i < keys.length; i++) this.out(keys[i], vals ? vals[i] : this.nums[i]);
    this.table.clear();
    this.vals = undefined;
    this.mem = 0;
  }
}

/** Bounds of the numeric batch (records). It grows with the table — about 16 records per distinct key — and its
 * buffers (20 bytes a record) stay within an eighth of the task budget. */
const MIN_PENDING = 1 << 12;
const MAX_PENDING = 1 << 20;

/** A batch's buffers: slots and values in arrival order, and the values grouped by slot. */
interface BatchBuffers { readonly slot: Int32Array; readonly val: Float64Array; readonly sorted: Float64Array }

/**
 * Large buffers a finished combiner left for the next one on this thread (each thread has its own module
 * instance). Allocating up to 20 MB of typed arrays per task makes V8 run extra full GCs (measured over eight
 * 32 MB word-count tasks: 2.5–4× the mark-compact time), so they are reused.
 */
let spare: BatchBuffers | undefined;

function newBuffers(n: number): BatchBuffers {
  return { slot: new Int32Array(n), val: new Float64Array(n), sorted: new Float64Array(n) };
}

/** Buffers for at least `n` records: the spare ones when large enough. */
function takeBuffers(n: number): BatchBuffers {
  const b = spare;
  spare = undefined;
  return b && b.slot.length >= n ? b : newBuffers(n);
}

/** Keep `b` for the next combiner (one set, the largest). */
function giveBuffers(b: BatchBuffers): void {
  if (!spare || spare.slot.length < b.slot.length) spare = b;
}

/** The batch size for a table of `keys` distinct keys under `budget` bytes: a power of two in [MIN_PENDING, MAX_PENDING]. */
function batchSize(keys: number, budget: number): number {
  const cap = Math.min(MAX_PENDING, Math.max(MIN_PENDING, 2 ** Math.floor(Math.log2(Math.max(1, budget / 160)))));
  let n = MIN_PENDING;
  while (n < cap && n < keys * 16) n *= 2;
  return n;
}

/**
 * mapReduce's combiner (Hadoop semantics: it may run any number of times on any subset of a key's values, and
 * its output goes to the shuffle). Numeric values are buffered unboxed and combined per key in batches with the
 * key's previous result, so the combiner runs about once per key per batch, not per record. The batch grows with
 * the number of distinct keys, so that keys that occur a few times per batch do not cost a call each.
 * @example `const c = new BatchCombiner((k, vs, emit) => emit(k, vs.length), 64 << 20, out); c.insert("a", 1); c.flush()`
 */
export class BatchCombiner {
  private table = new SlotTable();
  private acc = new Float64Array(4096);
  private has = new Uint8Array(4096);
  private cnt = new Int32Array(4096);
  /** The batch buffers (possibly larger than the batch) and the batch size. */
  private buf: BatchBuffers = takeBuffers(MIN_PENDING);
  private limit = MIN_PENDING;
  private pending = 0;
  private mem = 0;
  /** Per-key value lists once a value was not a number (until the next flush). */
  private groups: KeyMap<unknown[]> | undefined;
  private cur = 0;
  private curKey: unknown;
  private curDone = false;
  private readonly emitAcc: PairOut = (k, v) => {
    if (!this.curDone && typeof v === "number" && (k === this.curKey || compareKeys(k, this.curKey) === 0)) {
      this.acc[this.cur] = v;
      this.has[this.cur] = 1;
      this.curDone = true;
    } else this.out(k, v);
  };

  constructor(private readonly combine: Combine, private readonly budget: number, private readonly out: PairOut) {}

  insert(k: unknown, v: unknown): void {
    if (this.groups !== undefined || typeof v !== "number") { this.insertGeneric(k, v); return; }
    let s = this.table.slot(k);
    if (s === undefined) {
      s = this.table.add(k);
      if (s >= this.acc.length) { this.acc = grown(this.acc, s); this.has = grown(this.has, s); this.cnt = grown(this.cnt, s); }
      this.mem += 80 + estimateSize(k);
    }
    const b = this.buf;
    const i = this.pending;
    b.slot[i] = s;
    b.val[i] = v;
    if ((this.pending = i + 1) === this.limit) this.batchFull();
    if (this.mem > this.budget) this.flush();
  }

  /** Combine the full batch, then size the next one for the table as it is now. */
  private batchFull(): void {
    this.combinePending();
    this.limit = batchSize(this.table.size, this.budget);
    if (this.limit > this.buf.slot.length) this.buf = takeBuffers(this.limit);
  }

  /**
   * Combine the buffered values of each key with its previous result (a counting sort by slot, no pointer chasing).
   * Each pass is its own small function: V8 then optimizes each loop with complete type feedback instead of
   * entering one long function through on-stack replacement at every batch.
   */
  private combinePending(): void {
    const n = this.pending;
    if (n === 0) return;
    const touched = this.countSlots(n);
    this.toOffsets(touched);
    this.scatter(n);
    this.combineTouched(touched);
    this.pending = 0;
  }

  /** cnt[slot] = how many buffered values each slot has; returns the slots in order of first appearance. */
  private countSlots(n: number): number[] {
    const pendSlot = this.buf.slot;
    const cnt = this.cnt;
    const touched: number[] = [];
    for (let i = 0; i < n; i++) if (cnt[pendSlot[i]!]!++ === 0) touched.push(pendSlot[i]!);
    return touched;
  }

  /** Counts to start offsets in `sorted`. */
  private toOffsets(touched: readonly number[]): void {
    const cnt = this.cnt;
    let off = 0;
    for (const s of touched) { const c = cnt[s]!; cnt[s] = off; off += c; }
  }

  /** Values grouped by slot into `sorted`; afterwards cnt[slot] is the end offset of the slot's run. */
  private scatter(n: number): void {
    const { slot: pendSlot, val: pendVal, sorted } = this.buf;
    const cnt = this.cnt;
    for (let i = 0; i < n; i++) sorted[cnt[pendSlot[i]!]!++] = pendVal[i]!;
  }

  /** One combiner call per touched key on [previous result, …its run]; resets cnt. */
  private combineTouched(touched: readonly number[]): void {
    const { cnt, has, acc } = this;
    const sorted = this.buf.sorted;
    let start = 0;
    for (const s of touched) {
      const end = cnt[s]!;
      cnt[s] = 0;
      const from = start;
      start = end;
      if (end - from === 1 && !has[s]) { acc[s] = sorted[from]!; has[s] = 1; continue; } // the combiner may run zero times
      this.combineRun(s, from, end);
    }
  }

  private combineRun(s: number, from: number, end: number): void {
    const { has, acc } = this;
    const sorted = this.buf.sorted;
    const values = new Array<unknown>(end - from + has[s]!);
    let j = 0;
    if (has[s]) values[j++] = acc[s];
    for (let i = from; i < end; i++) values[j++] = sorted[i];
    has[s] = 0;
    this.cur = s;
    this.curKey = this.table.keys[s];
    this.curDone = false;
    this.combine(this.curKey, values, this.emitAcc);
  }

  private insertGeneric(k: unknown, v: unknown): void {
    let groups = this.groups;
    if (groups === undefined) {
      this.combinePending();
      groups = this.groups = new KeyMap<unknown[]>();
      const keys = this.table.keys;
      for (let s = 0; s < keys.length; s++) if (this.has[s]) groups.set(keys[s], [this.acc[s]]);
      this.has.fill(0, 0, keys.length);
      this.table.clear();
    }
    const vs = groups.get(k);
    if (vs === undefined) {
      groups.set(k, [v]);
      this.mem += 96 + estimateSize(k) + estimateSize(v);
    } else {
      vs.push(v);
      this.mem += 8 + estimateSize(v);
      if (vs.length >= 64) { // combine eagerly so hot keys stay small
        const out: unknown[] = [];
        this.combine(k, vs, (k2, v2) => { if (compareKeys(k2, k) === 0) out.push(v2); else this.out(k2, v2); });
        groups.set(k, out);
      }
    }
    if (this.mem > this.budget) this.flush();
  }

  /** Combine what is buffered and send every result to `out`; start afresh (large batch buffers go to the next combiner). */
  flush(): void {
    this.combinePending();
    if (this.buf.slot.length > MIN_PENDING) {
      giveBuffers(this.buf);
      this.buf = newBuffers(MIN_PENDING);
      this.limit = MIN_PENDING;
    }
    const keys = this.table.keys;
    for (let s = 0; s < keys.length; s++) if (this.has[s]) { this.out(keys[s], this.acc[s]); this.has[s] = 0; }
    this.table.clear();
    if (this.groups) for (const [k, vs] of this.groups.entries()) this.combine(k, vs, this.out);
    this.groups = undefined;
    this.mem = 0;
  }
}

/**
 * FoldCombiner compiled afresh for one job's functions, so its calls to them keep their own type feedback (see
 * pipeline-compiler.ts). @example `const Fold = foldCombinerFor("3:4"); new Fold(create, merge, budget, out)`
 */
export function foldCombinerFor(key: string): typeof FoldCombiner {
  return freshCopy(FoldCombiner, { SlotTable, estimateSize, grown, PROBE }, key);
}

/** BatchCombiner compiled afresh for one job's combiner. @example `const Batch = batchCombinerFor("7"); new Batch(combine, budget, out)` */
export function batchCombinerFor(key: string): typeof BatchCombiner {
  return freshCopy(BatchCombiner, { SlotTable, estimateSize, grown, MIN_PENDING, batchSize, newBuffers, takeBuffers, giveBuffers, compareKeys, KeyMap }, key);
}
