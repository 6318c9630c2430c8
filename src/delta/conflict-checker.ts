/**
 * Delta's optimistic-concurrency conflict rules (WriteSerializable isolation), applied when a commit lost the
 * race for its version: the winning commits are re-read and checked against what this transaction read and
 * changed. No conflict means the transaction can be committed at the next version unchanged.
 *
 * | winning commit …                                   | conflicts with                           |
 * |----------------------------------------------------|------------------------------------------|
 * | changed protocol or metaData                       | every transaction                        |
 * | set `txn` for an appId this transaction sets       | that transaction (ConcurrentTransaction) |
 * | added data files, not as a blind append            | a transaction that read the table, or    |
 * |                                                    | read the partition the file was added to |
 * |                                                    | (ConcurrentAppend)                       |
 * | removed a file this transaction read               | that transaction (ConcurrentDeleteRead)  |
 * | removed a file this transaction removes            | that transaction (ConcurrentDeleteDelete)|
 *
 * Removes count whatever their `dataChange` (as in Delta): a MERGE rewriting a file OPTIMIZE compacted
 * concurrently would otherwise duplicate its rows. Blind appends (read nothing) therefore only conflict on
 * protocol/metadata/txn changes and retry; under WriteSerializable, blind appends never conflict with readers.
 */
import { DeltaError } from "../errors/index.js";
import type { Action, CommitInfoAction } from "./actions.js";

/** What a transaction read and changed, for conflict detection. @example `{ isBlindAppend: true, readFiles: new Set(), removedFiles: new Set(), appIds: new Set(), readWholeTable: false }` */
export interface TransactionSummary {
  readonly isBlindAppend: boolean;
  /** The transaction's result depends on every file of the table (overwrite, replaceWhere, …). */
  readonly readWholeTable: boolean;
  /** Paths (as logged) of the files the transaction read. */
  readonly readFiles: ReadonlySet<string>;
  /** Paths (as logged) of the files the transaction removes. */
  readonly removedFiles: ReadonlySet<string>;
  readonly appIds: ReadonlySet<string>;
  /**
   * The partitions whose data the transaction's result depends on (MERGE/UPDATE/DELETE): a file added
   * concurrently (not blind) into one of them conflicts. `"all"` for unpartitioned tables or predicates on
   * data columns. Undefined: only `readWholeTable` decides.
   */
  readonly readPartitions?: PartitionReadSet | "all";
}

/**
 * Partitions read, as keys `partitionKey(columns, partitionValues)` of the logged (string) values: `read` ones
 * were read; `known` are those the snapshot had, so a partition neither read nor known (created concurrently)
 * conflicts conservatively.
 *
 * @example `{ columns: ["day"], known: new Set(['["2024-01-01"]', '["2024-01-02"]']), read: new Set(['["2024-01-02"]']) }`
 */
export interface PartitionReadSet {
  readonly columns: readonly string[];
  readonly known: ReadonlySet<string>;
  readonly read: ReadonlySet<string>;
}

/**
 * The key of a file's partition in a {@link PartitionReadSet}.
 *
 * @example `partitionKey(["day"], { day: "2024-01-01" }) // '["2024-01-01"]'`
 */
export function partitionKey(columns: readonly string[], values: Readonly<Record<string, string | null>>): string {
  return JSON.stringify(columns.map((c) => values[c] ?? null));
}

function readsPartitionOf(txn: TransactionSummary, values: Readonly<Record<string, string | null>>): boolean {
  if (txn.readWholeTable || txn.readPartitions === "all") return true;
  if (!txn.readPartitions) return false;
  const key = partitionKey(txn.readPartitions.columns, values);
  return txn.readPartitions.read.has(key) || !txn.readPartitions.known.has(key);
}

/**
 * Throw `WEIR_DELTA_CONCURRENT_MODIFICATION` if the commit at `winningVersion` conflicts with the transaction.
 *
 * @example
 * ```ts
 * checkConflicts(summary, winningActions, 12, "/data/orders"); // throws, or returns when the txn may retry
 * ```
 */
export function checkConflicts(txn: TransactionSummary, winning: readonly Action[], winningVersion: number, table: string): void {
  const info = winning.find((a): a is CommitInfoAction => a.kind === "commitInfo");
  const operation = info?.operation ?? "an unknown operation";
  const fail = (why: string, rule: string): never => {
    throw new DeltaError("WEIR_DELTA_CONCURRENT_MODIFICATION", `Delta commit conflict on table ${table}: version ${winningVersion} was written concurrently by ${operation} (${why})`, {
      hint: "retry the operation on the new version of the table; blind appends are retried automatically",
      details: { table, winningVersion, winningOperation: operation, rule },
    });
  };
  const winnerBlind = info?.isBlindAppend === true;
  for (const a of winning) {
    switch (a.kind) {
      case "protocol": fail("it changed the protocol", "ProtocolChanged"); break;
      case "metaData": fail("it changed the table metadata or schema", "MetadataChanged"); break;
      case "txn": if (txn.appIds.has(a.appId)) fail(`it committed transaction "${a.appId}" version ${a.version}`, "ConcurrentTransaction"); break;
      case "add":
        if (!txn.isBlindAppend && a.dataChange && !winnerBlind && readsPartitionOf(txn, a.partitionValues)) fail(`it added ${a.path}, which this operation should have read`, "ConcurrentAppend");
        break;
      case "remove":
        if (txn.removedFiles.has(a.path)) fail(`it removed ${a.path}, which this operation also removes`, "ConcurrentDeleteDelete");
        if (txn.readFiles.has(a.path)) fail(`it removed ${a.path}, which this operation read`, "ConcurrentDeleteRead");
        if (txn.readWholeTable) fail(`it removed ${a.path}, and this operation read the whole table`, "ConcurrentDeleteRead");
        break;
      case "commitInfo": case "cdc": case "domainMetadata": case "checkpointMetadata": case "sidecar": break;
      default: { const never: never = a; return never; }
    }
  }
}
