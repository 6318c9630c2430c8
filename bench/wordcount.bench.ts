// Word count (MapReduce) benchmark, spec in ../shared/bench/README.md "Word count": Zipf text (50k-word
// vocabulary, exponent 1.1, lines of 5–20 words). Weir's mapReduce and reduceByKey on worker threads vs a
// single-threaded hand-written JS loop (split + Map) vs DuckDB SQL (string_split + unnest + GROUP BY), in one run,
// plus a high-cardinality variant (every token distinct-ish) under a small per-task memory budget to force spill.
//
//   tsx bench/wordcount.bench.ts [--smoke] [--mb 1024] [--reps 3] [--no-hc | --hc-only] [--hc-budget 128MB]
//   (bench/run.ts imports run())
import { seededRandom } from "../src/util/index.js";
import { createReadStream, createWriteStream } from "node:fs";
import os from "node:os";
import { DuckDBInstance } from "@duckdb/node-api";
import { Session, type Emit } from "../src/index.js";
import { ensureDataFile } from "./data-dir.js";
import { formatTable, median, ratio, secs, timed, type BenchTable } from "./report.js";

const rng = seededRandom;

/** Write ~`bytes` of Zipf text (or, with `distinct`, tokens drawn uniformly from `distinct` ids). */
async function generate(file: string, bytes: number, distinct?: number): Promise<void> {
  const r = rng(42);
  const vocab = Array.from({ length: 50_000 }, () => Array.from({ length: 3 + Math.floor(r() * 8) }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join(""));
  const cdf = new Float64Array(vocab.length);
  let acc = 0;
  for (let i = 0; i < vocab.length; i++) cdf[i] = acc += 1 / Math.pow(i + 1, 1.1);
  const word = distinct
    ? (): string => `t${Math.floor(r() * distinct).toString(36)}`
    : (): string => {
      const x = r() * acc;
      let lo = 0;
      let hi = cdf.length - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid]! < x) lo = mid + 1; else hi = mid; }
      return vocab[lo]!;
    };
  const out = createWriteStream(file);
  let written = 0;
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const n = 5 + Math.floor(r() * 16);
      const ws = new Array<string>(n);
      for (let j = 0; j < n; j++) ws[j] = word();
      lines.push(ws.join(" "));
    }
    const chunk = lines.join("\n") + "\n";
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((res) => out.once("drain", () => res()));
  }
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
}

/** The baseline: one thread, stream chunks, split lines and words, count in a Map. */
async function jsLoop(file: string): Promise<{ words: number; distinct: number }> {
  const counts = new Map<string, number>();
  let carry = "";
  let words = 0;
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string);
    const cut = text.lastIndexOf("\n");
    carry = text.slice(cut + 1);
    for (const line of text.slice(0, cut).split("\n")) {
      for (const w of line.split(" ")) {
        if (w === "") continue;
        words++;
        counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
  }
  for (const w of carry.split(" ")) if (w) { words++; counts.set(w, (counts.get(w) ?? 0) + 1); }
  return { words, distinct: counts.size };
}

async function duckdb(file: string, threads: number): Promise<{ words: number; distinct: number }> {
  const db = await DuckDBInstance.create(":memory:", { threads: String(threads) });
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(
      `SELECT sum(n)::BIGINT AS words, count(*)::BIGINT AS distinct_words FROM (
         SELECT w, count(*) AS n FROM (SELECT unnest(string_split(line, ' ')) AS w
           FROM read_csv($1, columns = {'line': 'VARCHAR'}, header = false, delim = '\x01', quote = '', escape = '', auto_detect = false))
         WHERE w <> '' GROUP BY w)`, [file]);
    const [row] = r.getRows();
    return { words: Number(row![0]), distinct: Number(row![1]) };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

function summarize(pairs: readonly [string, number][]): { words: number; distinct: number } {
  let words = 0;
  for (const [, n] of pairs) words += n;
  return { words, distinct: pairs.length };
}

type Count = { words: number; distinct: number; error?: string };

/** Wall and process CPU seconds (all threads: the workers are threads of this process) of one call. */
async function measured<T>(work: () => Promise<T>): Promise<{ wall: number; cpu: number; out: T }> {
  const c0 = process.cpuUsage();
  const [wall, out] = await timed(work);
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, out };
}

/** Sample this process's resident memory (workers included) until stopped; returns the peak in bytes. */
function rssSampler(): () => number {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 100);
  return () => { clearInterval(timer); return Math.max(peak, process.memoryUsage.rss()); };
}


/**
 * Run the benchmark; `smoke` uses tiny inputs (seconds). Every engine runs `reps` times, interleaved, and reports
 * its median wall time and CPU time; the Weir session's worker pool is started before timing (a tiny warm-up job)
 * and its start-up time is reported on its own. "CPU × loop" = loop CPU / engine CPU: the share of the work that
 * is the baseline's, i.e. the parallel efficiency the engine reaches when every worker has a core to itself.
 */
export async function run(opts: { smoke: boolean; mb?: number; highCardinality?: boolean; zipf?: boolean; reps?: number; hcBudget?: string }): Promise<BenchTable> {
  const workers = os.availableParallelism();
  const mb = opts.mb ?? (opts.smoke ? 4 : 1024);
  const reps = opts.reps ?? 1;
  const rows: string[][] = [];
  let ok = true;
  const header = ["engine", "seconds", "M words/s", "× JS loop", "CPU s", "CPU × loop", "distinct", "check"];
  const title = opts.zipf === false ? `Word count, high cardinality (${workers} cores)` : `Word count, ${mb} MB Zipf text (${workers} cores, median of ${reps})`;
  const finish = (): BenchTable => ({ title, header, rows, ok, text: `${title}\n${formatTable(header, rows)}` });

  if (opts.zipf !== false) {
    const file = await ensureDataFile(`wordcount-zipf-${mb}mb.txt`, (tmp) => generate(tmp, mb * 2 ** 20));
    const spark = await Session.create({ conf: { "weir.js.workers": workers, "weir.js.memoryPerTask": "256MB" } });
    try {
      const warm = await measured(() => spark.parallelize([1, 2, 3, 4], workers).map((x) => x).count());
      const engines: [string, () => Promise<Count>][] = [
        ["JS loop, 1 thread (baseline)", () => jsLoop(file)],
        [`Weir reduceByKey, ${workers} workers`, async () => summarize(await (await spark.textFile(file)).flatMap((l) => l.split(" ")).filter((w) => w !== "")
          .map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b).collect())],
        [`Weir mapReduce+combine, ${workers} workers`, async () => summarize(await (await spark.mapReduce({
          input: file,
          map: (_offset: number, line: string, emit: Emit<string, number>) => { for (const w of line.split(" ")) if (w) emit(w, 1); },
          combine: (w: string, ns: number[], emit: Emit<string, number>) => { let s = 0; for (const n of ns) s += n; emit(w, s); },
          reduce: (w: string, ns: number[], emit: Emit<string, number>) => { let s = 0; for (const n of ns) s += n; emit(w, s); },
        })).collect())],
        [`Weir mapReduce+combineOp (fold), ${workers} workers`, async () => summarize(await (await spark.mapReduce({
          input: file,
          map: (_offset: number, line: string, emit: Emit<string, number>) => { for (const w of line.split(" ")) if (w) emit(w, 1); },
          combineOp: (a: number, b: number) => a + b,
          reduce: (w: string, ns: number[], emit: Emit<string, number>) => { let s = 0; for (const n of ns) s += n; emit(w, s); },
        })).collect())],
        [`DuckDB SQL, ${workers} threads`, () => duckdb(file, workers)],
      ];
      const results = engines.map(() => ({ wall: [] as number[], cpu: [] as number[], out: undefined as Count | undefined }));
      for (let r = 0; r < reps; r++) {
        for (const [i, [, work]] of engines.entries()) {
          const m = await measured(work);
          results[i]!.wall.push(m.wall);
          results[i]!.cpu.push(m.cpu);
          results[i]!.out = m.out;
        }
      }
      const base = results[0]!;
      const loop = base.out!;
      const [tLoop, cLoop] = [median(base.wall), median(base.cpu)];
      for (const [i, [name]] of engines.entries()) {
        const x = results[i]!.out!;
        const [t, c] = [median(results[i]!.wall), median(results[i]!.cpu)];
        const agree = x.words === loop.words && x.distinct === loop.distinct ? "ok" : (ok = false, "MISMATCH");
        rows.push([name, secs(t), (x.words / t / 1e6).toFixed(1), ratio(tLoop, t), c.toFixed(2), ratio(cLoop, c), String(x.distinct), agree]);
      }
      rows.push([`(Weir worker pool start-up, not in the rows above)`, secs(warm.wall), "", "", warm.cpu.toFixed(2), "", "", ""]);
    } finally {
      await spark.close();
    }
  }

  // High cardinality: ≥ 20M distinct ids under a small per-task budget, so map-side tables flush and reducers spill.
  if (opts.highCardinality === false) return finish();
  const hcDistinct = opts.smoke ? 200_000 : 20_000_000;
  const hcMb = opts.smoke ? 4 : 512;
  const hcFile = await ensureDataFile(`wordcount-distinct-${hcDistinct}-${hcMb}mb.txt`, (tmp) => generate(tmp, hcMb * 2 ** 20, hcDistinct));
  const budget = opts.hcBudget ?? (opts.smoke ? "1MB" : "128MB");
  // 1 GB for the whole process: two workers of at most 384 MB heap each (tasks hold ≤ 128 MB of tables) plus the driver.
  const heap = opts.smoke ? "256MB" : "384MB";
  const hcSpark = await Session.create({ conf: { "weir.js.workers": workers, "weir.js.memoryPerTask": budget, "weir.js.workerHeap": heap } });
  try {
    // Weir first, so the peak RSS it reports is not the baselines' leftover heap.
    const ds = (await hcSpark.textFile(hcFile)).flatMap((l) => l.split(" ")).map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b);
    const stop = rssSampler();
    const hc = await measured(() => ds.count());
    const peak = stop();
    // A JS Map holds at most 2^24 entries: past that the single-threaded baseline cannot run at all.
    const hcLoop = await measured<Count>(() => jsLoop(hcFile).catch((e: Error): Count => ({ words: NaN, distinct: NaN, error: e.message })));
    // The reference count when the loop cannot run: DuckDB (which spills too).
    const reference = hcLoop.out.error ? await duckdb(hcFile, workers) : hcLoop.out;
    const spill = (ds.lastJob?.stages ?? []).reduce((a, st) => a + st.spillBytes, 0);
    const words = hcLoop.out.error ? NaN : hcLoop.out.words;
    const good = hc.out === reference.distinct;
    if (!good) ok = false;
    rows.push([`JS loop, ${hcMb} MB, ${hcDistinct} ids (high cardinality)`, secs(hcLoop.wall), (words / hcLoop.wall / 1e6).toFixed(1), "1.00", hcLoop.cpu.toFixed(2), "1.00",
      hcLoop.out.error ? `failed: ${hcLoop.out.error}` : String(hcLoop.out.distinct), "ok"]);
    rows.push([`Weir reduceByKey, high cardinality (${budget}/task, ${heap} heap/worker, spilled ${(spill / 2 ** 20).toFixed(0)} MB, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB)`,
      secs(hc.wall), Number.isNaN(words) ? "" : (words / hc.wall / 1e6).toFixed(1), Number.isNaN(words) ? "" : ratio(hcLoop.wall, hc.wall), hc.cpu.toFixed(2),
      Number.isNaN(words) ? "" : ratio(hcLoop.cpu, hc.cpu), String(hc.out), good ? "ok" : "MISMATCH"]);
  } finally {
    await hcSpark.close();
  }
  return finish();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes("--smoke");
  const arg = (name: string): string | undefined => { const j = process.argv.indexOf(name); return j > 0 ? process.argv[j + 1] : undefined; };
  const table = await run({
    smoke, highCardinality: !process.argv.includes("--no-hc"), zipf: !process.argv.includes("--hc-only"),
    ...(arg("--mb") ? { mb: Number(arg("--mb")) } : {}), ...(arg("--reps") ? { reps: Number(arg("--reps")) } : {}), ...(arg("--hc-budget") ? { hcBudget: arg("--hc-budget")! } : {}),
  });
  console.log(table.text);
  if (!table.ok) process.exit(1);
}
