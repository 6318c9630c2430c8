/**
 * Deterministic generated inputs for the pipeline examples: orders and invoices in Postgres, exchange rates as
 * JSON lines, products and customers as Parquet, customer snapshots for the SCD2 dimension.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Session } from "../../src/index.js";

export const CURRENCIES = ["USD", "EUR", "GBP"] as const;
export const CATEGORIES = ["books", "garden", "toys"] as const;
export const REGIONS = ["north", "south"] as const;

/** A small linear congruential generator, so every run generates the same data. */
export function rng(seed: number): () => number {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31; };
}

/** `days` consecutive dates from 2025-01-01 (YYYY-MM-DD). */
export function days(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10));
}

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => undefined);
  await c.connect();
  try { return await work(c); } finally { await c.end(); }
}

/** Create `table` in Postgres with `perDay` orders for each of `nDays` days. */
export async function generateOrders(url: string, table: string, nDays: number, perDay: number): Promise<void> {
  const r = rng(1);
  await withClient(url, async (c) => {
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.query(`CREATE TABLE ${table} (order_id int8 PRIMARY KEY, order_ts timestamptz NOT NULL, customer_id int4 NOT NULL, product_id int4 NOT NULL, quantity int4 NOT NULL, unit_price numeric(10,2) NOT NULL, currency text NOT NULL)`);
    let id = 1;
    for (const day of days(nDays)) {
      const values: string[] = [];
      for (let i = 0; i < perDay; i++, id++) {
        const sec = Math.floor(r() * 86_400);
        values.push(`(${id}, '${day}'::timestamptz + interval '${sec} seconds', ${1 + Math.floor(r() * 20)}, ${1 + Math.floor(r() * 9)}, ${1 + Math.floor(r() * 4)}, ${(5 + Math.floor(r() * 9500) / 100).toFixed(2)}, '${CURRENCIES[Math.floor(r() * 3)]}')`);
      }
      await c.query(`INSERT INTO ${table} VALUES ${values.join(",")}`);
    }
  });
}

/** Exchange rates to USD per currency and day, as JSON lines. */
export function generateRates(dir: string, nDays: number): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "exchange_rates.jsonl");
  const lines = days(nDays).flatMap((day, i) => CURRENCIES.map((cur) => JSON.stringify({ currency: cur, day, rate_to_usd: cur === "USD" ? 1 : cur === "EUR" ? 1.1 + i / 1000 : 1.25 + i / 1000 })));
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** Products (9) and customers (20) as Parquet under `dir`. */
export async function generateDimensions(spark: Session, dir: string): Promise<{ products: string; customers: string }> {
  const products = path.join(dir, "products");
  const customers = path.join(dir, "customers");
  await spark.createDataFrame(Array.from({ length: 9 }, (_, i) => ({ product_id: i + 1, name: `product ${i + 1}`, category: CATEGORIES[i % 3]! }))).write.mode("overwrite").parquet(products);
  await spark.createDataFrame(Array.from({ length: 20 }, (_, i) => ({ customer_id: i + 1, name: `customer ${i + 1}`, region: REGIONS[i % 2]! }))).write.mode("overwrite").parquet(customers);
  return { products, customers };
}

/** Create the invoices table (updated_at is the watermark column). */
export async function createInvoices(url: string, table: string): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.query(`CREATE TABLE ${table} (invoice_id int8 PRIMARY KEY, customer_id int4 NOT NULL, amount numeric(12,2) NOT NULL, status text NOT NULL, issued_on date NOT NULL, updated_at timestamptz NOT NULL)`);
  });
}

/** Insert new invoices `[from, to)` and update some earlier ones (status paid), all stamped `at`. */
export async function changeInvoices(url: string, table: string, from: number, to: number, at: string, pay: readonly number[] = []): Promise<void> {
  await withClient(url, async (c) => {
    const r = rng(from + 7);
    if (to > from) {
      const rows = Array.from({ length: to - from }, (_, i) => `(${from + i}, ${1 + Math.floor(r() * 5)}, ${(10 + Math.floor(r() * 99000) / 100).toFixed(2)}, 'open', DATE '2025-01-01' + ${(from + i) % 5}, '${at}')`);
      await c.query(`INSERT INTO ${table} VALUES ${rows.join(",")}`);
    }
    if (pay.length) await c.query(`UPDATE ${table} SET status = 'paid', updated_at = $1 WHERE invoice_id = ANY($2)`, [at, pay]);
  });
}
