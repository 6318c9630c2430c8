import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";

/**
 * What a benchmark's run() returns: a printable table, and whether every engine agreed (and the ratios held).
 * @example `return { title, header, rows, ok, text: `${title}\n${formatTable(header, rows)}` };`
 */
export interface BenchTable {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly text: string;
  readonly ok: boolean;
}

/** Wall-clock seconds of one async call. @example `const [secs, rows] = await timed(() => df.count())` */
export async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await work();
  return [(performance.now() - t0) / 1000, out];
}

/** Median of numbers. @example `median([3, 1, 2]) // 2` */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Format rows as a plain aligned text table: the first `leftColumns` columns left-aligned, the rest right-aligned.
 * @example `formatTable(["item", "weir s"], [["q1", "0.12"]])`
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Seconds with 3 decimals. @example `secs(1.23456) // "1.235"` */
export function secs(x: number): string {
  return x.toFixed(3);
}

/** A ratio a/b with 2 decimals. @example `ratio(2, 1) // "2.00"` */
export function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(2) : "n/a";
}

/** The machine and software a run measured, for the report header. @example `console.log(describeEnvironment())` */
export function describeEnvironment(duckdbVersion: string): string {
  const require = createRequire(import.meta.url);
  const pkgVersion = (name: string): string => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return "absent";
    }
  };
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpu = m[1]!.trim();
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return [
    `date:    ${new Date().toISOString()}`,
    `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${cpu} (${os.platform()} ${os.release()})`,
    `node:    ${process.version}; DuckDB ${duckdbVersion} (@duckdb/node-api ${pkgVersion("@duckdb/node-api")}); nodejs-polars ${pkgVersion("nodejs-polars")}`,
  ].join("\n");
}

/**
 * Whether two checksums agree: exactly for integers, within a relative 1e-9 for floating point (engines sum
 * doubles in different orders).
 * @example `sameChecksum(1.0000000001, 1) // true`
 */
export function sameChecksum(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
