/**
 * Lineage: the immutable-by-default graph of datasets the scheduler walks. A node knows how to compute each of
 * its partitions from its parents (narrow dependencies) or from a shuffle's map outputs (wide dependencies).
 * Only two things change after construction: cached blocks (persist) and `checkpointFiles`, which replaces the
 * node's lineage by files (checkpoint truncates lineage).
 */
import type { ShippedFunction } from "./ship-function.js";
import type { MapSide, NarrowOp, Partitioner, ReduceSpec } from "./task-plan.js";

/** A byte range of a text file. @example `{ path: "/data/a.txt", start: 0, end: 33554432 }` */
export interface TextSplit { readonly path: string; readonly start: number; readonly end: number }

/** A byte range of an encoded record file, on record boundaries. @example `{ path: "/tmp/weir/js/sources/s1", start: 0, end: 4096 }` */
export interface RecordSplit { readonly path: string; readonly start: number; readonly end: number }

/** How a node's partitions are computed. @example `{ type: "parallelize", slices: [[1, 2], [3]] }` */
export type NodeSource =
  | { readonly type: "parallelize"; readonly slices: readonly (readonly unknown[])[] }
  /** Records spooled by the driver (streams, async iterables, DataFrames); `splits` is filled by the node's prepare hook. */
  | { readonly type: "records"; readonly splits: RecordSplit[]; readonly label: string }
  | { readonly type: "textFile"; readonly splits: readonly TextSplit[]; readonly withOffsets: boolean; readonly label: string }
  | { readonly type: "narrow"; readonly parent: LineageNode; readonly ops: readonly NarrowOp[] | ((partition: number) => readonly NarrowOp[]) }
  | { readonly type: "union"; readonly parents: readonly LineageNode[] }
  | { readonly type: "coalesce"; readonly parent: LineageNode; readonly groups: readonly (readonly number[])[] }
  /** Two parents read together: `zip` pairs partition p of both element by element; `cartesian` partition p is (i, j) = (⌊p / right⌋, p mod right). */
  | { readonly type: "paired"; readonly mode: "zip" | "cartesian"; readonly left: LineageNode; readonly right: LineageNode }
  | { readonly type: "shuffled"; readonly deps: readonly ShuffleDependency[]; readonly reduce: ReduceSpec };

/**
 * The parents' partitions that partition `p` of a paired node reads: `[left, right]`.
 * @example `pairedInputs({ type: "paired", mode: "cartesian", left, right }, 5) // [1, 2] when right has 3 partitions`
 */
export function pairedInputs(s: Extract<NodeSource, { type: "paired" }>, p: number): [number, number] {
  if (s.mode === "zip") return [p, p];
  const n = s.right.numPartitions;
  return [Math.floor(p / n), p % n];
}

/** A cached partition. @example `{ level: "DISK", path: "/tmp/weir/blocks/rdd3_0", bytes: 120 }` */
export interface Block { readonly level: "MEMORY" | "DISK"; readonly path: string; readonly buffer?: SharedArrayBuffer; readonly bytes: number }

let nextNodeId = 1;
let nextShuffleId = 1;

/**
 * A wide dependency: the parent's records are partitioned (and maybe combined) into `partitioner.n` reducers.
 * `outputs[m][r]` is the file map task `m` wrote for reducer `r` (null: no records), once the map stage ran.
 * @example `new ShuffleDependency(parent, { kind: "hash", n: 4 }, { kind: "none" }, [])`
 */
export class ShuffleDependency {
  readonly id = nextShuffleId++;
  outputs: ((string | null)[] | undefined)[] | undefined;
  /** While its map stage runs: the stage's completion (so concurrent jobs share it). */
  running: Promise<void> | undefined;
  constructor(readonly parent: LineageNode, public partitioner: Partitioner, readonly mapSide: MapSide, readonly fns: readonly ShippedFunction[]) {}
}

/**
 * One dataset in the lineage graph.
 * @example `new LineageNode("map", 4, { type: "narrow", parent, ops: [{ op: "map", fn: 3 }] }, [shipped])`
 */
export class LineageNode {
  readonly id = nextNodeId++;
  storage: "MEMORY" | "DISK" | undefined;
  readonly blocks = new Map<number, Block>();
  checkpointFiles: readonly string[] | undefined;
  /** Work before the first job that uses this node (e.g. sortByKey's sampling job); run once by the scheduler. */
  prepare: (() => Promise<void>) | undefined;
  prepared: Promise<void> | undefined;

  constructor(readonly name: string, readonly numPartitions: number, readonly source: NodeSource, readonly fns: readonly ShippedFunction[] = []) {}

  /** Direct parents with whether the dependency is a shuffle. */
  parents(): { node: LineageNode; shuffle?: ShuffleDependency }[] {
    if (this.checkpointFiles) return [];
    const s = this.source;
    switch (s.type) {
      case "parallelize": case "textFile": case "records": return [];
      case "narrow": case "coalesce": return [{ node: s.parent }];
      case "union": return s.parents.map((node) => ({ node }));
      case "paired": return [{ node: s.left }, { node: s.right }];
      case "shuffled": return s.deps.map((d) => ({ node: d.parent, shuffle: d }));
      default: {
        const never: never = s;
        throw new Error(`unknown source ${String(never)}`);
      }
    }
  }
}

/**
 * `root` and the nodes reachable from it without crossing a shuffle: the nodes one task of `root` computes (and
 * whose cached blocks it may read or write).
 * @example `for (const n of narrowAncestors(node)) if (n.id === id) return n;`
 */
export function* narrowAncestors(root: LineageNode): Generator<LineageNode> {
  const seen = new Set<LineageNode>();
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    yield n;
    for (const p of n.parents()) if (!p.shuffle) stack.push(p.node);
  }
}

/** Node class names as Spark prints them in toDebugString. */
function className(n: LineageNode): string {
  if (n.checkpointFiles) return "CheckpointDataset";
  switch (n.source.type) {
    case "parallelize": return "ParallelCollectionDataset";
    case "textFile": return "TextFileDataset";
    case "records": return "SpooledDataset";
    case "narrow": return "MapPartitionsDataset";
    case "union": return "UnionDataset";
    case "coalesce": return "CoalescedDataset";
    case "paired": return n.source.mode === "zip" ? "ZippedPartitionsDataset" : "CartesianDataset";
    case "shuffled": return n.source.deps.length > 1 ? "CoGroupedDataset" : "ShuffledDataset";
    default: return "Dataset";
  }
}

/**
 * Spark-style lineage with stage boundaries: `+-` starts a new stage (a shuffle), `|` continues one.
 * @example
 * ```
 * (2) ShuffledDataset[4] reduceByKey []
 *  +-(2) MapPartitionsDataset[3] map []
 *     |  TextFileDataset[1] textFile /data/*.txt []
 * ```
 */
export function debugString(root: LineageNode): string {
  const lines: string[] = [];
  const storage = (n: LineageNode): string => {
    const cached = n.blocks.size;
    return n.storage ? `[${n.storage}${cached > 0 ? `, ${cached}/${n.numPartitions} cached` : ""}]` : "[]";
  };
  const walk = (n: LineageNode, prefix: string, first: boolean, stageStart: boolean): void => {
    const label = `${className(n)}[${n.id}] ${n.name} ${storage(n)}`;
    if (first) lines.push(`(${n.numPartitions}) ${label}`);
    else if (stageStart) lines.push(`${prefix}+-(${n.numPartitions}) ${label}`);
    else lines.push(`${prefix}|  ${label}`);
    const inner = first ? " " : stageStart ? `${prefix}   ` : prefix;
    for (const p of n.parents()) {
      if (p.shuffle) walk(p.node, inner, false, true);
      else walk(p.node, inner, false, false);
    }
  };
  walk(root, "", true, false);
  return lines.join("\n");
}
