/**
 * Crash-safe publishing of a directory output (Parquet/CSV/JSON files, hive partition directories) with
 * Spark's save modes. The engine writes into {@link AtomicOutput.stagingDir}; {@link AtomicOutput.commit}
 * publishes. The protocol is drawn in `src/io/index.ts` and argued in docs/adr/001-atomic-file-output.md.
 */
import { mkdir, open, readdir, rename, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { IoError, WeirError } from "../errors/index.js";
import {
  COMMIT_JOURNAL, STAGING_DIR, SUCCESS_MARKER, applyJournal, fsyncDir, inBatches, isJobAlive, markJobOpen,
  newJobId, recoverOutput, successContent, writeFileDurably, writeJournal, type CommitJournal,
} from "./commit-journal.js";
import { isHiddenName } from "./file-listing.js";

/** Spark's save modes (`errorifexists` is an alias of `error`). @example `"overwrite"` */
export type SaveMode = "error" | "errorifexists" | "append" | "overwrite" | "ignore";

/** Options of {@link beginOutput}. @example `{ partitionOverwriteMode: "dynamic" }` */
export interface BeginOutputOptions {
  /** With mode `overwrite`: `static` (default) replaces the whole output, `dynamic` only the partitions written. */
  partitionOverwriteMode?: "static" | "dynamic";
  /** fsync staged files, the journal and directories so a commit also survives power loss (default true). */
  fsync?: boolean;
}

/** What a commit did. @example `{ committed: true, files: ["/out/day=1/part-0.parquet"], deletedFiles: 3 }` */
export interface CommitResult {
  /** False when mode `ignore` found existing data (nothing was published). */
  readonly committed: boolean;
  /** Absolute paths of the published data files, sorted. */
  readonly files: readonly string[];
  /** How many files of the previous output were removed. */
  readonly deletedFiles: number;
}

/**
 * Start an atomic write of a directory output. If `dest` does not exist yet, files are staged in a hidden
 * sibling `<parent>/.<name>.weir-<jobId>/` and the commit is one directory rename. If it exists, files are
 * staged in `<dest>/_temporary/<jobId>/` and the commit runs the journaled protocol. Mode `error` fails now with
 * `WEIR_PATH_EXISTS` if `dest` holds data; mode `ignore` then returns an output with `skipped: true`.
 * Leftovers of crashed jobs (dead staging directories) are removed and interrupted commits completed first.
 *
 * @example
 * ```ts
 * const out = await beginOutput("out/daily", "overwrite", { partitionOverwriteMode: "dynamic" });
 * try {
 *   await duckdb.run(`COPY (...) TO '${out.stagingDir}' (FORMAT parquet, PARTITION_BY (day))`);
 *   await out.commit();
 * } catch (e) { await out.abort(); throw e; }
 * ```
 */
export async function beginOutput(dest: string, mode: SaveMode = "error", options: BeginOutputOptions = {}): Promise<AtomicOutput> {
  const abs = path.resolve(dest);
  const normalized: Exclude<SaveMode, "errorifexists"> = mode === "errorifexists" ? "error" : mode;
  if (!["error", "append", "overwrite", "ignore"].includes(normalized)) {
    throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unknown save mode "${String(mode)}"`, { hint: 'use "error", "append", "overwrite" or "ignore"' });
  }
  const durable = options.fsync ?? true;
  let state = await inspectDest(abs);
  if (state !== "absent") {
    await recoverOutput(abs, { fsync: durable });
    await collectGarbage(abs);
    state = await inspectDest(abs);
  }
  if (state === "data" && normalized === "error") throw pathExists(abs);
  await collectSiblingGarbage(abs);
  const jobId = newJobId();
  markJobOpen(jobId, true);
  const inside = state !== "absent";
  const stagingDir = inside ? path.join(abs, STAGING_DIR, jobId) : path.join(path.dirname(abs), `.${path.basename(abs)}.weir-${jobId}`);
  try {
    await mkdir(stagingDir, { recursive: true });
  } catch (cause) {
    markJobOpen(jobId, false);
    throw new IoError("WEIR_WRITE_FAILED", `Starting the write of ${abs} failed: cannot create staging directory ${stagingDir}`, {
      hint: "check that the parent directory is writable", cause,
    });
  }
  return new AtomicOutput(abs, normalized, jobId, stagingDir, state === "data" && normalized === "ignore", options.partitionOverwriteMode ?? "static", durable);
}

/**
 * One write in progress: the engine writes files (hive `k=v/` directories allowed) into `stagingDir`, then
 * calls `commit()` once, or `abort()` to discard them. `await using` aborts an output that was not committed.
 *
 * @example
 * ```ts
 * await using out = await beginOutput("out/events", "append");
 * await writeFile(path.join(out.stagingDir, "part-0.csv"), "a,b\n1,2\n");
 * await out.commit();
 * ```
 */
export class AtomicOutput implements AsyncDisposable {
  #finished = false;
  /** Set once the journal is on disk: from then on the staged files belong to the roll-forward, never discarded. */
  #journaled = false;
  #stagingDir: string;

  /** @internal use {@link beginOutput}. */
  constructor(
    /** Absolute output directory. */
    readonly dest: string,
    readonly mode: "error" | "append" | "overwrite" | "ignore",
    /** Unique id of this write; put it in file names to make them unique across jobs. */
    readonly jobId: string,
    stagingDir: string,
    /** True when mode `ignore` found existing data: writing can be skipped, `commit()` publishes nothing. */
    readonly skipped: boolean,
    private readonly partitionOverwriteMode: "static" | "dynamic",
    private readonly durable: boolean,
  ) {
    this.#stagingDir = stagingDir;
  }

  /** Where the engine writes the new files (an absolute directory that exists). */
  get stagingDir(): string {
    return this.#stagingDir;
  }

  /**
   * Publish the staged files according to the save mode; `_SUCCESS` is written last. After a crash at any
   * instant the output is either the old complete one or the new complete one (see {@link recoverOutput}).
   *
   * @example
   * ```ts
   * const { files } = await out.commit();
   * ```
   */
  async commit(): Promise<CommitResult> {
    if (this.#finished) throw new WeirError("WEIR_INVALID_ARGUMENT", `Committing ${this.dest} failed: this output was already committed or aborted`, { hint: "call beginOutput() again for a new write" });
    this.#finished = true;
    try {
      if (this.skipped) {
        await this.#discard();
        return { committed: false, files: [], deletedFiles: 0 };
      }
      const staged = await listTree(this.stagingDir);
      if (this.durable) await inBatches(staged.files, (rel) => fsyncFile(path.join(this.stagingDir, rel)));
      if (!this.stagingDir.startsWith(this.dest + path.sep)) {
        const done = await this.#publishByRename(staged.files);
        if (done) return done;
      }
      return await this.#publishByJournal();
    } catch (e) {
      if (!this.#journaled) {
        await this.#discard().catch(() => undefined);
        throw e;
      }
      throw new IoError("WEIR_WRITE_FAILED", `Committing ${this.dest} failed after its commit journal was written: ${(e as Error).message}`, {
        hint: "the commit is durable and completes on the next read or write of this path (or call recoverOutput); fix the cause (disk full, permissions) first",
        cause: e,
      });
    } finally {
      markJobOpen(this.jobId, false);
    }
  }

  /**
   * Discard the staged files; the destination is left as it was. Safe to call more than once.
   *
   * @example
   * ```ts
   * await out.abort();
   * ```
   */
  async abort(): Promise<void> {
    if (this.#finished) return;
    this.#finished = true;
    try {
      await this.#discard();
    } finally {
      markJobOpen(this.jobId, false);
    }
  }

  /** Aborts unless committed. @example `await using out = await beginOutput(dest)` */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.abort();
  }

  async #discard(): Promise<void> {
    await rm(this.stagingDir, { recursive: true, force: true });
    if (this.stagingDir.startsWith(this.dest + path.sep)) await rmdir(path.join(this.dest, STAGING_DIR)).catch(() => undefined);
  }

  /** New output: one rename of the whole staging directory. Returns undefined if `dest` appeared meanwhile. */
  async #publishByRename(files: readonly string[]): Promise<CommitResult | undefined> {
    await writeFileDurably(path.join(this.stagingDir, SUCCESS_MARKER), successContent(this.jobId, files.length), this.durable);
    if (this.durable) await fsyncDir(this.stagingDir);
    try {
      await rename(this.stagingDir, this.dest);
      if (this.durable) await fsyncDir(path.dirname(this.dest));
      return { committed: true, files: files.map((f) => path.join(this.dest, f)).sort(), deletedFiles: 0 };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOTDIR") throw e;
    }
    // Someone created dest since beginOutput: fall back to the journaled protocol from inside it.
    await rm(path.join(this.stagingDir, SUCCESS_MARKER), { force: true });
    await mkdir(path.join(this.dest, STAGING_DIR), { recursive: true });
    const inside = path.join(this.dest, STAGING_DIR, this.jobId);
    await rename(this.stagingDir, inside);
    this.#stagingDir = inside;
    return undefined;
  }

  async #publishByJournal(): Promise<CommitResult> {
    for (;;) {
      await recoverOutput(this.dest, { fsync: this.durable });
      const state = await inspectDest(this.dest);
      if (state === "data" && this.mode === "error") throw pathExists(this.dest);
      if (state === "data" && this.mode === "ignore") {
        await this.#discard();
        return { committed: false, files: [], deletedFiles: 0 };
      }
      const journal = await this.#plan();
      if (!(await writeJournal(this.dest, journal, { fsync: this.durable }))) continue; // a concurrent commit won: recover it, re-plan
      this.#journaled = true;
      await applyJournal(this.dest, journal, { fsync: this.durable });
      return { committed: true, files: journal.moves.map((m) => path.join(this.dest, m.to)).sort(), deletedFiles: journal.deletes.length };
    }
  }

  async #plan(): Promise<CommitJournal> {
    const staging = path.relative(this.dest, this.stagingDir).split(path.sep).join("/");
    const staged = (await listTree(this.stagingDir)).files.filter((f) => f !== SUCCESS_MARKER);
    const existing = await listTree(this.dest, (rel) => rel === STAGING_DIR || rel === COMMIT_JOURNAL || rel.startsWith(`${COMMIT_JOURNAL}.`) || rel === SUCCESS_MARKER || rel.startsWith(`.${SUCCESS_MARKER}.`));
    let deletes: string[] = [];
    let pruneDirs: string[] = [];
    if (this.mode !== "append") {
      const partitions = new Set(staged.map((f) => path.posix.dirname(f)));
      const dynamic = this.partitionOverwriteMode === "dynamic" && this.mode === "overwrite" && !partitions.has(".");
      const touched = (rel: string): boolean => !dynamic || [...partitions].some((p) => rel === p || rel.startsWith(`${p}/`));
      deletes = existing.files.filter(touched);
      const ancestors = dynamic ? [...partitions].flatMap((p) => p.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"))) : [];
      pruneDirs = [...new Set([...existing.dirs.filter(touched), ...ancestors.filter((d) => existing.dirs.includes(d))])]
        .sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1));
    }
    const taken = new Set(existing.files);
    const moves = staged.map((from) => ({ from, to: uniqueName(from, taken, this.jobId) }));
    return { version: 1, jobId: this.jobId, mode: this.mode, staging, deletes, pruneDirs, moves };
  }
}

/** A name not used before this commit, so journal replays never delete or overwrite a new file. */
function uniqueName(rel: string, taken: Set<string>, jobId: string): string {
  let candidate = rel;
  const ext = path.posix.extname(rel);
  const stem = rel.slice(0, rel.length - ext.length);
  const tag = jobId.slice(-6);
  for (let i = 0; taken.has(candidate); i++) candidate = `${stem}-${tag}${i ? `-${i}` : ""}${ext}`;
  taken.add(candidate);
  return candidate;
}

async function inspectDest(dest: string): Promise<"absent" | "empty" | "data"> {
  let entries: string[];
  try {
    entries = await readdir(dest);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "absent";
    if (code === "ENOTDIR") {
      throw new IoError("WEIR_WRITE_FAILED", `Writing ${dest} failed: it is a file, not a directory`, { hint: "choose another output path or remove the file" });
    }
    throw e;
  }
  // An interrupted commit counts as data: its journal will publish files.
  return entries.some((e) => !isHiddenName(e) || e === COMMIT_JOURNAL) ? "data" : "empty";
}

/** Relative file and directory paths (posix separators) below `root`, skipping top-level entries `skip` accepts. */
async function listTree(root: string, skip: (rel: string) => boolean = () => false): Promise<{ files: string[]; dirs: string[] }> {
  const files: string[] = [];
  const dirs: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return [];
      throw e;
    });
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (!rel && skip(child)) continue;
      if (entry.isDirectory()) {
        dirs.push(child);
        await visit(child);
      } else {
        files.push(child);
      }
    }
  };
  await visit("");
  return { files: files.sort(), dirs };
}

/** Remove staging directories and temp files of crashed jobs inside an existing output. */
async function collectGarbage(dest: string): Promise<void> {
  const staging = path.join(dest, STAGING_DIR);
  const jobs = await readdir(staging).catch(() => [] as string[]);
  await Promise.all(jobs.filter((j) => !isJobAlive(j)).map((j) => rm(path.join(staging, j), { recursive: true, force: true })));
  const tops = await readdir(dest).catch(() => [] as string[]);
  const tmp = new RegExp(`^(${escapeRe(COMMIT_JOURNAL)}\\.|\\.${SUCCESS_MARKER}\\.)(.+?)(\\.[0-9a-f]+)?\\.tmp$`);
  await Promise.all(tops.map(async (name) => {
    const m = tmp.exec(name);
    if (m && !isJobAlive(m[2]!)) await rm(path.join(dest, name), { force: true });
  }));
}

/** Remove hidden sibling staging directories (`.<name>.weir-<jobId>`) of crashed jobs. */
async function collectSiblingGarbage(dest: string): Promise<void> {
  const prefix = `.${path.basename(dest)}.weir-`;
  const siblings = await readdir(path.dirname(dest)).catch(() => [] as string[]);
  await Promise.all(siblings
    .filter((n) => n.startsWith(prefix) && !isJobAlive(n.slice(prefix.length)))
    .map((n) => rm(path.join(path.dirname(dest), n), { recursive: true, force: true })));
}

async function fsyncFile(file: string): Promise<void> {
  const fh = await open(file, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function pathExists(dest: string): IoError {
  return new IoError("WEIR_PATH_EXISTS", `Writing ${dest} failed: the path already exists and the save mode is "error"`, {
    hint: 'use mode("overwrite") to replace it, mode("append") to add to it, or mode("ignore") to keep it',
    details: { path: dest },
  });
}
