/**
 * Pipeline state committed with the data: a pipeline commit carries a Delta `txn` action (appId = the pipeline's
 * application id, version = its batch sequence number) and `commitInfo.userMetadata` =
 * `{"weir":{"app":…,"seq":…,"state":…}}` — in the same `_delta_log/N.json` as the data files, so state and data
 * become visible together or not at all. This module reads that state back.
 */
import { FileSystemLogStore, historyNewestFirst } from "../delta/index.js";

/** The state a pipeline committed with its data. @example `{ seq: 4, version: 17, state: { watermark: … } }` */
export interface CommittedState<T> {
  /** The batch sequence number (the `txn` version). */
  readonly seq: number;
  /** The table version of that commit. */
  readonly version: number;
  readonly state: T;
}

interface Envelope {
  readonly weir?: { readonly app?: unknown; readonly seq?: unknown; readonly state?: unknown };
}

/**
 * The `userMetadata` text of a pipeline commit.
 *
 * @example `df.write.format("delta").option("userMetadata", stateMetadata("incremental:orders", 3, { watermark }))`
 */
export function stateMetadata(app: string, seq: number, state: unknown): string {
  return JSON.stringify({ weir: { app, seq, state } });
}

/**
 * The newest state committed by `app` to the Delta table at `tableRoot`, looking only at versions after
 * `afterVersion` (all when omitted); undefined when there is none.
 *
 * @example `const last = await readCommittedState<{ watermark: WatermarkValue }>("/wh/silver.db/orders", "incremental:orders")`
 */
export async function readCommittedState<T>(tableRoot: string, app: string, afterVersion = -1): Promise<CommittedState<T> | undefined> {
  return (await readCommittedStates<T>(tableRoot, app, afterVersion, 1))[0];
}

/**
 * States committed by `app` after `afterVersion`, newest first (at most `max`).
 *
 * @example `const missing = await readCommittedStates(root, "ingest:bronze.events", ledger.targetVersion)`
 */
export async function readCommittedStates<T>(tableRoot: string, app: string, afterVersion = -1, max = Infinity): Promise<CommittedState<T>[]> {
  const out: CommittedState<T>[] = [];
  // Newest first, each commit read once, stopping at `afterVersion` (usually a handful of commits, not the log).
  for await (const e of historyNewestFirst(new FileSystemLogStore(), tableRoot)) {
    if (e.version <= afterVersion) break;
    const state = parseState<T>(e.commitInfo?.raw.userMetadata, app);
    if (state) out.push({ ...state, version: e.version });
    if (out.length >= max) break;
  }
  return out;
}

/**
 * The newest state committed by `app`, and whether the table was restored (`RESTORE`) after that commit — the
 * state may then describe data the table no longer holds. One newest-first walk of the log, stopping at the state.
 *
 * @example `const { committed, restoredAfter } = await readLatestState<LoadState>(root, "incremental:orders")`
 */
export async function readLatestState<T>(tableRoot: string, app: string): Promise<{ committed: CommittedState<T> | undefined; restoredAfter: boolean }> {
  let restoredAfter = false;
  for await (const e of historyNewestFirst(new FileSystemLogStore(), tableRoot)) {
    const state = parseState<T>(e.commitInfo?.raw.userMetadata, app);
    if (state) return { committed: { ...state, version: e.version }, restoredAfter };
    if (e.operation === "RESTORE") restoredAfter = true;
  }
  return { committed: undefined, restoredAfter: false };
}

function parseState<T>(meta: unknown, app: string): { seq: number; state: T } | undefined {
  if (typeof meta !== "string" || !meta.startsWith('{"weir"')) return undefined;
  try {
    const parsed = JSON.parse(meta) as Envelope;
    return parsed.weir?.app === app && typeof parsed.weir.seq === "number" ? { seq: parsed.weir.seq, state: parsed.weir.state as T } : undefined;
  } catch {
    return undefined;
  }
}
