import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { Session } from "../src/index.js";

/**
 * What a benchmark that writes tables runs on: a temp directory, a Weir session (its warehouse inside that
 * directory) and an in-memory DuckDB to compare with, both using every core; `close()` releases all three.
 * @example `const env = await openBenchEnv("merge"); try { … } finally { await env.close(); }`
 */
export interface BenchEnv {
  readonly dir: string;
  readonly spark: Session;
  readonly conn: DuckDBConnection;
  close(): Promise<void>;
}

/**
 * Open a {@link BenchEnv} whose directory is named after the benchmark.
 * @example `const { dir, spark, conn, close } = await openBenchEnv("skipping");`
 */
export async function openBenchEnv(name: string): Promise<BenchEnv> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `weir-bench-${name}-`));
  const threads = os.cpus().length;
  const spark = await Session.create({ warehouse: path.join(dir, "wh"), threads });
  const duck = await DuckDBInstance.create(":memory:", { threads: String(threads) });
  const conn = await duck.connect();
  return {
    dir, spark, conn,
    async close() {
      conn.closeSync();
      duck.closeSync();
      await spark.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Rows [from, to) of the benchmarks' Delta tables: an id, a quantity, a price and a 40-byte note so files have some width.
 * @example `await spark.sql(rowsSql(0, 1000)).write.format("delta").save(root)`
 */
export function rowsSql(from: number, to: number): string {
  return `SELECT CAST(range AS BIGINT) AS id, CAST(range % 1000 AS INTEGER) AS qty, CAST((range % 997) / 10.0 AS DOUBLE) AS price, ` +
    `repeat(chr(65 + CAST(range % 26 AS INTEGER)), 40) AS note FROM range(${from}, ${to})`;
}
