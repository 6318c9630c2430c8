// Weir's benchmarks (`npm run bench`; `npm run bench:smoke` for the tiny sizes CI runs). Each benchmark prints a
// table of Weir against baselines measured in the same run; specs in shared/bench/README.md, results recorded
// in docs/benchmarks.md. Exit code 1 when any engine's result checksums disagree (in smoke mode too), so a
// broken question cannot hide behind a fast time. Targets are reported, not enforced: timings depend on the
// machine and on whatever else it is running (the load average is printed before and after).
//
// Besides the benchmarks below, every `bench/<name>.bench.ts` module that exports
// `run({ smoke }) → { text, ok }` runs too (in name order), selectable by `<name>` in --only.
//
//   tsx bench/run.ts [--smoke] [--only groupby,json,cold,<name>…]
import { readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { runColdStart } from "./cold-start.js";
import { runGroupby } from "./groupby.js";
import { runJsonDaily } from "./json-daily.js";
import { describeEnvironment, ratio, secs } from "./report.js";

const args = process.argv.slice(2);
const smoke = args.includes("--smoke");
const onlyArg = args.indexOf("--only");
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const modules = readdirSync(benchDir).filter((f) => f.endsWith(".bench.ts")).sort().map((f) => f.slice(0, -".bench.ts".length));
const only = new Set(onlyArg >= 0 ? (args[onlyArg + 1] ?? "").split(",") : ["groupby", "json", "cold", ...modules]);

const SIZES = smoke
  ? { groupby: { n: 1e5, k: 100, na: 0, sort: false }, orders: 50_000, jsonRuns: 1, coldRuns: 3 }
  : { groupby: { n: 1e7, k: 100, na: 0, sort: false }, orders: 3_000_000, jsonRuns: 2, coldRuns: 7 };

const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(" ");
const started = performance.now();
console.log(`Weir benchmarks (${smoke ? "smoke sizes" : "full sizes"})`);
console.log(describeEnvironment(await duckdbVersion()));
console.log(`load average at start: ${load()}`);

const summary: string[] = [];
// Targets are defined for the full sizes; at smoke sizes fixed per-query costs dominate and they do not apply.
const verdict = (ok: boolean): string => (smoke ? "n/a at smoke size" : ok ? "met" : "MISSED");
let failed = false;

if (only.has("groupby")) {
  console.log(`\n== db-benchmark groupby ${SIZES.groupby.n} rows, K=${SIZES.groupby.k} (sum of two runs per question) ==`);
  const r = await runGroupby(SIZES.groupby);
  console.log(`\n${r.name}: load (not timed in totals): ${Object.entries(r.loads).map(([k, v]) => `${k} ${secs(v)} s`).join(", ")}`);
  console.log(r.table);
  if (!r.checksumsEqual) {
    failed = true;
    console.log(`CHECKSUM MISMATCH:\n  ${r.mismatches.join("\n  ")}`);
  }
  const wd = r.totals.weir! / r.totals.duckdb!;
  summary.push(`groupby ${r.name}: weir/duckdb ${ratio(r.totals.weir!, r.totals.duckdb!)} (target <= 1.10: ${verdict(wd <= 1.1)}), ` +
    `weir/polars ${ratio(r.totals.weir!, r.totals.polars!)} (target < 1: ${verdict(r.totals.weir! < r.totals.polars!)}), checksums ${r.checksumsEqual ? "equal" : "DIFFER"}`);
}

if (only.has("json")) {
  console.log(`\n== JSON-lines daily aggregation, ${SIZES.orders} orders ==`);
  const r = await runJsonDaily(SIZES.orders, SIZES.jsonRuns);
  console.log(r.table);
  if (!r.checksumsEqual) {
    failed = true;
    console.log(`CHECKSUM MISMATCH:\n  ${r.mismatches.join("\n  ")}`);
  }
  summary.push(`json daily: weir ${r.speedup.toFixed(2)}x faster than the node loop (target >= 6: ${verdict(r.speedup >= 6)}), checksums ${r.checksumsEqual ? "equal" : "DIFFER"}`);
}

if (only.has("cold")) {
  console.log(`\n== Cold start (median of ${SIZES.coldRuns} runs after one warm-up) ==`);
  const r = runColdStart(SIZES.coldRuns);
  console.log(r.table);
  summary.push(`cold start: weir sql ${secs(r.weirSeconds)} s, baseline ${secs(r.baselineSeconds)} s (target <= 0.400 s: ${verdict(r.weirSeconds <= 0.4)})`);
}

for (const name of modules.filter((m) => only.has(m))) {
  console.log(`\n== ${name} (bench/${name}.bench.ts) ==`);
  const mod = (await import(pathToFileURL(path.join(benchDir, `${name}.bench.ts`)).href)) as { run?: (o: { smoke: boolean }) => Promise<{ text: string; ok: boolean }> };
  if (typeof mod.run !== "function") {
    console.log(`  skipped: bench/${name}.bench.ts exports no run({ smoke })`);
    continue;
  }
  const r = await mod.run({ smoke });
  console.log(r.text);
  if (!r.ok) failed = true;
  summary.push(`${name}: results ${r.ok ? "agree" : "DISAGREE"} (see its table)`);
}

console.log(`\n== Summary ==\n${summary.join("\n")}`);
console.log(`load average at end: ${load()}; wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (failed) process.exitCode = 1;

async function duckdbVersion(): Promise<string> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    return String((await conn.runAndReadAll("SELECT version() AS v")).getRowObjects()[0]!.v);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
