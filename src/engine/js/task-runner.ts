/**
 * Runs one task inside a worker: rebuilds shipped functions (cached per worker), streams the task's source
 * through its fused narrow operations (push-based; partition-at-a-time functions pull through iterators) into its
 * sink, and reports the result, metrics, cached blocks and accumulator deltas.
 */
import { WeirError } from "../../errors/index.js";
import { seededRandom } from "../../util/index.js";
import { mkdirSync, rmSync } from "node:fs";
import { deserialize } from "node:v8";
import { Encoder } from "./codec.js";
import { runNamer, type SpillContext } from "./external-aggregator.js";
import { KeyMap } from "./keys.js";
import { readRecordBuffer, readRecordFile, RecordFileWriter } from "./record-files.js";
import type { CapturedValue, FnSpec } from "./ship-function.js";
import { compilePipeline, type Terminal } from "./pipeline-compiler.js";
import { ShuffleWriter } from "./shuffle-writer.js";
import { readShuffle } from "./shuffle-reader.js";
import { emptyMetrics, type BlockReport, type NarrowOp, type Sink, type TaskMessage, type TaskMetrics, type TaskPlan } from "./task-plan.js";
import { readTextSplit } from "./text-source.js";
import { TextFileWriter } from "./text-file-writer.js";
import { closeTaskFiles } from "./task-files.js";

type Fn = (...args: never[]) => unknown;
type Push = (x: unknown) => void;
type Emit = (k: unknown, v: unknown) => void;

class Stop {}
const STOP = new Stop();

/** Result of {@link TaskRunner.run}. @example `{ value: 3, metrics, blocks: [], accumulators: [] }` */
export interface TaskOutcome {
  readonly value: unknown;
  readonly metrics: TaskMetrics;
  readonly blocks: BlockReport[];
  readonly accumulators: [number, number][];
  readonly transfer: ArrayBuffer[];
}

/**
 * Worker-side executor with a cache of compiled functions and broadcast values.
 * @example `const runner = new TaskRunner(); await runner.prepare(msg); const outcome = runner.run(msg);`
 */
export class TaskRunner {
  private readonly specs = new Map<number, FnSpec>();
  private readonly compiled = new Map<number, Fn>();
  private readonly modules = new Map<number, Fn>();
  private readonly broadcasts = new Map<number, unknown>();
  private readonly accumulators = new Map<number, { value: number; add(d: number): void }>();

  /** Register new functions/broadcasts and import module functions. */
  async prepare(msg: TaskMessage): Promise<void> {
    for (const [id, bytes] of msg.broadcasts) this.broadcasts.set(id, deserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    const load = async (spec: FnSpec): Promise<void> => {
      this.specs.set(spec.id, spec);
      if (spec.kind === "module") {
        if (this.modules.has(spec.id)) return;
        const mod = (await import(spec.moduleUrl).catch((e: unknown) => { throw fnRefError(spec, `cannot be imported in a worker thread: ${(e as Error).message}`, e); })) as Record<string, unknown>;
        const f = mod[spec.exportName];
        if (typeof f !== "function") throw fnRefError(spec, `has no exported function "${spec.exportName}" (exports: ${Object.keys(mod).join(", ")})`);
        this.modules.set(spec.id, f as Fn);
        return;
      }
      for (const c of deserialize(Buffer.from(spec.captures.buffer, spec.captures.byteOffset, spec.captures.byteLength)) as CapturedValue[]) {
        if (c.t === "f") await load(c.spec);
      }
    };
    for (const spec of msg.fns) await load(spec);
  }

  private capturedValue(c: CapturedValue): unknown {
    switch (c.t) {
      case "v": return c.v;
      case "f": return this.compile(c.spec);
      case "b": {
        const id = c.id;
        const bcs = this.broadcasts;
        return { id, get value() { return bcs.get(id); } };
      }
      case "a": {
        let acc = this.accumulators.get(c.id);
        if (!acc) this.accumulators.set(c.id, acc = { value: 0, add(d: number) { this.value += d; } });
        return acc;
      }
      default: {
        const never: never = c;
        throw new Error(`unknown capture ${String(never)}`);
      }
    }
  }

  private compile(spec: FnSpec): Fn {
    if (spec.kind === "module") {
      const f = this.modules.get(spec.id);
      if (!f) throw fnRefError(spec, "failed to load in this worker thread earlier (that task's error says why)"); // sent once per worker
      return f;
    }
    const cached = this.compiled.get(spec.id);
    if (cached) return cached;
    const captures = deserialize(Buffer.from(spec.captures.buffer, spec.captures.byteOffset, spec.captures.byteLength)) as CapturedValue[];
    const values = captures.map((c) => this.capturedValue(c));
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the documented way functions are rebuilt (ADR 002)
    const factory = new Function(...spec.names, "__name", `"use strict"; return ${spec.expression};`) as (...a: unknown[]) => unknown;
    const made = factory(...values, (f: unknown) => f);
    const f = (spec.isMethod ? Object.values(made as object)[0] : made) as Fn;
    this.compiled.set(spec.id, f);
    return f;
  }

  /** A compiled function by id. */
  fn(id: number): Fn {
    const spec = this.specs.get(id);
    if (!spec) throw new Error(`function ${id} was not shipped to this worker: this is a bug in Weir`);
    return this.compile(spec);
  }

  /** Run one task to completion. */
  run(msg: TaskMessage): TaskOutcome {
    const started = performance.now();
    const metrics = emptyMetrics();
    for (const acc of this.accumulators.values()) acc.value = 0;
    const blocks: BlockReport[] = [];
    const spill: SpillContext = { budget: msg.memoryBudget, dir: msg.spillDir, metrics, nextRunPath: (() => { const next = runNamer(msg.spillDir); return () => { mkdirSync(msg.spillDir, { recursive: true }); return next(); }; })() };
    const ctx: Ctx = { metrics, blocks, spill, partition: msg.partition };
    try {
      const { value, transfer } = this.runSink(msg.plan, msg.sink, ctx);
      metrics.timeMs = performance.now() - started;
      const accumulators: [number, number][] = [];
      for (const [id, acc] of this.accumulators) if (acc.value !== 0) accumulators.push([id, acc.value]);
      return { value, metrics, blocks, accumulators, transfer };
    } finally {
      closeTaskFiles(); // what a failure left open: writers of every reducer, readers of every spill run
      rmSync(msg.spillDir, { recursive: true, force: true });
    }
  }

  private runSink(plan: TaskPlan, sink: Sink, ctx: Ctx): { value: unknown; transfer: ArrayBuffer[] } {
    const m = ctx.metrics;
    const drive = (push: Push): void => {
      try { this.runInto(plan, push, ctx); } catch (e) { if (e !== STOP) throw e; }
    };
    switch (sink.kind) {
      case "collect":
      case "take": {
        const enc = new Encoder();
        const limit = sink.kind === "take" ? sink.n : Infinity;
        if (limit > 0) drive((x) => { enc.write(x); if (++m.recordsOut >= limit) throw STOP; });
        const out = new Uint8Array(enc.pos);
        out.set(enc.bytes());
        return { value: out, transfer: [out.buffer as ArrayBuffer] };
      }
      case "count": drive(() => { m.recordsOut++; }); return { value: m.recordsOut, transfer: [] };
      case "fold":
      case "aggregate": {
        const f = this.fn(sink.kind === "fold" ? sink.fn : sink.seqOp) as (a: unknown, b: unknown) => unknown;
        let acc = sink.zero;
        drive((x) => { acc = f(acc, x); });
        return { value: acc, transfer: [] };
      }
      case "foreach": {
        const f = this.fn(sink.fn) as (x: unknown) => void;
        drive((x) => { f(x); });
        return { value: null, transfer: [] };
      }
      case "foreachPartition": {
        const f = this.fn(sink.fn) as (it: Iterable<unknown>) => void;
        f(this.iterate(plan, ctx));
        return { value: null, transfer: [] };
      }
      case "countByValue": {
        const counts = new KeyMap<number>();
        drive((x) => { counts.set(x, (counts.get(x) ?? 0) + 1); });
        return { value: [...counts.entries()], transfer: [] };
      }
      case "sampleKeys": {
        const rnd = seededRandom(sink.seed + ctx.partition * 7919);
        const keys: unknown[] = [];
        let seen = 0;
        drive((x) => {
          const k = (x as unknown[])[0];
          if (keys.length < sink.perPartition) keys.push(k);
          else { const j = Math.floor(rnd() * (seen + 1)); if (j < sink.perPartition) keys[j] = k; }
          seen++;
        });
        return { value: { keys, count: seen }, transfer: [] };
      }
      case "shuffleWrite": {
        const w = new ShuffleWriter(sink.dir, sink.partitioner, sink.mapSide, (id) => this.fn(id), ctx.spill.budget, m, ctx.partition);
        if (plan.kind === "narrow" && lastPartitionOp(plan.ops) < 0) {
          // One compiled loop from the source's records into the writer or straight into its combiner.
          const term: Terminal = w.combiner ? { kind: "insert", into: w.combiner } : { kind: "push", push: w.push };
          try { this.runInto(plan.input, this.pipeline(plan.ops, term, plan.partition), ctx); } catch (e) { if (e !== STOP) throw e; }
        } else drive(w.push);
        return { value: w.close(), transfer: [] };
      }
      case "textFile": {
        const w = new TextFileWriter(sink.path);
        drive((x) => { w.write(x); m.recordsOut++; });
        w.close();
        return { value: sink.path, transfer: [] };
      }
      case "blockFile": {
        const w = new RecordFileWriter(sink.path);
        drive((x) => { w.write(x); });
        m.recordsOut = w.records;
        return { value: w.close(), transfer: [] };
      }
      default: {
        const never: never = sink;
        throw new Error(`unknown sink ${String(never)}`);
      }
    }
  }

  /** Push every record of a plan into `push`. */
  private runInto(plan: TaskPlan, push: Push, ctx: Ctx): void {
    const m = ctx.metrics;
    switch (plan.kind) {
      case "slice": for (const r of plan.records) { m.recordsIn++; push(r); } return;
      case "text":
        for (const batch of readTextSplit(plan.path, plan.start, plan.end, plan.withOffsets)) {
          m.recordsIn += batch.length;
          for (let i = 0; i < batch.length; i++) push(batch[i]);
        }
        return;
      case "narrow": {
        const last = lastPartitionOp(plan.ops);
        if (last < 0) { this.runInto(plan.input, this.chain(plan.ops, push, plan.partition), ctx); return; }
        const down = this.chain(plan.ops.slice(last + 1), push, plan.partition);
        for (const x of this.iterate({ ...plan, ops: plan.ops.slice(0, last + 1) }, ctx)) down(x);
        return;
      }
      case "concat": for (const p of plan.inputs) this.runInto(p, push, ctx); return;
      case "cache": {
        const w = new BlockWriter(plan);
        this.runInto(plan.input, (x) => { w.write(x); push(x); }, ctx);
        ctx.blocks.push(w.close());
        return;
      }
      default:
        for (const x of this.iterate(plan, ctx)) push(x);
    }
  }

  /** The records of a plan as an iterable (for partition-at-a-time functions and sources that are streams). */
  private *iterate(plan: TaskPlan, ctx: Ctx): Generator<unknown> {
    const m = ctx.metrics;
    switch (plan.kind) {
      case "blockFile": for (const r of readRecordFile(plan.path, undefined, undefined, plan.start, plan.end)) { m.recordsIn++; yield r; } return;
      case "blockMemory": for (const r of readRecordBuffer(Buffer.from(plan.buffer, 0, plan.length))) { m.recordsIn++; yield r; } return;
      case "shuffleRead": yield* readShuffle(plan.inputs, plan.reduce, (id) => this.fn(id), ctx.spill, () => { m.recordsIn++; }); return;
      case "narrow": {
        if (plan.ops.length === 0) { yield* this.iterate(plan.input, ctx); return; }
        const last = lastPartitionOp(plan.ops);
        if (last === plan.ops.length - 1) {
          const op = plan.ops[last] as Extract<NarrowOp, { op: "mapPartitions" }>;
          const input = this.iterate({ ...plan, ops: plan.ops.slice(0, last) }, ctx);
          const f = this.fn(op.fn) as (...a: unknown[]) => Iterable<unknown>;
          yield* (op.withIndex ? f(plan.partition, input) : f(input));
          return;
        }
        const buf: unknown[] = [];
        const down = this.chain(plan.ops.slice(last + 1), (x) => { buf.push(x); }, plan.partition);
        for (const x of this.iterate({ ...plan, ops: plan.ops.slice(0, last + 1) }, ctx)) {
          down(x);
          if (buf.length > 0) { yield* buf; buf.length = 0; }
        }
        return;
      }
      case "slice": for (const r of plan.records) { m.recordsIn++; yield r; } return;
      case "text":
        for (const batch of readTextSplit(plan.path, plan.start, plan.end, plan.withOffsets)) { m.recordsIn += batch.length; yield* batch; }
        return;
      case "concat": for (const p of plan.inputs) yield* this.iterate(p, ctx); return;
      case "paired": yield* (plan.mode === "zip" ? this.zipped(plan, ctx) : this.cartesian(plan, ctx)); return;
      case "cache": {
        const w = new BlockWriter(plan);
        for (const x of this.iterate(plan.input, ctx)) { w.write(x); yield x; }
        ctx.blocks.push(w.close());
        return;
      }
      default: {
        const never: never = plan;
        throw new Error(`unknown plan ${String(never)}`);
      }
    }
  }

  /** zip: both inputs in lockstep; a partition pair of different lengths is the user's error (Spark's rule). */
  private *zipped(plan: Extract<TaskPlan, { kind: "paired" }>, ctx: Ctx): Generator<unknown> {
    const a = this.iterate(plan.left, ctx);
    const b = this.iterate(plan.right, ctx);
    try {
      for (;;) {
        const x = a.next();
        const y = b.next();
        if (x.done && y.done) return;
        if (x.done || y.done) {
          const [l, r] = plan.ids;
          throw new WeirError("WEIR_INVALID_ARGUMENT", `zip(): partition ${ctx.partition} of Dataset[${l}] has ${x.done ? "fewer" : "more"} elements than partition ${ctx.partition} of Dataset[${r}]; zip needs the same number of elements in each partition`, {
            hint: "zip Datasets derived from one parent by map() (same partitions, same counts); otherwise number both with zipWithIndex() and join on the index",
          });
        }
        yield [x.value, y.value];
      }
    } finally {
      a.return(undefined);
      b.return(undefined);
    }
  }

  /** cartesian: the right partition is held in memory while the left one streams past it. */
  private *cartesian(plan: Extract<TaskPlan, { kind: "paired" }>, ctx: Ctx): Generator<unknown> {
    const right = [...this.iterate(plan.right, ctx)];
    for (const x of this.iterate(plan.left, ctx)) for (const y of right) yield [x, y];
  }

  /** Compose record-at-a-time operations into one push function. */
  private chain(ops: readonly NarrowOp[], push: Push, partition: number): Push {
    return this.pipeline(ops, { kind: "push", push }, partition);
  }

  /** Record-at-a-time operations compiled into one function (pipeline-compiler.ts) ending in `term`. */
  private pipeline(ops: readonly NarrowOp[], term: Terminal, partition: number): Push {
    const fns = ops.map((op) => ("fn" in op ? this.fn(op.fn) : undefined));
    return compilePipeline(ops, fns, (i, next) => this.wrap(ops[i]!, next, partition), term);
  }

  private wrap(op: NarrowOp, next: Push, partition: number): Push {
    switch (op.op) {
      case "map": { const f = this.fn(op.fn) as (x: unknown) => unknown; return (x) => next(f(x)); }
      case "flatMap": { const f = this.fn(op.fn) as (x: unknown) => Iterable<unknown>; return (x) => { const ys = f(x); if (Array.isArray(ys)) for (let i = 0; i < ys.length; i++) next(ys[i]); else for (const y of ys) next(y); }; }
      case "filter": { const f = this.fn(op.fn) as (x: unknown) => unknown; return (x) => { if (f(x)) next(x); }; }
      case "mapValues": { const f = this.fn(op.fn) as (x: unknown) => unknown; return (x) => { const [k, v] = x as [unknown, unknown]; next([k, f(v)]); }; }
      case "flatMapValues": { const f = this.fn(op.fn) as (x: unknown) => Iterable<unknown>; return (x) => { const [k, v] = x as [unknown, unknown]; for (const y of f(v)) next([k, y]); }; }
      case "keyBy": { const f = this.fn(op.fn) as (x: unknown) => unknown; return (x) => next([f(x), x]); }
      case "keys": return (x) => next((x as unknown[])[0]);
      case "values": return (x) => next((x as unknown[])[1]);
      case "swap": return (x) => { const [k, v] = x as [unknown, unknown]; next([v, k]); };
      case "sample": {
        const rnd = seededRandom(op.seed * 31 + partition * 7919 + 1);
        const frac = op.fraction;
        if (!op.withReplacement) return (x) => { if (rnd() < frac) next(x); };
        const l = Math.exp(-frac);
        return (x) => { // Poisson(frac) copies (Knuth)
          let k = 0;
          for (let p = rnd(); p > l; p *= rnd()) k++;
          for (let i = 0; i < k; i++) next(x);
        };
      }
      case "zipWithIndex": { let i = op.start; return (x) => next([x, i++]); }
      case "join": return joinOp(op.how, next);
      case "mrMap": {
        const f = this.fn(op.fn) as (k: unknown, v: unknown, emit: Emit) => void;
        const emit: Emit = (k, v) => next([k, v]);
        return (x) => { const r = x as [unknown, unknown]; f(r[0], r[1], emit); };
      }
      case "mrReduce": {
        const f = this.fn(op.fn) as (k: unknown, vs: unknown[], emit: Emit) => void;
        const emit: Emit = (k, v) => next([k, v]);
        return (x) => { const r = x as [unknown, unknown[]]; f(r[0], r[1], emit); };
      }
      case "mapPartitions": throw new Error("mapPartitions inside a push chain: this is a bug in Weir");
      default: {
        const never: never = op;
        throw new Error(`unknown op ${String(never)}`);
      }
    }
  }
}

/** A fnRef() that cannot be loaded: the same in every attempt, so the scheduler fails at once (WeirError code). */
function fnRefError(spec: Extract<FnSpec, { kind: "module" }>, what: string, cause?: unknown): WeirError {
  return new WeirError("WEIR_FUNCTION_NOT_SERIALIZABLE", `fnRef(${JSON.stringify(spec.moduleUrl)}, ${JSON.stringify(spec.exportName)}): the module ${what}`, {
    hint: "pass the URL of the module that exports the function (import.meta.url in that module) and its exported name", cause,
  });
}

/** Tees a cached partition into a file (DISK) or a SharedArrayBuffer the driver keeps (MEMORY). */
class BlockWriter {
  private readonly file: RecordFileWriter | undefined;
  private readonly enc: Encoder | undefined;
  constructor(private readonly plan: Extract<TaskPlan, { kind: "cache" }>) {
    if (plan.level === "DISK") this.file = new RecordFileWriter(plan.path);
    else this.enc = new Encoder();
  }
  write(x: unknown): void {
    if (this.file) this.file.write(x);
    else this.enc!.write(x);
  }
  close(): BlockReport {
    const { blockId, level, path } = this.plan;
    if (this.file) return { blockId, level, path, bytes: this.file.close() };
    const buffer = new SharedArrayBuffer(this.enc!.pos);
    new Uint8Array(buffer).set(this.enc!.bytes());
    return { blockId, level, path, buffer, bytes: this.enc!.pos };
  }
}

type Ctx = { metrics: TaskMetrics; blocks: BlockReport[]; spill: SpillContext; partition: number };

function lastPartitionOp(ops: readonly NarrowOp[]): number {
  for (let i = ops.length - 1; i >= 0; i--) if (ops[i]!.op === "mapPartitions") return i;
  return -1;
}

function joinOp(how: "inner" | "left" | "right" | "full", next: Push): Push {
  return (x) => {
    const [k, [vs, ws]] = x as [unknown, [unknown[], unknown[]]];
    if (vs.length > 0 && ws.length > 0) { for (const v of vs) for (const w of ws) next([k, [v, w]]); return; }
    if (vs.length > 0 && (how === "left" || how === "full")) for (const v of vs) next([k, [v, null]]);
    if (ws.length > 0 && (how === "right" || how === "full")) for (const w of ws) next([k, [null, w]]);
  };
}
