/**
 * Partition pruning over a file listing: keep the files whose typed partition values satisfy a predicate
 * (the optimizer builds the predicate from filters on partition columns).
 */
import type { InputFileListing } from "./file-listing.js";
import { castPartitionValue, type PartitionValue } from "./partition-discovery.js";

/** A predicate over one file's typed partition values, keyed by column name. @example `(v) => v.year === 2024` */
export type PartitionPredicate = (values: Readonly<Record<string, PartitionValue>>) => boolean;

/**
 * Keep the files of a listing whose partition values, converted to their columns' inferred types (see
 * `castPartitionValue`: integer → number, long → bigint, date → Date …), satisfy `predicate`. The predicate runs
 * once per distinct partition, not per file. Partition columns are kept even if no file survives.
 *
 * @example
 * ```ts
 * const listing = await listInputFiles("sales/"); // sales/year=2024/month=1/…
 * const pruned = prunePartitions(listing, (v) => v.year === 2024 && (v.month as number) >= 6);
 * console.log(`${pruned.files.length} of ${listing.files.length} files`);
 * ```
 */
export function prunePartitions(listing: InputFileListing, predicate: PartitionPredicate): InputFileListing {
  if (listing.partitionColumns.length === 0) return listing;
  const verdicts = new Map<string, boolean>();
  const files = listing.files.filter((file) => {
    const key = JSON.stringify(listing.partitionColumns.map((c) => file.partitionValues[c.name] ?? null));
    let keep = verdicts.get(key);
    if (keep === undefined) {
      const typed = Object.fromEntries(listing.partitionColumns.map((c) => [c.name, castPartitionValue(file.partitionValues[c.name] ?? null, c.type)]));
      keep = predicate(typed);
      verdicts.set(key, keep);
    }
    return keep;
  });
  return { files, partitionColumns: listing.partitionColumns };
}
