import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable, median, ratio, secs } from "./report.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The result of the cold-start benchmark. @example `const r = runColdStart(7); r.weirSeconds <= 0.4` */
export interface ColdStartResult {
  readonly table: string;
  /** Median seconds of `node bin/weir.js sql "select 42"`. */
  readonly weirSeconds: number;
  readonly baselineSeconds: number;
}

/**
 * Cold start, end to end in fresh processes: `node bin/weir.js sql "select 42"` against a minimal Node script
 * that opens DuckDB and runs the same query; plus, for reference, a script importing Weir from source through
 * tsx. Each command runs once to warm the OS file cache and the CLI's bundle cache, then `runs` times; the
 * median wall time is reported.
 *
 * @example `console.log(runColdStart(5).table)`
 */
export function runColdStart(runs = 7, log: (line: string) => void = console.log): ColdStartResult {
  const tsxLoader = path.join(root, "node_modules", "tsx", "dist", "loader.mjs");
  const commands: [string, string[]][] = [
    ['weir sql "select 42"', [path.join(root, "bin", "weir.js"), "sql", "select 42"]],
    ["node + DuckDB (baseline)", [path.join(root, "bench", "cold-start-duckdb.mjs")]],
    ["node --import tsx + Weir library", ["--import", `file://${tsxLoader}`, path.join(root, "bench", "cold-start-weir.ts")]],
    // The floor: Node starting and exiting (shows how loaded the machine is).
    ["node -e 'console.log(42)'", ["-e", "console.log(42)"]],
  ];
  const medians: number[] = [];
  const rows = commands.map(([label, args]) => {
    const times: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
      const s = (performance.now() - t0) / 1000;
      if (r.status !== 0 || !r.stdout.includes("42")) throw new Error(`cold start: ${label} failed (exit ${r.status}): ${r.stderr}`);
      if (i > 0) times.push(s);
    }
    const m = median(times);
    medians.push(m);
    log(`  ${label}: median ${secs(m)} s of ${runs} (min ${secs(Math.min(...times))}, max ${secs(Math.max(...times))})`);
    return [label, secs(m), secs(Math.min(...times)), secs(Math.max(...times))];
  });
  rows.forEach((r, i) => r.push(ratio(medians[i]!, medians[1]!)));
  return { table: formatTable(["command", "median s", "min s", "max s", "vs baseline"], rows), weirSeconds: medians[0]!, baselineSeconds: medians[1]! };
}
