/**
 * A fixed-size pool of worker threads (default: one per core), one task per worker at a time. A worker that
 * dies (process.exit, a crash, an uncaught error) fails its running task with a retryable error and is replaced.
 * Functions and broadcast values are sent to each worker once and cached there. A task message that cannot be
 * cloned (a fold's zero value holding a function) fails that task with {@link UnsendableTaskError}, not the pool.
 */
import { Worker } from "node:worker_threads";
import { WeirError } from "../../errors/index.js";
import { findUncloneable, type ValueProblem } from "./record-check.js";
import type { Broadcast, FnSpec } from "./ship-function.js";
import type { TaskMessage, WorkerReply } from "./task-plan.js";

/** A task as submitted: the message without the per-worker function/broadcast lists. @example `pool.run({ ...task, needs })` */
export interface PoolTask {
  readonly message: Omit<TaskMessage, "fns" | "broadcasts">;
  readonly fns: readonly FnSpec[];
  readonly broadcasts: readonly Broadcast<unknown>[];
}

/** The worker running a task exited before replying. @example `if (e instanceof WorkerDiedError) retry()` */
export class WorkerDiedError extends Error {
  constructor(readonly exitCode: number | undefined, detail: string) {
    super(`the worker thread running the task died (${detail})`);
    this.name = "WorkerDiedError";
  }
}

/** A task's user error as reported by the worker. @example `new TaskError({ name: "TypeError", message: "x", stack: "…" })` */
export class TaskError extends Error {
  readonly fetchFailed: boolean;
  /** A WeirError's code, or a Node system error's (`ENOSPC`), when the worker's error had one. */
  readonly code: string | undefined;
  constructor(readonly remote: { name: string; message: string; stack: string; code?: string; hint?: string; fetchFailed?: boolean; file?: string }) {
    super(remote.message);
    this.name = remote.name;
    this.stack = remote.stack;
    this.code = remote.code;
    this.fetchFailed = remote.fetchFailed === true;
  }
}

/**
 * A task message could not be cloned to the worker; `problem` says what in it and where (`path` from the message,
 * e.g. `sink.zero.f`). Never retried: the same message fails the same way.
 * @example `if (e instanceof UnsendableTaskError) console.error(e.problem.what)`
 */
export class UnsendableTaskError extends Error {
  constructor(readonly problem: ValueProblem, cause: unknown) {
    super(`the task message holds ${problem.what} at ${problem.path}, which cannot be sent to a worker thread`, { cause });
    this.name = "UnsendableTaskError";
  }
}

type Done = Extract<WorkerReply, { type: "done" }>;
interface Slot { worker: Worker; known: Set<number>; knownBc: Set<number>; current?: Pending; dead: boolean }
interface Pending { task: PoolTask; resolve(r: Done): void; reject(e: Error): void }

function workerSource(): string {
  const entry = new URL("./worker-main" + (import.meta.url.endsWith(".ts") ? ".ts" : ".js"), import.meta.url).href;
  if (!entry.endsWith(".ts")) return `import(${JSON.stringify(entry)})`;
  // Running from TypeScript sources: Node 20 does not pass tsx's loader hooks to worker threads; register them.
  let tsx: string | undefined;
  try { tsx = import.meta.resolve("tsx/esm/api"); } catch { tsx = undefined; }
  const load = `import(${JSON.stringify(entry)})`;
  return tsx
    ? `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return ${load}; }).catch((e) => { console.error(e); process.exit(70); })`
    : load;
}

/**
 * Runs tasks on worker threads.
 * @example `const pool = new WorkerPool(2); const reply = await pool.run(task); await pool.close();`
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly source = workerSource();
  private closed = false;

  /** `heapMb`: each worker's V8 old-generation limit (undefined: V8's default). */
  constructor(readonly size: number, private readonly heapMb?: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(this.source, { eval: true, ...(this.heapMb ? { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } } : {}) });
    const slot: Slot = { worker, known: new Set(), knownBc: new Set(), dead: false };
    worker.unref();
    worker.on("message", (reply: WorkerReply) => {
      if (reply.type === "ready") return;
      const p = slot.current;
      slot.current = undefined;
      worker.unref();
      if (p) {
        if (reply.type === "done") p.resolve(reply);
        else p.reject(new TaskError(reply.error));
      }
      this.dispatch();
    });
    const die = (detail: string, code?: number): void => {
      if (slot.dead) return;
      slot.dead = true;
      const p = slot.current;
      slot.current = undefined;
      const i = this.slots.indexOf(slot);
      if (!this.closed && i >= 0) this.slots[i] = this.spawn();
      p?.reject(new WorkerDiedError(code, detail));
      this.dispatch();
    };
    worker.on("error", (e) => die(`uncaught ${e.name}: ${e.message}`));
    worker.on("exit", (code) => die(`exit code ${code}`, code));
    return slot;
  }

  /**
   * Run one task; rejects with {@link TaskError} (the task threw), {@link WorkerDiedError}, {@link UnsendableTaskError}
   * (the message could not be cloned) or WEIR_SESSION_CLOSED (the pool was closed first).
   */
  run(task: PoolTask): Promise<Done> {
    if (this.closed) return Promise.reject(poolClosed());
    return new Promise<Done>((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.current || slot.dead) continue;
      const p = this.queue.shift()!;
      slot.current = p;
      const fns = p.task.fns.filter((f) => !slot.known.has(f.id));
      const broadcasts = p.task.broadcasts.filter((b) => !slot.knownBc.has(b.id)).map((b) => [b.id, b.bytes] as const);
      slot.worker.ref();
      try {
        slot.worker.postMessage({ ...p.task.message, fns, broadcasts } satisfies TaskMessage);
        // Known only once sent: a message that could not be cloned delivered none of them.
        for (const f of fns) slot.known.add(f.id);
        for (const b of broadcasts) slot.knownBc.add(b[0]);
      } catch (e) {
        slot.current = undefined;
        slot.worker.unref();
        const problem = findUncloneable({ ...p.task.message, fns, broadcasts });
        p.reject(problem ? new UnsendableTaskError({ path: problem.path.replace(/^\./, ""), what: problem.what }, e) : e as Error);
      }
    }
  }

  /** Stop every worker; queued and running tasks fail with WEIR_SESSION_CLOSED. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(poolClosed());
    await Promise.all(this.slots.map((s) => {
      s.dead = true;
      s.current?.reject(poolClosed());
      s.current = undefined;
      return s.worker.terminate();
    }));
  }
}

function poolClosed(): WeirError {
  return new WeirError("WEIR_SESSION_CLOSED", "The session was closed while a Dataset job was running; its tasks were stopped", {
    hint: "await the job's action before session.close()",
  });
}
