import type { FrameBound, SortOrder, WindowSpecNode } from "../expr/index.js";
import { Column, colExpr, sortOrder } from "./column.js";

type ColumnLike = Column<unknown, string> | string;

/**
 * A window specification (Spark's `WindowSpec`), immutable: each method returns a new spec.
 * @example
 * ```ts
 * const w = Window.partitionBy("customer").orderBy(col("ts").desc()).rowsBetween(Window.unboundedPreceding, Window.currentRow);
 * df.withColumn("rn", F.rowNumber().over(w));
 * ```
 */
export class WindowSpec {
  constructor(readonly spec: WindowSpecNode = { partitionBy: [], orderBy: [] }) {}

  /** Partition rows by these columns. */
  partitionBy(...cols: (ColumnLike | readonly ColumnLike[])[]): WindowSpec {
    return new WindowSpec({ ...this.spec, partitionBy: cols.flat().map(colExpr) });
  }
  /** Order rows within each partition. */
  orderBy(...cols: (ColumnLike | readonly ColumnLike[])[]): WindowSpec {
    return new WindowSpec({ ...this.spec, orderBy: cols.flat().map(sortOrder) as SortOrder[] });
  }
  /** A frame counted in rows relative to the current row (negative = preceding). */
  rowsBetween(start: FrameBound, end: FrameBound): WindowSpec {
    return new WindowSpec({ ...this.spec, frame: { type: "rows", start, end } });
  }
  /** A frame over the ORDER BY value's range relative to the current row. */
  rangeBetween(start: FrameBound, end: FrameBound): WindowSpec {
    return new WindowSpec({ ...this.spec, frame: { type: "range", start, end } });
  }
}

/**
 * Entry points for window specs and frame boundaries, as in Spark's `Window`.
 * @example `Window.partitionBy("k").orderBy("t")`
 */
export const Window = {
  unboundedPreceding: "unboundedPreceding" as FrameBound,
  unboundedFollowing: "unboundedFollowing" as FrameBound,
  currentRow: "currentRow" as FrameBound,
  partitionBy: (...cols: (ColumnLike | readonly ColumnLike[])[]): WindowSpec => new WindowSpec().partitionBy(...cols),
  orderBy: (...cols: (ColumnLike | readonly ColumnLike[])[]): WindowSpec => new WindowSpec().orderBy(...cols),
  rowsBetween: (start: FrameBound, end: FrameBound): WindowSpec => new WindowSpec().rowsBetween(start, end),
  rangeBetween: (start: FrameBound, end: FrameBound): WindowSpec => new WindowSpec().rangeBetween(start, end),
} as const;
