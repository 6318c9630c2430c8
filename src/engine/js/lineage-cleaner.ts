/**
 * Spark's ContextCleaner for the JS engine: a shuffle's files and a Dataset's DISK blocks are deleted once their
 * lineage object (the ShuffleDependency, the LineageNode) has been garbage-collected. Then no Dataset can plan a
 * read of them again — a running job holds the lineage it reads — so a long session's disk use follows the
 * Datasets it still holds, not every shuffle it ever ran. Until then they stay (a later action reuses them), and
 * session close deletes whatever is left with the temp dir.
 *
 * The registry's held values are a directory path or the node's `blocks` map: neither references the lineage
 * object, or it could never be collected.
 */
import { rm } from "node:fs/promises";
import type { Block, LineageNode, ShuffleDependency } from "./lineage.js";

type Held = string | ReadonlyMap<number, Block>;

/** Deletes in the background: a large shuffle's files must not block the event loop in a GC callback. */
function remove(held: Held): void {
  const ignore = (): void => undefined; // the session may have deleted its temp dir first
  if (typeof held === "string") void rm(held, { recursive: true, force: true }).catch(ignore);
  else for (const b of held.values()) if (b.level === "DISK") void rm(b.path, { force: true }).catch(ignore);
}

/**
 * Deletes files of lineage objects nothing references any more.
 * @example `cleaner.watchShuffle(dep, dir); cleaner.watchBlocks(node)`
 */
export class LineageCleaner {
  private readonly watched = new WeakSet<object>();
  private readonly registry = new FinalizationRegistry<Held>(remove);

  /** Delete `dir` (the shuffle's map outputs) once `dep` is collected. @example `cleaner.watchShuffle(dep, "/tmp/weir/js/shuffle-3")` */
  watchShuffle(dep: ShuffleDependency, dir: string): void {
    if (this.watched.has(dep)) return;
    this.watched.add(dep);
    this.registry.register(dep, dir);
  }

  /** Delete the DISK blocks `node` holds at that time once `node` is collected. @example `cleaner.watchBlocks(node)` */
  watchBlocks(node: LineageNode): void {
    if (this.watched.has(node)) return;
    this.watched.add(node);
    this.registry.register(node, node.blocks);
  }
}
