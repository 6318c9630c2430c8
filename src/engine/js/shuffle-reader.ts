/**
 * Reduce side of a shuffle: reads this reducer's file from every map output (one list per shuffle input; several
 * for cogroup/joins) and combines, groups, cogroups or sorts them within the task's memory budget.
 */
import { bug } from "../../errors/index.js";
import { ExternalAggregator, ExternalSorter, type AggregationOps, type SpillContext } from "./external-aggregator.js";
import { readRecordFile, RecordFileCorruptError } from "./record-files.js";
import type { ReduceSpec } from "./task-plan.js";

/**
 * A shuffle file that should be readable is missing, truncated or corrupt: the scheduler recomputes the map stage
 * (Spark's FetchFailed).
 */
export class FetchFailedError extends Error {
  readonly fetchFailed = true;
  constructor(readonly file: string, cause: RecordFileCorruptError) {
    super(`Shuffle file ${JSON.stringify(file)} cannot be read: ${cause.details.reason as string}`, { cause });
    this.name = "FetchFailedError";
  }
}

const groupOps: AggregationOps<unknown[]> = {
  create: (_i, v) => [v],
  merge: (acc, _i, v) => { acc.push(v); return acc; },
  mergeAcc: (a, b) => { for (const x of b) a.push(x); return a; },
  grows: true,
};

function cogroupOps(n: number): AggregationOps<unknown[][]> {
  return {
    create: (i, v) => { const slots: unknown[][] = Array.from({ length: n }, () => []); slots[i]!.push(v); return slots; },
    merge: (acc, i, v) => { acc[i]!.push(v); return acc; },
    mergeAcc: (a, b) => { a.forEach((slot, i) => { for (const x of b[i]!) slot.push(x); }); return a; },
    grows: true,
  };
}

/**
 * The records a reduce task sees, given its files per shuffle input.
 * @example `for (const [k, vs] of readShuffle([[f0, f1]], { mode: "group" }, fn, ctx, onBytes)) …`
 */
export function* readShuffle(inputs: readonly (readonly string[])[], reduce: ReduceSpec, fn: (id: number) => (...a: never[]) => unknown,
  ctx: SpillContext, onRecord: () => void): Generator<unknown> {
  const stream = function* (files: readonly string[]): Generator<unknown> {
    for (const f of files) {
      try {
        for (const r of readRecordFile(f, (n) => { ctx.metrics.shuffleBytesRead += n; })) { onRecord(); yield r; }
      } catch (e) {
        throw e instanceof RecordFileCorruptError && e.file === f ? new FetchFailedError(f, e) : e;
      }
    }
  };
  switch (reduce.mode) {
    case "plain":
      for (const files of inputs) yield* stream(files);
      return;
    case "combine": {
      const merge = fn(reduce.merge) as (a: unknown, b: unknown) => unknown;
      const agg = new ExternalAggregator<unknown>({ create: (_i, c) => c, merge: (a, _i, c) => merge(a, c), mergeAcc: merge, grows: false }, ctx);
      for (const r of stream(inputs[0] ?? [])) { const [k, c] = r as [unknown, unknown]; agg.insert(0, k, c); }
      yield* agg.result();
      return;
    }
    case "group": {
      const agg = new ExternalAggregator(groupOps, ctx);
      for (const r of stream(inputs[0] ?? [])) { const [k, v] = r as [unknown, unknown]; agg.insert(0, k, v); }
      yield* agg.result();
      return;
    }
    case "cogroup": {
      const agg = new ExternalAggregator(cogroupOps(reduce.inputs), ctx);
      inputs.forEach((files, i) => { for (const r of stream(files)) { const [k, v] = r as [unknown, unknown]; agg.insert(i, k, v); } });
      yield* agg.result();
      return;
    }
    case "sort": {
      const sorter = new ExternalSorter(reduce.ascending, ctx);
      for (const r of stream(inputs[0] ?? [])) sorter.insert(r as [unknown, unknown]);
      yield* sorter.result();
      return;
    }
    default: {
      const never: never = reduce;
      return bug("unknown reduce mode", { reduce: never });
    }
  }
}
