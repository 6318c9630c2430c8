/**
 * Entry point of a worker thread: receives one task at a time, runs it with a {@link TaskRunner} (which keeps
 * compiled functions and broadcast values between tasks) and replies with the result or the user's error. A
 * result that cannot be cloned back (countByValue of symbols, a fold accumulator holding a function) is reported as
 * WEIR_RECORD_NOT_SERIALIZABLE, which the scheduler does not retry.
 */
import { parentPort } from "node:worker_threads";
import { resultNotSendable } from "./record-check.js";
import { RecordFileCorruptError } from "./record-files.js";
import { FetchFailedError } from "./shuffle-reader.js";
import { TaskRunner } from "./task-runner.js";
import type { TaskMessage, WorkerReply } from "./task-plan.js";

const port = parentPort;
if (!port) throw new Error("worker-main must run in a worker thread");
const runner = new TaskRunner();

port.on("message", (msg: TaskMessage) => {
  void (async () => {
    try {
      await runner.prepare(msg);
      const out = runner.run(msg);
      const reply: WorkerReply = { type: "done", taskId: msg.taskId, value: out.value, metrics: out.metrics, blocks: out.blocks, accumulators: out.accumulators };
      try {
        port.postMessage(reply, out.transfer);
      } catch (e) {
        throw resultNotSendable(out.value, e);
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const reply: WorkerReply = {
        type: "failed", taskId: msg.taskId,
        error: {
          name: err.name, message: err.message, stack: err.stack ?? String(err),
          ...(typeof (err as { code?: unknown }).code === "string" ? { code: (err as unknown as { code: string }).code } : {}),
          ...(typeof (err as { hint?: unknown }).hint === "string" ? { hint: (err as unknown as { hint: string }).hint } : {}),
          ...((err as { fetchFailed?: boolean }).fetchFailed ? { fetchFailed: true } : {}),
          ...(err instanceof RecordFileCorruptError || err instanceof FetchFailedError ? { file: err.file } : {}),
        },
      };
      port.postMessage(reply);
    }
  })();
});
port.postMessage({ type: "ready" } satisfies WorkerReply);
