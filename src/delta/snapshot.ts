/**
 * A Delta table as of one version: protocol, metadata, schema and the active files a scan reads, obtained by
 * replaying a {@link LogSegment} (checkpoint rows first, then each JSON commit in version order).
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { DeltaError, WeirError } from "../errors/index.js";
import { parseSparkSchemaJson, t, type DataType, type StructField, type StructType } from "../types/index.js";
import {
  deletionVectorId, assertNeverAction, parseAction, parseCommitFile, type Action, type AddAction, type CommitInfoAction,
  type DomainMetadataAction, type MetadataAction, type ProtocolAction, type RemoveAction, type StringMap,
} from "./actions.js";
import { parseFileStats, type FileStats } from "./file-stats.js";
import { FileSystemLogStore, type LogFileInfo, type LogStore } from "./log-store.js";
import { LogSegment, type VersionSpec } from "./log-segment.js";
import type { ParquetActionReader } from "./parquet-action-reader.js";
import { parsePartitionValue, type PartitionValue } from "./partition-value.js";
import { assertReadable } from "./reader-features.js";
import { continues, type SnapshotCache } from "./snapshot-cache.js";

/**
 * One active data file of a snapshot, with everything a scan needs.
 *
 * @example
 * ```ts
 * for (const f of snapshot.files) console.log(f.path, f.partitionValues, f.stats?.numRecords);
 * ```
 */
export interface DeltaFile {
  /** Absolute, URL-decoded path of the Parquet file (or the URI when the log names another file system). */
  readonly path: string;
  /** Partition column name → typed value (`null` for a null partition), for every partition column. */
  readonly partitionValues: Readonly<Record<string, PartitionValue>>;
  readonly size: number;
  /** Milliseconds since the epoch. */
  readonly modificationTime: number;
  readonly stats: FileStats | undefined;
  /** The `add` action as logged (raw path, string partition values), for writers that must remove it later. */
  readonly add: AddAction;
}

/** How to load a snapshot. @example `{ version: 3, parquetReader: new DuckDBParquetReader() }` */
export type SnapshotOptions = VersionSpec & {
  /** Where the log lives; defaults to a {@link FileSystemLogStore}. */
  readonly store?: LogStore;
  /** Decodes checkpoint Parquet files; required when the segment starts at a checkpoint. */
  readonly parquetReader?: ParquetActionReader;
  /** Reuse (and keep) the session's latest snapshots: only new commits are replayed. */
  readonly cache?: SnapshotCache;
};

/**
 * A consistent, immutable view of a Delta table at one version.
 *
 * @example
 * ```ts
 * const snap = await Snapshot.load("/data/orders", { parquetReader });
 * snap.version;                                  // 12
 * snap.schema;                                   // t.struct(...)
 * snap.partitionColumns;                         // ["day"]
 * snap.files.map((f) => f.path);                 // absolute Parquet paths
 * ```
 */
export class Snapshot {
  /** Internal: use {@link Snapshot.load} or {@link readSnapshot}. */
  constructor(
    readonly segment: LogSegment,
    readonly protocol: ProtocolAction,
    readonly metadata: MetadataAction,
    /** The table schema (partition columns included), from `metaData.schemaString`. */
    readonly schema: StructType,
    readonly files: readonly DeltaFile[],
    /** `remove` actions still kept as tombstones (for VACUUM). */
    readonly tombstones: readonly RemoveAction[],
    /** Latest `txn.version` per application id. */
    readonly appVersions: ReadonlyMap<string, number>,
    /** Live metadata domains (removed ones excluded). */
    readonly domainMetadata: ReadonlyMap<string, DomainMetadataAction>,
    /** The `commitInfo` of the commit at this version, when its JSON file is still in the log. */
    readonly commitInfo: CommitInfoAction | undefined,
    /** Commit time of this version in ms: `inCommitTimestamp` if present, else the commit file's mtime. */
    readonly timestamp: number,
  ) {}

  /**
   * Replay the log of the table at `tableRoot` up to the requested version (default latest) and check that
   * Weir can read it.
   *
   * @example
   * ```ts
   * const v0 = await Snapshot.load("/data/orders", { version: 0 });
   * ```
   */
  static async load(tableRoot: string, options: SnapshotOptions = {}): Promise<Snapshot> {
    const store = options.store ?? new FileSystemLogStore();
    const segment = await LogSegment.load(store, tableRoot, options);
    const latest = options.version === undefined && options.timestamp === undefined;
    const cached = options.cache?.get(segment.tableRoot);
    if (cached && continues(cached.segment, segment) && (latest || segment.version === cached.version)) {
      const fresh = segment.commits.filter((c) => c.version > cached.version);
      const actions = await Promise.all(fresh.map((c) => readCommit(store, c.file.path)));
      const snap = cached.withCommits(fresh.map((c, i) => ({ version: c.version, actions: actions[i]!, file: c.file })));
      assertReadable(snap.protocol, snap.metadata, snap.tableRoot);
      if (snap !== cached) options.cache!.offer(snap);
      return snap;
    }
    const snap = await Snapshot.replay(segment, store, options.parquetReader);
    if (latest) options.cache?.offer(snap);
    return snap;
  }

  private static async replay(segment: LogSegment, store: LogStore, reader: ParquetActionReader | undefined): Promise<Snapshot> {
    const state = new ReplayState();
    if (segment.checkpoint) {
      if (segment.checkpoint.kind === "uuidCheckpoint") {
        throw new DeltaError("WEIR_DELTA_UNSUPPORTED_FEATURE", `Cannot read the Delta table at ${segment.tableRoot}: its version ${segment.checkpoint.version} is stored only as a UUID-named (v2) checkpoint`, {
          hint: "read it with an engine that supports \"v2Checkpoint\", or read a version with a classic checkpoint", details: { table: segment.tableRoot, feature: "v2Checkpoint" },
        });
      }
      if (!reader) {
        throw new WeirError("WEIR_INVALID_ARGUMENT", `Reading the Delta table at ${segment.tableRoot} needs a ParquetActionReader: version ${segment.version} starts from checkpoint ${segment.checkpoint.files[0]?.path}`, {
          hint: "pass options.parquetReader (e.g. new DuckDBParquetReader())",
        });
      }
      for (const part of segment.checkpoint.files) await replayCheckpointFile(reader, part.path, state);
    }
    let commitInfo: CommitInfoAction | undefined;
    for (const commit of segment.commits) {
      const actions = await readCommit(store, commit.file.path);
      for (const a of actions) state.apply(a);
      if (commit.version === segment.version) commitInfo = actions.find((a): a is CommitInfoAction => a.kind === "commitInfo");
    }
    if (!commitInfo && segment.versionCommit && segment.commits.length === 0) {
      commitInfo = (await readCommit(store, segment.versionCommit.path)).find((a): a is CommitInfoAction => a.kind === "commitInfo");
    }
    const root = segment.tableRoot;
    if (!state.protocol) throw missingAction(root, segment.version, "protocol");
    if (!state.metadata) throw missingAction(root, segment.version, "metaData");
    assertReadable(state.protocol, state.metadata, root);
    const schema = parseSchema(root, state.metadata);
    const partitionFields = resolvePartitionFields(root, schema, state.metadata.partitionColumns);
    const files = [...state.adds.values()].map((add) => toDeltaFile(root, add, partitionFields));
    const timestamp = commitInfo?.inCommitTimestamp ?? segment.versionCommit?.modificationTime
      ?? segment.checkpoint?.files[0]?.modificationTime ?? 0;
    return new Snapshot(
      segment, state.protocol, state.metadata, schema, Object.freeze(files), Object.freeze([...state.removes.values()]),
      state.txns, state.domains, commitInfo, timestamp,
    );
  }

  /**
   * The snapshot of `version`, committed with `actions` directly on top of this one (version + 1), built in
   * memory instead of replaying the log again (used to checkpoint right after a commit).
   *
   * @example
   * ```ts
   * const next = snap.withCommit(snap.version + 1, committedActions, commitFileInfo);
   * ```
   */
  withCommit(version: number, actions: readonly Action[], file: LogFileInfo): Snapshot {
    return this.withCommits([{ version, actions, file }]);
  }

  /**
   * The snapshot after `commits` (consecutive versions starting at version + 1), built in one pass over this
   * one's state: a reader that finds k new commits pays one rebuild, not k. Files of this snapshot that survive
   * keep their {@link DeltaFile} objects while the metadata is unchanged.
   *
   * @example
   * ```ts
   * const latest = snap.withCommits([{ version: 13, actions: a13, file: f13 }, { version: 14, actions: a14, file: f14 }]);
   * ```
   */
  withCommits(commits: readonly { readonly version: number; readonly actions: readonly Action[]; readonly file: LogFileInfo }[]): Snapshot {
    const last = commits[commits.length - 1];
    if (!last) return this;
    commits.forEach((c, i) => {
      if (c.version !== this.version + 1 + i) throw new WeirError("WEIR_INTERNAL", `Snapshot.withCommits: version ${c.version} does not follow ${this.version + i}; this is a bug in Weir`);
    });
    const state = new ReplayState();
    state.apply(this.protocol);
    state.apply(this.metadata);
    for (const r of this.tombstones) state.apply(r);
    for (const f of this.files) state.apply(f.add);
    for (const [appId, v] of this.appVersions) state.txns.set(appId, v);
    for (const [domain, d] of this.domainMetadata) state.domains.set(domain, d);
    for (const c of commits) for (const a of c.actions) state.apply(a);
    const root = this.tableRoot;
    const metadata = state.metadata!;
    const schema = metadata === this.metadata ? this.schema : parseSchema(root, metadata);
    const partitionFields = resolvePartitionFields(root, schema, metadata.partitionColumns);
    const kept = new Map(this.files.map((f) => [f.add, f]));
    const files = [...state.adds.values()].map((add) => (metadata === this.metadata ? kept.get(add) : undefined) ?? toDeltaFile(root, add, partitionFields));
    const s = this.segment;
    const segment = new LogSegment(root, last.version, s.checkpoint, [...s.commits, ...commits.map((c) => ({ version: c.version, file: c.file }))], last.file, Math.max(s.latestVersion, last.version));
    const commitInfo = last.actions.find((a): a is CommitInfoAction => a.kind === "commitInfo");
    return new Snapshot(
      segment, state.protocol!, metadata, schema, Object.freeze(files), Object.freeze([...state.removes.values()]),
      state.txns, state.domains, commitInfo, commitInfo?.inCommitTimestamp ?? last.file.modificationTime,
    );
  }

  /** Absolute path of the table root. @example `snap.tableRoot // "/data/orders"` */
  get tableRoot(): string {
    return this.segment.tableRoot;
  }
  /** The version this snapshot shows. @example `snap.version // 12` */
  get version(): number {
    return this.segment.version;
  }
  /** Partition column names in table order. @example `snap.partitionColumns // ["year", "month"]` */
  get partitionColumns(): readonly string[] {
    return this.metadata.partitionColumns;
  }
  /** Table properties (`delta.appendOnly`, `delta.checkpointInterval`, …). @example `snap.configuration["delta.appendOnly"]` */
  get configuration(): StringMap {
    return this.metadata.configuration;
  }
  /** The schema of the partition columns only. @example `snap.partitionSchema.fields.map((f) => f.name)` */
  get partitionSchema(): StructType {
    return t.structOf(this.partitionColumns.map((c) => findField(this.schema, c)).filter((f): f is StructField => f !== undefined));
  }
  /** The schema of the columns stored in the data files (schema minus partition columns). @example `snap.dataSchema` */
  get dataSchema(): StructType {
    const parts = new Set(this.partitionColumns.map((c) => c.toLowerCase()));
    return t.structOf(this.schema.fields.filter((f) => !parts.has(f.name.toLowerCase())));
  }
  /** The last recorded version of an application's `txn`, if any. @example `snap.txnVersion("etl-orders") // 41` */
  txnVersion(appId: string): number | undefined {
    return this.appVersions.get(appId);
  }

  /**
   * Fail with `WEIR_DELTA_MISSING_FILE` naming a data file that no longer exists (e.g. it was vacuumed, or only
   * the log was copied): all active files, or the subset a scan will read. Local paths only; URIs of other file
   * systems are skipped.
   *
   * @example
   * ```ts
   * await snap.assertFilesExist();
   * await snap.assertFilesExist(prunedFiles);
   * ```
   */
  async assertFilesExist(files: readonly DeltaFile[] = this.files): Promise<void> {
    await Promise.all(files.map(async (f) => {
      if (!path.isAbsolute(f.path)) return;
      try {
        await fs.access(f.path);
      } catch (cause) {
        throw new DeltaError("WEIR_DELTA_MISSING_FILE", `Cannot read version ${this.version} of the Delta table at ${this.tableRoot}: data file ${f.path} is missing`, {
          hint: "the file was probably removed by VACUUM or not copied with the log; read a later version or restore the file",
          cause, details: { table: this.tableRoot, version: this.version, file: f.path },
        });
      }
    }));
  }
}

/**
 * Load a snapshot (same as {@link Snapshot.load}).
 *
 * @example
 * ```ts
 * const snap = await readSnapshot("/data/orders", { timestamp: Date.parse("2024-05-01T00:00:00Z"), parquetReader });
 * ```
 */
export function readSnapshot(tableRoot: string, options: SnapshotOptions = {}): Promise<Snapshot> {
  return Snapshot.load(tableRoot, options);
}

/** Log replay: later actions override earlier ones per the reconciliation rules. */
class ReplayState {
  protocol: ProtocolAction | undefined;
  metadata: MetadataAction | undefined;
  readonly adds = new Map<string, AddAction>();
  readonly removes = new Map<string, RemoveAction>();
  readonly txns = new Map<string, number>();
  readonly domains = new Map<string, DomainMetadataAction>();

  apply(action: Action): void {
    switch (action.kind) {
      case "protocol": this.protocol = action; break;
      case "metaData": this.metadata = action; break;
      case "add": {
        const key = fileKey(action);
        this.removes.delete(key);
        this.adds.set(key, action);
        break;
      }
      case "remove": {
        const key = fileKey(action);
        this.adds.delete(key);
        this.removes.set(key, action);
        break;
      }
      case "txn": this.txns.set(action.appId, action.version); break;
      case "domainMetadata":
        if (action.removed) this.domains.delete(action.domain);
        else this.domains.set(action.domain, action);
        break;
      // commitInfo is per version (taken from the version's own commit); cdc only matters to change-data readers.
      case "commitInfo": case "cdc": break;
      // Only legal in v2 checkpoints (whose tables need the refused v2Checkpoint feature); never part of replay.
      case "checkpointMetadata": case "sidecar": break;
      default: assertNeverAction(action);
    }
  }
}

/** A logical file is (path, deletion vector id); paths are compared decoded, as writers may encode differently. */
function fileKey(a: AddAction | RemoveAction): string {
  const dvId = deletionVectorId(a.deletionVector);
  let p = a.path;
  try {
    p = decodeURIComponent(a.path);
  } catch {
    // keep the raw path; toDeltaFile reports undecodable paths of active files
  }
  return `${p}\u0000${dvId}`;
}

async function readCommit(store: LogStore, file: string): Promise<Action[]> {
  const bytes = await store.read(file);
  if (!bytes) {
    throw new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Delta commit ${file} disappeared while the table was being read`, {
      hint: "log cleanup ran concurrently; retry the read", details: { file },
    });
  }
  return parseCommitFile(new TextDecoder().decode(bytes), file);
}

async function replayCheckpointFile(reader: ParquetActionReader, file: string, state: ReplayState): Promise<void> {
  let rows: Record<string, unknown>[];
  try {
    rows = await reader.readRows(file);
  } catch (cause) {
    throw new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Cannot read Delta checkpoint ${file}: ${(cause as Error)?.message ?? String(cause)}`, {
      hint: "the checkpoint is damaged; delete it (and _last_checkpoint) so the table replays from the JSON commits, if they are still present",
      cause, details: { file },
    });
  }
  rows.forEach((row, i) => {
    const action = parseAction(row, { file, line: i + 1, unit: "row" });
    if (action) state.apply(action);
  });
}

function parseSchema(root: string, metadata: MetadataAction): StructType {
  try {
    return parseSparkSchemaJson(metadata.schemaString);
  } catch (cause) {
    throw new DeltaError("WEIR_DELTA_CORRUPT_LOG", `The schema of the Delta table at ${root} cannot be parsed: ${(cause as Error).message}`, {
      hint: "the metaData.schemaString was written by a faulty writer", cause, details: { table: root },
    });
  }
}

function findField(schema: StructType, name: string): StructField | undefined {
  return schema.fields.find((f) => f.name === name) ?? schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

function resolvePartitionFields(root: string, schema: StructType, columns: readonly string[]): { name: string; type: DataType }[] {
  return columns.map((c) => {
    const field = findField(schema, c);
    if (!field) {
      throw new DeltaError("WEIR_DELTA_CORRUPT_LOG", `The Delta table at ${root} is partitioned by "${c}", which is not in its schema (${schema.fields.map((f) => f.name).join(", ")})`, {
        hint: "the metaData action is inconsistent; it was written by a faulty writer", details: { table: root, column: c },
      });
    }
    return { name: c, type: field.type };
  });
}

function toDeltaFile(root: string, add: AddAction, partitionFields: readonly { name: string; type: DataType }[]): DeltaFile {
  const filePath = resolveDataPath(root, add.path);
  const partitionValues: Record<string, PartitionValue> = {};
  for (const { name, type } of partitionFields) {
    const raw = name in add.partitionValues ? add.partitionValues[name]
      : Object.entries(add.partitionValues).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    partitionValues[name] = parsePartitionValue(raw, type, { column: name, file: filePath });
  }
  return Object.freeze({
    path: filePath, partitionValues: Object.freeze(partitionValues), size: add.size, modificationTime: add.modificationTime,
    stats: parseFileStats(add.stats), add,
  });
}

/**
 * Resolve an `add.path` (an RFC 2396 URI, relative to the table root or absolute) to a file path.
 *
 * @example
 * ```ts
 * resolveDataPath("/data/t", "day=2024-01-01/part%2000.parquet"); // "/data/t/day=2024-01-01/part 00.parquet"
 * ```
 */
export function resolveDataPath(root: string, logPath: string): string {
  try {
    if (/^file:/i.test(logPath)) return fileURLToPath(new URL(logPath));
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(logPath)) return logPath;
    return path.resolve(root, decodeURIComponent(logPath));
  } catch (cause) {
    throw new DeltaError("WEIR_DELTA_CORRUPT_LOG", `Invalid data file path ${JSON.stringify(logPath)} in the log of the Delta table at ${root}: ${(cause as Error).message}`, {
      hint: "add.path must be a URI-encoded relative path or an absolute URI", cause, details: { table: root, path: logPath },
    });
  }
}

function missingAction(root: string, version: number, kind: string): DeltaError {
  return new DeltaError("WEIR_DELTA_CORRUPT_LOG", `The log of the Delta table at ${root} has no ${kind} action up to version ${version}`, {
    hint: "version 0 (or the checkpoint) must hold protocol and metaData; the log is damaged", details: { table: root, version },
  });
}
