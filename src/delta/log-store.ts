/**
 * The storage seam of the Delta log: read a file, list a directory in name order, and create a file only if
 * it does not exist. Delta's mutual exclusion between writers rests entirely on `putIfAbsent`.
 */
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { IoError } from "../errors/index.js";

/** One entry of a log directory listing. @example `{ path: "/t/_delta_log/00000000000000000000.json", name: "00000000000000000000.json", size: 812, modificationTime: 1700000000000 }` */
export interface LogFileInfo {
  /** Full path (what `read` accepts). */
  readonly path: string;
  /** The file name within the listed directory. */
  readonly name: string;
  readonly size: number;
  /** Last modification, in milliseconds since the epoch. */
  readonly modificationTime: number;
}

/** The outcome of {@link LogStore.putIfAbsent}: `"created"`, or `"exists"` when another writer got there first. @example `if (await store.putIfAbsent(p, bytes) === "exists") retry();` */
export type PutIfAbsentResult = "created" | "exists";

/**
 * What the Delta layer needs from storage. Implementations: {@link FileSystemLogStore}; an object-store
 * store would implement `putIfAbsent` with a conditional PUT (`If-None-Match: *`).
 *
 * @example
 * ```ts
 * const store: LogStore = new FileSystemLogStore();
 * const files = await store.list("/data/t/_delta_log", "00000000000000000010");
 * ```
 */
export interface LogStore {
  /** The bytes of a file, or `undefined` when it does not exist. */
  read(filePath: string): Promise<Uint8Array | undefined>;
  /**
   * The regular files directly in `dir` whose names are `>= fromName`, sorted by name; `undefined` when the
   * directory does not exist.
   */
  list(dir: string, fromName?: string): Promise<LogFileInfo[] | undefined>;
  /** Create `filePath` holding `bytes` atomically, only if no file of that name exists. */
  putIfAbsent(filePath: string, bytes: Uint8Array): Promise<PutIfAbsentResult>;
  /** Create or replace `filePath` atomically (readers see the old or the new content); for `_last_checkpoint`. */
  overwrite(filePath: string, bytes: Uint8Array): Promise<void>;
  /** Delete `filePath` (no error when absent); for expired log files. A store without it keeps every log file. */
  delete?(filePath: string): Promise<void>;
}

/**
 * {@link LogStore} on a local or network file system. `putIfAbsent` writes a temp file, hard-links it to
 * the target name (`link` fails if the name exists — it never replaces, unlike `rename`) and unlinks the
 * temp file, so a reader never sees a partially written commit.
 *
 * @example
 * ```ts
 * const store = new FileSystemLogStore();
 * const r = await store.putIfAbsent("/t/_delta_log/00000000000000000003.json", bytes); // "created" | "exists"
 * ```
 */
export class FileSystemLogStore implements LogStore {
  async read(filePath: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(filePath);
    } catch (err) {
      if (isCode(err, "ENOENT")) return undefined;
      throw ioError(`Cannot read ${filePath}`, err);
    }
  }

  async list(dir: string, fromName = ""): Promise<LogFileInfo[] | undefined> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isCode(err, "ENOENT") || isCode(err, "ENOTDIR")) return undefined;
      throw ioError(`Cannot list ${dir}`, err);
    }
    const names = entries.filter((e) => e.isFile() && e.name >= fromName).map((e) => e.name).sort();
    const infos: LogFileInfo[] = [];
    for (const name of names) {
      const full = path.join(dir, name);
      try {
        const st = await fs.stat(full);
        infos.push(Object.freeze({ path: full, name, size: st.size, modificationTime: Math.floor(st.mtimeMs) }));
      } catch (err) {
        // A file deleted between readdir and stat (log cleanup, temp file) is simply not listed.
        if (!isCode(err, "ENOENT")) throw ioError(`Cannot stat ${full}`, err);
      }
    }
    return infos;
  }

  async putIfAbsent(filePath: string, bytes: Uint8Array): Promise<PutIfAbsentResult> {
    const dir = path.dirname(filePath);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(filePath)}.${randomUUID()}.tmp`);
    await writeDurably(temp, bytes);
    try {
      await fs.link(temp, filePath);
      await syncDir(dir);
      return "created";
    } catch (err) {
      if (isCode(err, "EEXIST")) return "exists";
      throw ioError(`Cannot create ${filePath}`, err);
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async overwrite(filePath: string, bytes: Uint8Array): Promise<void> {
    const dir = path.dirname(filePath);
    await fs.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(filePath)}.${randomUUID()}.tmp`);
    try {
      await writeDurably(temp, bytes);
      await fs.rename(temp, filePath);
      await syncDir(dir);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw ioError(`Cannot write ${filePath}`, err);
    }
  }

  async delete(filePath: string): Promise<void> {
    try {
      await fs.rm(filePath, { force: true });
    } catch (err) {
      throw ioError(`Cannot delete ${filePath}`, err);
    }
  }
}

async function writeDurably(filePath: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(filePath, "wx");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Make a new directory entry durable; not every platform lets a directory be fsynced, which is harmless. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, "r");
    await handle.sync();
  } catch {
    // best effort (e.g. Windows, some network file systems)
  } finally {
    await handle?.close();
  }
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}

function ioError(what: string, cause: unknown): IoError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new IoError("WEIR_DELTA_LOG_IO", `${what}: ${why}`, { hint: "check the path and its permissions", cause });
}
