/**
 * io — the file-system side of reading and writing: which files a read covers (paths, directories, globs,
 * Spark's hidden-file rules, modification-time filters, hive partition discovery with Spark's type inference,
 * partition pruning) and how a directory output is published atomically with Spark's save modes. No DuckDB
 * here: the engine writes and reads the files; this module decides which files and when they become visible.
 *
 * Invariants
 * - Listings are deterministic: absolute paths, sorted; the same tree gives the same result.
 * - Readers never see a half-published output: {@link listInputFiles} completes any interrupted commit of the
 *   directories it lists (and their ancestors) before it lists them.
 * - A commit publishes only under names that did not exist before it and deletes only files that did, so
 *   replaying its journal any number of times, from any process, gives the same result.
 * - Nothing is overwritten in place: `append` never replaces an existing file; `_SUCCESS` is written last.
 *
 * Commit protocol (docs/adr/001-atomic-file-output.md)
 * ```
 *  beginOutput(dest, mode)        recover an interrupted commit of dest; delete staging of dead jobs
 *     │                           mode "error" + data in dest → WEIR_PATH_EXISTS; "ignore" + data → skipped
 *     ├── dest absent ──► stagingDir = <parent>/.<name>.weir-<jobId>/
 *     └── dest exists ──► stagingDir = <dest>/_temporary/<jobId>/
 *  engine writes files (and k=v/ directories) into stagingDir
 *  commit()
 *     ├── sibling staging:  write _SUCCESS into it ─► rename(staging, dest)      ◄ one atomic step
 *     │                     (dest appeared meanwhile → move staging into dest/_temporary/, go on below)
 *     └── journaled:
 *          1. plan   deletes = old files (all | partitions being replaced | none for append)
 *                    moves   = staged file → a name unused in dest (suffix "-<job>" on a clash)
 *          2. write _weir_commit.json: temp file + fsync + link (put-if-absent)  ◄ COMMIT POINT
 *          3. remove old _SUCCESS, the deletes, then directories left empty
 *          4. link(staged, target) + unlink(staged) for every move (never overwrites)
 *          5. write _SUCCESS (temp + rename)
 *          6. remove _weir_commit.json, then the staging directory
 *
 *  crash before 2: no journal → old output untouched; the hidden staging dir is garbage, collected later
 *  crash after 2:  recoverOutput(dest) replays 3–6 (idempotent) → new output; run by every reader/writer
 * ```
 */
export {
  listInputFiles, isHiddenName, type ListInputFilesOptions, type InputFile, type InputFileListing,
} from "./file-listing.js";
export {
  discoverPartitions, inferPartitionValueType, widerPartitionType, castPartitionValue, parsePartitionDirs,
  unescapePathName, HIVE_DEFAULT_PARTITION, type PartitionColumn, type PartitionValue,
} from "./partition-discovery.js";
export { beginOutput, AtomicOutput, type SaveMode, type BeginOutputOptions, type CommitResult } from "./atomic-output.js";
export { recoverOutput, COMMIT_JOURNAL, STAGING_DIR, SUCCESS_MARKER, type CommitJournal } from "./commit-journal.js";
