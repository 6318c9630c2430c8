/**
 * Log and tombstone retention (PROTOCOL.md "Metadata Cleanup"; delta-spark's `delta.logRetentionDuration`,
 * `delta.deletedFileRetentionDuration`, `delta.enableExpiredLogCleanup`). Run after a checkpoint:
 *
 * ```
 *   cutoff = midnight UTC of (now − logRetentionDuration)
 *   cutOffCommit     = newest commit whose file time ≤ cutoff
 *   cutOffCheckpoint = newest complete checkpoint at or below cutOffCommit
 *   delete every commit (.json, .crc) and checkpoint file of a version < cutOffCheckpoint
 * ```
 * Everything needed to reconstruct cutOffCheckpoint's version and every later one stays: its checkpoint, its
 * own JSON commit and all commits after it. File times are made strictly increasing across versions before
 * comparing (as Delta does, since copies can reorder modification times). Files are deleted oldest first, so a
 * crash midway leaves a log that still starts at a complete checkpoint or at version 0's successors.
 */
import * as path from "node:path";
import { completeCheckpoints } from "./log-segment.js";
import { DELTA_LOG_DIR, parseLogFileName } from "./log-file-name.js";
import type { LogFileInfo, LogStore } from "./log-store.js";

const DAY = 24 * 3600 * 1000;
/** Default `delta.logRetentionDuration` (30 days). @example `DEFAULT_LOG_RETENTION_MS / 86400000 // 30` */
export const DEFAULT_LOG_RETENTION_MS = 30 * DAY;
/** Default `delta.deletedFileRetentionDuration` (7 days). @example `DEFAULT_TOMBSTONE_RETENTION_MS / 86400000 // 7` */
export const DEFAULT_TOMBSTONE_RETENTION_MS = 7 * DAY;

const UNIT_MS: Readonly<Record<string, number>> = {
  microsecond: 0.001, millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: DAY, week: 7 * DAY,
};

/**
 * Milliseconds of a Delta interval property (`"interval 30 days"`, `"168 hours"`, `"interval 1 week 2 days"`);
 * undefined when absent or unparsable.
 *
 * @example `parseIntervalMs("interval 7 days") // 604800000`
 */
export function parseIntervalMs(text: string | null | undefined): number | undefined {
  if (typeof text !== "string") return undefined;
  const s = text.trim().toLowerCase().replace(/^interval\s+/, "");
  if (!s) return undefined;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)\s*(microsecond|millisecond|second|minute|hour|day|week)s?\s*/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = re.lastIndex;
  }
  return at === s.length && at > 0 ? total : undefined;
}

/** A retention property in ms, or its default when absent or unparsable. @example `retentionMs(conf, "delta.logRetentionDuration", DEFAULT_LOG_RETENTION_MS)` */
export function retentionMs(configuration: Readonly<Record<string, string | null | undefined>>, key: string, fallback: number): number {
  return parseIntervalMs(configuration[key]) ?? fallback;
}

/** What a cleanup deleted. @example `{ deleted: ["…/00000000000000000000.json"], cutOffCheckpoint: 10 }` */
export interface LogCleanupResult {
  readonly deleted: readonly string[];
  /** The checkpoint the log now starts at (undefined: nothing was expired). */
  readonly cutOffCheckpoint?: number;
}

/**
 * Delete the log files that expired under the table's `delta.logRetentionDuration` (nothing when
 * `delta.enableExpiredLogCleanup` is false).
 *
 * @example
 * ```ts
 * await cleanupExpiredLogs(new FileSystemLogStore(), "/data/orders", snapshot.configuration);
 * ```
 */
export async function cleanupExpiredLogs(
  store: LogStore, tableRoot: string, configuration: Readonly<Record<string, string | null | undefined>>, now = Date.now(),
): Promise<LogCleanupResult> {
  if (String(configuration["delta.enableExpiredLogCleanup"] ?? "true").toLowerCase() === "false") return { deleted: [] };
  const logDir = path.join(path.resolve(tableRoot), DELTA_LOG_DIR);
  const listing = await store.list(logDir);
  if (!listing) return { deleted: [] };
  const cutoff = Math.floor((now - retentionMs(configuration, "delta.logRetentionDuration", DEFAULT_LOG_RETENTION_MS)) / DAY) * DAY;
  const commitTimes = monotonicCommitTimes(listing);
  let cutOffCommit = -1;
  for (const [version, time] of commitTimes) if (time <= cutoff && version > cutOffCommit) cutOffCommit = version;
  if (cutOffCommit < 0) return { deleted: [] };
  const checkpoint = completeCheckpoints(listing).map((c) => c.version).filter((v) => v <= cutOffCommit).sort((a, b) => b - a)[0];
  if (checkpoint === undefined || checkpoint === 0) return { deleted: [] };
  if (!store.delete) return { deleted: [] };
  const versionOf = (f: LogFileInfo): number | undefined => parseLogFileName(f.name)?.version ?? (/^\d{20}\.crc$/.test(f.name) ? Number(f.name.slice(0, 20)) : undefined);
  const expired = listing.filter((f) => (versionOf(f) ?? Infinity) < checkpoint).sort((a, b) => versionOf(a)! - versionOf(b)!);
  const deleted: string[] = [];
  for (const f of expired) {
    await store.delete(f.path);
    deleted.push(f.path);
  }
  return { deleted, cutOffCheckpoint: checkpoint };
}

/** Commit versions → modification time, adjusted to be strictly increasing with the version. */
function monotonicCommitTimes(listing: readonly LogFileInfo[]): Map<number, number> {
  const commits = listing.flatMap((f) => {
    const n = parseLogFileName(f.name);
    return n?.kind === "commit" ? [{ version: n.version, time: f.modificationTime }] : [];
  }).sort((a, b) => a.version - b.version);
  const out = new Map<number, number>();
  let last = -Infinity;
  for (const c of commits) {
    last = Math.max(c.time, last + 1);
    out.set(c.version, last);
  }
  return out;
}
