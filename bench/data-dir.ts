import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** `.bench-data/` at the repository root (gitignored): generated inputs, reused across runs. */
export const BENCH_DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", ".bench-data");

/**
 * Return `file` under `.bench-data/`, generating it first when absent. The generator writes to a temporary
 * name that is renamed into place only when complete, so an interrupted generation is never reused.
 *
 * @example
 * ```ts
 * const csv = await ensureDataFile("G1_1e5_1e2_0_0.csv", (tmp) => writeCsv(tmp));
 * ```
 */
export async function ensureDataFile(file: string, generate: (tmpPath: string) => Promise<void>): Promise<string> {
  mkdirSync(BENCH_DATA_DIR, { recursive: true });
  const dest = path.join(BENCH_DATA_DIR, file);
  if (existsSync(dest)) return dest;
  const tmp = path.join(BENCH_DATA_DIR, `.tmp-${process.pid}-${file}`);
  rmSync(tmp, { force: true, recursive: true });
  const t0 = performance.now();
  process.stdout.write(`generating ${file} ... `);
  await generate(tmp);
  renameSync(tmp, dest);
  process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return dest;
}
