import { WeirError } from "../errors/index.js";
import { mk, type Expr } from "../expr/index.js";
import { plan, type Plan } from "../plan/index.js";
import { Column, colExpr } from "./column.js";
import { DataFrame } from "./dataframe.js";
import type { Runtime } from "./runtime.js";
import type { ColName, IsRow, Row, SelectRow, Simplify } from "./typed.js";

/** The row of a groupBy shortcut (`sum("x")` → column `"sum(x)"`). */
type ShortcutRow<S, K, F extends string, C extends string, V> = IsRow<S, Simplify<K & { [P in C as `${F}(${P})`]: V }>>;
type Field<S, C> = C extends keyof S ? S[C] : unknown;

const DICT_AGGS: Record<string, string> = { sum: "sum", avg: "avg", mean: "avg", min: "min", max: "max", count: "count", first: "first", last: "last", stddev: "stddev", variance: "variance", collect_list: "collect_list", collect_set: "collect_set" };

/**
 * Rows grouped by keys (from `groupBy`, `rollup`, `cube`), waiting for aggregates, as Spark's `GroupedData`.
 * `K` is the row type of the keys.
 * @example `df.groupBy("day").agg(F.sum("amount").alias("revenue"), F.count("*").alias("orders"))`
 */
export class GroupedData<S, K> {
  constructor(
    private readonly runtime: Runtime,
    private readonly input: Plan,
    private readonly grouping: "groupBy" | "rollup" | "cube",
    private readonly keys: readonly Expr[],
    private readonly pivotSpec?: { column: Expr; values?: readonly unknown[] },
  ) {}

  /** Aggregate with Columns, or with Spark's dict form `{ amount: "sum", qty: "max" }`. */
  agg<const C extends readonly Column<unknown, string>[]>(...aggs: C): DataFrame<Simplify<K & SelectRow<S, C>>>;
  agg(spec: Partial<Record<ColName<S>, string>>): DataFrame<Row>;
  agg(...args: unknown[]): DataFrame<any> {
    let exprs: Expr[];
    if (args.length === 1 && !(args[0] instanceof Column) && typeof args[0] === "object" && args[0] !== null) {
      exprs = Object.entries(args[0] as Record<string, string>).map(([colName, fn]) => {
        const name = DICT_AGGS[fn.toLowerCase()];
        if (!name) throw new WeirError("WEIR_INVALID_ARGUMENT", `Unknown aggregate "${fn}" for column "${colName}"`, { hint: `use one of ${Object.keys(DICT_AGGS).join(", ")}` });
        // Spark names the result after the canonical function: { x: "mean" } gives "avg(x)".
        return mk({ kind: "alias", expr: mk({ kind: "call", name, args: [colExpr(colName)] }), name: `${name}(${colName})` });
      });
    } else {
      exprs = args.map((a) => {
        if (!(a instanceof Column)) throw new WeirError("WEIR_INVALID_ARGUMENT", `agg() takes Columns (e.g. F.sum("x")) or a { column: "fn" } object, got ${typeof a}`, { hint: 'e.g. agg(F.sum("amount").alias("revenue"))' });
        return a.expr;
      });
    }
    if (exprs.length === 0) throw new WeirError("WEIR_INVALID_ARGUMENT", "agg() needs at least one aggregate", { hint: 'e.g. agg(F.count("*"))' });
    return new DataFrame(this.runtime, plan({
      kind: "aggregate", input: this.input, grouping: this.grouping, keys: this.keys, aggs: exprs,
      ...(this.pivotSpec ? { pivot: this.pivotSpec } : {}),
    }));
  }

  /** Row count per group, in column `count`. */
  count(): DataFrame<Simplify<K & { count: bigint }>> {
    return this.agg(new Column(mk({ kind: "alias", expr: mk({ kind: "call", name: "count", args: [mk({ kind: "star" })] }), name: "count" }))) as never;
  }
  /** Sum of each given column, in columns `sum(col)` (bigint for integral columns, as Spark's long). */
  sum<C extends ColName<S>>(...cols: C[]): DataFrame<ShortcutRow<S, K, "sum", C, number | bigint | null>> { return this.simple("sum", cols); }
  /** Average of each given column, in columns `avg(col)`. */
  avg<C extends ColName<S>>(...cols: C[]): DataFrame<ShortcutRow<S, K, "avg", C, number | null>> { return this.simple("avg", cols); }
  /** Alias of avg (columns are still named `avg(col)`, as in Spark). */
  mean<C extends ColName<S>>(...cols: C[]): DataFrame<ShortcutRow<S, K, "avg", C, number | null>> { return this.simple("avg", cols); }
  /** Minimum of each given column, in columns `min(col)`. */
  min<C extends ColName<S>>(...cols: C[]): DataFrame<ShortcutRow<S, K, "min", C, Field<S, C>>> { return this.simple("min", cols); }
  /** Maximum of each given column, in columns `max(col)`. */
  max<C extends ColName<S>>(...cols: C[]): DataFrame<ShortcutRow<S, K, "max", C, Field<S, C>>> { return this.simple("max", cols); }

  /** Turn the distinct values of a column into output columns (computed when not given, as Spark does). */
  pivot(column: ColName<S> | Column<unknown, string>, values?: readonly unknown[]): GroupedData<S, K> {
    if (this.pivotSpec) throw new WeirError("WEIR_INVALID_ARGUMENT", "pivot() can only be applied once", { hint: "pivot on one column" });
    if (this.grouping !== "groupBy") throw new WeirError("WEIR_UNSUPPORTED_OPERATION", `pivot() after ${this.grouping}() is not supported`, { hint: "use groupBy(...).pivot(...)" });
    return new GroupedData(this.runtime, this.input, this.grouping, this.keys, { column: colExpr(column as string | Column), ...(values ? { values } : {}) });
  }

  private simple<R>(fn: string, cols: readonly string[]): DataFrame<R> {
    if (cols.length === 0) throw new WeirError("WEIR_INVALID_ARGUMENT", `${fn}() needs column names`, { hint: `e.g. groupBy("k").${fn}("amount")` });
    return this.agg(...cols.map((c) => new Column(mk({ kind: "alias", expr: mk({ kind: "call", name: fn, args: [colExpr(c)] }), name: `${fn}(${c})` })))) as never;
  }
}
