/**
 * Pipeline state committed with the data: a pipeline commit carries a Delta `txn` action (appId = the pipeline's
 * application id, version = its batch sequence number) and `commitInfo.userMetadata` =
 * `{"weir":{"app":…,"seq":…,"state":…}}` — in the same `_delta_log/N.json` as the data files, so state and data
 * become visible together or not at all. This module reads that state back.
 */
import { FileSystemLogStore, readHistory } from "../delta/index.js";

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
  const store = new FileSystemLogStore();
  for (let limit = 32; ; limit *= 8) {
    const entries = await readHistory(store, tableRoot, limit);
    for (const e of entries) {
      if (e.version <= afterVersion) return undefined;
      const meta = e.commitInfo?.raw.userMetadata;
      if (typeof meta !== "string" || !meta.startsWith('{"weir"')) continue;
      let parsed: Envelope;
      try {
        parsed = JSON.parse(meta) as Envelope;
      } catch {
        continue;
      }
      if (parsed.weir?.app === app && typeof parsed.weir.seq === "number") return { seq: parsed.weir.seq, version: e.version, state: parsed.weir.state as T };
    }
    if (entries.length < limit) return undefined;
  }
}
