/**
 * Serializing actions into a commit file (`%020d.json`, one action per line, in the protocol's JSON form)
 * and building the `commitInfo` every Weir commit carries.
 */
import type { Action, CommitInfoAction } from "./actions.js";
import { assertNeverAction } from "./actions.js";

/** The engine identifier written into `commitInfo.engineInfo`. @example `ENGINE_INFO // "Weir/0.1.0"` */
export const ENGINE_INFO = `Weir/${process.env.npm_package_version ?? "0.1.0"}`;

/**
 * One action as the object the log stores (`{"add": {...}}`), without Weir's `kind` tag and `raw` copies.
 *
 * @example
 * ```ts
 * toLogEntry({ kind: "txn", appId: "etl", version: 3 }); // { txn: { appId: "etl", version: 3 } }
 * ```
 */
export function toLogEntry(action: Action): Record<string, unknown> {
  const { kind, ...body } = action as Action & Record<string, unknown>;
  switch (action.kind) {
    case "commitInfo": {
      const { raw: _raw, ...fields } = body as Omit<CommitInfoAction, "kind">;
      return { commitInfo: { ...(action.raw ?? {}), ...fields } };
    }
    case "protocol": case "metaData": case "add": case "remove": case "txn": case "cdc": case "domainMetadata":
    case "checkpointMetadata": case "sidecar":
      return { [kind]: body };
    default:
      return assertNeverAction(action);
  }
}

/**
 * The bytes of a commit file: each action's log entry on its own line, commitInfo first (as Spark does).
 *
 * @example
 * ```ts
 * const bytes = serializeCommit([commitInfo, protocol, metadata, ...adds]);
 * ```
 */
export function serializeCommit(actions: readonly Action[]): Uint8Array {
  const ordered = [...actions.filter((a) => a.kind === "commitInfo"), ...actions.filter((a) => a.kind !== "commitInfo")];
  return new TextEncoder().encode(`${ordered.map((a) => JSON.stringify(toLogEntry(a))).join("\n")}\n`);
}

/** What a write tells its commitInfo. @example `{ operation: "WRITE", operationParameters: { mode: "Append" }, operationMetrics: { numFiles: "1" } }` */
export interface CommitDescription {
  readonly operation: string;
  readonly operationParameters: Readonly<Record<string, unknown>>;
  readonly operationMetrics: Readonly<Record<string, string>>;
  /** Free text stored as `commitInfo.userMetadata` (Spark's `userMetadata` writer option). */
  readonly userMetadata?: string;
}

/**
 * Build the `commitInfo` action of a commit. Parameter values are JSON-encoded strings as Spark writes them.
 *
 * @example
 * ```ts
 * const info = buildCommitInfo({ operation: "WRITE", operationParameters: { mode: "Append", partitionBy: [] }, operationMetrics: {} }, 3, true);
 * ```
 */
export function buildCommitInfo(d: CommitDescription, readVersion: number | undefined, isBlindAppend: boolean, timestamp = Date.now()): CommitInfoAction {
  const operationParameters = Object.fromEntries(Object.entries(d.operationParameters).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const fields = {
    timestamp, operation: d.operation, operationParameters, operationMetrics: d.operationMetrics,
    ...(readVersion !== undefined ? { readVersion } : {}), isolationLevel: "WriteSerializable", isBlindAppend, engineInfo: ENGINE_INFO,
    ...(d.userMetadata !== undefined ? { userMetadata: d.userMetadata } : {}),
  };
  return Object.freeze({
    kind: "commitInfo", timestamp, operation: d.operation, operationParameters, operationMetrics: d.operationMetrics,
    ...(readVersion !== undefined ? { readVersion } : {}), isBlindAppend, engineInfo: ENGINE_INFO, raw: fields,
  });
}
