/**
 * The commit journal of an atomic directory output: the list of deletes and moves that turns the old output
 * into the new one, written atomically before the first change and replayed idempotently by
 * {@link recoverOutput} after a crash. See the protocol diagram in `src/io/index.ts`.
 */
import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm, rmdir, stat } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { IoError } from "../errors/index.js";

/** File name of the commit journal inside an output directory. @example `path.join(dest, COMMIT_JOURNAL)` */
export const COMMIT_JOURNAL = "_weir_commit.json";
/** Directory inside an existing output where jobs stage their files. @example `path.join(dest, STAGING_DIR, jobId)` */
export const STAGING_DIR = "_temporary";
/** The marker written last by every successful commit. @example `path.join(dest, SUCCESS_MARKER)` */
export const SUCCESS_MARKER = "_SUCCESS";

/**
 * A commit in progress, as written to `_weir_commit.json`. All paths are relative to the output directory
 * and use `/`; `moves[].to` never names a file that existed before the commit, so replaying the journal in
 * any interleaving only ever removes old files and only ever adds new ones.
 *
 * @example
 * ```ts
 * const j: CommitJournal = { version: 1, jobId, mode: "overwrite", staging: "_temporary/" + jobId,
 *   deletes: ["day=1/a.parquet"], pruneDirs: ["day=1"], moves: [{ from: "day=1/a.parquet", to: "day=1/a-x1.parquet" }] };
 * ```
 */
export interface CommitJournal {
  readonly version: 1;
  readonly jobId: string;
  readonly mode: string;
  /** The staging directory the moves take their files from. */
  readonly staging: string;
  /** Old files to remove. */
  readonly deletes: readonly string[];
  /** Directories to remove if they are empty after the deletes, deepest first. */
  readonly pruneDirs: readonly string[];
  /** Staged files (`from`, relative to `staging`) to publish as `to`. */
  readonly moves: readonly { readonly from: string; readonly to: string }[];
}

const HOST_TAG = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
/** Jobs of this process that are open (staging or committing): alive for garbage collection and recovery. */
const openJobs = new Set<string>();

/**
 * Mark a job of this process as open (so recovery waits for it and garbage collection keeps its staging
 * directory) or, with `open = false`, as finished.
 *
 * @example
 * ```ts
 * const jobId = newJobId(); markJobOpen(jobId, true); try { ... } finally { markJobOpen(jobId, false); }
 * ```
 */
export function markJobOpen(jobId: string, open: boolean): void {
  if (open) openJobs.add(jobId);
  else openJobs.delete(jobId);
}

/**
 * A new job id: `<time36>-<host>-<pid>-<random>`. The host and pid let a later writer tell a crashed job's
 * leftovers from a live job's staging directory.
 *
 * @example
 * ```ts
 * newJobId(); // "lx2k9a1b-3f2a9c1d-4711-9f3e2a"
 * ```
 */
export function newJobId(): string {
  return `${Date.now().toString(36)}-${HOST_TAG}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/**
 * Whether the job that created an id may still be running: a job of this host is alive while its process is;
 * a job of another host is presumed alive for a day. Unparsable ids are presumed alive (never deleted).
 *
 * @example
 * ```ts
 * isJobAlive(newJobId()); // true
 * ```
 */
export function isJobAlive(jobId: string): boolean {
  const m = /^([0-9a-z]+)-([0-9a-f]{8})-(\d+)-[0-9a-f]+$/.exec(jobId);
  if (!m) return true;
  if (m[2] !== HOST_TAG) return Date.now() - parseInt(m[1]!, 36) < 24 * 3600 * 1000;
  const pid = Number(m[3]);
  if (pid === process.pid) return openJobs.has(jobId);
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Publish a journal with put-if-absent semantics (temp file + `link`, never a `rename` over): returns false if
 * another commit's journal is already there.
 *
 * @example
 * ```ts
 * if (!(await writeJournal(dest, journal))) await recoverOutput(dest);
 * ```
 */
export async function writeJournal(dest: string, journal: CommitJournal, options: { fsync?: boolean } = {}): Promise<boolean> {
  const tmp = path.join(dest, `${COMMIT_JOURNAL}.${journal.jobId}.tmp`);
  await writeFileDurably(tmp, JSON.stringify(journal), options.fsync ?? true);
  try {
    await link(tmp, path.join(dest, COMMIT_JOURNAL));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    await rm(tmp, { force: true });
    if (options.fsync ?? true) await fsyncDir(dest);
  }
}

/**
 * Complete an interrupted commit of the output directory `dest`, if its journal says one is in progress:
 * waits for a live writer of this host to finish, otherwise rolls the journal forward. Idempotent and safe to
 * run from several processes at once. Returns whether a commit was found.
 *
 * @example
 * ```ts
 * await recoverOutput("out/daily"); // after a crash: out/daily now holds the new complete output
 * ```
 */
export async function recoverOutput(dest: string, options: { fsync?: boolean; waitMs?: number } = {}): Promise<boolean> {
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    const journal = await readJournal(dest);
    if (!journal) return false;
    if (isJobAlive(journal.jobId) && Date.now() < deadline && isLocal(journal.jobId)) {
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    try {
      await applyJournal(dest, journal, options);
    } catch (cause) {
      if (cause instanceof IoError) throw cause;
      throw new IoError("WEIR_WRITE_FAILED", `Completing the interrupted commit of ${dest} (job ${journal.jobId}) failed: ${(cause as Error).message}`, {
        hint: "the output stays unreadable until its commit completes; give this process write access to it (or run recoverOutput where it has) and retry",
        cause,
        details: { path: dest, jobId: journal.jobId },
      });
    }
    return true;
  }
}

/**
 * Apply a journal to `dest`: remove the old `_SUCCESS`, the deletes and then-empty directories, move the staged
 * files in (never overwriting), write `_SUCCESS`, remove the journal and the staging directory. Every step is
 * idempotent, so a crash anywhere is repaired by applying the same journal again.
 *
 * @example
 * ```ts
 * await applyJournal(dest, journal);
 * ```
 */
export async function applyJournal(dest: string, journal: CommitJournal, options: { fsync?: boolean } = {}): Promise<void> {
  const durable = options.fsync ?? true;
  await removeForeignSuccess(dest, journal.jobId);
  await inBatches(journal.deletes, (rel) => rm(resolveInside(dest, rel), { force: true }));
  for (const rel of journal.pruneDirs) await rmdirIfEmpty(resolveInside(dest, rel));
  const staging = resolveInside(dest, journal.staging);
  await inBatches(journal.moves, (m) => moveNoClobber(path.join(staging, m.from), resolveInside(dest, m.to), journal.jobId));
  if (durable) {
    const dirs = new Set(journal.moves.map((m) => path.dirname(resolveInside(dest, m.to))));
    await inBatches([...dirs], fsyncDir);
  }
  const success = path.join(dest, `.${SUCCESS_MARKER}.${journal.jobId}.${randomBytes(3).toString("hex")}.tmp`);
  await writeFileDurably(success, successContent(journal.jobId, journal.moves.length), durable);
  await rename(success, path.join(dest, SUCCESS_MARKER));
  const current = await readJournal(dest).catch(() => undefined);
  if (current?.jobId === journal.jobId) await rm(path.join(dest, COMMIT_JOURNAL), { force: true });
  if (durable) await fsyncDir(dest);
  await rm(staging, { recursive: true, force: true });
  await rmdirIfEmpty(path.join(dest, STAGING_DIR));
}

/** The content of `_SUCCESS`: who committed and how many files (Spark writes it empty; readers ignore it). @example `successContent(id, 3)` */
export function successContent(jobId: string, files: number): string {
  return `${JSON.stringify({ jobId, committedAt: new Date().toISOString(), files })}\n`;
}

async function readJournal(dest: string): Promise<CommitJournal | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dest, COMMIT_JOURNAL), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
  try {
    const j = JSON.parse(text) as CommitJournal;
    if (j.version !== 1 || !Array.isArray(j.moves) || !Array.isArray(j.deletes) || typeof j.staging !== "string") throw new Error("unexpected shape");
    return j;
  } catch (cause) {
    throw new IoError("WEIR_WRITE_FAILED", `Recovering output ${dest} failed: ${COMMIT_JOURNAL} is not a Weir commit journal`, {
      hint: `the journal is written atomically, so something else wrote it; inspect and remove ${path.join(dest, COMMIT_JOURNAL)}`,
      cause,
    });
  }
}

function isLocal(jobId: string): boolean {
  return jobId.split("-")[1] === HOST_TAG;
}

async function removeForeignSuccess(dest: string, jobId: string): Promise<void> {
  const marker = path.join(dest, SUCCESS_MARKER);
  let text: string;
  try {
    text = await readFile(marker, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if (!text.includes(`"jobId":"${jobId}"`)) await rm(marker, { force: true });
}

/** Link `from` to `to` (fails rather than overwrite), then unlink `from`; done if a previous attempt got there. */
async function moveNoClobber(from: string, to: string, jobId: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await link(from, to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") {
        const [a, b] = await Promise.all([stat(from).catch(() => undefined), stat(to)]);
        if (a && (a.ino !== b.ino || a.dev !== b.dev)) {
          throw new IoError("WEIR_WRITE_FAILED", `Publishing ${from} as ${to} failed: another file already has that name`, {
            hint: "another process wrote into the output during the commit; rerun the write",
            details: { jobId },
          });
        }
      } else if (code === "ENOENT") {
        if (!(await exists(from))) {
          if (await exists(to)) return;
          throw new IoError("WEIR_WRITE_FAILED", `Publishing ${to} failed: the staged file ${from} is missing`, {
            hint: "the staging directory was modified or removed during the commit; rerun the write",
            details: { jobId },
          });
        }
        await mkdir(path.dirname(to), { recursive: true }); // a concurrent prune may have removed it: retry
        continue;
      } else if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "EXDEV") {
        if (!(await exists(to))) await rename(from, to); // no hard links here: the check-then-rename window is the cost
        return;
      } else {
        throw e;
      }
    }
    await rm(from, { force: true });
    return;
  }
  throw new IoError("WEIR_WRITE_FAILED", `Publishing ${to} failed: its directory kept disappearing`, { hint: "another process is deleting the output; rerun the write" });
}

/** Resolve a journal path and refuse anything that escapes the output directory (the journal is on disk, so untrusted). */
function resolveInside(dest: string, rel: string): string {
  const abs = path.resolve(dest, rel);
  if (abs !== dest && !abs.startsWith(dest + path.sep)) {
    throw new IoError("WEIR_WRITE_FAILED", `Recovering output ${dest} failed: journal path "${rel}" leaves the output directory`, {
      hint: `inspect and remove ${path.join(dest, COMMIT_JOURNAL)}`,
    });
  }
  return abs;
}

async function rmdirIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOTDIR") throw e;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/**
 * Write a whole file and (optionally) fsync it, so a later rename publishes complete contents.
 *
 * @example
 * ```ts
 * await writeFileDurably("/out/.x.tmp", "{}", true);
 * ```
 */
export async function writeFileDurably(file: string, data: string, durable: boolean): Promise<void> {
  const fh = await open(file, "w");
  try {
    await fh.writeFile(data);
    if (durable) await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * fsync a directory so renames and links in it survive power loss (no-op where directories cannot be opened).
 *
 * @example
 * ```ts
 * await fsyncDir("/out");
 * ```
 */
export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "ENOENT") throw e;
  } finally {
    await fh?.close();
  }
}

/**
 * Run `fn` over items with bounded concurrency (file systems dislike thousands of parallel renames).
 *
 * @example
 * ```ts
 * await inBatches(files, (f) => rm(f, { force: true }));
 * ```
 */
export async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<unknown>, width = 32): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
