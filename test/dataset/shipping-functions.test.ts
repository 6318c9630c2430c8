import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Session, fnRef, WeirError } from "../../src/index.js";
import { shout, tokenize } from "./helpers.js";

let spark: Session;
before(async () => { spark = await Session.create({ conf: { "weir.js.workers": 2 } }); });
after(async () => { await spark.close(); });

const helpers = new URL("./helpers.ts", import.meta.url);

describe("shipping functions to worker threads", () => {
  test("an inline pure lambda runs in the workers", async () => {
    assert.deepEqual(await spark.parallelize([1, 2, 3], 2).map((x) => x * x + Math.max(0, x - 2)).collect(), [1, 4, 10]);
  });

  test("a lambda reading an outer variable fails at submission with WEIR_FUNCTION_NOT_SERIALIZABLE naming it and the fix", () => {
    const factor = 3;
    const ds = spark.parallelize([1, 2, 3]);
    assert.throws(() => ds.map((x) => x * factor), (e: unknown) => {
      assert.ok(e instanceof WeirError);
      assert.equal(e.code, "WEIR_FUNCTION_NOT_SERIALIZABLE");
      assert.match(e.message, /reads "factor"/);
      assert.match(e.message, /capture: \{ factor \}/);
      assert.deepEqual(e.details.freeVariables, ["factor"]);
      return true;
    });
  });

  test("an imported helper used without capture is named too; inner declarations, params and globals are not free", () => {
    const ds = spark.parallelize(["a b"]);
    assert.throws(() => ds.flatMap((l) => tokenize(l)), { code: "WEIR_FUNCTION_NOT_SERIALIZABLE", message: /"tokenize"/ });
    const ok = ds.flatMap((l) => {
      const parts = l.split(" ");
      function twice(s: string): string { return s + s; }
      for (const [i, p] of parts.entries()) parts[i] = twice(p);
      try { JSON.parse("{"); } catch (err) { void err; }
      return parts.map(({ length }) => String(length) + new Date(0).getTime());
    });
    assert.ok(ok);
  });

  test("values passed through capture, including functions and objects, reach the workers", async () => {
    const factor = 3;
    const table = { a: 1, b: 2 } as Record<string, number>;
    const bump = (x: number): number => x + 100;
    const out = await spark.parallelize(["a", "b"], 2).map((k) => bump(table[k]! * factor), { capture: { factor, table, bump } }).collect();
    assert.deepEqual(out, [103, 106]);
  });

  test("a broadcast variable is read through .value in the workers", async () => {
    const stop = spark.broadcast(new Set(["the", "a"]));
    const out = await spark.parallelize(["the cat", "a dog"], 2).flatMap((l) => l.split(" ").filter((w) => !stop.value.has(w)), { capture: { stop } }).collect();
    assert.deepEqual(out, ["cat", "dog"]);
  });

  test("an accumulator sums what tasks add (successful attempts only)", async () => {
    const odd = spark.accumulator(0);
    await spark.parallelize([1, 2, 3, 4, 5], 3).foreach((x) => { if (x % 2 === 1) odd.add(1); }, { capture: { odd } });
    assert.equal(odd.value, 3);
  });

  test("functions exported by the user's module are shipped by fnRef(url, name), directly or captured", async () => {
    const words = spark.parallelize(["x y", "z"], 2).flatMap(fnRef<typeof tokenize>(helpers, "tokenize"));
    assert.deepEqual(await words.collect(), ["x", "y", "z"]);
    const loud = words.map((w) => up(w), { capture: { up: fnRef<typeof shout>(helpers, "shout") } });
    assert.deepEqual(await loud.collect(), ["X!", "Y!", "Z!"]);
  });

  test("method shorthand and function expressions work; an arrow reading `this` and a non-copyable capture are refused", async () => {
    const obj = { double(x: number) { return x * 2; } };
    assert.deepEqual(await spark.parallelize([1, 2]).map(obj.double).collect(), [2, 4]);
    assert.deepEqual(await spark.parallelize([1, 2]).map(function (x) { return x + 1; }).collect(), [2, 3]);
    class Holder { k = 2; run() { return spark.parallelize([1]).map((x) => x * this.k); } }
    assert.throws(() => new Holder().run(), { code: "WEIR_FUNCTION_NOT_SERIALIZABLE", message: /"this"/ });
    assert.throws(() => spark.parallelize([1]).map((x) => x, { capture: { sym: Symbol("s") } }), { code: "WEIR_FUNCTION_NOT_SERIALIZABLE", message: /"sym"/ });
    assert.throws(() => spark.parallelize([1]).map(Math.sqrt), { code: "WEIR_FUNCTION_NOT_SERIALIZABLE" });
  });
});

// The declarations below make `up` type-check in the test above; in workers it is the captured fnRef.
declare function up(s: string): string;
