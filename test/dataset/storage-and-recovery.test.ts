import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { fnRef, Session, WeirError, type Emit } from "../../src/index.js";
import type { failOnce } from "./helpers.js";
import { canon, groupRef, randomPairs, reduceRef, wordCountRef, zipfLines } from "./reference.js";

let spark: Session;
let tiny: Session;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "weir-ds-store-"));
  spark = await Session.create({ conf: { "weir.js.workers": 2 } });
  tiny = await Session.create({ conf: { "weir.js.workers": 2, "weir.js.memoryPerTask": "2kb" } });
});
after(async () => {
  await spark.close();
  await tiny.close();
  rmSync(dir, { recursive: true, force: true });
});

const failOnceRef = fnRef<typeof failOnce>(new URL("./helpers.ts", import.meta.url), "failOnce");

/** Every file under `d`. */
const filesUnder = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(d, e.name)) : [path.join(d, e.name)]));

const spilled = (s: { lastJob?: { stages: { spillBytes: number }[] } }): number => (s.lastJob?.stages ?? []).reduce((a, st) => a + st.spillBytes, 0);

describe("spill, caching, checkpoints and text files", () => {
  test("typed arrays in records survive a shuffle, a spill, a DISK cache and collect with their element type and values", async () => {
    const rows: [number, Float64Array | Int32Array | BigInt64Array | Float32Array | Uint8ClampedArray | Int8Array][] = Array.from({ length: 60 }, (_, i) => [i % 4,
      i % 5 === 0 ? new Float64Array([i + 0.5, -0, NaN, Infinity]) : i % 5 === 1 ? new Int32Array([i, -i, 2 ** 31 - 1]) : i % 5 === 2 ? new BigInt64Array([BigInt(i), -(2n ** 63n)])
        : i % 5 === 3 ? new Float32Array([i / 3]) : i % 2 ? new Uint8ClampedArray([255, i]) : new Int8Array(new Int8Array([1, 2, 3, -4]).buffer, 1, 2)]);
    for (const session of [spark, tiny]) {
      const grouped = session.parallelize(rows, 3).groupByKey(2).persist("DISK");
      const got = new Map(await grouped.collect());
      assert.equal(got.size, 4);
      for (const [k, vs] of got) {
        const want = rows.filter(([r]) => r === k).map(([, v]) => v);
        assert.equal(vs.length, want.length);
        for (const w of want) assert.ok(vs.some((v) => v.constructor === w.constructor && v.length === w.length && v.every((x, j) => Object.is(x, w[j]))), `key ${k}: ${w.constructor.name} [${String(w)}] arrives intact`);
      }
      assert.deepEqual(new Map(await grouped.collect()), got, "the DISK-cached copy reads back the same");
    }
  });

  test("the task memory budget counts typed arrays by their bytes and Maps and Sets by their entries", async () => {
    const mid = await Session.create({ conf: { "weir.js.workers": 2, "weir.js.memoryPerTask": "1MB" } });
    try {
      // 64 vectors of 1000 doubles: 512 KB of data, within the budget (it was estimated at ~60 bytes an element).
      const vectors = Array.from({ length: 64 }, (_, i) => [i % 4, new Float64Array(1000).fill(i)] as [number, Float64Array]);
      const byKey = mid.parallelize(vectors, 1).groupByKey(1);
      assert.deepEqual((await byKey.collect()).map(([k, vs]) => [k, vs.length]).sort(), [[0, 16], [1, 16], [2, 16], [3, 16]]);
      assert.equal(spilled(byKey), 0, "512 KB of vectors fit a 1 MB budget");
      // 100 Maps of 200 entries and as many Sets: megabytes of data, past the budget (a Map was estimated at 64 bytes).
      for (const make of [(i: number) => new Map(Array.from({ length: 200 }, (_, j) => [`key-${i}-${j}`, j])), (i: number) => new Set(Array.from({ length: 200 }, (_, j) => `member-${i}-${j}`))]) {
        const rows = Array.from({ length: 100 }, (_, i) => [i % 3, make(i)] as [number, Map<string, number> | Set<string>]);
        const grouped = mid.parallelize(rows, 1).groupByKey(1);
        assert.deepEqual((await grouped.collect()).map(([k, vs]) => [k, vs.reduce((n, v) => n + v.size, 0)]).sort(), [[0, 34 * 200], [1, 33 * 200], [2, 33 * 200]]);
        assert.ok(spilled(grouped) > 0, `${rows[0]![1].constructor.name}s of 200 entries x 100 spill under a 1 MB budget`);
      }
    } finally {
      await mid.close();
    }
  });

  test("groupByKey, sortByKey, join and reduceByKey spill under a 2 KB task budget and still equal the reference", async () => {
    const data = randomPairs(5, 3000).map(([k, v], i) => [`${k}-${i % 300}`, v] as [string, number]);
    const ds = tiny.parallelize(data, 3);
    const grouped = ds.groupByKey(2);
    const g = await grouped.collect();
    assert.ok(spilled(grouped) > 0, "groupByKey spilled");
    assert.deepEqual(canon(g.map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)])), canon(groupRef(data)));
    const sorted = ds.sortByKey(true, 2).keys();
    const s = await sorted.collect();
    assert.ok(spilled(sorted) > 0, "sortByKey spilled");
    assert.deepEqual(s, data.map(([k]) => k).sort());
    const joined = ds.join(tiny.parallelize(data.slice(0, 500), 2));
    const j = await joined.count();
    const ref = new Map(groupRef(data.slice(0, 500)).map(([k, vs]) => [k, vs.length]));
    assert.equal(j, data.reduce((a, [k]) => a + (ref.get(k) ?? 0), 0));
    assert.ok(spilled(joined) > 0, "join spilled");
    const sums = await ds.reduceByKey((a, b) => a + b).collect();
    assert.equal(sums.length, new Set(data.map(([k]) => k)).size);
  });

  test("shuffle files lost after a job are recomputed: the reducers' FetchFailed reruns the map stage", async () => {
    const data = randomPairs(9, 500);
    const sums = spark.parallelize(data, 3).reduceByKey((a, b) => a + b, 2);
    const first = canon(await sums.collect());
    const root = path.join(spark.tempDir, "js");
    const shuffles = readdirSync(root).filter((d) => d.startsWith("shuffle-"));
    assert.ok(shuffles.length > 0, "the first job wrote shuffle files");
    for (const d of shuffles) rmSync(path.join(root, d), { recursive: true });
    assert.deepEqual(canon(await sums.collect()), first);
    const stages = sums.lastJob!.stages;
    assert.ok(stages.some((st) => st.kind === "shuffleMap"), "the map stage ran again");
  });

  test("shuffle files truncated after a job (to half, to zero bytes, to a record boundary) are recomputed like lost ones and the answer is unchanged", async () => {
    const data = randomPairs(13, 2000);
    const sums = spark.parallelize(data, 3).reduceByKey((a, b) => a + b, 2);
    const first = canon(await sums.collect());
    assert.deepEqual(first, canon(reduceRef(data, (a, b) => a + b)));
    const root = path.join(spark.tempDir, "js");
    const shuffleFiles = (): string[] => filesUnder(root).filter((f) => /shuffle-\d+\/map-/.test(f) && statSync(f).size > 0);
    for (const cut of [(n: number) => Math.floor(n / 2), () => 0, (n: number) => n - 12]) { // n - 12: only the end marker is gone
      const files = shuffleFiles();
      assert.ok(files.length > 0, "the job wrote shuffle files");
      for (const f of files) truncateSync(f, cut(statSync(f).size));
      assert.deepEqual(canon(await sums.collect()), first);
      assert.ok(sums.lastJob!.stages.some((st) => st.kind === "shuffleMap" && st.tasks === 3), "the map stage ran again");
    }
  });

  test("shuffle files of a failed map attempt and of a map run replaced after FetchFailed are deleted: only the current outputs stay", async () => {
    const root = path.join(spark.tempDir, "js");
    const shuffles = (): string[] => (existsSync(root) ? readdirSync(root) : []).filter((d) => d.startsWith("shuffle-"));
    const known = new Set(shuffles());
    const passed = path.join(dir, "map-passes");
    writeFileSync(passed, "1");
    const failing = path.join(dir, "map-fails-once");
    // Partition 1's task writes records of its first rows, then throws on the last one (once): a partial attempt.
    const rows = Array.from({ length: 40 }, (_, i) => [i === 39 ? failing : passed, "throw", i] as [string, string, number]);
    const sums = spark.parallelize(rows, 2).map(failOnceRef).map((v): [number, number] => [v % 5, v]).reduceByKey((a, b) => a + b, 3);
    const want = canon(reduceRef(rows.map(([, , v]): [number, number] => [(v * 2) % 5, v * 2]), (a, b) => a + b));
    assert.deepEqual(canon(await sums.collect()), want);
    const [mine] = shuffles().filter((d) => !known.has(d));
    assert.ok(mine !== undefined, "the job wrote a shuffle");
    const mapDirs = (): string[] => readdirSync(path.join(root, mine)).sort();
    assert.equal(mapDirs().length, 2, `one output directory per map task, none of the failed attempt: ${mapDirs().join(", ")}`);
    const firstRun = mapDirs();
    for (const f of filesUnder(path.join(root, mine))) truncateSync(f, Math.floor(statSync(f).size / 2));
    assert.deepEqual(canon(await sums.collect()), want);
    // Each of the 3 reducers hits a truncated file (one after another on 2 workers): one rerun serves them all.
    assert.equal(sums.lastJob!.stages.filter((st) => st.kind === "shuffleMap").length, 1, "the map stage ran again, once");
    assert.equal(mapDirs().length, 2, `the replaced run's files are gone once no job runs: ${mapDirs().join(", ")}`);
    assert.ok(mapDirs().every((d) => !firstRun.includes(d)));
    assert.deepEqual(canon(await sums.collect()), want, "the current outputs are intact");
    assert.ok(sums.lastJob!.stages.every((st) => st.kind === "result"));
  });

  test("a shuffle's files and a Dataset's DISK blocks are deleted once no Dataset can read them; a Dataset still held keeps its files", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const root = path.join(spark.tempDir, "js");
    const shuffles = (): string[] => (existsSync(root) ? readdirSync(root) : []).filter((d) => d.startsWith("shuffle-"));
    const blocks = (id: number): string[] => readdirSync(path.join(root, "blocks")).filter((f) => f.startsWith(`rdd${id}_`));
    const known = new Set(shuffles());
    const data = randomPairs(31, 400);
    const kept = spark.parallelize(data, 2).reduceByKey((a, b) => a + b, 2);
    const want = canon(await kept.collect());
    const keptShuffle = shuffles().find((d) => !known.has(d))!;
    // A job's lineage that goes out of scope with the function (its Datasets are not returned).
    const dropped = await (async () => {
      const ds = spark.parallelize(data, 3).groupByKey(2).persist("DISK");
      assert.equal(await ds.count(), new Set(data.map(([k]) => k)).size);
      return { shuffle: shuffles().find((d) => !known.has(d) && d !== keptShuffle)!, id: ds.id };
    })();
    assert.ok(dropped.shuffle !== undefined && blocks(dropped.id).length === 2, "the dropped Dataset wrote a shuffle and two blocks");
    for (let i = 0; i < 50 && (shuffles().includes(dropped.shuffle) || blocks(dropped.id).length > 0); i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(!shuffles().includes(dropped.shuffle), "the dropped Dataset's shuffle files are deleted");
    assert.deepEqual(blocks(dropped.id), [], "its DISK blocks are deleted");
    assert.ok(shuffles().includes(keptShuffle));
    assert.deepEqual(canon(await kept.collect()), want);
    assert.deepEqual(kept.lastJob!.stages.map((st) => st.kind), ["result"], "the held Dataset's shuffle was not recomputed");
  });

  test("a join whose left shuffle lost its files reruns only the left map stage; the right shuffle's outputs are kept", async () => {
    const root = path.join(spark.tempDir, "js");
    const shuffles = (): string[] => (existsSync(root) ? readdirSync(root) : []).filter((d) => d.startsWith("shuffle-"));
    const known = new Set(shuffles());
    const left = randomPairs(21, 300);
    const right = randomPairs(22, 200);
    const joined = spark.parallelize(left, 3).join(spark.parallelize(right, 2), 2);
    const first = canon(await joined.collect());
    const [l, r] = shuffles().filter((d) => !known.has(d)).sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
    assert.ok(l !== undefined && r !== undefined, "the join wrote two shuffles");
    const rightFiles = filesUnder(path.join(root, r)).sort();
    for (const f of filesUnder(path.join(root, l))) truncateSync(f, 0);
    assert.deepEqual(canon(await joined.collect()), first);
    const maps = joined.lastJob!.stages.filter((st) => st.kind === "shuffleMap");
    assert.deepEqual(maps.map((st) => st.tasks), [3], "only the left side's 3 map tasks ran again");
    assert.deepEqual(filesUnder(path.join(root, r)).sort(), rightFiles);
  });

  test("a cached DISK block truncated or overwritten with garbage is dropped and recomputed from lineage", async () => {
    const ds = spark.parallelize(Array.from({ length: 3000 }, (_, i) => ({ i, s: `v${i}` })), 3).map((r) => ({ ...r, twice: r.i * 2 })).persist("DISK");
    const first = await ds.collect();
    const blocks = path.join(spark.tempDir, "js", "blocks");
    const mine = (): string[] => readdirSync(blocks).filter((f) => f.startsWith(`rdd${ds.id}_`)).map((f) => path.join(blocks, f));
    assert.equal(mine().length, 3);
    const sizes = mine().map((f) => statSync(f).size);
    truncateSync(mine()[0]!, 40);
    const fd = openSync(mine()[1]!, "r+");
    writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, 100); // an unknown tag mid-file; length and end marker intact
    closeSync(fd);
    assert.deepEqual(await ds.collect(), first);
    assert.deepEqual(mine().map((f) => statSync(f).size), sizes, "the blocks were written again");
    assert.equal(await ds.map((r) => r.twice).reduce((a, b) => a + b), 3000 * 2999);
  });

  test("a corrupt checkpoint or spooled-source file cannot be recomputed: the action fails at once with WEIR_RECORD_FILE_CORRUPT naming the file", async () => {
    const cp = spark.parallelize([["a", 1], ["b", 2], ["a", 3]] as [string, number][], 2).reduceByKey((a, b) => a + b);
    await cp.checkpoint();
    assert.deepEqual(canon(await cp.collect()), canon([["a", 4], ["b", 2]]));
    const cpFiles = filesUnder(path.join(spark.tempDir, "js", "checkpoints")).filter((f) => statSync(f).size > 12);
    assert.ok(cpFiles.length > 0);
    for (const f of cpFiles) truncateSync(f, 5);
    await assert.rejects(cp.collect(), (e: unknown) => {
      assert.ok(e instanceof WeirError);
      assert.equal(e.code, "WEIR_RECORD_FILE_CORRUPT");
      assert.match(e.message, /Record file ".*checkpoints.*" is truncated .*; it is a checkpoint of Dataset\[\d+\], which has no lineage to recompute it from/);
      assert.ok(cpFiles.includes(String(e.details.file)));
      assert.match(e.hint ?? "", /rebuild the Dataset/);
      return true;
    });
    const spooled = spark.fromAsyncIterable((async function* () { for (let i = 0; i < 500; i++) yield { i }; })(), 2);
    assert.equal(await spooled.count(), 500);
    const spool = filesUnder(path.join(spark.tempDir, "js", "sources")).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
    rmSync(spool);
    await assert.rejects(spooled.map((r) => r.i).collect(), { code: "WEIR_RECORD_FILE_CORRUPT", message: /is missing; it is the spooled records of fromAsyncIterable\(\)/ });
  });

  test("Map and Set values survive a shuffle, a DISK block and collect (they are plain data, not lossy {})", async () => {
    const rows = [["a", new Map([["x", 1]])], ["b", new Map<string, number>()], ["a", new Map([["y", 2]])]] as [string, Map<string, number>][];
    const grouped = await spark.parallelize(rows, 2).groupByKey(2).mapValues((ms) => new Set(ms.flatMap((m) => [...m.keys()]))).persist("DISK").collect();
    assert.deepEqual(canon(grouped.map(([k, s]) => [k, [...s].sort()])), canon([["a", ["x", "y"]], ["b", []]]));
    assert.ok(grouped.every(([, s]) => s instanceof Set));
  });

  test("a cached DISK partition whose file is lost is recomputed from lineage", async () => {
    const ds = spark.parallelize(Array.from({ length: 100 }, (_, i) => i), 4).map((x) => x * 2).persist("DISK");
    const first = await ds.collect();
    assert.match(ds.toDebugString(), /\[DISK, 4\/4 cached\]/);
    const blocks = path.join(spark.tempDir, "js", "blocks");
    for (const f of readdirSync(blocks)) if (f.startsWith(`rdd${ds.id}_`)) rmSync(path.join(blocks, f));
    assert.deepEqual(await ds.collect(), first);
    assert.ok(readdirSync(blocks).some((f) => f.startsWith(`rdd${ds.id}_`)), "blocks written again");
    const mem = spark.parallelize([3, 1, 2], 2).map((x) => x + 1).cache();
    assert.deepEqual(await mem.collect(), [4, 2, 3]);
    assert.deepEqual(await mem.map((x) => x * 10).collect(), [40, 20, 30]);
    mem.unpersist();
    assert.deepEqual(await mem.collect(), [4, 2, 3]);
    // Spark's storage level names are the same levels.
    const spark1 = spark.parallelize([1, 2], 2).persist("DISK_ONLY");
    assert.deepEqual(await spark1.collect(), [1, 2]);
    assert.match(spark1.toDebugString(), /\[DISK, 2\/2 cached\]/);
    assert.throws(() => spark1.persist("MEMORY_ONLY"), /already persisted as DISK/);
    assert.throws(() => spark.parallelize([1]).persist("OFF_HEAP" as never), (e: unknown) => (e as { code?: string }).code === "WEIR_INVALID_ARGUMENT");
  });

  test("checkpoint() truncates the lineage to its files and keeps the data", async () => {
    const ds = spark.parallelize([["a", 1], ["b", 2], ["a", 3]] as [string, number][], 2).reduceByKey((a, b) => a + b);
    assert.match(ds.toDebugString(), /ParallelCollectionDataset/);
    await ds.checkpoint();
    assert.doesNotMatch(ds.toDebugString(), /ParallelCollectionDataset|\+-/);
    assert.match(ds.toDebugString(), /CheckpointDataset/);
    assert.deepEqual(canon(await ds.mapValues((v) => v * 10).collect()), canon([["a", 40], ["b", 20]]));
  });

  test("textFile splits a file by byte range at line boundaries: every line exactly once for any split count", async () => {
    const lines = zipfLines(3, 400).map((l, i) => (i % 7 === 0 ? `é ${l}` : i % 11 === 0 ? "" : l));
    const file = path.join(dir, "text.txt");
    writeFileSync(file, lines.join("\r\n") + "\r\n");
    for (const min of [1, 3, 7, 50]) {
      const ds = await spark.textFile(file, min);
      assert.ok(ds.getNumPartitions() >= Math.min(min, 2));
      assert.deepEqual(await ds.collect(), lines, `minPartitions ${min}`);
    }
    writeFileSync(path.join(dir, "no-newline.txt"), "x\ny");
    assert.deepEqual(await (await spark.textFile(path.join(dir, "no-newline.txt"), 2)).collect(), ["x", "y"]);
  });

  test("word count by mapReduce (with combiner) and by reduceByKey equals a reference count", async () => {
    const lines = zipfLines(11, 600);
    const file = path.join(dir, "words.txt");
    writeFileSync(file, lines.join("\n") + "\n");
    const ref = wordCountRef(lines);
    const mr = await tiny.mapReduce({
      input: file,
      map: (_offset: number, line: string, emit: Emit<string, number>) => { for (const w of line.split(" ")) if (w) emit(w, 1); },
      combine: (w: string, ones: number[], emit: Emit<string, number>) => emit(w, ones.reduce((a, b) => a + b, 0)),
      reduce: (w: string, ones: number[], emit: Emit<string, number>) => emit(w, ones.reduce((a, b) => a + b, 0)),
      numReducers: 3,
    });
    assert.deepEqual(new Map(await mr.collect()), ref);
    const rbk = (await spark.textFile(file, 4)).flatMap((l) => l.split(" ")).map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b, 2);
    assert.deepEqual(new Map(await rbk.collect()), ref);
    const stages = rbk.lastJob!.stages;
    assert.equal(stages.length, 2);
    assert.ok(stages[0]!.shuffleBytesWritten > 0 && stages[1]!.shuffleBytesRead === stages[0]!.shuffleBytesWritten);
    assert.match(rbk.toDebugString(), /\(2\) ShuffledDataset\[\d+\] reduceByKey \[\]\n \+-\(\d+\) MapPartitionsDataset/);
  });

  test("saveAsTextFile publishes part files atomically and refuses an existing output", async () => {
    const out = path.join(dir, "out");
    await spark.parallelize(["a", "b", "c"], 2).saveAsTextFile(out);
    const parts = readdirSync(out).filter((f) => f.startsWith("part-")).sort();
    assert.deepEqual(parts, ["part-00000", "part-00001"]);
    assert.ok(existsSync(path.join(out, "_SUCCESS")));
    assert.equal(parts.map((p) => readFileSync(path.join(out, p), "utf8")).join(""), "a\nb\nc\n");
    await assert.rejects(spark.parallelize([1]).saveAsTextFile(out), { code: "WEIR_PATH_EXISTS" });
  });
});
