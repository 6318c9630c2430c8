import { DuckDBInstance } from "@duckdb/node-api";
import { ensureDataFile } from "./data-dir.js";

/**
 * Generate (once) `orders-<n>.jsonl` as `shared/bench/README.md` describes it and return its path: one JSON
 * object per line `{orderId, userId, productId, quantity, price, status, orderDate}`, userId ~1e5 distinct,
 * productId ~5e3, quantity 1..5, price 0..100 with 2 decimals, status completed 40% / shipped 25% / pending
 * 20% / cancelled 15%, orderDate an ISO-8601 UTC timestamp (ms) uniform over 2024. About 155 bytes a line.
 *
 * Deterministic: every draw is DuckDB's `hash()` of (seed, row, field), reproducible at any thread count.
 *
 * @example `const file = await ensureOrdersJsonl(3_000_000); // .bench-data/orders-3000000.jsonl`
 */
export async function ensureOrdersJsonl(n: number, seed = 2025): Promise<string> {
  return ensureDataFile(`orders-${n}.jsonl`, (dest) => writeOrdersJsonl(n, dest, seed));
}

/**
 * Write `n` orders as JSON lines to `dest` (no caching; see {@link ensureOrdersJsonl}).
 * @example `await writeOrdersJsonl(1000, "/tmp/orders.jsonl")`
 */
export async function writeOrdersJsonl(n: number, dest: string, seed = 2025): Promise<void> {
  if (!Number.isInteger(n) || n <= 0 || n >= 2 ** 27) throw new Error(`orders generator: n must be an integer in 1..2^27, got ${n}`);
  const u = (c: number): string => `hash(i * 32 + ${seed * 2 ** 32} + ${c})`;
  const yearMicros = 366 * 86_400 * 1_000_000; // 2024 is a leap year
  const select = `
    SELECT
      'ORD-' || lpad(CAST(i + 1 AS VARCHAR), 8, '0') AS orderId,
      'USR-' || lpad(CAST(${u(1)} % 100000 AS VARCHAR), 6, '0') AS userId,
      'PRD-' || lpad(CAST(${u(2)} % 5000 AS VARCHAR), 5, '0') AS productId,
      CAST(${u(3)} % 5 + 1 AS INTEGER) AS quantity,
      CAST(${u(4)} % 10001 AS DOUBLE) / 100 AS price,
      CASE WHEN ${u(5)} % 100 < 40 THEN 'completed' WHEN ${u(5)} % 100 < 65 THEN 'shipped'
           WHEN ${u(5)} % 100 < 85 THEN 'pending' ELSE 'cancelled' END AS status,
      strftime(make_timestamp(CAST(1704067200000000 + ${u(6)} % ${yearMicros} AS BIGINT)), '%Y-%m-%dT%H:%M:%S.%gZ') AS orderDate
    FROM range(${n}) t(i)`;
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    await conn.run(`COPY (${select}) TO '${dest.replaceAll("'", "''")}' (FORMAT json)`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
