/**
 * What the scheduler does about a failed task, by what failed:
 *
 *   task message could not be sent (UnsendableTaskError) ─▶ fail now: WEIR_RECORD_NOT_SERIALIZABLE
 *   a shuffle file missing / truncated / corrupt (FetchFailed) ─▶ "refetch": rerun the map stages, retry
 *   a cached DISK block truncated / corrupt ─▶ drop the block ─▶ "recompute": retry, which recomputes it
 *   a checkpoint or spooled-source file corrupt ─▶ fail now: WEIR_RECORD_FILE_CORRUPT (nothing to recompute from)
 *   a Weir check failed in the task (a record not plain data, zip's element counts, a fnRef() that cannot load)
 *     ─▶ fail now, with its code and hint: the input breaks the operation's contract, a retry cannot help
 *   anything else (the user function threw — even a WeirError from user code calling Weir, such as a dropped
 *     Postgres connection —, the worker died) ─▶ "retry" (counted against maxFailures)
 *
 * The worker's error names the corrupt file (`file`); it is matched against the files the task's plan read, so
 * only an input of this task is ever dropped or blamed.
 */
import { rmSync } from "node:fs";
import { ExecutionError, type ErrorCode } from "../../errors/index.js";
import { narrowAncestors, type LineageNode } from "./lineage.js";
import { problemText, RECORD_HINT, type ValueProblem } from "./record-check.js";
import { childPlans, type TaskPlan } from "./task-plan.js";
import { TaskError, UnsendableTaskError, WorkerDiedError } from "./worker-pool.js";

/**
 * The codes of Weir's own checks inside a task, which fail the same way on every attempt: zip's element counts
 * (WEIR_INVALID_ARGUMENT), a record that is not plain data, a fnRef() whose module or export cannot be loaded. Any
 * other code a task reports is retried: it comes from user code calling Weir (WEIR_POSTGRES_CONNECTION,
 * WEIR_DELTA_CONCURRENT_MODIFICATION, WEIR_DELTA_LOG_IO …), where a retry is what saves the job.
 */
const FINAL_CODES: ReadonlySet<string> = new Set<ErrorCode>(["WEIR_INVALID_ARGUMENT", "WEIR_RECORD_NOT_SERIALIZABLE", "WEIR_FUNCTION_NOT_SERIALIZABLE"]);

/** Where a task ran, for messages. @example `{ stageId: 3, stageName: "map", partition: 0 }` */
export interface TaskPlace { readonly stageId: number; readonly stageName: string; readonly partition: number }

/** The scheduler's answer to a failure. @example `{ kind: "fail", error }` */
export type FailureAction =
  /** `file`: the shuffle file that could not be read (undefined: unknown, every shuffle the task reads is suspect). */
  | { readonly kind: "refetch"; readonly file: string | undefined }
  | { readonly kind: "recompute" }
  | { readonly kind: "retry" }
  | { readonly kind: "fail"; readonly error: Error };

/**
 * Decide what to do about `e`, the failure of a task that ran `plan` for a partition of `node` (dropping a corrupt
 * cached block on the way).
 * @example `const action = classifyFailure(e, node, plan, place); if (action.kind === "fail") throw action.error;`
 */
export function classifyFailure(e: unknown, node: LineageNode, plan: TaskPlan, place: TaskPlace): FailureAction {
  if (e instanceof UnsendableTaskError) return { kind: "fail", error: notSendable(place, messagePart(e.problem), e.problem, e) };
  if (!(e instanceof TaskError)) return e instanceof WorkerDiedError ? { kind: "retry" } : { kind: "fail", error: e as Error };
  if (e.fetchFailed) return { kind: "refetch", file: e.remote.file };
  if (e.code === "WEIR_RECORD_FILE_CORRUPT") return corruptInput(e, node, plan, place);
  if (e.code === undefined || !FINAL_CODES.has(e.code)) return { kind: "retry" };
  return {
    kind: "fail",
    error: new ExecutionError(e.code as ErrorCode, `Task ${place.partition} in stage ${place.stageId} (${place.stageName}): ${withoutHint(e.message)}`, {
      ...(e.remote.hint ? { hint: e.remote.hint } : {}), cause: e, details: { stage: place.stageId, stageName: place.stageName, partition: place.partition },
    }),
  };
}

/** A corrupt file a task read: a cached block to recompute, an input with no lineage (fail), or a spill run of its own (retry). */
function corruptInput(e: TaskError, node: LineageNode, plan: TaskPlan, place: TaskPlace): FailureAction {
  const file = e.remote.file;
  if (file === undefined || !readsFile(plan, file)) return { kind: "retry" }; // a spill run of the task itself: a new attempt rewrites it
  if (dropBlock(node, file)) return { kind: "recompute" };
  return {
    kind: "fail",
    error: new ExecutionError("WEIR_RECORD_FILE_CORRUPT", `Task ${place.partition} in stage ${place.stageId} (${place.stageName}): ${withoutHint(e.message)}; it is ${inputKind(node, file)}, which has no lineage to recompute it from`, {
      hint: "rebuild the Dataset from its original source (and checkpoint again if needed); keep cleanup jobs and other processes out of the session's tempDir",
      cause: e, details: { stage: place.stageId, stageName: place.stageName, partition: place.partition, file },
    }),
  };
}

/**
 * The error for a parallelize() record that is not plain data, found before the task is sent.
 * @example `throw unsendableRecord(place, 3, { path: ".f", what: "a function" })`
 */
export function unsendableRecord(place: TaskPlace, index: number, problem: ValueProblem): ExecutionError {
  return notSendable(place, problemText(`record ${index} of the parallelize() slice it reads`, problem), problem);
}

function notSendable(place: TaskPlace, what: string, problem: ValueProblem, cause?: unknown): ExecutionError {
  return new ExecutionError("WEIR_RECORD_NOT_SERIALIZABLE", `Task ${place.partition} in stage ${place.stageId} (${place.stageName}): ${what}, which cannot be sent to a worker thread`, {
    hint: RECORD_HINT, cause, details: { stage: place.stageId, stageName: place.stageName, partition: place.partition, path: problem.path, valueType: problem.what },
  });
}

/**
 * The hint of WEIR_TASK_FAILED for the last failure: a worker that died, a full disk or missing permissions under
 * the temp dir, or (otherwise) the user function.
 * @example `taskFailedHint(err)`
 */
export function taskFailedHint(err: Error): string {
  if (err instanceof WorkerDiedError) return "the worker thread exited while running the task (process.exit, out of memory or a native crash in user code); check the function";
  const code = err instanceof TaskError ? err.code : undefined;
  if (code === "ENOSPC" || code === "EDQUOT") return "the disk holding the session's tempDir is full (shuffle, spill and cache files go there): free space or point tempDir at a larger disk";
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") return "Weir cannot write its temporary files: check the permissions of the session's tempDir";
  if (code === "EMFILE" || code === "ENFILE") return "too many open files: raise the process's file descriptor limit (ulimit -n) or use fewer partitions";
  return "fix the user function; its stack is in error.details.stack";
}

/** "The zero value holds a function at .f" for a problem found in a task message (path from the message). */
function messagePart(p: ValueProblem): string {
  const zero = /^sink\.zero(.*)$/.exec(p.path);
  if (zero) return problemText("The zero value of fold()/aggregate()", { path: zero[1]!, what: p.what });
  return problemText("The task's input", { path: `.${p.path}`, what: p.what });
}

function withoutHint(message: string): string {
  return message.replace(/\. Hint: [^]*$/, "");
}

/** Whether `plan` reads records from `file` (a cached block, a checkpoint, a spooled source). */
function readsFile(plan: TaskPlan, file: string): boolean {
  return (plan.kind === "blockFile" && plan.path === file) || childPlans(plan).some((input) => readsFile(input, file));
}

/** Forget (and delete) the cached DISK block stored in `file`; false when `file` is no cached block. */
function dropBlock(root: LineageNode, file: string): boolean {
  for (const n of narrowAncestors(root)) {
    for (const [p, b] of n.blocks) {
      if (b.level !== "DISK" || b.path !== file) continue;
      n.blocks.delete(p);
      rmSync(file, { force: true });
      return true;
    }
  }
  return false;
}

function inputKind(root: LineageNode, file: string): string {
  for (const n of narrowAncestors(root)) {
    if (n.checkpointFiles?.includes(file)) return `a checkpoint of Dataset[${n.id}]`;
    const s = n.source;
    if (s.type === "records" && s.splits.some((sp) => sp.path === file)) return `the spooled records of ${s.label}() (Dataset[${n.id}])`;
  }
  return "an input file of the task";
}
