/** Shared set-up for the writer tests: a light session, a scratch directory, and how to list what a write left. */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session } from "../../../src/index.js";

/** A one-thread session and a scratch directory, both cleaned up after the test. */
export async function setUp(t: { after: (fn: () => Promise<void>) => void }): Promise<{ spark: Session; dir: string }> {
  const spark = await Session.create({ threads: 1, memoryLimit: "1GB" });
  const dir = await mkdtemp(path.join(tmpdir(), "weir-write-"));
  t.after(async () => {
    await spark.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { spark, dir };
}

/** Every file below `root`, relative, sorted ("k=v/part-…"). */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
}

/** Rows as sorted JSON strings (bigints as strings), for order-insensitive comparison. */
export function canon(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))).sort();
}
