/**
 * String functions against PySpark's documented results.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { col, lit, F } from "../../../src/index.js";
import { useSession, value, values } from "./eval.js";

const { spark } = useSession();
const s = (v: string | null) => [{ s: v }];

test("concat is null when any input is null, stringifies numbers and concatenates arrays", async () => {
  const rows = [{ a: "x", b: "y", n: 1 }, { a: "x", b: null, n: 2 }];
  assert.deepEqual(await values(spark(), rows, F.concat("a", lit("-"), "b")), ["x-y", null]);
  assert.deepEqual(await values(spark(), rows, F.concat("a", "n")), ["x1", "x2"]);
  assert.deepEqual(await values(spark(), [{ p: [1, 2], q: [3] }], F.concat("p", "q")), [[1, 2, 3]]);
});

test("concatWs skips nulls and flattens string arrays", async () => {
  const rows = [{ a: "x", b: null, c: "z" }];
  assert.deepEqual(await values(spark(), rows, F.concatWs("-", "a", "b", "c"), "a string, b string, c string"), ["x-z"]);
  assert.deepEqual(await values(spark(), [{ arr: ["a", "b"], c: "c" }], F.concatWs(",", "arr", "c")), ["a,b,c"]);
});

test("substring follows Spark: 1-based, 0 is the first char, negative from the end, clipped, empty for empty ranges", async () => {
  const cases: [number, number | undefined, string][] = [
    [1, 3, "hel"], [0, 2, "he"], [2, 3, "ell"], [-3, 2, "ll"], [-3, undefined, "llo"], [-10, 7, "he"], [-10, 3, ""],
    [10, 2, ""], [2, -1, ""], [2, 0, ""], [3, undefined, "llo"], [4, 100, "lo"],
  ];
  for (const [pos, len, want] of cases) {
    assert.equal((await values(spark(), s("hello"), F.substring("s", pos, len)))[0], want, `substring("hello", ${pos}, ${len})`);
  }
  assert.deepEqual(await values(spark(), s(null), F.substring("s", 1, 2), "s string"), [null]);
  assert.deepEqual(await values(spark(), s("hello"), col("s").substr(2, 3)), ["ell"]);
});

test("split by regex keeps trailing empty strings; a positive limit caps the parts, the last holding the rest", async () => {
  const one = s("oneAtwoBthreeC");
  assert.deepEqual(await values(spark(), one, F.split("s", "[ABC]")), [["one", "two", "three", ""]]);
  assert.deepEqual(await values(spark(), one, F.split("s", "[ABC]", 2)), [["one", "twoBthreeC"]]);
  assert.deepEqual(await values(spark(), one, F.split("s", "[ABC]", 1)), [["oneAtwoBthreeC"]]);
  assert.deepEqual(await values(spark(), one, F.split("s", "[ABC]", -1)), [["one", "two", "three", ""]]);
  assert.deepEqual(await values(spark(), one, F.split("s", "[ABC]", 10)), [["one", "two", "three", ""]]);
  assert.deepEqual(await values(spark(), s("a, b,  c"), F.split("s", ",\\s*", 2)), [["a", "b,  c"]]);
});

test("regexpExtract gives the group, '' when there is no match, null for null", async () => {
  const rows = [{ s: "100-200" }, { s: "foo" }, { s: null }];
  assert.deepEqual(await values(spark(), rows, F.regexpExtract("s", "(\\d+)-(\\d+)", 1), "s string"), ["100", "", null]);
  assert.deepEqual(await values(spark(), rows, F.regexpExtract("s", "(\\d+)-(\\d+)", 2), "s string"), ["200", "", null]);
  assert.deepEqual(await values(spark(), rows, F.regexpExtract("s", "(\\d+)-(\\d+)", 0), "s string"), ["100-200", "", null]);
});

test("regexpReplace replaces every match and understands Java's $n group references", async () => {
  assert.deepEqual(await values(spark(), s("100-200"), F.regexpReplace("s", "(\\d+)", "num")), ["num-num"]);
  assert.deepEqual(await values(spark(), s("100-200"), F.regexpReplace("s", "(\\d+)-(\\d+)", "$2-$1")), ["200-100"]);
  assert.deepEqual(await values(spark(), s("a.b"), F.regexpReplace("s", "\\.", "\\$")), ["a$b"]);
});

test("lower, upper, length, trim family, initcap, reverse, repeat", async () => {
  const one = s("  Hello World ");
  assert.deepEqual(await values(spark(), one, F.lower("s")), ["  hello world "]);
  assert.deepEqual(await values(spark(), one, F.upper("s")), ["  HELLO WORLD "]);
  assert.deepEqual(await values(spark(), one, F.length("s")), [14]);
  assert.deepEqual(await values(spark(), one, F.trim("s")), ["Hello World"]);
  assert.deepEqual(await values(spark(), one, F.ltrim("s")), ["Hello World "]);
  assert.deepEqual(await values(spark(), one, F.rtrim("s")), ["  Hello World"]);
  assert.deepEqual(await values(spark(), s("xxhixx"), F.trim("s", "x")), ["hi"]);
  assert.deepEqual(await values(spark(), s("hello wORLD"), F.initcap("s")), ["Hello World"]);
  assert.deepEqual(await values(spark(), s("abc"), F.reverse("s")), ["cba"]);
  assert.deepEqual(await values(spark(), s("ab"), F.repeat("s", 3)), ["ababab"]);
  assert.deepEqual(await values(spark(), s("héllo"), F.length("s")), [5]);
});

test("lpad/rpad pad to the length and truncate longer strings", async () => {
  assert.deepEqual(await values(spark(), s("abc"), F.lpad("s", 5, "x")), ["xxabc"]);
  assert.deepEqual(await values(spark(), s("abc"), F.rpad("s", 6, "xy")), ["abcxyx"]);
  assert.deepEqual(await values(spark(), s("abcdef"), F.lpad("s", 3, "x")), ["abc"]);
  assert.deepEqual(await values(spark(), s("7"), F.lpad("s", 3, "0")), ["007"]);
});

test("instr, locate (with start), substringIndex, translate", async () => {
  assert.deepEqual(await values(spark(), s("hello"), F.instr("s", "l")), [3]);
  assert.deepEqual(await values(spark(), s("hello"), F.instr("s", "z")), [0]);
  assert.deepEqual(await values(spark(), s("hello"), F.locate("l", "s")), [3]);
  assert.deepEqual(await values(spark(), s("hello"), F.locate("l", "s", 4)), [4]);
  assert.deepEqual(await values(spark(), s("www.apache.org"), F.substringIndex("s", ".", 2)), ["www.apache"]);
  assert.deepEqual(await values(spark(), s("www.apache.org"), F.substringIndex("s", ".", -2)), ["apache.org"]);
  assert.deepEqual(await values(spark(), s("AaBbCc"), F.translate("s", "abc", "123")), ["A1B2C3"]);
});

test("formatNumber groups thousands with d decimals; formatString is printf", async () => {
  assert.deepEqual(await values(spark(), [{ x: 1234567.891 }, { x: 0.5 }], F.formatNumber("x", 2)), ["1,234,567.89", "0.50"]);
  assert.deepEqual(await values(spark(), [{ x: 1234567.891 }], F.formatNumber("x", 0)), ["1,234,568"]);
  assert.deepEqual(await values(spark(), [{ a: "x", n: 5 }], F.formatString("%s-%d", "a", "n")), ["x-5"]);
});

test("ascii, base64 round trip, md5", async () => {
  assert.equal(await value(spark(), F.ascii(lit("A"))), 65);
  assert.equal(await value(spark(), F.md5(lit("abc"))), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(await value(spark(), F.unbase64(F.base64(lit("Spark").cast("binary"))).cast("string")), "Spark");
});
