import os from "node:os";
import path from "node:path";
import { WeirError } from "../errors/index.js";
import { Accumulator, Broadcast, JsEngine } from "../engine/index.js";
import type { RuntimeConfig } from "./runtime-config.js";
import type { Runtime } from "./runtime.js";

/**
 * What Datasets need from their session: the JS engine (started on first use, with settings read from
 * `session.conf`: `weir.js.workers`, `weir.js.memoryPerTask`, `weir.task.maxFailures`, and `weir.js.workerHeap` —
 * each worker's V8 heap limit, unset by default; a task past it dies and is retried), default parallelism,
 * and ids for broadcasts and accumulators.
 * @example `const ctx = new DatasetContext(conf, tempDir); ctx.engine.runJob(...)`
 */
export class DatasetContext {
  private engineInstance: JsEngine | undefined;
  private nextBroadcast = 1;
  private nextAccumulator = 1;
  private closed = false;

  /** `runtime`: the session's DataFrame runtime (toDF reads the workers' files through it). */
  constructor(private readonly conf: RuntimeConfig, readonly tempDir: string, readonly runtime?: Runtime) {}

  /** Worker threads (conf `weir.js.workers`, default: cores). */
  get workers(): number {
    return this.positiveInt("weir.js.workers", String(os.availableParallelism()), 2);
  }

  private positiveInt(key: string, fallback: string, example: number): number {
    const v = Number(this.conf.get(key, fallback));
    if (!Number.isInteger(v) || v < 1) throw new WeirError("WEIR_INVALID_ARGUMENT", `${key} must be a positive integer, got ${v}`, { hint: `e.g. spark.conf.set("${key}", ${example})` });
    return v;
  }

  /** Spark's defaultParallelism: the pool size. */
  get defaultParallelism(): number {
    return this.workers;
  }

  get engine(): JsEngine {
    if (this.closed) throw new WeirError("WEIR_SESSION_CLOSED", "The session is closed", { hint: "create a new one with Session.create()" });
    return (this.engineInstance ??= new JsEngine({
      tempDir: path.join(this.tempDir, "js"),
      workers: this.workers,
      memoryPerTask: parseBytes(this.conf.get("weir.js.memoryPerTask", "256MB")),
      maxFailures: this.positiveInt("weir.task.maxFailures", "4", 4),
      ...(this.conf.get("weir.js.workerHeap", "") ? { workerHeap: parseBytes(this.conf.get("weir.js.workerHeap", "")) } : {}),
    }));
  }

  broadcast<T>(value: T): Broadcast<T> {
    return new Broadcast(this.nextBroadcast++, value);
  }

  accumulator(initial = 0): Accumulator {
    const acc = new Accumulator(this.nextAccumulator++, initial);
    return acc;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.engineInstance?.close();
  }
}

/** "64MB", "1GB", "512kb" or a number of bytes. @example `parseBytes("64MB") // 67108864` */
export function parseBytes(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$/i.exec(v);
  if (!m) throw new WeirError("WEIR_INVALID_ARGUMENT", `Invalid byte size "${v}"`, { hint: 'use e.g. "64MB", "1GB" or a number of bytes' });
  const unit = (m[2] ?? "").toLowerCase().replace(/i?b$/, "");
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit] ?? 1;
  return Math.round(Number(m[1]) * mult);
}
