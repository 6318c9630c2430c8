/**
 * Delta's optimistic-concurrency conflict rules (WriteSerializable isolation), applied when a commit lost the
 * race for its version: the winning commits are re-read and checked against what this transaction read and
 * changed. No conflict means the transaction can be committed at the next version unchanged.
 *
 * | winning commit …                                   | conflicts with                           |
 * |----------------------------------------------------|------------------------------------------|
 * | changed protocol or metaData                       | every transaction                        |
 * | set `txn` for an appId this transaction sets       | that transaction (ConcurrentTransaction) |
 * | added data files, not as a blind append            | a transaction that read the table        |
 * | removed a file this transaction read               | that transaction (ConcurrentDeleteRead)  |
 * | removed a file this transaction removes            | that transaction (ConcurrentDeleteDelete)|
 *
 * Blind appends (read nothing) therefore only conflict on protocol/metadata/txn changes and retry.
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
        if (!txn.isBlindAppend && a.dataChange && !winnerBlind && txn.readWholeTable) fail(`it added ${a.path}, which this operation should have read`, "ConcurrentAppend");
        break;
      case "remove":
        if (!a.dataChange) break;
        if (txn.removedFiles.has(a.path)) fail(`it removed ${a.path}, which this operation also removes`, "ConcurrentDeleteDelete");
        if (txn.readFiles.has(a.path)) fail(`it removed ${a.path}, which this operation read`, "ConcurrentDeleteRead");
        break;
      case "commitInfo": case "cdc": case "domainMetadata": case "checkpointMetadata": case "sidecar": break;
      default: { const never: never = a; return never; }
    }
  }
}
