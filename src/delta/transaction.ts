/**
 * An optimistic transaction on a Delta table: started from a snapshot (or none, to create the table), it
 * records what it read, then commits its actions at the next version with `LogStore.putIfAbsent`. When
 * another writer won that version, the winning commits are checked with Delta's conflict rules and the
 * commit is retried at the following version; conflicts fail with `WEIR_DELTA_CONCURRENT_MODIFICATION`.
 *
 * ```
 *   start(snapshot v) ─► read/track ─► commit(actions)
 *                                        │ putIfAbsent(v+1.json)
 *                          "exists" ◄────┤────► "created" ─► checkpoint when (v+1) % interval == 0
 *                             │          │
 *          read winner v+1, checkConflicts ─► putIfAbsent(v+2.json) …
 * ```
 * Before the first put, the commit is checked against the writer protocol: the table's writer features must be
 * ones Weir honours, a metaData enabling appendOnly / invariants / CHECK constraints upgrades the protocol in
 * the same commit, and an append-only table refuses removes that change data. A failing checkpoint (or log
 * cleanup) never fails the commit: it is kept in `warnings` and emitted as a process warning
 * (`WEIR_DELTA_CHECKPOINT_FAILED`).
 */
import * as path from "node:path";
import { DeltaError } from "../errors/index.js";
import { parseCommitFile, type Action, type MetadataAction, type ProtocolAction, type TxnAction } from "./actions.js";
import { writeCheckpoint, type CheckpointParquetWriter } from "./checkpoint-writer.js";
import { buildCommitInfo, serializeCommit, type CommitDescription } from "./commit.js";
import { checkConflicts, partitionKey, type PartitionReadSet, type TransactionSummary } from "./conflict-checker.js";
import { commitFileName, DELTA_LOG_DIR } from "./log-file-name.js";
import { FileSystemLogStore, type LogStore } from "./log-store.js";
import type { ParquetActionReader } from "./parquet-action-reader.js";
import { Snapshot } from "./snapshot.js";
import type { SnapshotCache } from "./snapshot-cache.js";
import { cleanupExpiredLogs } from "./log-cleanup.js";
import { assertWritable, isAppendOnly, upgradedProtocol } from "./writer-features.js";

/** How a transaction reaches storage. @example `{ parquetReader, checkpointWriter }` */
export interface TransactionOptions {
  readonly store?: LogStore;
  readonly parquetReader?: ParquetActionReader;
  /** Writes checkpoints after commits at multiples of `delta.checkpointInterval` (default 10); none without it. */
  readonly checkpointWriter?: CheckpointParquetWriter;
  /** Give up after this many lost races (default 1000). */
  readonly maxRetries?: number;
  /** The session's snapshot cache: the read snapshot comes from it when only new commits were added. */
  readonly cache?: SnapshotCache;
}

/** Default `delta.checkpointInterval`. @example `DEFAULT_CHECKPOINT_INTERVAL // 10` */
export const DEFAULT_CHECKPOINT_INTERVAL = 10;

/**
 * One optimistic transaction.
 *
 * @example
 * ```ts
 * const txn = await OptimisticTransaction.start("/data/orders", { parquetReader });
 * const version = await txn.commit([...adds], { operation: "WRITE", operationParameters: { mode: "Append" }, operationMetrics: {} });
 * ```
 */
export class OptimisticTransaction {
  private wholeTable = false;
  private readonly readFiles = new Set<string>();
  private readPartitions: PartitionReadSet | "all" | undefined;
  /** Errors of the post-commit checkpoint (the commit itself succeeded). */
  checkpointError: unknown;
  /** What went wrong after the commit succeeded (checkpoint, log cleanup), as messages for the caller to show. */
  readonly warnings: string[] = [];
  /** Log files deleted by the post-checkpoint cleanup. */
  readonly expiredLogFiles: string[] = [];

  private constructor(readonly tableRoot: string, readonly snapshot: Snapshot | undefined, private readonly options: TransactionOptions) {}

  /**
   * Start a transaction on the latest version of the table, or on no table (to create it) when `_delta_log`
   * does not exist yet.
   *
   * @example
   * ```ts
   * const txn = await OptimisticTransaction.start("/data/new_table");
   * txn.snapshot; // undefined: the commit must hold protocol and metaData
   * ```
   */
  static async start(tableRoot: string, options: TransactionOptions = {}): Promise<OptimisticTransaction> {
    const root = path.resolve(tableRoot);
    const store = options.store ?? new FileSystemLogStore();
    // One listing: Snapshot.load lists the log, and a log without commits is a table still to be created.
    const snapshot = await Snapshot.load(root, { store, ...(options.parquetReader ? { parquetReader: options.parquetReader } : {}), ...(options.cache ? { cache: options.cache } : {}) })
      .catch((e: unknown) => {
        if (e instanceof DeltaError && e.code === "WEIR_DELTA_NOT_A_TABLE") return undefined;
        throw e;
      });
    return new OptimisticTransaction(root, snapshot, { ...options, store });
  }

  /** The version this transaction read (-1 for a new table). @example `txn.readVersion // 7` */
  get readVersion(): number {
    return this.snapshot?.version ?? -1;
  }

  /** Record that the result depends on the whole table (overwrite, replaceWhere). @example `txn.readWholeTable()` */
  readWholeTable(): void {
    this.wholeTable = true;
  }

  /** Record files (logged paths) whose rows the result depends on. @example `txn.markFilesRead(files.map((f) => f.add.path))` */
  markFilesRead(paths: Iterable<string>): void {
    for (const p of paths) this.readFiles.add(p);
  }

  /**
   * Record the partitions (partition values as logged) whose rows the result depends on; files added
   * concurrently into them (or into partitions this snapshot did not have) conflict. Without partition
   * columns, or with `"all"`, every concurrent non-blind add conflicts. Calls accumulate.
   *
   * @example
   * ```ts
   * txn.markPartitionsRead(candidates.map((f) => f.add.partitionValues)); // MERGE touching two days
   * txn.markPartitionsRead("all");                                          // predicate on data columns only
   * ```
   */
  markPartitionsRead(partitions: Iterable<Readonly<Record<string, string | null>>> | "all"): void {
    const columns = this.snapshot?.partitionColumns ?? [];
    if (partitions === "all" || columns.length === 0 || this.readPartitions === "all") {
      this.readPartitions = "all";
      return;
    }
    const known = this.readPartitions?.known ?? new Set(this.snapshot!.files.map((f) => partitionKey(columns, f.add.partitionValues)));
    const read = new Set(this.readPartitions?.read ?? []);
    for (const p of partitions) read.add(partitionKey(columns, p));
    this.readPartitions = { columns, known, read };
  }

  /**
   * Commit `actions` (a commitInfo is added) and return the version written. Retries on lost races the
   * conflict rules allow; otherwise throws `WEIR_DELTA_CONCURRENT_MODIFICATION`.
   *
   * @example
   * ```ts
   * const v = await txn.commit([add], { operation: "WRITE", operationParameters: { mode: "Append" }, operationMetrics: { numFiles: "1" } });
   * ```
   */
  async commit(requested: readonly Action[], description: CommitDescription): Promise<number> {
    const store = this.options.store!;
    const actions = this.prepareActions(requested, description.operation);
    const summary: TransactionSummary = {
      readWholeTable: this.wholeTable,
      readFiles: this.readFiles,
      removedFiles: new Set(actions.flatMap((a) => (a.kind === "remove" ? [a.path] : []))),
      appIds: new Set(actions.flatMap((a) => (a.kind === "txn" ? [(a as TxnAction).appId] : []))),
      ...(this.readPartitions ? { readPartitions: this.readPartitions } : {}),
      isBlindAppend: !this.wholeTable && this.readFiles.size === 0 && !this.readPartitions && actions.every((a) => a.kind === "add" || a.kind === "txn" || a.kind === "commitInfo"),
    };
    const info = buildCommitInfo(description, this.snapshot ? this.readVersion : undefined, summary.isBlindAppend);
    const bytes = serializeCommit([info, ...actions.filter((a) => a.kind !== "commitInfo")]);
    const logDir = path.join(this.tableRoot, DELTA_LOG_DIR);
    const maxRetries = this.options.maxRetries ?? 1000;
    let version = this.readVersion + 1;
    for (let attempt = 0; ; attempt++) {
      const file = path.join(logDir, commitFileName(version));
      if (await store.putIfAbsent(file, bytes) === "created") {
        // Right on top of the snapshot read: its successor is built in memory, not replayed from the log.
        const next = version === this.readVersion + 1 && this.snapshot
          ? () => this.snapshot!.withCommit(version, [info, ...actions], { path: file, name: path.basename(file), size: bytes.length, modificationTime: Date.now() })
          : undefined;
        await this.checkpointAfter(version, next);
        return version;
      }
      if (attempt >= maxRetries) {
        throw new DeltaError("WEIR_DELTA_CONCURRENT_MODIFICATION", `Delta commit to ${this.tableRoot} gave up after ${attempt + 1} lost races (last tried version ${version})`, {
          hint: "too many concurrent writers; retry later", details: { table: this.tableRoot, version },
        });
      }
      const winner = await store.read(file);
      if (!winner) continue; // cleaned up between put and read: the version is free again? retry the same one
      checkConflicts(summary, parseCommitFile(new TextDecoder().decode(winner), file), version, this.tableRoot);
      version++;
    }
  }

  /** Protocol checks and upgrades, and the append-only rule, before anything is written. */
  private prepareActions(actions: readonly Action[], operation: string): readonly Action[] {
    const metadata = actions.find((a): a is MetadataAction => a.kind === "metaData") ?? this.snapshot?.metadata;
    let protocol = actions.find((a): a is ProtocolAction => a.kind === "protocol") ?? this.snapshot?.protocol;
    let out = actions;
    if (metadata && protocol) {
      const upgraded = upgradedProtocol(protocol, metadata);
      if (upgraded && actions.some((a) => a.kind === "metaData")) {
        protocol = upgraded;
        out = [...actions.filter((a) => a.kind !== "protocol"), upgraded];
      }
    }
    if (protocol) assertWritable(protocol, this.tableRoot);
    if (metadata && isAppendOnly(metadata.configuration)) {
      const removed = actions.filter((a) => a.kind === "remove" && a.dataChange !== false).length;
      if (removed > 0) {
        throw new DeltaError("WEIR_DELTA_APPEND_ONLY", `Cannot run ${operation} on the Delta table at ${this.tableRoot}: the table is append-only (delta.appendOnly = true) and ${operation} would remove or rewrite ${removed} data file(s)`, {
          hint: "only appends (and OPTIMIZE) are allowed; to change existing rows, first ALTER TABLE … SET TBLPROPERTIES ('delta.appendOnly' = 'false')",
          details: { table: this.tableRoot, operation, removedFiles: removed },
        });
      }
    }
    return out;
  }

  private warn(message: string, cause: unknown): void {
    const text = `${message}: ${cause instanceof Error ? cause.message : String(cause)}`;
    this.warnings.push(text);
    process.emitWarning(text, { code: "WEIR_DELTA_CHECKPOINT_FAILED" });
  }

  private async checkpointAfter(version: number, successor?: () => Snapshot): Promise<void> {
    const writer = this.options.checkpointWriter;
    if (!writer || version === 0) return;
    const configured = Number(this.snapshot?.configuration["delta.checkpointInterval"] ?? DEFAULT_CHECKPOINT_INTERVAL);
    const interval = Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_CHECKPOINT_INTERVAL;
    if (version % interval !== 0) return;
    try {
      const snap = successor?.() ?? await Snapshot.load(this.tableRoot, { version, store: this.options.store!, ...(this.options.parquetReader ? { parquetReader: this.options.parquetReader } : {}) });
      await writeCheckpoint(snap, this.options.store!, writer);
      try {
        this.expiredLogFiles.push(...(await cleanupExpiredLogs(this.options.store!, this.tableRoot, snap.configuration)).deleted);
      } catch (e) {
        this.warn(`Version ${version} of the Delta table at ${this.tableRoot} was committed, but deleting expired log files failed`, e);
      }
    } catch (e) {
      // The commit is durable; a missing checkpoint only makes later reads replay more JSON.
      this.checkpointError = e;
      this.warn(`Version ${version} of the Delta table at ${this.tableRoot} was committed, but writing its checkpoint failed (reads stay correct, replaying more JSON)`, e);
    }
  }
}
