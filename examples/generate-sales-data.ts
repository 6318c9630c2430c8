/**
 * Deterministic input data for the daily-sales ETL demo (examples/daily-sales-etl.ts). The same seed always
 * produces the same bytes:
 *
 *   <dir>/orders/orders-<day>.csv   one CSV per day of orders, with the dirt a real feed has: unparsable, zero or
 *                                   negative totals, statuses other than completed/shipped, and orders re-sent in
 *                                   the next day's file (exact duplicates of an order_id)
 *   <dir>/products/                 Parquet: product_id, name, category, list_price
 *   <dir>/customers/                Parquet: customer_id, name, country, region
 *   <dir>/exchange_rates.jsonl      JSON lines: {date, currency, rate_to_usd} for every day and non-USD currency
 *
 * Run it on its own with `npx tsx examples/generate-sales-data.ts [dir] [orders] [days]`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Session, t } from "../src/index.js";

/** One order line as written to the CSV (text fields exactly as in the file). */
export interface OrderRecord {
  order_id: string;
  order_ts: string;
  customer_id: string;
  product_id: string;
  quantity: number;
  total: string;
  currency: string;
  status: string;
}
/** A product row. */
export interface ProductRecord { product_id: string; name: string; category: string; list_price: number }
/** A customer row. */
export interface CustomerRecord { customer_id: string; name: string; country: string; region: string }
/** An exchange rate row: 1 unit of `currency` is `rate_to_usd` US dollars on `date`. */
export interface RateRecord { date: string; currency: string; rate_to_usd: number }

/** Sizes and seed of a generated dataset. */
export interface GenerateOptions {
  /** Distinct orders before duplication (default 20,000). */
  orders?: number;
  /** Days of orders, one CSV file each, starting 2025-03-01 (default 7). */
  days?: number;
  products?: number;
  customers?: number;
  seed?: number;
}

/** Everything that was written, so tests can recompute the expected results independently. */
export interface SalesData {
  dir: string;
  /** Every CSV line in file order, duplicates included. */
  orders: OrderRecord[];
  products: ProductRecord[];
  customers: CustomerRecord[];
  rates: RateRecord[];
}

const CATEGORIES = ["Electronics", "Home", "Garden", "Toys", "Books", "Sports"];
const COUNTRIES: readonly (readonly [string, string, string])[] = [
  ["US", "North America", "USD"], ["CA", "North America", "USD"], ["DE", "Europe", "EUR"], ["FR", "Europe", "EUR"],
  ["GB", "Europe", "GBP"], ["JP", "Asia Pacific", "JPY"], ["AU", "Asia Pacific", "USD"], ["BR", "Latin America", "USD"],
];
const BASE_RATES: Readonly<Record<string, number>> = { EUR: 1.08, GBP: 1.27, JPY: 0.0067 };
const STATUSES: readonly (readonly [string, number])[] = [["completed", 0.55], ["shipped", 0.25], ["pending", 0.08], ["cancelled", 0.08], ["returned", 0.04]];
const BAD_TOTALS = ["", "N/A", "-12.50", "0.00", "12.3.4", "abc"];
const START = Date.UTC(2025, 2, 1);

/**
 * Write the demo dataset under `dir` (replacing the four inputs if they exist) and return its rows.
 *
 * @example
 * ```ts
 * const data = await generateSalesData("data", { orders: 1000, days: 2, seed: 7 });
 * console.log(data.orders.length); // 1000 plus the re-sent duplicates
 * ```
 */
export async function generateSalesData(dir: string, options: GenerateOptions = {}): Promise<SalesData> {
  const { orders: nOrders = 20_000, days = 7, products: nProducts = 60, customers: nCustomers = 500, seed = 42 } = options;
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

  const products: ProductRecord[] = Array.from({ length: nProducts }, (_, i) => ({
    product_id: `P${String(i + 1).padStart(3, "0")}`,
    name: `Product ${i + 1}`,
    category: CATEGORIES[i % CATEGORIES.length]!,
    list_price: Math.round((5 + rnd() * 495) * 100) / 100,
  }));
  const customers: CustomerRecord[] = Array.from({ length: nCustomers }, (_, i) => {
    const [country, region] = pick(COUNTRIES);
    return { customer_id: `C${String(i + 1).padStart(5, "0")}`, name: `Customer ${i + 1}`, country, region };
  });
  const currencyOf = new Map(customers.map((c) => [c.customer_id, COUNTRIES.find(([k]) => k === c.country)![2]]));

  const dayStrings = Array.from({ length: days }, (_, d) => new Date(START + d * 86_400_000).toISOString().slice(0, 10));
  const rates: RateRecord[] = dayStrings.flatMap((date) =>
    Object.entries(BASE_RATES).map(([currency, base]) => ({ date, currency, rate_to_usd: Number((base * (0.97 + rnd() * 0.06)).toPrecision(4)) })));
  const rateOf = new Map(rates.map((r) => [`${r.date}|${r.currency}`, r.rate_to_usd]));

  const byDay: OrderRecord[][] = dayStrings.map(() => []);
  for (let i = 0; i < nOrders; i++) {
    const day = Math.floor(rnd() * days);
    const customer = pick(customers);
    const product = pick(products);
    const quantity = 1 + Math.floor(rnd() * 5);
    const currency = currencyOf.get(customer.customer_id)!;
    const localPrice = currency === "USD" ? product.list_price : product.list_price / rateOf.get(`${dayStrings[day]}|${currency}`)!;
    const seconds = Math.floor(rnd() * 86_400);
    const order: OrderRecord = {
      order_id: `O${String(i + 1).padStart(7, "0")}`,
      order_ts: new Date(START + day * 86_400_000 + seconds * 1000).toISOString().slice(0, 19).replace("T", " "),
      customer_id: customer.customer_id,
      product_id: product.product_id,
      quantity,
      total: rnd() < 0.03 ? pick(BAD_TOTALS) : (quantity * localPrice).toFixed(2),
      currency,
      status: weighted(rnd(), STATUSES),
    };
    byDay[day]!.push(order);
    // The feed re-sends ~2% of orders in the next file (or again in the last one).
    if (rnd() < 0.02) byDay[Math.min(day + 1, days - 1)]!.push({ ...order });
  }

  for (const name of ["orders", "products", "customers", "exchange_rates.jsonl"]) rmSync(path.join(dir, name), { recursive: true, force: true });
  mkdirSync(path.join(dir, "orders"), { recursive: true });
  const header = "order_id,order_ts,customer_id,product_id,quantity,total,currency,status";
  byDay.forEach((rows, d) => {
    const lines = rows.map((o) => [o.order_id, o.order_ts, o.customer_id, o.product_id, o.quantity, csvField(o.total), o.currency, o.status].join(","));
    writeFileSync(path.join(dir, "orders", `orders-${dayStrings[d]}.csv`), [header, ...lines].join("\n") + "\n");
  });
  writeFileSync(path.join(dir, "exchange_rates.jsonl"), rates.map((r) => JSON.stringify(r)).join("\n") + "\n");

  await using spark = await Session.create({ threads: 2 });
  await spark.createDataFrame(products, t.struct({ product_id: t.string(), name: t.string(), category: t.string(), list_price: t.float64() }))
    .write.mode("overwrite").parquet(path.join(dir, "products"));
  await spark.createDataFrame(customers, t.struct({ customer_id: t.string(), name: t.string(), country: t.string(), region: t.string() }))
    .write.mode("overwrite").parquet(path.join(dir, "customers"));

  return { dir, orders: byDay.flat(), products, customers, rates };
}

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same sequence on every platform. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted(r: number, choices: readonly (readonly [string, number])[]): string {
  let acc = 0;
  for (const [value, weight] of choices) {
    acc += weight;
    if (r < acc) return value;
  }
  return choices[choices.length - 1]![0];
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir = "data", orders = "20000", days = "7"] = process.argv.slice(2);
  const data = await generateSalesData(dir, { orders: Number(orders), days: Number(days) });
  console.log(`wrote ${data.orders.length} order lines, ${data.products.length} products, ${data.customers.length} customers, ${data.rates.length} rates to ${path.resolve(dir)}`);
}
