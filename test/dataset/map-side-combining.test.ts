import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session, type Emit } from "../../src/index.js";
import { canon, randomPairs, reduceRef, wordCountRef, zipfLines } from "./reference.js";

// Map-side combining has a fast path for numeric values (unboxed accumulators, batched combiner calls) and a
// generic path; these tests drive both, and the switch between them, under normal and tiny task budgets.
let spark: Session;
let tiny: Session;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "weir-ds-combine-"));
  spark = await Session.create({ conf: { "weir.js.workers": 2 } });
  tiny = await Session.create({ conf: { "weir.js.workers": 2, "weir.js.memoryPerTask": "1kb" } });
});
after(async () => {
  await spark.close();
  await tiny.close();
  rmSync(dir, { recursive: true, force: true });
});

const sumAny = (k: string | number, vs: number[], emit: Emit<string | number, number>): void => { let s = 0; for (const v of vs) s += v; emit(k, s); };
const sum = (w: string, vs: number[], emit: Emit<string, number>): void => { let s = 0; for (const v of vs) s += v; emit(w, s); };

describe("map-side combining", () => {
  for (const [name, session] of [["default budget", () => spark], ["1 KB budget (tables flushed early)", () => tiny]] as const) {
    test(`mapReduce word count with a summing combiner equals the reference (${name})`, async () => {
      const lines = zipfLines(23, 2000);
      const file = path.join(dir, `words-${name.length}.txt`);
      writeFileSync(file, lines.join("\n") + "\n");
      const ds = await session().mapReduce({ input: file, numReducers: 3, combine: sum, reduce: sum,
        map: (_o: number, line: string, emit: Emit<string, number>) => { for (const w of line.split(" ")) if (w) emit(w, 1); } });
      assert.deepEqual(new Map(await ds.collect()), wordCountRef(lines));
    });

    test(`reduceByKey with keys whose values are numbers, strings and tuples equals the reference max (${name})`, async () => {
      const data = randomPairs(7, 3000).map(([k, v], i): [unknown, unknown] =>
        i % 3 === 0 ? [k, v] : i % 3 === 1 ? [`s${k}`, `v${v}`] : [[k, i % 2], [v, -v]]);
      const max = (a: unknown, b: unknown): unknown => (JSON.stringify(a) > JSON.stringify(b) ? a : b);
      const got = await session().parallelize(data, 4).reduceByKey(max, 3).collect();
      const ref = new Map<string, [unknown, unknown]>();
      for (const [k, v] of data) { const e = ref.get(JSON.stringify(k)); ref.set(JSON.stringify(k), e ? [k, max(e[1], v)] : [k, v]); }
      assert.deepEqual(canon(got), canon([...ref.values()]));
    });
  }

  test("a mapReduce combiner sees number and string values of one task, and may emit several values per key", async () => {
    const input: [number, string][] = Array.from({ length: 400 }, (_, i) => [i, i % 5 === 4 ? `x${i}` : String(i % 7)]);
    const ds = await spark.mapReduce({
      input, numReducers: 2,
      map: (_k: number, v: string, emit: Emit<string, number | string>) => emit(`k${v.length}`, v.startsWith("x") ? v : Number(v)),
      // An identity combiner: every value passes through, in groups of any size.
      combine: (k: string, vs: (number | string)[], emit: Emit<string, number | string>) => { for (const v of vs) emit(k, v); },
      reduce: (k: string, vs: (number | string)[], emit: Emit<string, string>) => emit(k, vs.map(String).sort().join(",")),
    });
    const ref = new Map<string, string[]>();
    for (const [, v] of input) {
      const k = `k${v.length}`;
      ref.set(k, [...(ref.get(k) ?? []), v.startsWith("x") ? v : String(Number(v))]);
    }
    assert.deepEqual(new Map(await ds.collect()), new Map([...ref].map(([k, vs]) => [k, vs.sort().join(",")])));
  });

  test("a combiner that emits several values and other keys per call, over many batches of a growing table, equals the reference", async () => {
    // ~180k words from a 20k-word vocabulary: numeric batches fill, grow with the table and are combined many times.
    const lines = zipfLines(41, 12_000, 20_000);
    const file = path.join(dir, "split-emits.txt");
    writeFileSync(file, lines.join("\n") + "\n");
    // Emits the sum as two values (s - 1 and 1), plus a marker record under another key on every call.
    const combine = (w: string, ns: number[], emit: Emit<string, number>): void => {
      let s = 0;
      for (const n of ns) s += n;
      if (s > 1) { emit(w, s - 1); emit(w, 1); } else emit(w, s);
      emit(`#${w}`, 1);
    };
    const reduce = (w: string, ns: number[], emit: Emit<string, number>): void => {
      if (w.startsWith("#")) return;
      let s = 0;
      for (const n of ns) s += n;
      emit(w, s);
    };
    // spark twice: the second job's combiners reuse the batch buffers the first job's left on each worker.
    for (const session of [spark, tiny, spark]) {
      const ds = await session.mapReduce({ input: file, numReducers: 3, combine, reduce,
        map: (_o: number, line: string, emit: Emit<string, number>) => { for (const w of line.split(" ")) if (w) emit(w, 1); } });
      assert.deepEqual(new Map(await ds.collect()), wordCountRef(lines));
    }
  });

  test("string values arriving after many batches of numbers for the same keys are combined with the numbers' results", async () => {
    const input: [number, string][] = Array.from({ length: 60_000 }, (_, i) => [i, i < 50_000 ? String(i % 3) : `x${i % 3}`]);
    const ds = await spark.mapReduce({
      input, numReducers: 2,
      map: (k: number, v: string, emit: Emit<string, number | string>) => emit(`k${k % 97}`, v.startsWith("x") ? v : Number(v)),
      // Numbers are summed; once a string is among the values, everything is joined into one string.
      combine: (k: string, vs: (number | string)[], emit: Emit<string, number | string>) => {
        const nums = vs.filter((v): v is number => typeof v === "number");
        const strs = vs.filter((v): v is string => typeof v === "string");
        const total = nums.reduce((a, b) => a + b, 0);
        emit(k, strs.length ? [String(total), ...strs].join(",") : total);
      },
      reduce: (k: string, vs: (number | string)[], emit: Emit<string, string>) => {
        let total = 0;
        let xs = 0;
        for (const v of vs) for (const part of String(v).split(",")) if (part.startsWith("x")) xs++; else total += Number(part);
        emit(k, `${total}/${xs}`);
      },
    });
    const ref = new Map<string, [number, number]>();
    for (const [k, v] of input) {
      const e = ref.get(`k${k % 97}`) ?? [0, 0];
      if (v.startsWith("x")) e[1]++; else e[0] += Number(v);
      ref.set(`k${k % 97}`, e);
    }
    assert.deepEqual(new Map(await ds.collect()), new Map([...ref].map(([k, [t, x]]) => [k, `${t}/${x}`])));
  });

  test("mapReduce with combineOp (the fold fast path) gives the same counts as the general combiner on random data, under both budgets", async () => {
    const map = (_o: number, line: string, emit: Emit<string, number>): void => { for (const w of line.split(" ")) if (w) emit(w, 1); };
    for (const seed of [3, 11, 29]) {
      const lines = zipfLines(seed, 1500, 50 + seed * 40);
      const file = path.join(dir, `fold-${seed}.txt`);
      writeFileSync(file, lines.join("\n") + "\n");
      for (const session of [spark, tiny]) {
        const general = new Map(await (await session.mapReduce({ input: file, numReducers: 3, combine: sum, reduce: sum, map })).collect());
        const fold = new Map(await (await session.mapReduce({ input: file, numReducers: 3, combineOp: (a, b) => a + b, reduce: sum, map })).collect());
        assert.deepEqual(fold, general);
        assert.deepEqual(fold, wordCountRef(lines));
      }
    }
    // Pair input with integer keys and fractional values: per-key sums equal the single-threaded reference.
    const pairs = randomPairs(17, 4000).map(([k, v]): [string | number, number] => [k, v / 8]);
    const ref = new Map(reduceRef(pairs, (a, b) => a + b));
    for (const session of [spark, tiny]) {
      const got = await (await session.mapReduce({ input: pairs, numReducers: 2, combineOp: (a: number, b: number) => a + b,
        map: (k: string | number, v: number, emit: Emit<string | number, number>) => emit(k, v), reduce: sumAny })).collect();
      assert.deepEqual(new Map(got), ref);
    }
  });

  test("mapReduce with combineOp folding non-numeric values (string max) equals the reference", async () => {
    const pairs = randomPairs(5, 2000).map(([k, v]): [string, string] => [`g${k}`, `v${v}`]);
    const max = (a: string, b: string): string => (a > b ? a : b);
    const got = await (await spark.mapReduce({ input: pairs, numReducers: 2, combineOp: max,
      map: (k: string, v: string, emit: Emit<string, string>) => emit(k, v),
      reduce: (k: string, vs: string[], emit: Emit<string, string>) => emit(k, vs.reduce((a, b) => (a > b ? a : b))) })).collect();
    const ref = new Map<string, string>();
    for (const [k, v] of pairs) { const e = ref.get(k); ref.set(k, e === undefined || v > e ? v : e); }
    assert.deepEqual(new Map(got), ref);
  });

  test("mapReduce with both combine and combineOp fails at submission with WEIR_INVALID_ARGUMENT", async () => {
    await assert.rejects(spark.mapReduce({ input: [["a", 1]] as [string, number][], combine: sum, combineOp: (a: number, b: number) => a + b, reduce: sum,
      map: (k: string, v: number, emit: Emit<string, number>) => emit(k, v) }), (e: Error & { code?: string }) => e.code === "WEIR_INVALID_ARGUMENT" && /combineOp/.test(e.message));
  });

  test("reduceByKey over nearly all-distinct keys (map-side combining switches itself off) equals the reference", async () => {
    const data = Array.from({ length: 300_000 }, (_, i): [string, number] => [`id${(i * 7919) % 290_000}`, 1]);
    const got = await spark.parallelize(data, 2).reduceByKey((a, b) => a + b, 3).collect();
    assert.equal(got.length, 290_000);
    assert.equal(got.reduce((a, [, n]) => a + n, 0), 300_000);
    assert.deepEqual(got.filter(([, n]) => n === 2).length, 10_000);
  });

  test("numeric accumulators keep fractions, -0 and NaN exactly", async () => {
    const data: [string, number][] = [["a", 0.1], ["a", 0.2], ["z", -0], ["z", -0], ["n", NaN], ["n", 1], ["b", 2 ** 53], ["b", 1]];
    const got = new Map(await spark.parallelize(data, 2).reduceByKey((x, y) => x + y, 2).collect());
    assert.equal(got.get("a"), 0.1 + 0.2);
    assert.ok(Object.is(got.get("z"), -0));
    assert.ok(Number.isNaN(got.get("n")));
    assert.equal(got.get("b"), 2 ** 53 + 1);
  });
});
