/**
 * Names of the files in `_delta_log/`: commits `%020d.json`, classic checkpoints `%020d.checkpoint.parquet`,
 * multi-part checkpoints `%020d.checkpoint.%010d.%010d.parquet`, UUID-named (v2) checkpoints
 * `%020d.checkpoint.<uuid>.{json,parquet}`, and `_last_checkpoint`.
 */

/** The name of the pointer to the newest checkpoint. @example `path.join(logDir, LAST_CHECKPOINT)` */
export const LAST_CHECKPOINT = "_last_checkpoint";
/** The log directory under a table root. @example `path.join(root, DELTA_LOG_DIR)` */
export const DELTA_LOG_DIR = "_delta_log";

/** What a `_delta_log` file name denotes. @example `parseLogFileName("00000000000000000003.json") // { kind: "commit", version: 3 }` */
export type LogFileName =
  | { readonly kind: "commit"; readonly version: number }
  | { readonly kind: "checkpoint"; readonly version: number }
  | { readonly kind: "multiPartCheckpoint"; readonly version: number; readonly part: number; readonly parts: number }
  | { readonly kind: "uuidCheckpoint"; readonly version: number; readonly uuid: string; readonly format: "json" | "parquet" };

const COMMIT = /^(\d{20})\.json$/;
const CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_PART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const UUID_CHECKPOINT = /^(\d{20})\.checkpoint\.([0-9a-fA-F-]{36})\.(json|parquet)$/;

/**
 * Classify a `_delta_log` file name; `undefined` for anything else (`.crc`, compactions, temp files).
 *
 * @example
 * ```ts
 * parseLogFileName("00000000000000000010.checkpoint.0000000001.0000000002.parquet");
 * // { kind: "multiPartCheckpoint", version: 10, part: 1, parts: 2 }
 * ```
 */
export function parseLogFileName(name: string): LogFileName | undefined {
  let m = COMMIT.exec(name);
  if (m) return { kind: "commit", version: Number(m[1]) };
  m = CHECKPOINT.exec(name);
  if (m) return { kind: "checkpoint", version: Number(m[1]) };
  m = MULTI_PART.exec(name);
  if (m) {
    const part = Number(m[2]);
    const parts = Number(m[3]);
    return part >= 1 && part <= parts ? { kind: "multiPartCheckpoint", version: Number(m[1]), part, parts } : undefined;
  }
  m = UUID_CHECKPOINT.exec(name);
  if (m) return { kind: "uuidCheckpoint", version: Number(m[1]), uuid: m[2] ?? "", format: m[3] === "json" ? "json" : "parquet" };
  return undefined;
}

/** A version zero-padded to 20 digits, the prefix of every log file of that version. @example `versionPrefix(3) // "00000000000000000003"` */
export function versionPrefix(version: number): string {
  return String(version).padStart(20, "0");
}

/** The commit file name of a version. @example `commitFileName(3) // "00000000000000000003.json"` */
export function commitFileName(version: number): string {
  return `${versionPrefix(version)}.json`;
}

/** The classic single-file checkpoint name of a version. @example `checkpointFileName(10) // "00000000000000000010.checkpoint.parquet"` */
export function checkpointFileName(version: number): string {
  return `${versionPrefix(version)}.checkpoint.parquet`;
}

/** The name of part `part` of `parts` of a multi-part checkpoint. @example `checkpointPartFileName(10, 1, 2)` */
export function checkpointPartFileName(version: number, part: number, parts: number): string {
  return `${versionPrefix(version)}.checkpoint.${String(part).padStart(10, "0")}.${String(parts).padStart(10, "0")}.parquet`;
}
