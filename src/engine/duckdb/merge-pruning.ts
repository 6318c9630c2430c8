/**
 * File pruning for MERGE from the source's key values: for each equality key `t.k = s.k` of the condition, a
 * target file is kept only if some source key can lie in it — equal to its partition value (partition keys)
 * or between its min and max statistics (data keys). Evaluated by DuckDB as a semi join of the files' stats
 * with the materialized source, so it is exact per key whatever the number of keys (a range of keys spanning
 * many files prunes nothing, keys clustered in a few files prune the rest). Missing stats keep the file.
 */
import type { DeltaFile, Snapshot } from "../../delta/index.js";
import { t, toDuckDBType } from "../../types/index.js";
import { quoteIdent } from "../../util/index.js";
import { partitionText, statText } from "./delta-file-stats.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import type { MergeKey } from "./merge-keys.js";
import { ParamCollector } from "./params.js";

const STATS_TYPES = new Set(["byte", "short", "integer", "long", "float", "double", "decimal", "date", "timestamp", "timestamp_ntz", "string"]);

/** Files a MERGE must read, and those selected by partition keys (undefined: no partition key). @example `{ files, partitionFiles }` */
export interface KeyPruning {
  readonly files: readonly DeltaFile[];
  readonly partitionFiles: readonly DeltaFile[] | undefined;
}

/**
 * Keep the files of `snapshot` that may hold a row matching some source row on every key.
 *
 * @example
 * ```ts
 * const { files } = await pruneByKeys(executor, "__weir_merge_src_1", [{ target: "id", source: "id" }], snapshot);
 * ```
 */
export async function pruneByKeys(executor: DuckDBExecutor, srcTable: string, keys: readonly MergeKey[], snapshot: Snapshot): Promise<KeyPruning> {
  const parts = new Set(snapshot.partitionColumns.map((p) => p.toLowerCase()));
  const fieldOf = (name: string) => snapshot.schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  let files = snapshot.files;
  let partitionFiles: readonly DeltaFile[] | undefined;
  const ordered = [...keys.filter((k) => parts.has(k.target.toLowerCase())), ...keys.filter((k) => !parts.has(k.target.toLowerCase()))];
  for (const k of ordered) {
    const field = fieldOf(k.target);
    if (!field || !files.length) continue;
    const isPartition = parts.has(field.name.toLowerCase());
    if (!isPartition && !STATS_TYPES.has(field.type.kind)) continue;
    const params = new ParamCollector();
    const duck = toDuckDBType(field.type);
    const s = `"s".${quoteIdent(k.source)}`;
    let from: string;
    let keep: string;
    if (isPartition) {
      const raw = files.map((f) => partitionText(f, field.name));
      from = `SELECT unnest(${params.bind(files.map((_, i) => i))}) AS "i", TRY_CAST(unnest(${params.bind(raw, t.array(t.string()))}) AS ${duck}) AS "v"`;
      keep = `EXISTS (SELECT 1 FROM ${quoteIdent(srcTable)} AS "s" WHERE ${s} = "f"."v")`;
    } else {
      const widen = field.type.kind.startsWith("timestamp") ? " + INTERVAL 1 MILLISECOND" : "";
      const min = files.map((f) => statText(f.stats?.minValues[field.name], field.type));
      const max = files.map((f) => statText(f.stats?.maxValues[field.name], field.type));
      from = `SELECT unnest(${params.bind(files.map((_, i) => i))}) AS "i", TRY_CAST(unnest(${params.bind(min, t.array(t.string()))}) AS ${duck}) AS "mn", ` +
        `(TRY_CAST(unnest(${params.bind(max, t.array(t.string()))}) AS ${duck})${widen}) AS "mx"`;
      keep = `"f"."mn" IS NULL OR "f"."mx" IS NULL OR EXISTS (SELECT 1 FROM ${quoteIdent(srcTable)} AS "s" WHERE ${s} >= "f"."mn" AND ${s} <= "f"."mx")`;
    }
    try {
      const { rows } = await executor.query(`SELECT "i" FROM (${from}) AS "f" WHERE ${keep}`, params.bound, "merge() file pruning");
      const kept = new Set(rows.map((r) => Number(r.i)));
      files = files.filter((_, i) => kept.has(i));
    } catch {
      continue; // incomparable key types: no pruning on this key (the join reports real errors)
    }
    if (isPartition) partitionFiles = files;
  }
  return { files, partitionFiles };
}
