import type { Column } from "../column.js";
import { c, callExprs, val, type ColumnLike } from "./helpers.js";

const m1 = (name: string) => (x: ColumnLike): Column<number> => callExprs(name, [c(x)]);
/** Absolute value. @example `F.abs("x")` */
export const abs = m1("abs");
/** Square root. @example `F.sqrt("x")` */
export const sqrt = m1("sqrt");
/** e^x. @example `F.exp("x")` */
export const exp = m1("exp");
/** Natural log, or log base `base` of x when two arguments are given (Spark order: base first). @example `F.log("x")` */
export const log = (a: ColumnLike | number, x?: ColumnLike): Column<number> => (x === undefined ? callExprs("log", [c(a as ColumnLike)]) : callExprs("log", [typeof a === "number" ? val(a) : c(a), c(x)]));
/** Base-10 log. @example `F.log10("x")` */
export const log10 = m1("log10");
/** Base-2 log. @example `F.log2("x")` */
export const log2 = m1("log2");
/** x^y. @example `F.pow("x", 2)` */
export const pow = (x: ColumnLike, y: ColumnLike | number): Column<number> => callExprs("pow", [c(x), typeof y === "number" ? val(y) : c(y)]);
/** Round half up to `scale` decimals. @example `F.round("x", 2)` */
export const round = (x: ColumnLike, scale = 0): Column<number> => callExprs("round", [c(x), val(scale)]);
/** Round half even to `scale` decimals. @example `F.bround("x", 2)` */
export const bround = (x: ColumnLike, scale = 0): Column<number> => callExprs("bround", [c(x), val(scale)]);
/** Ceiling, as a long (Spark). @example `F.ceil("x")` */
export const ceil = (x: ColumnLike): Column<bigint> => callExprs("ceil", [c(x)]);
/** Floor, as a long (Spark). @example `F.floor("x")` */
export const floor = (x: ColumnLike): Column<bigint> => callExprs("floor", [c(x)]);
/** Sign (-1, 0, 1). @example `F.signum("x")` */
export const signum = m1("signum");
/** Positive modulus. @example `F.pmod("x", 7)` */
export const pmod = (x: ColumnLike, y: ColumnLike | number): Column<number> => callExprs("pmod", [c(x), typeof y === "number" ? val(y) : c(y)]);
