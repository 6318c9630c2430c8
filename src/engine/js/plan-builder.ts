/**
 * Driver side: turns one partition of a lineage node into the {@link TaskPlan} a worker runs — following narrow
 * dependencies (fusing consecutive narrow operations into one pipeline), reading cached blocks or checkpoint
 * files where they exist, and stopping at shuffle dependencies (whose map outputs must exist already).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { bug, WeirError } from "../../errors/index.js";
import { pairedInputs, type LineageNode } from "./lineage.js";
import type { ShippedFunction } from "./ship-function.js";
import type { TaskPlan } from "./task-plan.js";

/** Collects the functions (and through them broadcasts) a task needs. @example `const needs = new Needs(); needs.add(node.fns)` */
export class Needs {
  readonly fns = new Set<ShippedFunction>();
  add(list: readonly ShippedFunction[]): void {
    for (const f of list) this.fns.add(f);
  }
}

/**
 * A shuffle's map outputs are missing while a reducer is planned; the scheduler runs the map stage and plans again
 * (escaping that, it is a bug).
 * @example `if (e instanceof MissingMapOutputError) await ensureParents()`
 */
export class MissingMapOutputError extends WeirError {
  constructor(what: string, details: Record<string, unknown>) {
    super("WEIR_INTERNAL", `${what}: this is a bug in Weir`, { hint: "please report it with the details in error.details", details });
  }
}

/** Whether a cached block is still there (a DISK block whose file was deleted is lost). */
export function blockAvailable(node: LineageNode, p: number): boolean {
  const b = node.blocks.get(p);
  if (!b) return false;
  if (b.level === "MEMORY") return b.buffer !== undefined;
  if (existsSync(b.path)) return true;
  node.blocks.delete(p); // lost: recompute from lineage
  return false;
}

/**
 * The plan computing partition `p` of `node`.
 * @example `const plan = planPartition(node, 0, needs, blockDir)`
 */
export function planPartition(node: LineageNode, p: number, needs: Needs, blockDir: string): TaskPlan {
  if (node.checkpointFiles) return { kind: "blockFile", path: node.checkpointFiles[p]! };
  if (node.storage && blockAvailable(node, p)) {
    const b = node.blocks.get(p)!;
    return b.level === "MEMORY" ? { kind: "blockMemory", buffer: b.buffer!, length: b.bytes } : { kind: "blockFile", path: b.path };
  }
  const plan = computePlan(node, p, needs, blockDir);
  if (!node.storage) return plan;
  return { kind: "cache", input: plan, blockId: `rdd${node.id}_${p}`, level: node.storage, path: path.join(blockDir, `rdd${node.id}_${p}`) };
}

function computePlan(node: LineageNode, p: number, needs: Needs, blockDir: string): TaskPlan {
  const s = node.source;
  switch (s.type) {
    case "parallelize": return { kind: "slice", records: s.slices[p] ?? [] };
    case "records": {
      const split = s.splits[p];
      return split ? { kind: "blockFile", path: split.path, start: split.start, end: split.end } : { kind: "slice", records: [] };
    }
    case "textFile": {
      const split = s.splits[p];
      if (!split) return { kind: "slice", records: [] };
      return { kind: "text", path: split.path, start: split.start, end: split.end, withOffsets: s.withOffsets };
    }
    case "narrow": {
      needs.add(node.fns);
      const input = planPartition(s.parent, p, needs, blockDir);
      const ops = typeof s.ops === "function" ? s.ops(p) : s.ops;
      if (input.kind === "narrow" && input.partition === p) return { kind: "narrow", input: input.input, ops: [...input.ops, ...ops], partition: p };
      return { kind: "narrow", input, ops, partition: p };
    }
    case "union": {
      let i = p;
      for (const parent of s.parents) {
        if (i < parent.numPartitions) return planPartition(parent, i, needs, blockDir);
        i -= parent.numPartitions;
      }
      return bug(`union partition ${p} out of range`, { node: node.id });
    }
    case "coalesce": return { kind: "concat", inputs: (s.groups[p] ?? []).map((q) => planPartition(s.parent, q, needs, blockDir)) };
    case "paired": {
      const [i, j] = pairedInputs(s, p);
      return { kind: "paired", mode: s.mode, left: planPartition(s.left, i, needs, blockDir), right: planPartition(s.right, j, needs, blockDir), ids: [s.left.id, s.right.id] };
    }
    case "shuffled": {
      needs.add(node.fns);
      const inputs = s.deps.map((d) => {
        needs.add(d.fns);
        if (!d.outputs) throw new MissingMapOutputError(`shuffle ${d.id} has no map outputs when its reducers are planned`, { node: node.id });
        return d.outputs.map((files, m) => {
          if (!files) throw new MissingMapOutputError(`shuffle ${d.id} misses map output ${m}`, { node: node.id });
          return files[p];
        }).filter((f): f is string => typeof f === "string");
      });
      return { kind: "shuffleRead", inputs, reduce: s.reduce };
    }
    default: {
      const never: never = s;
      return bug("unknown lineage source", { source: never });
    }
  }
}
