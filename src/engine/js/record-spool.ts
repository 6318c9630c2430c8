/**
 * Driver-side spooling of records that exist only once (a Node stream, an async iterable, a DataFrame's
 * streamed rows) into one encoded record file, cut afterwards into contiguous byte-range partitions. One pass,
 * bounded memory (record boundaries are remembered at a doubling stride), order preserved; the file is the
 * lineage root, so a lost partition is recomputed by reading it again.
 *
 *   async records ─▶ RecordFileWriter(<spool file>) + boundary every `stride` records
 *                 ─▶ n splits [offset(i·count/n), offset((i+1)·count/n)) on the nearest boundaries
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { RecordSplit } from "./lineage.js";
import { RecordFileWriter } from "./record-files.js";

/** Boundaries kept before thinning (each thinning halves them and doubles the stride). */
const MAX_BOUNDARIES = 1 << 16;

/** What {@link spoolRecords} wrote. @example `{ splits, records: 10, bytes: 120 }` */
export interface SpoolResult {
  readonly splits: RecordSplit[];
  readonly records: number;
  readonly bytes: number;
}

/**
 * Write every record of `source` to `file` and cut it into `numPartitions` contiguous splits.
 * @example `const { splits } = await spoolRecords(readable, "/tmp/weir/js/sources/s1", 4)`
 */
export async function spoolRecords(source: AsyncIterable<unknown> | Iterable<unknown>, file: string, numPartitions: number): Promise<SpoolResult> {
  mkdirSync(path.dirname(file), { recursive: true });
  const w = new RecordFileWriter(file);
  let offsets: number[] = [];
  let stride = 1;
  let records = 0;
  let bytes = 0;
  try {
    for await (const r of source) {
      if (records % stride === 0) {
        offsets.push(w.offset);
        if (offsets.length > MAX_BOUNDARIES) { offsets = offsets.filter((_, i) => i % 2 === 0); stride *= 2; }
      }
      w.write(r);
      records++;
    }
  } finally {
    bytes = w.close();
  }
  const at = (i: number): number => (i >= records ? bytes : offsets[Math.round(i / stride)] ?? bytes);
  const splits: RecordSplit[] = [];
  for (let p = 0; p < numPartitions; p++) {
    const start = at(Math.floor((p * records) / numPartitions));
    const end = at(Math.floor(((p + 1) * records) / numPartitions));
    splits.push({ path: file, start, end: p === numPartitions - 1 ? bytes : end });
  }
  return { splits, records, bytes };
}
