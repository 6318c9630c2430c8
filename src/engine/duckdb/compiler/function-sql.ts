import { AnalysisError } from "../../../errors/index.js";
import { didYouMean } from "../../../util/index.js";
import { COLLECTION_FUNCTIONS } from "./collection-sql.js";
import { DATETIME_FUNCTIONS } from "./datetime-sql.js";

/** Renders one Weir (Spark-named) function call as DuckDB SQL from its compiled arguments. */
export type FunctionRenderer = (args: readonly string[], opts: RenderOptions) => string;

/** How a call is rendered: DISTINCT, the call's options, and (for window functions) the ` OVER (…)` clause. */
export interface RenderOptions {
  readonly distinct: boolean;
  readonly options: Readonly<Record<string, unknown>>;
  /** ` OVER (…)` when the call is evaluated over a window; a renderer that wraps its aggregate places it inside. */
  readonly over?: string;
}

const fn = (sqlName: string): FunctionRenderer => (a, o) => `${sqlName}(${o.distinct ? "DISTINCT " : ""}${a.join(", ")})`;
const arg = (a: readonly string[], i: number): string => a[i] ?? "NULL";
/** Spark returns INT where DuckDB returns BIGINT (lengths, positions, date parts). */
const int = (sqlName: string): FunctionRenderer => (a) => `CAST(${sqlName}(${a.join(", ")}) AS INTEGER)`;

/**
 * Spark function name → DuckDB SQL. Semantics follow Spark where DuckDB differs: 1-based `substring` with
 * Spark's negative positions, 0-based `getItem`, `split` by regex, `sum` of integers as BIGINT, …
 * Other modules register more entries with {@link registerFunctions}.
 */
const REGISTRY = new Map<string, FunctionRenderer>(Object.entries({
  // aggregates
  count: (a, o) => (a.length === 0 || a[0] === "*" ? "count(*)" : `count(${o.distinct ? "DISTINCT " : ""}${a.join(", ")})`),
  // Spark's count(DISTINCT a, b) skips tuples with any null field.
  count_distinct: (a) => (a.length === 1 ? `count(DISTINCT ${a[0]})` : `count(DISTINCT CASE WHEN ${a.map((x) => `${x} IS NOT NULL`).join(" AND ")} THEN (${a.join(", ")}) END)`),
  sum: (a, o) => `sum(${o.distinct ? "DISTINCT " : ""}${arg(a, 0)})`,
  avg: fn("avg"),
  mean: fn("avg"),
  min: fn("min"),
  max: fn("max"),
  first: (a, o) => (o.over !== undefined
    ? `first_value(${arg(a, 0)}${o.options.ignoreNulls ? " IGNORE NULLS" : ""})${o.over}`
    : o.options.ignoreNulls ? `first(${arg(a, 0)}) FILTER (WHERE ${arg(a, 0)} IS NOT NULL)` : `first(${arg(a, 0)})`),
  last: (a, o) => (o.over !== undefined
    ? `last_value(${arg(a, 0)}${o.options.ignoreNulls ? " IGNORE NULLS" : ""})${o.over}`
    : o.options.ignoreNulls ? `last(${arg(a, 0)}) FILTER (WHERE ${arg(a, 0)} IS NOT NULL)` : `last(${arg(a, 0)})`),
  // Spark's collect_list/collect_set skip nulls and give [] (not null) for no values.
  collect_list: (a, o) => `coalesce(list(${arg(a, 0)}) FILTER (WHERE ${arg(a, 0)} IS NOT NULL)${o.over ?? ""}, [])`,
  collect_set: (a, o) => `coalesce(list(DISTINCT ${arg(a, 0)}) FILTER (WHERE ${arg(a, 0)} IS NOT NULL)${o.over ?? ""}, [])`,
  approx_count_distinct: (a) => `approx_count_distinct(${arg(a, 0)})`,
  stddev: fn("stddev_samp"),
  stddev_samp: fn("stddev_samp"),
  stddev_pop: fn("stddev_pop"),
  variance: fn("var_samp"),
  var_samp: fn("var_samp"),
  var_pop: fn("var_pop"),
  corr: fn("corr"),
  covar_pop: fn("covar_pop"),
  covar_samp: fn("covar_samp"),
  median: fn("median"),
  // Spark's percentile_approx returns the value of rank ceil(p·n), exactly on inputs smaller than its accuracy;
  // DuckDB's quantile_disc is that rank exactly (its approx_quantile interpolates a t-digest instead).
  percentile_approx: (a, o) => `quantile_disc(${arg(a, 0)}, ${o.options.list ? `CAST(${arg(a, 1)} AS DOUBLE[])` : `CAST(${arg(a, 1)} AS DOUBLE)`})`,
  percentile: (a) => `quantile_cont(${arg(a, 0)}, ${arg(a, 1)})`,
  any_value: fn("any_value"),
  bool_and: fn("bool_and"),
  bool_or: fn("bool_or"),
  // window functions
  // Spark's ranking functions return INT (DuckDB's BIGINT).
  row_number: (_a, o) => rankingInt(`row_number()${o.over ?? ""}`, o),
  rank: (_a, o) => rankingInt(`rank()${o.over ?? ""}`, o),
  dense_rank: (_a, o) => rankingInt(`dense_rank()${o.over ?? ""}`, o),
  percent_rank: () => "percent_rank()",
  cume_dist: () => "cume_dist()",
  ntile: (a, o) => rankingInt(`ntile(${arg(a, 0)})${o.over ?? ""}`, o),
  lag: (a, o) => `lag(${a.join(", ")}${o.options.ignoreNulls ? " IGNORE NULLS" : ""})`,
  lead: (a, o) => `lead(${a.join(", ")}${o.options.ignoreNulls ? " IGNORE NULLS" : ""})`,
  nth_value: fn("nth_value"),
  // misc
  coalesce: fn("coalesce"),
  greatest: fn("greatest"),
  least: fn("least"),
  isnull: (a) => `(${arg(a, 0)} IS NULL)`,
  isnotnull: (a) => `(${arg(a, 0)} IS NOT NULL)`,
  nanvl: (a) => `CASE WHEN isnan(${arg(a, 0)}) THEN ${arg(a, 1)} ELSE ${arg(a, 0)} END`,
  ifnull: fn("coalesce"),
  nvl: fn("coalesce"),
  nullif: fn("nullif"),
  hash: (a) => `hash(${a.join(", ")})`,
  xxhash64: (a) => `hash(${a.join(", ")})`,
  md5: fn("md5"),
  sha1: fn("sha1"),
  sha2: (a) => `sha256(${arg(a, 0)})`,
  monotonically_increasing_id: () => "(row_number() OVER () - 1)",
  rand: () => "random()",
  input_file_name: () => "''",
  ...COLLECTION_FUNCTIONS,
  // math
  abs: fn("abs"),
  // Spark: sqrt of a negative is NaN, logarithms of non-positive values are null (DuckDB raises errors).
  sqrt: (a) => `CASE WHEN ${arg(a, 0)} < 0 THEN CAST('NaN' AS DOUBLE) ELSE sqrt(${arg(a, 0)}) END`,
  exp: fn("exp"),
  log: (a) => (a.length === 2
    ? `CASE WHEN ${arg(a, 1)} <= 0 OR ${arg(a, 0)} <= 0 THEN NULL ELSE ln(${arg(a, 1)}) / ln(${arg(a, 0)}) END`
    : `CASE WHEN ${arg(a, 0)} <= 0 THEN NULL ELSE ln(${arg(a, 0)}) END`),
  log10: (a) => `CASE WHEN ${arg(a, 0)} <= 0 THEN NULL ELSE log10(${arg(a, 0)}) END`,
  log2: (a) => `CASE WHEN ${arg(a, 0)} <= 0 THEN NULL ELSE log2(${arg(a, 0)}) END`,
  pow: fn("pow"),
  power: fn("pow"),
  // Spark rounds half up (away from zero), as DuckDB's round does for decimals and doubles.
  round: (a) => `round(${arg(a, 0)}, ${a[1] ?? "0"})`,
  bround: (a) => `round_even(${arg(a, 0)}, ${a[1] ?? "0"})`,
  // Spark's ceil/floor return LONG.
  ceil: (a) => `TRY_CAST(ceil(${arg(a, 0)}) AS BIGINT)`,
  floor: (a) => `TRY_CAST(floor(${arg(a, 0)}) AS BIGINT)`,
  signum: fn("sign"),
  pmod: (a) => `(((${arg(a, 0)} % ${arg(a, 1)}) + ${arg(a, 1)}) % ${arg(a, 1)})`,
  // strings
  lower: fn("lower"),
  upper: fn("upper"),
  length: int("length"),
  trim: (a) => (a.length > 1 ? `trim(${arg(a, 0)}, ${arg(a, 1)})` : `trim(${arg(a, 0)})`),
  ltrim: (a) => (a.length > 1 ? `ltrim(${arg(a, 0)}, ${arg(a, 1)})` : `ltrim(${arg(a, 0)})`),
  rtrim: (a) => (a.length > 1 ? `rtrim(${arg(a, 0)}, ${arg(a, 1)})` : `rtrim(${arg(a, 0)})`),
  // Spark's concat (strings or arrays) is null if any input is null; concat_ws skips nulls and flattens arrays.
  concat: (a) => (a.length === 0 ? "''" : `CASE WHEN ${a.map((x) => `${x} IS NULL`).join(" OR ")} THEN NULL ELSE concat(${a.join(", ")}) END`),
  concat_ws: (a) => `concat_ws(${[arg(a, 0), ...a.slice(1).map((x) => `CASE WHEN typeof(${x}) LIKE '%[]' THEN nullif(array_to_string(TRY_CAST(${x} AS VARCHAR[]), ${arg(a, 0)}), '') ELSE CAST(${x} AS VARCHAR) END`)].join(", ")})`,
  substring: (a) => renderSubstring(arg(a, 0), arg(a, 1), a[2]),
  substring_index: (a) => `CASE WHEN ${arg(a, 2)} > 0 THEN array_to_string(string_split(${arg(a, 0)}, ${arg(a, 1)})[1:${arg(a, 2)}], ${arg(a, 1)}) ELSE array_to_string(string_split(${arg(a, 0)}, ${arg(a, 1)})[${arg(a, 2)}:], ${arg(a, 1)}) END`,
  split: (a) => renderSplit(arg(a, 0), arg(a, 1), a[2]),
  regexp_extract: (a) => `regexp_extract(${arg(a, 0)}, ${arg(a, 1)}, ${a[2] ?? "1"})`,
  // The replacement arrives translated from Java's `$1` syntax to RE2's `\1` (see F.regexpReplace).
  regexp_replace: (a) => `regexp_replace(${arg(a, 0)}, ${arg(a, 1)}, ${arg(a, 2)}, 'g')`,
  regexp_like: (a) => `regexp_matches(${arg(a, 0)}, ${arg(a, 1)})`,
  lpad: fn("lpad"),
  rpad: fn("rpad"),
  repeat: fn("repeat"),
  reverse: fn("reverse"),
  initcap: (a) => `array_to_string(list_transform(string_split(lower(${arg(a, 0)}), ' '), lambda w: upper(w[1]) || w[2:]), ' ')`,
  instr: int("instr"),
  locate: (a) => (a.length > 2 ? `CASE WHEN ${arg(a, 2)} < 1 THEN 0 ELSE CAST(CASE WHEN instr(substring(${arg(a, 1)}, ${arg(a, 2)}), ${arg(a, 0)}) = 0 THEN 0 ELSE instr(substring(${arg(a, 1)}, ${arg(a, 2)}), ${arg(a, 0)}) + ${arg(a, 2)} - 1 END AS INTEGER) END` : `CAST(instr(${arg(a, 1)}, ${arg(a, 0)}) AS INTEGER)`),
  translate: fn("translate"),
  format_string: fn("printf"),
  // Spark's format_number: grouping separators and `d` decimals, rounded half-even like Java's DecimalFormat.
  format_number: (a) => `format('{:,.' || CAST(${arg(a, 1)} AS VARCHAR) || 'f}', round_even(CAST(${arg(a, 0)} AS DOUBLE), ${arg(a, 1)}))`,
  ascii: int("ascii"),
  base64: fn("to_base64"),
  unbase64: fn("from_base64"),
  startswith: fn("starts_with"),
  endswith: fn("ends_with"),
  contains: fn("contains"),
  levenshtein: int("levenshtein"),
  soundex: fn("soundex"),
  ...DATETIME_FUNCTIONS,
}));

/**
 * Spark's `substring(str, pos, len)` (UTF8String.substringSQL): pos > 0 is 1-based, pos < 0 counts from the end,
 * pos = 0 is the first character; the range is clipped to the string and an empty range gives "".
 */
function renderSubstring(str: string, pos: string, len: string | undefined): string {
  if (len === undefined) return `CASE WHEN ${pos} > 0 THEN substring(${str}, ${pos}) WHEN ${pos} < 0 THEN substring(${str}, greatest(length(${str}) + ${pos}, 0) + 1) ELSE ${str} END`;
  const start = `(CASE WHEN ${pos} > 0 THEN ${pos} - 1 WHEN ${pos} < 0 THEN length(${str}) + ${pos} ELSE 0 END)`;
  return `CASE WHEN ${str} IS NULL OR ${pos} IS NULL OR ${len} IS NULL THEN NULL WHEN greatest(${start}, 0) >= ${start} + ${len} THEN '' ELSE substring(${str}, greatest(${start}, 0) + 1, ${start} + ${len} - greatest(${start}, 0)) END`;
}

/**
 * Spark's `split(str, regex, limit)`: limit > 0 gives at most `limit` parts, the last holding the rest of the
 * string (separators included); limit <= 0 splits fully, keeping trailing empty strings.
 */
function renderSplit(str: string, pattern: string, limit: string | undefined): string {
  const parts = `regexp_split_to_array(${str}, ${pattern})`;
  if (limit === undefined) return parts;
  const seps = `regexp_extract_all(${str}, ${pattern})`;
  const rest = `array_to_string(list_transform(range(${limit}, len(${parts}) + 1), lambda __i: ${parts}[__i] || coalesce(${seps}[__i], '')), '')`;
  return `CASE WHEN ${limit} <= 0 OR len(${parts}) <= ${limit} THEN ${parts} ELSE list_concat(${parts}[1:${limit} - 1], [${rest}]) END`;
}

/** Aggregate function names (used by the analyzer to tell aggregate from scalar expressions). */
export const AGGREGATES: ReadonlySet<string> = new Set([
  "count", "count_distinct", "sum", "avg", "mean", "min", "max", "first", "last", "collect_list", "collect_set",
  "approx_count_distinct", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "corr",
  "covar_pop", "covar_samp", "median", "percentile_approx", "percentile", "any_value", "bool_and", "bool_or",
]);

/**
 * Render a function call. Unknown names fail with "did you mean".
 * @example `renderFunction("upper", ["\"name\""], { distinct: false, options: {} }) // 'upper("name")'`
 */
export function renderFunction(name: string, args: readonly string[], opts: RenderOptions): string {
  const r = REGISTRY.get(name);
  if (!r) {
    const guess = didYouMean(name, [...REGISTRY.keys()]);
    throw new AnalysisError("WEIR_INVALID_ARGUMENT", `Unknown function "${name}"${guess ? `. Did you mean "${guess}"?` : ""}`, {
      hint: "use a function from F, or F.expr(\"...\") for any DuckDB SQL function",
    });
  }
  if (opts.over === undefined || OVER_INSIDE.has(name)) return r(args, opts);
  return `${r(args, opts)}${opts.over}`;
}

/**
 * Spark's ranking functions return INT where DuckDB's return BIGINT. The cast is deferred to the query's output
 * (option `deferCast`, set by the compiler for select-list items) because a CAST between a ranking window and
 * a filter on it (`rn <= 2`) stops DuckDB from planning the filter as a grouped top-N.
 */
function rankingInt(sql: string, o: { options: Readonly<Record<string, unknown>> }): string {
  return o.options.deferCast ? sql : `CAST(${sql} AS INTEGER)`;
}

/** Ranking window functions whose INT cast can be deferred (see rankingInt). */
export const RANKING_FUNCTIONS: ReadonlySet<string> = new Set(["row_number", "rank", "dense_rank", "ntile"]);

/** Renderers that place the OVER clause themselves (they wrap or rename their aggregate). */
const OVER_INSIDE: ReadonlySet<string> = new Set(["first", "last", "collect_list", "collect_set", "row_number", "rank", "dense_rank", "ntile"]);

/**
 * Add or replace function renderers (used by function families defined in other modules).
 * @example `registerFunctions({ my_fn: (a) => \`my_fn(\${a[0]})\` })`
 */
export function registerFunctions(entries: Readonly<Record<string, FunctionRenderer>>): void {
  for (const [k, v] of Object.entries(entries)) REGISTRY.set(k, v);
}
