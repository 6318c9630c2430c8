import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Session } from "../../src/index.js";
import { runDailySalesEtl } from "../../examples/daily-sales-etl.js";
import { generateSalesData, type SalesData } from "../../examples/generate-sales-data.js";

let dir = "";
let data: SalesData;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "weir-demo-"));
  data = await generateSalesData(path.join(dir, "data"), { orders: 600, days: 3, products: 12, customers: 40, seed: 7 });
});

after(() => rmSync(dir, { recursive: true, force: true }));

interface Expected { revenueCents: bigint; orders: number; customers: Set<string> }

/** The job's rules recomputed in plain JS over the generated rows, in exact integer arithmetic. */
function expectedMetrics(d: SalesData): { groups: Map<string, Expected>; valid: number } {
  const category = new Map(d.products.map((p) => [p.product_id, p.category]));
  const region = new Map(d.customers.map((c) => [c.customer_id, c.region]));
  const micros = (rate: number): bigint => BigInt(Math.round(rate * 1e6));
  const rate = new Map(d.rates.map((r) => [`${r.date}|${r.currency}`, micros(r.rate_to_usd)]));
  const seen = new Set<string>();
  const groups = new Map<string, Expected>();
  let valid = 0;
  for (const o of d.orders) {
    if (!/^\d+\.\d{2}$/.test(o.total)) continue; // "", "N/A", "abc", "12.3.4", negatives
    const cents = BigInt(o.total.replace(".", ""));
    if (cents <= 0n || !["completed", "shipped"].includes(o.status) || seen.has(o.order_id)) continue;
    seen.add(o.order_id);
    valid++;
    const day = o.order_ts.slice(0, 10);
    const r = o.currency === "USD" ? 1_000_000n : rate.get(`${day}|${o.currency}`)!;
    const usdCents = (cents * r + 500_000n) / 1_000_000n; // round half up to cents
    const key = `${day}|${category.get(o.product_id)}|${region.get(o.customer_id)}`;
    const g = groups.get(key) ?? { revenueCents: 0n, orders: 0, customers: new Set<string>() };
    g.revenueCents += usdCents;
    g.orders++;
    g.customers.add(o.customer_id);
    groups.set(key, g);
  }
  return { groups, valid };
}

test("the generator is deterministic: the same seed writes byte-identical order files", async () => {
  const again = await generateSalesData(path.join(dir, "again"), { orders: 600, days: 3, products: 12, customers: 40, seed: 7 });
  assert.deepEqual(again.orders, data.orders);
  for (const f of readdirSync(path.join(dir, "data", "orders"))) {
    assert.equal(readFileSync(path.join(dir, "again", "orders", f), "utf8"), readFileSync(path.join(dir, "data", "orders", f), "utf8"));
  }
  assert.ok(data.orders.some((o) => !/^\d+\.\d{2}$/.test(o.total)), "some totals are invalid");
  assert.ok(new Set(data.orders.map((o) => o.order_id)).size < data.orders.length, "some order_ids are duplicated");
});

test("the daily-sales ETL's metrics equal an independent plain-JS computation over the generated rows", async () => {
  await using spark = await Session.create({ threads: 2 });
  const result = await runDailySalesEtl(spark, { dataDir: path.join(dir, "data"), outDir: path.join(dir, "out") });
  const { groups, valid } = expectedMetrics(data);

  assert.equal(result.counts.inputLines, data.orders.length);
  assert.equal(result.counts.validOrders, valid);
  assert.ok(groups.size >= 24 && valid > 300, `a meaningful sample: ${groups.size} groups, ${valid} valid orders`);

  const rows = await result.metrics.collect();
  const actual = new Map(rows.map((r) => [`${(r.order_date as Date).toISOString().slice(0, 10)}|${r.category}|${r.region}`, r]));
  assert.deepEqual([...actual.keys()].sort(), [...groups.keys()].sort());
  for (const [key, e] of groups) {
    const r = actual.get(key)!;
    assert.equal(BigInt(Math.round(Number(r.revenue_usd) * 100)), e.revenueCents, `revenue of ${key}`);
    assert.equal(Number(r.orders), e.orders, `orders of ${key}`);
    assert.equal(Number(r.customers), e.customers.size, `distinct customers of ${key}`);
    assert.ok(Math.abs(Number(r.avg_order_value) - Number(e.revenueCents) / 100 / e.orders) <= 0.005 + 1e-9, `average order value of ${key}`);
  }

  const days = [...new Set(data.orders.map((o) => o.order_ts.slice(0, 10)))].sort();
  const partitions = readdirSync(result.enrichedPath).filter((f) => f.startsWith("order_date=")).sort();
  assert.deepEqual(partitions, days.map((d) => `order_date=${d}`));
});

test("rerunning the ETL overwrites its outputs with the same result", async () => {
  await using spark = await Session.create({ threads: 2 });
  const paths = { dataDir: path.join(dir, "data"), outDir: path.join(dir, "out2") };
  const first = await (await runDailySalesEtl(spark, paths)).metrics.collect();
  const second = await runDailySalesEtl(spark, paths);
  assert.deepEqual(await second.metrics.collect(), first);
  assert.equal(second.counts.validOrders, expectedMetrics(data).valid);
});
