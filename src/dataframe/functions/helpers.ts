import { mk, type Expr } from "../../expr/index.js";
import { Column, colExpr, toExpr, type ColumnOrValue } from "../column.js";

/** A column argument of a function: a Column or a column name (as in PySpark's functions). @example `const x: ColumnLike = "amount"` */
export type ColumnLike = Column<unknown, string> | string;

/** Call a registered function with column arguments (strings are column names). @example `call("upper", ["name"])` */
export function call<T = unknown>(name: string, args: readonly ColumnLike[], options?: Record<string, unknown>): Column<T> {
  return new Column(mk({ kind: "call", name, args: args.map(colExpr), ...(options ? { options } : {}) }));
}

/** Call with a mix of column and value arguments, given explicitly as expressions. @example `callExprs("lpad", [c("id"), val(5), val("0")])` */
export function callExprs<T = unknown>(name: string, args: readonly Expr[], options?: Record<string, unknown>, distinct?: boolean): Column<T> {
  return new Column(mk({ kind: "call", name, args, ...(options ? { options } : {}), ...(distinct ? { distinct } : {}) }));
}

/** A value argument (bound literal) or a Column. @example `val(5)` */
export const val = (v: ColumnOrValue): Expr => toExpr(v);
/** A column argument (string = column name). @example `c("amount")` */
export const c = (v: ColumnLike): Expr => colExpr(v);
