/**
 * The session's record of its jobs: every action (collect, count, show, write, cache, …) runs through
 * `runtime.job`, which times it, keeps the last jobs in a bounded list and tells listeners when a job starts
 * and ends (the CLI uses that for progress). Spark's equivalent is the SparkListener bus behind the UI.
 */

/** One job's record. @example `{ id: 3, description: "collect", status: "succeeded", durationMs: 12.5, … }` */
export interface JobRecord {
  readonly id: number;
  readonly description: string;
  readonly status: "running" | "succeeded" | "failed";
  readonly startedAt: Date;
  readonly durationMs?: number;
  readonly error?: string;
}

/** A listener for job start/end events. @example `(job) => { if (job.status !== "running") console.log(job.durationMs); }` */
export type JobListener = (job: JobRecord) => void;

/**
 * Runs work as numbered jobs and keeps the most recent `capacity` records.
 * @example
 * ```ts
 * const tracker = new JobTracker();
 * await tracker.run("collect", () => executor.query(sql));
 * tracker.recent()[0]?.durationMs;
 * ```
 */
export class JobTracker {
  private readonly records: JobRecord[] = [];
  private readonly listeners = new Set<JobListener>();
  private nextId = 1;

  constructor(private readonly capacity = 100) {}

  /** Run `work` as a job named `description`; its record is kept whether it succeeds or fails. */
  async run<T>(description: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const base = { id: this.nextId++, description, startedAt: new Date() };
    this.emit({ ...base, status: "running" });
    try {
      const result = await work();
      this.finish({ ...base, status: "succeeded", durationMs: performance.now() - started });
      return result;
    } catch (e) {
      this.finish({ ...base, status: "failed", durationMs: performance.now() - started, error: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  /** Finished jobs, newest first. */
  recent(): readonly JobRecord[] {
    return [...this.records].reverse();
  }

  /** Listen to job start/end events; returns a function that removes the listener. */
  onJob(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private finish(record: JobRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) this.records.shift();
    this.emit(record);
  }

  private emit(record: JobRecord): void {
    // A listener's failure must not fail the user's action.
    for (const l of this.listeners) {
      try {
        l(record);
      } catch {
        /* ignored */
      }
    }
  }
}
