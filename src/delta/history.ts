/**
 * The table's history: one entry per commit still in the log, newest first (what `DESCRIBE HISTORY` and
 * `DeltaTable.history()` show).
 */
import * as path from "node:path";
import { DeltaError } from "../errors/index.js";
import { parseCommitFile, type CommitInfoAction } from "./actions.js";
import { DELTA_LOG_DIR, parseLogFileName } from "./log-file-name.js";
import type { LogFileInfo, LogStore } from "./log-store.js";

/** One commit of the history. @example `{ version: 3, timestamp: 1700000000000, operation: "WRITE", commitInfo }` */
export interface HistoryEntry {
  readonly version: number;
  /** `inCommitTimestamp`, else the commit file's mtime (ms) — the same clock time travel uses, as in Delta. */
  readonly timestamp: number;
  readonly operation: string | undefined;
  readonly commitInfo: CommitInfoAction | undefined;
}

/**
 * Read the history of the table at `tableRoot`, newest first, at most `limit` entries.
 *
 * @example
 * ```ts
 * const last = await readHistory(new FileSystemLogStore(), "/data/orders", 1);
 * last[0]?.operation; // "MERGE"
 * ```
 */
export async function readHistory(store: LogStore, tableRoot: string, limit?: number): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  for await (const entry of readEntries(store, (await listCommits(store, tableRoot)).slice(0, limit ?? Infinity))) out.push(entry);
  return out;
}

/**
 * The history of the table at `tableRoot`, newest first, from one listing of the log; each commit file is read
 * when the next entry is asked for, so a caller looking for the commits after some version stops there.
 *
 * @example
 * ```ts
 * for await (const e of historyNewestFirst(new FileSystemLogStore(), "/data/orders")) if (e.operation === "RESTORE") break;
 * ```
 */
export async function* historyNewestFirst(store: LogStore, tableRoot: string): AsyncGenerator<HistoryEntry, void, undefined> {
  yield* readEntries(store, await listCommits(store, tableRoot));
}

/** The commit files of the log, newest first. */
async function listCommits(store: LogStore, tableRoot: string): Promise<{ version: number; file: LogFileInfo }[]> {
  const root = path.resolve(tableRoot);
  const listing = await store.list(path.join(root, DELTA_LOG_DIR));
  if (listing === undefined) {
    throw new DeltaError("WEIR_DELTA_NOT_A_TABLE", `${root} is not a Delta table: it has no _delta_log directory`, {
      hint: "check the path", details: { table: root },
    });
  }
  return listing
    .flatMap((f) => {
      const n = parseLogFileName(f.name);
      return n?.kind === "commit" ? [{ version: n.version, file: f }] : [];
    })
    .sort((a, b) => b.version - a.version);
}

async function* readEntries(store: LogStore, commits: readonly { version: number; file: LogFileInfo }[]): AsyncGenerator<HistoryEntry, void, undefined> {
  for (const { version, file } of commits) {
    const bytes = await store.read(file.path);
    if (!bytes) continue; // cleaned up since the listing
    const info = parseCommitFile(new TextDecoder().decode(bytes), file.path).find((a): a is CommitInfoAction => a.kind === "commitInfo");
    yield Object.freeze({
      version,
      // Not commitInfo.timestamp: it is taken before the commit file exists, so a version looked up by the
      // timestamp history shows could resolve to the version before it.
      timestamp: info?.inCommitTimestamp ?? file.modificationTime,
      operation: info?.operation,
      commitInfo: info,
    });
  }
}
