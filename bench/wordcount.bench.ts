// Word count (MapReduce) benchmark, spec in ../shared/bench/README.md "Word count": Zipf text (50k-word
// vocabulary, exponent 1.1, lines of 5–20 words). Weir's mapReduce and reduceByKey on worker threads vs a
// single-threaded hand-written JS loop (split + Map) vs DuckDB SQL (string_split + unnest + GROUP BY), in one run,
// plus a high-cardinality variant (every token distinct-ish) under a small per-task memory budget to force spill.
//
//   tsx bench/wordcount.bench.ts [--smoke] [--mb 1024]      (bench/run.ts imports run())
import { createReadStream, createWriteStream } from "node:fs";
import os from "node:os";
import { DuckDBInstance } from "@duckdb/node-api";
import { Session, type Emit } from "../src/index.js";
import { ensureDataFile } from "./data-dir.js";
import { formatTable, ratio, secs, timed } from "./report.js";

/** What run() returns: a printable table plus whether all engines agreed. */
export interface BenchTable {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly text: string;
  readonly ok: boolean;
}

function rng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

/** Run the benchmark; `smoke` uses tiny inputs (seconds). */
export async function run(opts: { smoke: boolean; mb?: number; highCardinality?: boolean }): Promise<BenchTable> {
  const workers = os.availableParallelism();
  const mb = opts.mb ?? (opts.smoke ? 4 : 1024);
  const file = await ensureDataFile(`wordcount-zipf-${mb}mb.txt`, (tmp) => generate(tmp, mb * 2 ** 20));
  const hcDistinct = opts.smoke ? 200_000 : 20_000_000;
  const hcMb = opts.smoke ? 4 : 512;
  const hcFile = opts.highCardinality === false ? "" : await ensureDataFile(`wordcount-distinct-${hcDistinct}-${hcMb}mb.txt`, (tmp) => generate(tmp, hcMb * 2 ** 20, hcDistinct));
  const rows: string[][] = [];
  let ok = true;
  const spark = await Session.create({ conf: { "weir.js.workers": workers, "weir.js.memoryPerTask": "256MB" } });
  try {
    const [tLoop, loop] = await timed(() => jsLoop(file));
    const [tDuck, duck] = await timed(() => duckdb(file, workers));
    const [tRbk, rbk] = await timed(async () => summarize(await (await spark.textFile(file)).flatMap((l) => l.split(" ")).filter((w) => w !== "")
      .map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b).collect()));
    const [tMr, mr] = await timed(async () => summarize(await (await spark.mapReduce({
      input: file,
      map: (_offset: number, line: string, emit: Emit<string, number>) => { for (const w of line.split(" ")) if (w) emit(w, 1); },
      combine: (w: string, ns: number[], emit: Emit<string, number>) => { let s = 0; for (const n of ns) s += n; emit(w, s); },
      reduce: (w: string, ns: number[], emit: Emit<string, number>) => { let s = 0; for (const n of ns) s += n; emit(w, s); },
    })).collect()));
    const agree = (x: { words: number; distinct: number }): string => (x.words === loop.words && x.distinct === loop.distinct ? "ok" : (ok = false, "MISMATCH"));
    const row = (name: string, t: number, x: { words: number; distinct: number }): string[] =>
      [name, secs(t), (x.words / t / 1e6).toFixed(1), ratio(tLoop, t), String(x.distinct), agree(x)];
    rows.push(row("JS loop, 1 thread (baseline)", tLoop, loop), row(`Weir reduceByKey, ${workers} workers`, tRbk, rbk),
      row(`Weir mapReduce+combine, ${workers} workers`, tMr, mr), row(`DuckDB SQL, ${workers} threads`, tDuck, duck));

    // High cardinality: spill under a small budget (1 GB total across tasks in full mode).
    spark.conf.set("weir.js.memoryPerTask", opts.smoke ? "1MB" : "256MB");
    if (!hcFile) return finish();
    const hcSpark = await Session.create({ conf: { "weir.js.workers": workers, "weir.js.memoryPerTask": opts.smoke ? "1MB" : "256MB" } });
    try {
      // A JS Map holds at most 2^24 entries: past that the single-threaded baseline cannot run at all.
      const [tHcLoop, hcLoop] = await timed(() => jsLoop(hcFile).catch((e: Error) => ({ words: NaN, distinct: NaN, error: e.message })));
      const ds = (await hcSpark.textFile(hcFile)).flatMap((l) => l.split(" ")).map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b);
      const [tHc, hcCount] = await timed(() => ds.count());
      const spill = (ds.lastJob?.stages ?? []).reduce((a, s) => a + s.spillBytes, 0);
      const good = Number.isNaN(hcLoop.distinct) || hcCount === hcLoop.distinct;
      if (!good) ok = false;
      rows.push([`JS loop, ${hcDistinct} ids (high cardinality)`, secs(tHcLoop), (hcLoop.words / tHcLoop / 1e6).toFixed(1), "1.00", "error" in hcLoop ? `failed: ${hcLoop.error}` : String(hcLoop.distinct), "ok"]);
      rows.push([`Weir reduceByKey, high cardinality (spilled ${(spill / 2 ** 20).toFixed(0)} MB)`, secs(tHc), (hcLoop.words / tHc / 1e6).toFixed(1), ratio(tHcLoop, tHc), String(hcCount), good ? "ok" : "MISMATCH"]);
    } finally {
      await hcSpark.close();
    }
  } finally {
    await spark.close();
  }
  return finish();
  function finish(): BenchTable {
  const header = ["engine", "seconds", "M words/s", "× JS loop", "distinct", "check"];
  const title = `Word count, ${mb} MB Zipf text (${workers} cores)`;
  return { title, header, rows, ok, text: `${title}\n${formatTable(header, rows)}` };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const smoke = process.argv.includes("--smoke");
  const i = process.argv.indexOf("--mb");
  const table = await run({ smoke, highCardinality: !process.argv.includes("--no-hc"), ...(i > 0 ? { mb: Number(process.argv[i + 1]) } : {}) });
  console.log(table.text);
  if (!table.ok) process.exit(1);
}
