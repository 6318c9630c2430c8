/**
 * A per-session cache of the latest snapshot of each table, like Delta's `DeltaLog` cache: a read or a
 * transaction lists the log (cheap) and, when the log only grew since the cached snapshot, applies the new
 * JSON commits to it instead of decoding the checkpoint and replaying every commit again.
 *
 * ```
 *   listing ─► same commit file at the cached version (name, size, mtime)?  no ─► full replay
 *                 │ yes
 *                 ▼
 *   cached version == wanted ─► the cached snapshot · wanted > cached ─► cached + commits (cached, wanted]
 * ```
 * The new commits are read in parallel and applied in one pass (`Snapshot.withCommits`): k commits cost one
 * rebuild of the file list, not k.
 * A table deleted and recreated in place has different commit files, so it is never mistaken for the cached
 * one. Only snapshots built from the listing are cached (their file facts are the log's own).
 */
import type { LogSegment } from "./log-segment.js";
import type { LogFileInfo } from "./log-store.js";
import type { Snapshot } from "./snapshot.js";

const MAX_TABLES = 64;

/**
 * The latest snapshot per table root.
 *
 * @example
 * ```ts
 * const cache = new SnapshotCache();
 * const snap = await Snapshot.load("/data/orders", { cache, parquetReader });
 * ```
 */
export class SnapshotCache {
  private readonly byRoot = new Map<string, Snapshot>();

  /** The cached snapshot of the table, if any. @example `cache.get("/data/orders")?.version` */
  get(tableRoot: string): Snapshot | undefined {
    return this.byRoot.get(tableRoot);
  }

  /** Remember `snapshot` (the latest one, from a fresh listing) of its table. @example `cache.offer(snap)` */
  offer(snapshot: Snapshot): void {
    this.byRoot.delete(snapshot.tableRoot);
    this.byRoot.set(snapshot.tableRoot, snapshot);
    if (this.byRoot.size > MAX_TABLES) this.byRoot.delete(this.byRoot.keys().next().value as string);
  }
}

/**
 * Whether `next` (a fresh listing's segment) continues the log `cached` was built from: it lists the very
 * commit file of the cached version, and everything after the cached version is in its JSON commits.
 *
 * @example `continues(cached.segment, segment) // true when only new commits were added`
 */
export function continues(cached: LogSegment, next: LogSegment): boolean {
  if (cached.tableRoot !== next.tableRoot || next.version < cached.version) return false;
  const mine = cached.versionCommit;
  if (!mine) return false;
  if ((next.checkpoint?.version ?? -1) >= cached.version && next.version > cached.version) return false;
  const theirs = next.version === cached.version ? next.versionCommit : next.commits.find((c) => c.version === cached.version)?.file;
  return theirs !== undefined && sameFile(mine, theirs);
}

function sameFile(a: LogFileInfo, b: LogFileInfo): boolean {
  return a.name === b.name && a.size === b.size && a.modificationTime === b.modificationTime;
}
