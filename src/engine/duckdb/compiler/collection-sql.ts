import { quoteIdent } from "../../../util/index.js";
import type { FunctionRenderer } from "./function-sql.js";

const arg = (a: readonly string[], i: number): string => a[i] ?? "NULL";
const fn = (sqlName: string): FunctionRenderer => (a) => `${sqlName}(${a.join(", ")})`;

/** Distinct elements in order of first appearance (Spark's array_distinct; DuckDB's list_distinct reorders). */
const distinct = (x: string): string => `list_filter(${x}, lambda __e, __i: list_position(${x}, __e) = __i)`;
/** Whether `x` occurs in list `l`, nulls matching nulls (as Spark's array set operations compare). */
const contains = (l: string, x: string): string => `(coalesce(list_position(${l}, ${x}), 0) > 0)`;

/**
 * Spark's array, map and struct functions as DuckDB SQL: 0-based `getItem` lives in the expression compiler;
 * here element_at is 1-based (negative from the end), set operations keep first-appearance order and treat
 * nulls as values, and exists/forall follow Spark's three-valued logic.
 *
 * @example `COLLECTION_FUNCTIONS.array_distinct!(['"tags"'], { distinct: false, options: {} })`
 */
export const COLLECTION_FUNCTIONS: Readonly<Record<string, FunctionRenderer>> = {
  struct: (a, o) => {
    const names = Array.isArray(o.options.names) ? (o.options.names as string[]) : a.map((_, i) => `col${i + 1}`);
    return `struct_pack(${a.map((x, i) => `${quoteIdent(names[i] ?? `col${i + 1}`)} := ${x}`).join(", ")})`;
  },
  array: (a) => `[${a.join(", ")}]`,
  create_map: (a) => `map([${pairs(a).map((p) => p[0]).join(", ")}], [${pairs(a).map((p) => p[1]).join(", ")}])`,
  map_from_arrays: fn("map"),
  map_keys: fn("map_keys"),
  map_values: fn("map_values"),
  element_at: (a) => `${arg(a, 0)}[${arg(a, 1)}]`,
  // Spark's legacy default: -1 for a null array.
  size: (a) => `CAST(coalesce(len(${arg(a, 0)}), -1) AS INTEGER)`,
  array_contains: (a) => `list_contains(${arg(a, 0)}, ${arg(a, 1)})`,
  array_distinct: (a) => distinct(arg(a, 0)),
  // array_sort puts nulls last; sort_array puts them first ascending and last descending.
  array_sort: (a) => `list_sort(${arg(a, 0)}, 'ASC', 'NULLS LAST')`,
  sort_array: (a, o) => (o.options.asc === false ? `list_sort(${arg(a, 0)}, 'DESC', 'NULLS LAST')` : `list_sort(${arg(a, 0)}, 'ASC', 'NULLS FIRST')`),
  array_join: (a) => (a.length > 2
    ? `array_to_string(list_transform(${arg(a, 0)}, lambda __e: coalesce(CAST(__e AS VARCHAR), ${arg(a, 2)})), ${arg(a, 1)})`
    : `array_to_string(${arg(a, 0)}, ${arg(a, 1)})`),
  array_max: fn("list_max"),
  array_min: fn("list_min"),
  array_position: (a) => `CAST(coalesce(list_position(${arg(a, 0)}, ${arg(a, 1)}), 0) AS BIGINT)`,
  array_union: (a) => distinct(`list_concat(${arg(a, 0)}, ${arg(a, 1)})`),
  array_intersect: (a) => distinct(`list_filter(${arg(a, 0)}, lambda __x: ${contains(arg(a, 1), "__x")})`),
  array_except: (a) => distinct(`list_filter(${arg(a, 0)}, lambda __x: NOT ${contains(arg(a, 1), "__x")})`),
  arrays_overlap: (a) => `len(list_filter(${arg(a, 0)}, lambda __x: list_contains(${arg(a, 1)}, __x))) > 0`,
  array_remove: (a) => `list_filter(${arg(a, 0)}, lambda __x: __x IS DISTINCT FROM ${arg(a, 1)})`,
  array_repeat: (a) => `list_transform(range(0, CAST(${arg(a, 1)} AS BIGINT)), lambda __i: ${arg(a, 0)})`,
  flatten: fn("flatten"),
  // Spark: 1-based start, negative from the end, `length` elements.
  slice: (a) => {
    const start = `(CASE WHEN ${arg(a, 1)} < 0 THEN len(${arg(a, 0)}) + ${arg(a, 1)} + 1 ELSE ${arg(a, 1)} END)`;
    return `list_slice(${arg(a, 0)}, ${start}, ${start} + ${arg(a, 2)} - 1)`;
  },
  // Inclusive, with Spark's default step of 1 or -1.
  // Built from the start value so the elements keep its type (int stays int; generate_series gives BIGINT).
  sequence: (a) => {
    const [start, stop] = [arg(a, 0), arg(a, 1)];
    const step = a[2] ?? `(CASE WHEN ${start} <= ${stop} THEN 1 ELSE -1 END)`;
    return `list_transform(range(0, greatest((${stop} - ${start}) // ${step} + 1, 0)), lambda __i: ${start} + CAST(__i AS INTEGER) * ${step})`;
  },
  explode: (a) => `unnest(${arg(a, 0)})`,
  explode_outer: (a) => `unnest(CASE WHEN len(${arg(a, 0)}) > 0 THEN ${arg(a, 0)} ELSE [NULL] END)`,
  // posexplode is split into these two lock-step unnests by the plan compiler (one output column each).
  posexplode_pos: (a, o) => (o.options.outer
    ? `unnest(CASE WHEN len(${arg(a, 0)}) > 0 THEN range(0, len(${arg(a, 0)})) ELSE [NULL] END)`
    : `unnest(range(0, len(${arg(a, 0)})))`),
  posexplode_col: (a, o) => (o.options.outer ? `unnest(CASE WHEN len(${arg(a, 0)}) > 0 THEN ${arg(a, 0)} ELSE [NULL] END)` : `unnest(${arg(a, 0)})`),
  transform: (a) => `list_transform(${arg(a, 0)}, ${arg(a, 1)})`,
  filter: (a) => `list_filter(${arg(a, 0)}, ${arg(a, 1)})`,
  // Three-valued: true if any is true; else null if any is null; else false (forall: the dual).
  exists: (a) => {
    const t = `list_transform(${arg(a, 0)}, ${arg(a, 1)})`;
    return `CASE WHEN ${arg(a, 0)} IS NULL THEN NULL WHEN coalesce(list_bool_or(${t}), false) THEN true WHEN list_count(${t}) < len(${t}) THEN NULL ELSE false END`;
  },
  forall: (a) => {
    const t = `list_transform(${arg(a, 0)}, ${arg(a, 1)})`;
    return `CASE WHEN ${arg(a, 0)} IS NULL THEN NULL WHEN NOT coalesce(list_bool_and(${t}), true) THEN false WHEN list_count(${t}) < len(${t}) THEN NULL ELSE true END`;
  },
  aggregate: (a) => {
    const folded = `list_reduce(${arg(a, 0)}, ${arg(a, 2)}, ${arg(a, 1)})`;
    return a.length > 3 ? `list_transform([${folded}], ${arg(a, 3)})[1]` : folded;
  },
};

function pairs(a: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
  return out;
}
