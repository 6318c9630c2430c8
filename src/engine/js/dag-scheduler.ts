/**
 * The DAG scheduler: an action becomes a job; the job's lineage is cut into stages at shuffle dependencies;
 * missing parent stages run first (independent ones concurrently), then the result stage. Each stage runs one
 * task per partition on the worker pool, with retries.
 *
 *   action ─▶ job ─▶ missing shuffles? ─▶ shuffle-map stages (recursively, parents first)
 *                                          └─▶ result stage: one task per partition ─▶ sink results
 *   task failure ─▶ retry (maxFailures) ─▶ WEIR_TASK_FAILED {stage, partition, attempt, user stack}
 *   missing/truncated shuffle file (FetchFailed) ─▶ rerun that map stage, retry the task
 *     (a failed map attempt's files are deleted at once; the outputs a rerun replaced, once no job runs)
 *   truncated cached DISK block ─▶ drop it, retry the task (which recomputes it); see task-failure.ts
 *   a parallelize() record or a result that is not plain data ─▶ WEIR_RECORD_NOT_SERIALIZABLE, at once
 *   a Weir check failed in the task (zip's element counts, a fnRef() that cannot load) ─▶ that error, at once (no retry)
 */
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { bug, ExecutionError } from "../../errors/index.js";
import { narrowAncestors, pairedInputs, type LineageNode, type ShuffleDependency } from "./lineage.js";
import { LineageCleaner } from "./lineage-cleaner.js";
import { blockAvailable, MissingMapOutputError, Needs, planPartition } from "./plan-builder.js";
import { findUnsendableRecord } from "./record-check.js";
import type { Accumulator, Broadcast, FnSpec, ShippedFunction } from "./ship-function.js";
import { emptyMetrics, type Sink, type TaskMetrics, type WorkerReply } from "./task-plan.js";
import { classifyFailure, taskFailedHint, unsendableRecord } from "./task-failure.js";
import { WorkerPool } from "./worker-pool.js";

/** Metrics of one stage. @example `{ stageId: 1, kind: "shuffleMap", name: "map", tasks: 2, attempts: 2, ... }` */
export interface StageMetrics extends TaskMetrics {
  readonly stageId: number;
  readonly kind: "shuffleMap" | "result";
  readonly name: string;
  readonly tasks: number;
  attempts: number;
}

/** Metrics of one job (one action). @example `job.stages.map((s) => s.shuffleBytesWritten)` */
export interface JobMetrics {
  readonly jobId: number;
  readonly description: string;
  readonly stages: StageMetrics[];
  timeMs: number;
}

/** Options of a {@link JsEngine}. @example `{ tempDir: "/tmp/weir", workers: 2, memoryPerTask: 64 << 20, maxFailures: 4 }` */
export interface JsEngineOptions {
  readonly tempDir: string;
  /** Worker threads (default: cores). */
  readonly workers: number;
  /** Bytes each task may hold in aggregation/group/sort tables before spilling. */
  readonly memoryPerTask: number;
  /** Each worker thread's V8 heap limit in bytes (undefined: V8's default); bounds the process's memory. */
  readonly workerHeap?: number;
  /** Attempts per task before the job fails (Spark's spark.task.maxFailures, default 4). */
  readonly maxFailures: number;
  /** Called as stage tasks finish (for progress bars). */
  readonly onProgress?: (stage: StageMetrics, done: number) => void;
}

type Done = Extract<WorkerReply, { type: "done" }>;

/** Recoveries (recomputing lost shuffle outputs or cached blocks) a task may trigger in a row; they do not count as failures. */
const MAX_RECOVERIES = 4;

/**
 * Runs jobs over lineage graphs on a worker pool.
 * @example `const engine = new JsEngine({ tempDir, workers: 2, memoryPerTask: 64 << 20, maxFailures: 4 }); await engine.runJob(node, () => ({ kind: "count" }), "count")`
 */
export class JsEngine {
  private poolInstance: WorkerPool | undefined;
  private nextJob = 1;
  private nextStage = 1;
  private nextTask = 1;
  private readonly accumulators = new Map<number, Accumulator>();
  /** Tasks of each stage that finished (attempts count retries and tasks still running). */
  private readonly tasksDone = new WeakMap<StageMetrics, number>();
  /** Jobs running now (nested ones included: a prepare hook's sampling job runs inside its parent's). */
  private activeJobs = 0;
  /** Directories of map outputs a rerun of their map stage replaced, deleted when no job runs. */
  private readonly superseded: string[] = [];
  /** Deletes shuffle files and DISK blocks of lineage nothing references any more (Spark's ContextCleaner). */
  private readonly cleaner = new LineageCleaner();
  /** Finished jobs, most recent last (bounded). */
  readonly jobs: JobMetrics[] = [];
  readonly blockDir: string;

  constructor(readonly options: JsEngineOptions) {
    this.blockDir = path.join(options.tempDir, "blocks");
    mkdirSync(this.blockDir, { recursive: true });
  }

  private get pool(): WorkerPool {
    const heap = this.options.workerHeap;
    return (this.poolInstance ??= new WorkerPool(this.options.workers, heap ? Math.max(64, Math.round(heap / 2 ** 20)) : undefined));
  }

  /** Make driver-side accumulators receive task deltas. */
  registerAccumulators(list: readonly Accumulator[]): void {
    for (const a of list) this.accumulators.set(a.id, a);
  }

  /**
   * Run an action: every missing shuffle stage, then `sinkFor(p)` on each partition in `partitions`; results by
   * partition order. `onResult` sees each result as it arrives (take() stops early through it).
   */
  async runJob(node: LineageNode, sinkFor: (p: number) => { sink: Sink; fns?: readonly ShippedFunction[] }, description: string,
    partitions: readonly number[] = range(node.numPartitions)): Promise<{ values: unknown[]; job: JobMetrics }> {
    const started = performance.now();
    this.activeJobs++;
    try {
      await prepareLineage(node);
      const job: JobMetrics = { jobId: this.nextJob++, description, stages: [], timeMs: 0 };
      await this.ensureParents(node, job, partitions);
      const stage = this.newStage(job, "result", node.name, partitions.length);
      const values = await Promise.all(partitions.map((p) => this.runTask(job, stage, node, p, sinkFor(p))));
      job.timeMs = performance.now() - started;
      this.jobs.push(job);
      if (this.jobs.length > 100) this.jobs.shift();
      return { values: values.map((d) => d.value), job };
    } finally {
      // Replaced map outputs may still be read by a reducer of a concurrent job: delete them once none runs.
      if (--this.activeJobs === 0) for (const d of this.superseded.splice(0)) rmSync(d, { recursive: true, force: true });
    }
  }

  private newStage(job: JobMetrics, kind: StageMetrics["kind"], name: string, tasks: number): StageMetrics {
    const s: StageMetrics = { stageId: this.nextStage++, kind, name, tasks, attempts: 0, ...emptyMetrics() };
    job.stages.push(s);
    return s;
  }

  /** Shuffle dependencies whose map outputs are missing, reachable without crossing a shuffle or a cached block. */
  private missingShuffles(node: LineageNode, partitions: readonly number[], out: Set<ShuffleDependency>): void {
    if (node.checkpointFiles) return;
    const needed = node.storage ? partitions.filter((p) => !blockAvailable(node, p)) : partitions;
    if (needed.length === 0) return;
    const s = node.source;
    switch (s.type) {
      case "parallelize": case "textFile": case "records": return;
      case "narrow": this.missingShuffles(s.parent, needed, out); return;
      case "coalesce": this.missingShuffles(s.parent, needed.flatMap((p) => s.groups[p] ?? []), out); return;
      case "union": {
        let offset = 0;
        for (const parent of s.parents) {
          const mine = needed.filter((p) => p >= offset && p < offset + parent.numPartitions).map((p) => p - offset);
          if (mine.length > 0) this.missingShuffles(parent, mine, out);
          offset += parent.numPartitions;
        }
        return;
      }
      case "paired": {
        const inputs = needed.map((p) => pairedInputs(s, p));
        this.missingShuffles(s.left, [...new Set(inputs.map(([i]) => i))], out);
        this.missingShuffles(s.right, [...new Set(inputs.map(([, j]) => j))], out);
        return;
      }
      case "shuffled":
        for (const d of s.deps) if (!d.outputs || d.outputs.some((o) => o === undefined)) out.add(d);
        return;
      default: {
        const never: never = s;
        bug("unknown lineage source", { source: never });
      }
    }
  }

  private async ensureParents(node: LineageNode, job: JobMetrics, partitions: readonly number[]): Promise<void> {
    const deps = new Set<ShuffleDependency>();
    this.missingShuffles(node, partitions, deps);
    await Promise.all([...deps].map((d) => this.runShuffleStage(d, job)));
  }

  private async runShuffleStage(dep: ShuffleDependency, job: JobMetrics): Promise<void> {
    if (dep.running) return dep.running;
    dep.running = (async () => {
      const parent = dep.parent;
      await this.ensureParents(parent, job, range(parent.numPartitions));
      const outputs: ((string | null)[] | undefined)[] = dep.outputs ?? new Array(parent.numPartitions).fill(undefined);
      const todo = range(parent.numPartitions).filter((m) => !outputs[m]);
      const stage = this.newStage(job, "shuffleMap", parent.name, todo.length);
      const dir = path.join(this.options.tempDir, `shuffle-${dep.id}`);
      this.cleaner.watchShuffle(dep, dir);
      await Promise.all(todo.map(async (m) => {
        const failed: string[] = []; // attempts' directories; the last one is the successful attempt's
        try {
          const done = await this.runTask(job, stage, parent, m, (attempt) => {
            // Stage and attempt in the name: a rerun of the map stage (FetchFailed) never rewrites files a reducer
            // of the previous run may still be reading.
            failed.push(path.join(dir, `map-${m}-stage${stage.stageId}-${attempt}`));
            return { sink: { kind: "shuffleWrite", dir: failed.at(-1)!, partitioner: dep.partitioner, mapSide: dep.mapSide }, fns: dep.fns };
          });
          failed.pop();
          outputs[m] = done.value as (string | null)[];
        } finally {
          for (const d of failed) rmSync(d, { recursive: true, force: true }); // partial output nothing will read
        }
      }));
      dep.outputs = outputs;
    })();
    try {
      await dep.running;
    } finally {
      dep.running = undefined;
    }
  }

  /**
   * One task with retries; the sink may depend on the attempt number (shuffle output directories do). Recomputing
   * a lost input (FetchFailed, a corrupt cached block) is not a failure of the task: at most MAX_RECOVERIES in a row.
   */
  private async runTask(job: JobMetrics, stage: StageMetrics, node: LineageNode, p: number,
    sinkSpec: { sink: Sink; fns?: readonly ShippedFunction[] } | ((attempt: number) => { sink: Sink; fns?: readonly ShippedFunction[] })): Promise<Done> {
    const { maxFailures } = this.options;
    const place = { stageId: stage.stageId, stageName: stage.name, partition: p };
    let last: Error | undefined;
    let failures = 0;
    let recoveries = 0;
    for (let attempt = 1; failures < maxFailures; attempt++) {
      const { sink, fns = [] } = typeof sinkSpec === "function" ? sinkSpec(attempt) : sinkSpec;
      const needs = new Needs();
      let plan;
      try {
        plan = planPartition(node, p, needs, this.blockDir);
      } catch (e) {
        if (e instanceof MissingMapOutputError) { await this.ensureParents(node, job, [p]); plan = planPartition(node, p, needs, this.blockDir); } else throw e;
      }
      const unsendable = findUnsendableRecord(plan);
      if (unsendable) throw unsendableRecord(place, unsendable.index, unsendable.problem);
      needs.add(fns);
      const specs = new Map<number, FnSpec>();
      const broadcasts = new Set<Broadcast<unknown>>();
      for (const f of needs.fns) { specs.set(f.spec.id, f.spec); for (const b of f.broadcasts) broadcasts.add(b); this.registerAccumulators(f.accumulators); }
      const taskId = this.nextTask++;
      stage.attempts++;
      try {
        const done = await this.pool.run({
          message: { type: "task", taskId, partition: p, plan, sink, memoryBudget: this.options.memoryPerTask, spillDir: path.join(this.options.tempDir, "spill", `task-${taskId}`) },
          fns: [...specs.values()], broadcasts: [...broadcasts],
        });
        for (const target of registerBlocks(node, done)) if (target.storage === "DISK") this.cleaner.watchBlocks(target);
        for (const [id, delta] of done.accumulators) { const acc = this.accumulators.get(id); if (acc) acc.value += delta; }
        addMetrics(stage, done.metrics);
        const finished = (this.tasksDone.get(stage) ?? 0) + 1;
        this.tasksDone.set(stage, finished);
        this.options.onProgress?.(stage, finished);
        return done;
      } catch (e) {
        last = e as Error;
        const action = classifyFailure(e, node, plan, place);
        if (action.kind === "fail") throw action.error;
        if (action.kind !== "retry" && recoveries++ < MAX_RECOVERIES) {
          if (action.kind === "refetch") { invalidateShuffles(node, this.superseded, action.file); await this.ensureParents(node, job, [p]); }
          continue;
        }
        failures++;
        recoveries = 0;
      }
    }
    const err = last!;
    throw new ExecutionError("WEIR_TASK_FAILED", `Task ${p} in stage ${stage.stageId} (${stage.name}) failed ${maxFailures} times; last failure (attempt ${maxFailures}): ${err.name}: ${err.message}`, {
      hint: taskFailedHint(err),
      cause: err,
      details: { stage: stage.stageId, stageName: stage.name, partition: p, attempt: maxFailures, stack: err.stack ?? String(err) },
    });
  }

  /** Delete cached blocks of a node (unpersist). */
  dropBlocks(node: LineageNode): void {
    for (const b of node.blocks.values()) if (b.level === "DISK") rmSync(b.path, { force: true });
    node.blocks.clear();
  }

  /** Stop the workers. */
  async close(): Promise<void> {
    await this.poolInstance?.close();
    this.poolInstance = undefined;
  }
}

/** Run every node's prepare hook once, parents first. */
async function prepareLineage(node: LineageNode, seen = new Set<LineageNode>()): Promise<void> {
  if (seen.has(node)) return;
  seen.add(node);
  for (const p of node.parents()) await prepareLineage(p.node, seen);
  if (node.prepare) await (node.prepared ??= node.prepare());
}

/** Record the blocks a task computed on their nodes; returns those nodes. */
function registerBlocks(node: LineageNode, done: Done): LineageNode[] {
  // A task computes blocks of the node it runs and of cached ancestors on the way; ids name their node.
  const targets: LineageNode[] = [];
  for (const b of done.blocks) {
    const m = /^rdd(\d+)_(\d+)$/.exec(b.blockId);
    if (!m) continue;
    const target = findNode(node, Number(m[1]));
    if (!target) continue;
    target.blocks.set(Number(m[2]), { level: b.level, path: b.path, bytes: b.bytes, ...(b.buffer ? { buffer: b.buffer } : {}) });
    targets.push(target);
  }
  return targets;
}

function findNode(root: LineageNode, id: number): LineageNode | undefined {
  for (const n of narrowAncestors(root)) if (n.id === id) return n;
  return undefined;
}

/**
 * Forget the map outputs of the shuffle a task could not read `file` of (every shuffle it reads when `file` is
 * unknown); their directories go to `retired` (deleted later). A shuffle whose outputs no longer hold `file` was
 * already recomputed for another reducer: it is kept, so k reducers failing on one lost shuffle rerun it once.
 */
function invalidateShuffles(node: LineageNode, retired: string[], file: string | undefined): void {
  for (const p of node.parents()) {
    if (!p.shuffle) { invalidateShuffles(p.node, retired, file); continue; }
    const old = p.shuffle.outputs;
    if (!old || (file !== undefined && !old.some((files) => files?.includes(file)))) continue;
    for (const files of old) for (const f of files ?? []) if (f !== null && retired.at(-1) !== path.dirname(f)) retired.push(path.dirname(f));
    old.fill(undefined); // a map stage still running over this array must not publish these outputs again
    p.shuffle.outputs = undefined;
  }
}

function addMetrics(s: StageMetrics, m: TaskMetrics): void {
  s.recordsIn += m.recordsIn;
  s.recordsOut += m.recordsOut;
  s.shuffleBytesWritten += m.shuffleBytesWritten;
  s.shuffleBytesRead += m.shuffleBytesRead;
  s.spillBytes += m.spillBytes;
  s.spillFiles += m.spillFiles;
  s.timeMs += m.timeMs;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
