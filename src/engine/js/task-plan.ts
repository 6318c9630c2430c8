/**
 * The messages between the driver (scheduler) and workers: what one task computes for one partition — a tree of
 * sources and fused narrow operations ending in a sink — and what it reports back. Plain structured-clone data.
 */
import { bug } from "../../errors/index.js";
import type { FnSpec } from "./ship-function.js";

/** A user function by its shipped id. @example `{ fn: 3 }` */
export type FnId = number;

/** A record-at-a-time or partition-at-a-time operation inside a stage (no shuffle). @example `{ op: "map", fn: 3 }` */
export type NarrowOp =
  | { readonly op: "map" | "flatMap" | "filter" | "mapValues" | "flatMapValues" | "keyBy"; readonly fn: FnId }
  | { readonly op: "mapPartitions"; readonly fn: FnId; readonly withIndex: boolean }
  | { readonly op: "keys" | "values" | "swap" }
  | { readonly op: "sample"; readonly withReplacement: boolean; readonly fraction: number; readonly seed: number }
  | { readonly op: "zipWithIndex"; readonly start: number }
  | { readonly op: "join"; readonly how: "inner" | "left" | "right" | "full" }
  | { readonly op: "mrMap"; readonly fn: FnId }
  | { readonly op: "mrReduce"; readonly fn: FnId };

/** How a reduce task combines what it reads from the shuffle. @example `{ mode: "combine", merge: 4 }` */
export type ReduceSpec =
  | { readonly mode: "plain" }
  | { readonly mode: "combine"; readonly merge: FnId }
  | { readonly mode: "group" }
  | { readonly mode: "cogroup"; readonly inputs: number }
  | { readonly mode: "sort"; readonly ascending: boolean };

/** Which reducer a record goes to. @example `{ kind: "hash", n: 4 }` */
export type Partitioner =
  | { readonly kind: "hash"; readonly n: number }
  | { readonly kind: "range"; readonly n: number; readonly bounds: readonly unknown[]; readonly ascending: boolean }
  | { readonly kind: "roundRobin"; readonly n: number };

/** Map-side work before records are written to the shuffle. @example `{ kind: "combine", create: 1, merge: 2 }` */
export type MapSide =
  | { readonly kind: "none" }
  | { readonly kind: "combine"; readonly create: FnId; readonly merge: FnId }
  | { readonly kind: "mrCombine"; readonly fn: FnId };

/** Where a task's records come from, plus fused narrow operations. @example `{ kind: "slice", records: [1, 2] }` */
export type TaskPlan =
  | { readonly kind: "slice"; readonly records: readonly unknown[] }
  | { readonly kind: "text"; readonly path: string; readonly start: number; readonly end: number; readonly withOffsets: boolean }
  | { readonly kind: "blockFile"; readonly path: string; readonly start?: number; readonly end?: number }
  | { readonly kind: "blockMemory"; readonly buffer: SharedArrayBuffer; readonly length: number }
  | { readonly kind: "narrow"; readonly input: TaskPlan; readonly ops: readonly NarrowOp[]; readonly partition: number }
  | { readonly kind: "concat"; readonly inputs: readonly TaskPlan[] }
  /** zip: the two inputs element by element (their lengths must match); cartesian: every [left, right] pair. `ids` name the Datasets in errors. */
  | { readonly kind: "paired"; readonly mode: "zip" | "cartesian"; readonly left: TaskPlan; readonly right: TaskPlan; readonly ids: readonly [number, number] }
  | { readonly kind: "shuffleRead"; readonly inputs: readonly (readonly string[])[]; readonly reduce: ReduceSpec }
  | { readonly kind: "cache"; readonly input: TaskPlan; readonly blockId: string; readonly level: "MEMORY" | "DISK"; readonly path: string };

/** What the task does with its records. @example `{ kind: "count" }` */
export type Sink =
  | { readonly kind: "collect" }
  | { readonly kind: "count" }
  | { readonly kind: "take"; readonly n: number }
  | { readonly kind: "fold"; readonly fn: FnId; readonly zero: unknown }
  | { readonly kind: "aggregate"; readonly seqOp: FnId; readonly zero: unknown }
  | { readonly kind: "foreach"; readonly fn: FnId }
  | { readonly kind: "foreachPartition"; readonly fn: FnId }
  | { readonly kind: "countByValue" }
  | { readonly kind: "sampleKeys"; readonly perPartition: number; readonly seed: number }
  | { readonly kind: "shuffleWrite"; readonly dir: string; readonly partitioner: Partitioner; readonly mapSide: MapSide }
  | { readonly kind: "textFile"; readonly path: string }
  | { readonly kind: "blockFile"; readonly path: string };

/** Message driver → worker. @example `{ type: "task", taskId: 1, plan, sink, fns: [], broadcasts: [] }` */
export interface TaskMessage {
  readonly type: "task";
  readonly taskId: number;
  readonly partition: number;
  readonly plan: TaskPlan;
  readonly sink: Sink;
  /** Function specs this worker has not seen yet. */
  readonly fns: readonly FnSpec[];
  /** Broadcast values this worker has not seen yet: [id, serialized]. */
  readonly broadcasts: readonly (readonly [number, Uint8Array])[];
  /** Per-task memory budget in bytes for aggregation, grouping and sorting (beyond it: spill). */
  readonly memoryBudget: number;
  /** Directory for this task's spill runs. */
  readonly spillDir: string;
}

/** Counters of one task. @example `{ recordsIn: 10, recordsOut: 10, ... }` */
export interface TaskMetrics {
  recordsIn: number;
  recordsOut: number;
  shuffleBytesWritten: number;
  shuffleBytesRead: number;
  spillBytes: number;
  spillFiles: number;
  timeMs: number;
}

/** A cached block a task produced. @example `{ blockId: "rdd3_0", level: "DISK", path: "/tmp/..", bytes: 10 }` */
export interface BlockReport {
  readonly blockId: string;
  readonly level: "MEMORY" | "DISK";
  readonly path: string;
  readonly buffer?: SharedArrayBuffer;
  readonly bytes: number;
}

/** Message worker → driver. @example `{ type: "done", taskId: 1, value: 3, metrics, blocks: [], accumulators: [] }` */
export type WorkerReply =
  | { readonly type: "ready" }
  | {
    readonly type: "done";
    readonly taskId: number;
    /** Sink result: encoded records (collect/take), a number, a partial value, or shuffle files per reducer. */
    readonly value: unknown;
    readonly metrics: TaskMetrics;
    readonly blocks: readonly BlockReport[];
    readonly accumulators: readonly (readonly [number, number])[];
  }
  | {
    readonly type: "failed"; readonly taskId: number;
    /** `code`/`hint`: set when a WeirError was thrown (a Weir check in the task, e.g. zip's element counts); `file`: the record file found corrupt (for FetchFailed, the shuffle file). */
    readonly error: { readonly name: string; readonly message: string; readonly stack: string; readonly code?: string; readonly hint?: string; readonly fetchFailed?: boolean; readonly file?: string };
  };

/** Fresh zeroed metrics. @example `emptyMetrics().recordsIn // 0` */
export function emptyMetrics(): TaskMetrics {
  return { recordsIn: 0, recordsOut: 0, shuffleBytesWritten: 0, shuffleBytesRead: 0, spillBytes: 0, spillFiles: 0, timeMs: 0 };
}

/**
 * The plans `plan` reads its records from. Every walk over a plan tree (the files a task reads, the parallelize()
 * records it sends) goes through here, so a new plan kind breaks this switch at compile time, not a walk silently.
 * @example `childPlans({ kind: "concat", inputs: [a, b] }) // [a, b]`
 */
export function childPlans(plan: TaskPlan): readonly TaskPlan[] {
  switch (plan.kind) {
    case "slice": case "text": case "blockFile": case "blockMemory": case "shuffleRead": return [];
    case "narrow": case "cache": return [plan.input];
    case "concat": return plan.inputs;
    case "paired": return [plan.left, plan.right];
    default: {
      const never: never = plan;
      return bug("unknown task plan", { plan: never });
    }
  }
}
