import type { DataFrame, Row } from "../../dataframe/index.js";
import { quoteIdent } from "../../util/index.js";

/**
 * What happens to rows (or the load) when an expectation fails:
 * - `warn`: record the result, keep every row;
 * - `drop`: remove the unexpected rows;
 * - `quarantine`: remove them and append them, with the names of the expectations they failed, to a quarantine
 *   Delta table;
 * - `fail`: stop before anything is written (WEIR_QUALITY_FAILED).
 * Table-level expectations (row count, null proportion, max) have no rows to drop: `drop`/`quarantine` act as
 * `warn` for them.
 *
 * @example `expectColumnValuesToNotBeNull("id", { policy: "fail" })`
 */
export type QualityPolicy = "warn" | "drop" | "fail" | "quarantine";

/** Options every expectation takes. @example `{ policy: "quarantine", name: "amount_positive" }` */
export interface ExpectationOptions {
  /** Default `warn`. */
  readonly policy?: QualityPolicy;
  /** A name for results and quarantine rows (default: the expectation type and column). */
  readonly name?: string;
}

/**
 * A row-level expectation: `unexpected(params)` is a DuckDB predicate over the data's quoted columns, true for a
 * row that violates it (NULL counts as not violating). `refs` are DataFrames the predicate reads (referential
 * checks), queryable as `{name}`.
 */
export interface RowExpectation {
  readonly level: "row";
  readonly type: string;
  readonly name: string;
  readonly column?: string;
  readonly policy: QualityPolicy;
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** SQL text; values are referenced as `$name` from `params`. */
  unexpected(bind: (value: unknown) => string, ref: (df: DataFrame<Row>) => string): string;
}

/**
 * A table-level expectation: `aggregate` is a DuckDB aggregate over the data (the observed value); success is
 * decided in JS by `check`.
 */
export interface TableExpectation {
  readonly level: "table";
  readonly type: string;
  readonly name: string;
  readonly column?: string;
  readonly policy: QualityPolicy;
  readonly kwargs: Readonly<Record<string, unknown>>;
  aggregate(bind: (value: unknown) => string): string;
  check(observed: unknown): boolean;
}

/** Any expectation. @example `const e: Expectation = expectTableRowCountToBeBetween({ min: 1 })` */
export type Expectation = RowExpectation | TableExpectation;

/** Bounds (inclusive unless strict). @example `{ min: 0, max: 100 }` */
export interface Between<T = number | bigint | string | Date> extends ExpectationOptions {
  readonly min?: T;
  readonly max?: T;
  readonly strictMin?: boolean;
  readonly strictMax?: boolean;
}

function row(type: string, column: string | undefined, opts: ExpectationOptions, kwargs: Record<string, unknown>, unexpected: RowExpectation["unexpected"]): RowExpectation {
  return Object.freeze({ level: "row" as const, type, name: opts.name ?? (column ? `${type}(${column})` : type), ...(column ? { column } : {}), policy: opts.policy ?? "warn", kwargs, unexpected });
}

function table(type: string, column: string | undefined, opts: ExpectationOptions, kwargs: Record<string, unknown>, aggregate: TableExpectation["aggregate"], check: TableExpectation["check"]): TableExpectation {
  return Object.freeze({ level: "table" as const, type, name: opts.name ?? (column ? `${type}(${column})` : type), ...(column ? { column } : {}), policy: opts.policy ?? "warn", kwargs, aggregate, check });
}

function inRange(v: unknown, b: Between<unknown>): boolean {
  if (v === null || v === undefined) return false;
  const n = (x: unknown): number | bigint | string => (x instanceof Date ? x.getTime() : typeof x === "bigint" || typeof x === "number" || typeof x === "string" ? x : Number(x));
  const val = n(v);
  if (b.min !== undefined && (b.strictMin ? !(val > n(b.min)) : !(val >= n(b.min)))) return false;
  if (b.max !== undefined && (b.strictMax ? !(val < n(b.max)) : !(val <= n(b.max)))) return false;
  return true;
}

function rangeSql(ref: string, b: Between<unknown>, bind: (v: unknown) => string): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`${ref} ${b.strictMin ? ">" : ">="} ${bind(b.min)}`);
  if (b.max !== undefined) parts.push(`${ref} ${b.strictMax ? "<" : "<="} ${bind(b.max)}`);
  return parts.length ? parts.join(" AND ") : "TRUE";
}

/** Great Expectations' `expect_column_values_to_not_be_null`. @example `expectColumnValuesToNotBeNull("id", { policy: "fail" })` */
export function expectColumnValuesToNotBeNull(column: string, opts: ExpectationOptions = {}): RowExpectation {
  return row("expectColumnValuesToNotBeNull", column, opts, {}, () => `${quoteIdent(column)} IS NULL`);
}

/** `expect_column_values_to_be_unique`: every non-null value occurs once (all copies of a duplicate are unexpected). @example `expectColumnValuesToBeUnique("order_id")` */
export function expectColumnValuesToBeUnique(column: string, opts: ExpectationOptions = {}): RowExpectation {
  const c = quoteIdent(column);
  return row("expectColumnValuesToBeUnique", column, opts, {}, () => `${c} IS NOT NULL AND count(*) OVER (PARTITION BY ${c}) > 1`);
}

/** `expect_column_values_to_be_between` (nulls are not unexpected, as in GE). @example `expectColumnValuesToBeBetween("qty", { min: 1, max: 1000 })` */
export function expectColumnValuesToBeBetween(column: string, bounds: Between): RowExpectation {
  const c = quoteIdent(column);
  return row("expectColumnValuesToBeBetween", column, bounds, { min: bounds.min, max: bounds.max }, (bind) => `${c} IS NOT NULL AND NOT (${rangeSql(c, bounds, bind)})`);
}

/** `expect_column_values_to_be_in_set`. @example `expectColumnValuesToBeInSet("status", ["new", "paid"])` */
export function expectColumnValuesToBeInSet(column: string, values: readonly unknown[], opts: ExpectationOptions = {}): RowExpectation {
  const c = quoteIdent(column);
  return row("expectColumnValuesToBeInSet", column, opts, { valueSet: values }, (bind) => (values.length ? `${c} IS NOT NULL AND ${c} NOT IN (${values.map(bind).join(", ")})` : `${c} IS NOT NULL`));
}

/** `expect_column_values_to_match_regex` (a partial match, as GE's `re.search`). @example `expectColumnValuesToMatchRegex("email", "^[^@]+@[^@]+$")` */
export function expectColumnValuesToMatchRegex(column: string, regex: string, opts: ExpectationOptions = {}): RowExpectation {
  const c = quoteIdent(column);
  return row("expectColumnValuesToMatchRegex", column, opts, { regex }, (bind) => `${c} IS NOT NULL AND NOT regexp_matches(CAST(${c} AS VARCHAR), ${bind(regex)})`);
}

/**
 * Referential integrity: every non-null value of `column` exists in `otherColumn` of `other` (a DataFrame: a
 * dimension table, another source). Weir's name; GE expresses it with a set or a custom query.
 *
 * @example `expectColumnValuesToExistIn("customer_id", customers, "id", { policy: "quarantine" })`
 */
export function expectColumnValuesToExistIn(column: string, other: DataFrame<Row>, otherColumn: string = column, opts: ExpectationOptions = {}): RowExpectation {
  const c = quoteIdent(column);
  return row("expectColumnValuesToExistIn", column, opts, { otherColumn }, (_bind, ref) => `${c} IS NOT NULL AND ${c} NOT IN (SELECT ${quoteIdent(otherColumn)} FROM ${ref(other)} WHERE ${quoteIdent(otherColumn)} IS NOT NULL)`);
}

/**
 * A custom row predicate in DuckDB SQL that every row must satisfy (a row where it is false or NULL is
 * unexpected), e.g. `"amount >= 0 OR status = 'refund'"`. Trusted SQL text; values via `params` as `$name`.
 *
 * @example `expectRowsToSatisfy("ship_date >= order_date", { name: "ships_after_order", policy: "drop" })`
 */
export function expectRowsToSatisfy(predicate: string, opts: ExpectationOptions = {}): RowExpectation {
  return row("expectRowsToSatisfy", undefined, { name: opts.name ?? `expectRowsToSatisfy(${predicate})`, ...opts }, { predicate }, () => `NOT coalesce((${predicate}), FALSE)`);
}

/** `expect_table_row_count_to_be_between`. @example `expectTableRowCountToBeBetween({ min: 1 })` */
export function expectTableRowCountToBeBetween(bounds: Between<number>): TableExpectation {
  return table("expectTableRowCountToBeBetween", undefined, bounds, { min: bounds.min, max: bounds.max }, () => "count(*)", (v) => inRange(Number(v), bounds));
}

/** `expect_column_proportion_of_non_null_values_to_be_between` (the null-rate check; 0..1). @example `expectColumnProportionOfNonNullValuesToBeBetween("email", { min: 0.95 })` */
export function expectColumnProportionOfNonNullValuesToBeBetween(column: string, bounds: Between<number>): TableExpectation {
  return table("expectColumnProportionOfNonNullValuesToBeBetween", column, bounds, { min: bounds.min, max: bounds.max },
    () => `CASE WHEN count(*) = 0 THEN NULL ELSE count(${quoteIdent(column)}) / count(*) END`, (v) => v === null || inRange(Number(v), bounds));
}

/** `expect_column_max_to_be_between`. @example `expectColumnMaxToBeBetween("updated_at", { min: new Date(Date.now() - 86_400_000) })` */
export function expectColumnMaxToBeBetween(column: string, bounds: Between): TableExpectation {
  return table("expectColumnMaxToBeBetween", column, bounds, { min: bounds.min, max: bounds.max }, () => `max(${quoteIdent(column)})`, (v) => inRange(v, bounds));
}

/**
 * Freshness: the newest `column` value (a timestamp or date) is at most `maxAgeMs` old, measured from when the
 * expectation is created — `expectColumnMaxToBeBetween(column, { min: now - maxAge })`; build suites per run.
 *
 * @example `expectColumnValuesToBeFresh("loaded_at", 24 * 3600_000, { policy: "fail" })`
 */
export function expectColumnValuesToBeFresh(column: string, maxAgeMs: number, opts: ExpectationOptions = {}): TableExpectation {
  const e = expectColumnMaxToBeBetween(column, { ...opts, name: opts.name ?? `expectColumnValuesToBeFresh(${column})`, min: new Date(Date.now() - maxAgeMs) });
  return Object.freeze({ ...e, type: "expectColumnValuesToBeFresh", kwargs: { maxAgeMs } });
}
