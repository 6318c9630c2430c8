/**
 * The files needed to reconstruct one version of a Delta table: the newest complete checkpoint at or below
 * that version, then every JSON commit after it, contiguous up to the version.
 */
import * as path from "node:path";
import { DeltaError } from "../errors/index.js";
import type { LogFileInfo, LogStore } from "./log-store.js";
import { DELTA_LOG_DIR, LAST_CHECKPOINT, parseLogFileName, versionPrefix } from "./log-file-name.js";

/** A checkpoint usable for replay: all its files are present. @example `{ version: 10, kind: "checkpoint", files: [info] }` */
export interface CheckpointFiles {
  readonly version: number;
  readonly kind: "checkpoint" | "multiPartCheckpoint" | "uuidCheckpoint";
  /** One file, or every part of a multi-part checkpoint in part order. */
  readonly files: readonly LogFileInfo[];
}

/** A JSON commit file with its version. @example `{ version: 3, file: info }` */
export interface CommitFile {
  readonly version: number;
  readonly file: LogFileInfo;
}

/** Which version to reconstruct: a number, or the newest version committed at or before a timestamp (ms). @example `{ timestamp: Date.parse("2024-01-01") }` */
export type VersionSpec = { readonly version?: number; readonly timestamp?: undefined } | { readonly version?: undefined; readonly timestamp: number };

/** The `_last_checkpoint` pointer as read (only the fields replay uses). @example `{ version: 10, parts: 2 }` */
export interface LastCheckpointInfo {
  readonly version: number;
  readonly parts?: number;
}

/**
 * The log files of one table version: `checkpoint` (if any) plus `commits` (ascending, contiguous).
 *
 * @example
 * ```ts
 * const seg = await LogSegment.load(new FileSystemLogStore(), "/data/orders", { version: 12 });
 * seg.checkpoint?.version; // 10
 * seg.commits.map((c) => c.version); // [11, 12]
 * ```
 */
export class LogSegment {
  /** Internal: build segments with {@link LogSegment.load}. */
  constructor(
    /** Absolute table root. */
    readonly tableRoot: string,
    /** The version this segment reconstructs. */
    readonly version: number,
    readonly checkpoint: CheckpointFiles | undefined,
    readonly commits: readonly CommitFile[],
    /** The JSON commit of `version` itself, when it is still in the log (holds the version's commitInfo). */
    readonly versionCommit: LogFileInfo | undefined,
    /** The newest version found in the log. */
    readonly latestVersion: number,
  ) {}

  /** `<tableRoot>/_delta_log`. */
  get logDir(): string {
    return path.join(this.tableRoot, DELTA_LOG_DIR);
  }

  /**
   * Find the files of a version (default: the latest). Uses `_last_checkpoint` when it is valid and not
   * newer than the version, else lists the whole log.
   *
   * @example
   * ```ts
   * const latest = await LogSegment.load(store, "/data/orders");
   * const v3 = await LogSegment.load(store, "/data/orders", { version: 3 });
   * const old = await LogSegment.load(store, "/data/orders", { timestamp: Date.parse("2024-05-01T00:00:00Z") });
   * ```
   */
  static async load(store: LogStore, tableRoot: string, spec: VersionSpec = {}): Promise<LogSegment> {
    const root = path.resolve(tableRoot);
    let target = spec.version;
    if (spec.timestamp !== undefined) target = await findVersionAtTimestamp(store, root, spec.timestamp);
    if (target !== undefined && (!Number.isInteger(target) || target < 0)) {
      throw new DeltaError("WEIR_DELTA_VERSION_NOT_FOUND", `Cannot read version ${target} of the Delta table at ${root}: versions are integers >= 0`, {
        hint: "pass versionAsOf as a non-negative integer",
        details: { table: root, version: target },
      });
    }
    const logDir = path.join(root, DELTA_LOG_DIR);
    const hint = await readLastCheckpoint(store, logDir);
    let listing: LogFileInfo[] | undefined;
    if (hint && (target === undefined || hint.version <= target)) {
      listing = await store.list(logDir, versionPrefix(hint.version));
      // A stale or dangling pointer is only a hint: fall back to a full listing.
      if (listing && !completeCheckpoints(listing).some((c) => c.version === hint.version)) listing = undefined;
    }
    listing ??= await store.list(logDir);
    if (listing === undefined) throw notATable(root, "it has no _delta_log directory");
    return buildSegment(root, listing, target);
  }
}

function buildSegment(root: string, listing: readonly LogFileInfo[], target: number | undefined): LogSegment {
  const commits = new Map<number, LogFileInfo>();
  for (const f of listing) {
    const n = parseLogFileName(f.name);
    if (n?.kind === "commit") commits.set(n.version, f);
  }
  const checkpoints = completeCheckpoints(listing);
  if (commits.size === 0 && checkpoints.length === 0) throw notATable(root, "_delta_log holds no commit or checkpoint file");
  const latest = Math.max(...commits.keys(), ...checkpoints.map((c) => c.version));
  const version = target ?? latest;
  if (version > latest) {
    throw new DeltaError("WEIR_DELTA_VERSION_NOT_FOUND", `Cannot read version ${version} of the Delta table at ${root}: the latest version is ${latest}`, {
      hint: `use a version between the earliest available one and ${latest}`,
      details: { table: root, version, latestVersion: latest },
    });
  }
  // Newest usable checkpoint not newer than the version; at equal versions the first kind listed wins.
  const checkpoint = checkpoints.filter((c) => c.version <= version).sort((a, b) => b.version - a.version || rank(a) - rank(b))[0];
  const start = checkpoint ? checkpoint.version + 1 : 0;
  if (!checkpoint && !commits.has(0)) {
    const earliest = checkpoints.length > 0 ? Math.min(...checkpoints.map((c) => c.version)) : undefined;
    if (earliest !== undefined) {
      throw new DeltaError("WEIR_DELTA_VERSION_NOT_FOUND", `Cannot read version ${version} of the Delta table at ${root}: the earliest reconstructable version is ${earliest} (older log entries were cleaned up)`, {
        hint: `use a version between ${earliest} and ${latest}`,
        details: { table: root, version, earliestVersion: earliest, latestVersion: latest },
      });
    }
    throw corruptLog(root, `commit 0 (${path.join(root, DELTA_LOG_DIR, versionPrefix(0))}.json) is missing and there is no checkpoint to start from`, { missingVersion: 0 });
  }
  const segmentCommits: CommitFile[] = [];
  for (let v = start; v <= version; v++) {
    const file = commits.get(v);
    if (!file) {
      const after = [...commits.keys()].filter((k) => k > v).sort((a, b) => a - b)[0];
      throw corruptLog(root, `version ${v} is missing: the log jumps from ${v - 1} to ${after ?? "nothing"} (expected ${versionPrefix(v)}.json)`, { missingVersion: v });
    }
    segmentCommits.push({ version: v, file });
  }
  return new LogSegment(root, version, checkpoint, segmentCommits, commits.get(version), latest);
}

function rank(c: CheckpointFiles): number {
  return c.kind === "checkpoint" ? 0 : c.kind === "multiPartCheckpoint" ? 1 : 2;
}

/**
 * The checkpoints of a listing whose files are all present (multi-part checkpoints missing a part are ignored,
 * as the protocol requires), in listing order.
 *
 * @example
 * ```ts
 * completeCheckpoints(await store.list(logDir) ?? []).map((c) => c.version); // [10, 20]
 * ```
 */
export function completeCheckpoints(listing: readonly LogFileInfo[]): CheckpointFiles[] {
  const out: CheckpointFiles[] = [];
  const multi = new Map<string, { version: number; parts: number; files: Map<number, LogFileInfo> }>();
  for (const f of listing) {
    const n = parseLogFileName(f.name);
    if (!n) continue;
    switch (n.kind) {
      case "commit": break;
      case "checkpoint": case "uuidCheckpoint":
        out.push({ version: n.version, kind: n.kind, files: [f] });
        break;
      case "multiPartCheckpoint": {
        const key = `${n.version}/${n.parts}`;
        const group = multi.get(key) ?? { version: n.version, parts: n.parts, files: new Map() };
        group.files.set(n.part, f);
        multi.set(key, group);
        break;
      }
      default: assertNeverName(n);
    }
  }
  for (const g of multi.values()) {
    if (g.files.size !== g.parts) continue;
    const files = [...g.files.entries()].sort((a, b) => a[0] - b[0]).map(([, f]) => f);
    out.push({ version: g.version, kind: "multiPartCheckpoint", files });
  }
  return out;
}

/**
 * Read `_delta_log/_last_checkpoint`; `undefined` when absent or unusable (it is only a hint).
 *
 * @example
 * ```ts
 * await readLastCheckpoint(store, "/data/orders/_delta_log"); // { version: 10 }
 * ```
 */
export async function readLastCheckpoint(store: LogStore, logDir: string): Promise<LastCheckpointInfo | undefined> {
  // Only a hint (as in delta-spark): an unreadable pointer means "list the directory", never an unreadable table.
  const bytes = await store.read(path.join(logDir, LAST_CHECKPOINT)).catch(() => undefined);
  if (!bytes) return undefined;
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown; parts?: unknown };
    if (typeof json.version !== "number" || !Number.isInteger(json.version) || json.version < 0) return undefined;
    return typeof json.parts === "number" ? { version: json.version, parts: json.parts } : { version: json.version };
  } catch {
    return undefined;
  }
}

/**
 * The timestamp (ms) of each reconstructable commit: `commitInfo.inCommitTimestamp` when the commit has one,
 * else the commit file's modification time, made strictly increasing across versions (as Delta does, since
 * copying files can reorder mtimes).
 *
 * @example
 * ```ts
 * const ts = await readCommitTimestamps(store, "/data/orders"); // [{ version: 0, timestamp: 1700000000000 }, …]
 * ```
 */
export async function readCommitTimestamps(store: LogStore, tableRoot: string): Promise<{ version: number; timestamp: number }[]> {
  const root = path.resolve(tableRoot);
  const logDir = path.join(root, DELTA_LOG_DIR);
  const listing = await store.list(logDir);
  if (listing === undefined) throw notATable(root, "it has no _delta_log directory");
  const commits = listing
    .map((f) => ({ f, n: parseLogFileName(f.name) }))
    .filter((x): x is { f: LogFileInfo; n: { kind: "commit"; version: number } } => x.n?.kind === "commit")
    .sort((a, b) => a.n.version - b.n.version);
  if (commits.length === 0) throw notATable(root, "_delta_log holds no commit file");
  const earliestCheckpoint = Math.min(...completeCheckpoints(listing).map((c) => c.version));
  const firstUsable = commits[0]?.n.version === 0 ? 0 : earliestCheckpoint;
  const out: { version: number; timestamp: number }[] = [];
  let previous = -Infinity;
  for (const { f, n } of commits) {
    if (n.version < firstUsable) continue;
    const ict = await readInCommitTimestamp(store, f.path);
    const ts = ict ?? Math.max(f.modificationTime, previous + 1);
    out.push({ version: n.version, timestamp: ts });
    previous = ts;
  }
  return out;
}

/**
 * The newest version whose commit timestamp is at or before `timestamp` (ms since the epoch).
 *
 * @example
 * ```ts
 * await findVersionAtTimestamp(store, "/data/orders", Date.parse("2024-05-01T00:00:00Z")); // 7
 * ```
 */
export async function findVersionAtTimestamp(store: LogStore, tableRoot: string, timestamp: number): Promise<number> {
  const all = await readCommitTimestamps(store, tableRoot);
  let found: number | undefined;
  for (const c of all) if (c.timestamp <= timestamp) found = c.version;
  if (found === undefined) {
    const first = all[0];
    throw new DeltaError("WEIR_DELTA_VERSION_NOT_FOUND", `No version of the Delta table at ${path.resolve(tableRoot)} was committed at or before ${new Date(timestamp).toISOString()}`, {
      hint: first ? `the earliest available commit is version ${first.version} at ${new Date(first.timestamp).toISOString()}` : "the table has no commits",
      details: { table: tableRoot, timestamp },
    });
  }
  return found;
}

/** In-commit timestamps require commitInfo to be the first action, so only the first line is read. */
async function readInCommitTimestamp(store: LogStore, file: string): Promise<number | undefined> {
  const bytes = await store.read(file);
  if (!bytes) return undefined;
  const text = new TextDecoder().decode(bytes);
  const first = text.slice(0, text.indexOf("\n") === -1 ? undefined : text.indexOf("\n")).trim();
  try {
    const json = JSON.parse(first) as { commitInfo?: { inCommitTimestamp?: unknown } };
    const ict = json.commitInfo?.inCommitTimestamp;
    return typeof ict === "number" ? ict : undefined;
  } catch {
    return undefined;
  }
}

function notATable(root: string, why: string): DeltaError {
  return new DeltaError("WEIR_DELTA_NOT_A_TABLE", `${root} is not a Delta table: ${why}`, {
    hint: "check the path, or create the table first (df.write.format(\"delta\").save(path))",
    details: { table: root },
  });
}

function corruptLog(root: string, why: string, details: Record<string, unknown>): DeltaError {
  return new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Corrupt Delta log of the table at ${root}: ${why}`, {
    hint: "a log file was deleted or never finished; restore it from a backup, or read a version before the gap",
    details: { table: root, ...details },
  });
}

function assertNeverName(x: never): never {
  throw new DeltaError("WEIR_INTERNAL", `unhandled log file name ${JSON.stringify(x)}: this is a bug in Weir`);
}
