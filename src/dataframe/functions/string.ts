import type { Column } from "../column.js";
import { c, callExprs, val, type ColumnLike } from "./helpers.js";

const s1 = (name: string) => (x: ColumnLike): Column<string> => callExprs(name, [c(x)]);

/** Lower-case. @example `F.lower("name")` */
export const lower = s1("lower");
/** Upper-case. @example `F.upper("name")` */
export const upper = s1("upper");
/** Character length. @example `F.length("name")` */
export const length = (x: ColumnLike): Column<number> => callExprs("length", [c(x)]);
/** Trim spaces (or the given characters) on both sides. @example `F.trim("s")` */
export const trim = (x: ColumnLike, chars?: string): Column<string> => callExprs("trim", chars === undefined ? [c(x)] : [c(x), val(chars)]);
/** Trim on the left. @example `F.ltrim("s")` */
export const ltrim = (x: ColumnLike, chars?: string): Column<string> => callExprs("ltrim", chars === undefined ? [c(x)] : [c(x), val(chars)]);
/** Trim on the right. @example `F.rtrim("s")` */
export const rtrim = (x: ColumnLike, chars?: string): Column<string> => callExprs("rtrim", chars === undefined ? [c(x)] : [c(x), val(chars)]);
/** Concatenate (null if any input is null, as in Spark). @example `F.concat("first", F.lit(" "), "last")` */
export const concat = (...xs: ColumnLike[]): Column<string> => callExprs("concat", xs.map(c));
/** Concatenate with a separator, skipping nulls. @example `F.concatWs("-", "y", "m", "d")` */
export const concatWs = (sep: string, ...xs: ColumnLike[]): Column<string> => callExprs("concat_ws", [val(sep), ...xs.map(c)]);
/** Substring from 1-based `pos` (negative counts from the end) of `len` characters. @example `F.substring("s", 1, 3)` */
export const substring = (x: ColumnLike, pos: number, len?: number): Column<string> => callExprs("substring", len === undefined ? [c(x), val(pos)] : [c(x), val(pos), val(len)]);
/** The part before the `count`-th delimiter (negative: after, from the right). @example `F.substringIndex("host", ".", 2)` */
export const substringIndex = (x: ColumnLike, delim: string, count: number): Column<string> => callExprs("substring_index", [c(x), val(delim), val(count)]);
/** Split by a regular expression into an array (at most `limit` parts when > 0). @example `F.split("csv", ",")` */
export const split = (x: ColumnLike, pattern: string, limit = -1): Column<string[]> => callExprs("split", limit > 0 ? [c(x), val(pattern), val(limit)] : [c(x), val(pattern)]);
/** The `idx`-th group of the first match of `pattern` (empty string when no match, as in Spark). @example `F.regexpExtract("s", "(\\d+)", 1)` */
export const regexpExtract = (x: ColumnLike, pattern: string, idx = 1): Column<string> => callExprs("regexp_extract", [c(x), val(pattern), val(idx)]);
/**
 * Replace every match of `pattern`; the replacement uses Java's syntax as in Spark (`$1` is group 1, `\$` a dollar).
 * @example `F.regexpReplace("s", "(\\d+)", "<$1>")`
 */
export const regexpReplace = (x: ColumnLike, pattern: string, replacement: string): Column<string> =>
  callExprs("regexp_replace", [c(x), val(pattern), val(javaReplacementToRe2(replacement))]);

/** Java `Matcher` replacement text (`$1`, `\$`) → RE2 rewrite text (`\1`, `$`). */
function javaReplacementToRe2(r: string): string {
  let out = "";
  for (let i = 0; i < r.length; i++) {
    const ch = r[i]!;
    if (ch === "\\" && i + 1 < r.length) {
      const next = r[++i]!;
      out += next === "\\" ? "\\\\" : next;
    } else if (ch === "$" && /[0-9]/.test(r[i + 1] ?? "")) {
      out += `\\${r[++i]}`;
    } else {
      out += ch;
    }
  }
  return out;
}
/** Left-pad to `len` with `pad`. @example `F.lpad("id", 5, "0")` */
export const lpad = (x: ColumnLike, len: number, pad: string): Column<string> => callExprs("lpad", [c(x), val(len), val(pad)]);
/** Right-pad to `len` with `pad`. @example `F.rpad("id", 5, " ")` */
export const rpad = (x: ColumnLike, len: number, pad: string): Column<string> => callExprs("rpad", [c(x), val(len), val(pad)]);
/** Repeat `n` times. @example `F.repeat("s", 3)` */
export const repeat = (x: ColumnLike, n: number): Column<string> => callExprs("repeat", [c(x), val(n)]);
/** Reverse a string. @example `F.reverse("s")` */
export const reverse = s1("reverse");
/** Capitalize each word. @example `F.initcap("name")` */
export const initcap = s1("initcap");
/** 1-based position of `substr` (0 if absent). @example `F.instr("s", "x")` */
export const instr = (x: ColumnLike, substr: string): Column<number> => callExprs("instr", [c(x), val(substr)]);
/** 1-based position of `substr` in `x` at or after `pos`. @example `F.locate("x", "s")` */
export const locate = (substr: string, x: ColumnLike, pos = 1): Column<number> => callExprs("locate", pos === 1 ? [val(substr), c(x)] : [val(substr), c(x), val(pos)]);
/** Replace characters one by one. @example `F.translate("s", "abc", "xyz")` */
export const translate = (x: ColumnLike, from: string, to: string): Column<string> => callExprs("translate", [c(x), val(from), val(to)]);
/**
 * Format a number with grouping separators and `d` decimal places, as Spark's `format_number`.
 * @example `F.formatNumber("revenue", 2) // 1234567.891 → "1,234,567.89"`
 */
export const formatNumber = (x: ColumnLike, d: number): Column<string> => callExprs("format_number", [c(x), val(d)]);
/** printf-style formatting. @example `F.formatString("%s-%d", "a", "b")` */
export const formatString = (format: string, ...xs: ColumnLike[]): Column<string> => callExprs("format_string", [val(format), ...xs.map(c)]);
/** Code of the first character. @example `F.ascii("s")` */
export const ascii = (x: ColumnLike): Column<number> => callExprs("ascii", [c(x)]);
/** Base64-encode binary. @example `F.base64("b")` */
export const base64 = s1("base64");
/** Base64-decode to binary. @example `F.unbase64("s")` */
export const unbase64 = (x: ColumnLike): Column<Uint8Array> => callExprs("unbase64", [c(x)]);
/** Levenshtein distance. @example `F.levenshtein("a", "b")` */
export const levenshtein = (a: ColumnLike, b: ColumnLike): Column<number> => callExprs("levenshtein", [c(a), c(b)]);
/** Soundex code. @example `F.soundex("name")` */
export const soundex = s1("soundex");
