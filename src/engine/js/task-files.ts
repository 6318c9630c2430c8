/**
 * The files a task has open (record files read or written, text part files), so a task that fails midway does
 * not leak their descriptors into its worker: a shuffle writer holds one file per reducer and a merge one per
 * spill run when the user's function throws, and nothing closes them then — after a few hundred failed attempts
 * the worker's process runs out of descriptors (EMFILE), and deleted spill runs still held open keep their disk
 * space. The task runner closes whatever is still open when a task ends (a worker runs one task at a time).
 *
 * A handle, not a bare descriptor number: a reader abandoned by a failed task and closed later must not close a
 * descriptor the number of which a new file has since been given.
 */
import { closeSync, openSync } from "node:fs";

/** An open file of the running task. @example `const f = openTaskFile(path, "w"); writeSync(f.fd, buf); closeTaskFile(f)` */
export interface TaskFile { readonly fd: number; closed: boolean }

const open = new Set<TaskFile>();

/** Open `path` as a file of the running task. @example `const f = openTaskFile("/tmp/part-0", "r")` */
export function openTaskFile(path: string, flags: "r" | "w"): TaskFile {
  const f: TaskFile = { fd: openSync(path, flags), closed: false };
  open.add(f);
  return f;
}

/** Close a task file (again: a no-op). @example `closeTaskFile(f)` */
export function closeTaskFile(f: TaskFile): void {
  if (f.closed) return;
  f.closed = true;
  open.delete(f);
  closeSync(f.fd);
}

/** Close every task file still open (the task ended, maybe by an exception); returns how many. @example `closeTaskFiles()` */
export function closeTaskFiles(): number {
  const n = open.size;
  for (const f of [...open]) {
    try {
      closeTaskFile(f);
    } catch { /* already unusable: nothing more to release */ }
  }
  return n;
}
