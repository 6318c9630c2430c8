/**
 * Rejected input records: the FAILFAST error, the `badRecordsPath` output, and a per-session cache of what a
 * validation pass found in a given set of files (so describe + action do not validate twice, and bad records
 * are written once per input state).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { IoError } from "../../../errors/index.js";
import { beginOutput, type InputFile } from "../../../io/index.js";
import type { DuckDBExecutor } from "../duckdb-executor.js";

/** One rejected record: file, 1-based physical line, why, and its raw text. @example `{ file: "/d/a.csv", line: 3, reason: "…", record: "2,xx" }` */
export interface Reject {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly record: string;
}

/**
 * The FAILFAST error for a rejected record (`WEIR_MALFORMED_RECORD`), naming file, line and reason.
 *
 * @example `throw malformedRecordError("csv", rejects[0], rejects.length)`
 */
export function malformedRecordError(format: string, r: Reject, total: number): IoError {
  const shown = r.record.length > 200 ? `${r.record.slice(0, 200)}…` : r.record;
  return new IoError("WEIR_MALFORMED_RECORD", `Malformed ${format} record at ${r.file}:${r.line}: ${r.reason}. Record: ${shown}${total > 1 ? ` (${total - 1} more malformed record${total > 2 ? "s" : ""})` : ""}`, {
    hint: `fix the input, or read with .option("mode", "PERMISSIVE") / "DROPMALFORMED", or set badRecordsPath to keep rejected records${
      /unterminated quote/i.test(r.reason) ? `; Spark's default CSV escape is \\ — an RFC-4180 file (quotes doubled as "") reads with .option("escape", '"')` : ""}`,
    details: { file: r.file, line: r.line, reason: r.reason, record: r.record },
  });
}

let outputCounter = 0;

/**
 * Write rejected records as JSON lines (`{"path","line","reason","record"}`) under
 * `<badRecordsPath>/<yyyyMMddTHHmmss>-<n>/bad_records/part-00000.json`, published atomically (staged, then
 * renamed). Returns the directory written, or undefined when there was nothing to write.
 *
 * @example `await writeBadRecords("/tmp/bad", rejects)`
 */
export async function writeBadRecords(badRecordsPath: string, rejects: readonly Reject[]): Promise<string | undefined> {
  if (rejects.length === 0) return undefined;
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
  const dest = path.resolve(badRecordsPath, `${stamp}-${process.pid}-${++outputCounter}`, "bad_records");
  const out = await beginOutput(dest, "error");
  try {
    const text = rejects.map((r) => JSON.stringify({ path: r.file, line: r.line, reason: r.reason, record: r.record })).join("\n");
    await writeFile(path.join(out.stagingDir, "part-00000.json"), `${text}\n`);
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  return dest;
}

const caches = new WeakMap<DuckDBExecutor, Map<string, Promise<unknown>>>();

/**
 * Run `validate` once per executor and input state (`key` plus every file's path, size and mtime); later calls
 * with the same state share the result. A failed validation is not cached.
 *
 * @example `const rejects = await cachedValidation(executor, files, key, () => validateCsv(...))`
 */
export function cachedValidation<T = readonly Reject[]>(executor: DuckDBExecutor, files: readonly InputFile[], key: string, validate: () => Promise<T>): Promise<T> {
  let cache = caches.get(executor);
  if (!cache) caches.set(executor, (cache = new Map()));
  const full = JSON.stringify([key, files.map((f) => [f.path, f.size, f.mtimeMs])]);
  let result = cache.get(full) as Promise<T> | undefined;
  if (!result) {
    result = validate();
    cache.set(full, result);
    result.catch(() => cache.delete(full));
  }
  return result;
}
