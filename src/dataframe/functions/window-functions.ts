import type { Column } from "../column.js";
import { c, callExprs, val, type ColumnLike } from "./helpers.js";
import type { ColumnOrValue } from "../column.js";
import { toExpr } from "../column.js";

/** Sequential row number within the window partition, from 1. @example `F.rowNumber().over(w)` */
export const rowNumber = (): Column<number> => callExprs("row_number", []);
/** Rank with gaps. @example `F.rank().over(w)` */
export const rank = (): Column<number> => callExprs("rank", []);
/** Rank without gaps. @example `F.denseRank().over(w)` */
export const denseRank = (): Column<number> => callExprs("dense_rank", []);
/** Relative rank in [0, 1]. @example `F.percentRank().over(w)` */
export const percentRank = (): Column<number> => callExprs("percent_rank", []);
/** Cumulative distribution. @example `F.cumeDist().over(w)` */
export const cumeDist = (): Column<number> => callExprs("cume_dist", []);
/** Bucket number 1..n. @example `F.ntile(4).over(w)` */
export const ntile = (n: number): Column<number> => callExprs("ntile", [val(n)]);
/** Value `offset` rows before (default when absent). @example `F.lag("v", 1, 0).over(w)` */
export const lag = (x: ColumnLike, offset = 1, defaultValue?: ColumnOrValue): Column =>
  callExprs("lag", defaultValue === undefined ? [c(x), val(offset)] : [c(x), val(offset), toExpr(defaultValue)]);
/** Value `offset` rows after (default when absent). @example `F.lead("v").over(w)` */
export const lead = (x: ColumnLike, offset = 1, defaultValue?: ColumnOrValue): Column =>
  callExprs("lead", defaultValue === undefined ? [c(x), val(offset)] : [c(x), val(offset), toExpr(defaultValue)]);
/** The n-th value of the frame. @example `F.nthValue("v", 2).over(w)` */
export const nthValue = (x: ColumnLike, n: number): Column => callExprs("nth_value", [c(x), val(n)]);
