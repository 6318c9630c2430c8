import { randomUUID } from "node:crypto";
import { WeirError } from "../../errors/index.js";
import type { DataFrame, Row, Session } from "../../dataframe/index.js";
import { quoteIdent } from "../../util/index.js";
import { QUALITY_RESULTS_SCHEMA, appendWeirTable, weirTablePath } from "../weir-tables.js";
import type { Expectation, QualityPolicy } from "./expectations.js";

/**
 * One expectation's outcome, shaped like a Great Expectations validation result.
 *
 * @example `{ expectation: "expectColumnValuesToNotBeNull(id)", success: false, unexpectedCount: 2, elementCount: 100, observedValue: 2, sampleUnexpectedRows: [...] }`
 */
export interface ExpectationResult {
  readonly expectation: string;
  readonly type: string;
  readonly column?: string;
  readonly policy: QualityPolicy;
  readonly success: boolean;
  /** Row-level: the unexpected count; table-level: the measured value (row count, proportion, max). */
  readonly observedValue: unknown;
  readonly elementCount: number;
  readonly unexpectedCount: number;
  readonly sampleUnexpectedRows: readonly Row[];
}

/** Options of {@link validateExpectations}. @example `{ suite: "orders", quarantinePath: "warehouse/quarantine/orders" }` */
export interface ValidateOptions {
  /** Suite name recorded with the results. */
  readonly suite: string;
  /** Sample rows kept per failed row expectation (default 5). */
  readonly sampleSize?: number;
  /** Delta table for quarantined rows (default `<warehouse>/_weir.db/quarantine_<suite>`). */
  readonly quarantinePath?: string;
  /** Append results to `_weir.quality_results` (default true). */
  readonly record?: boolean;
  /** Run id recorded with results and quarantined rows (default: a new UUID; runJob passes its own). */
  readonly runId?: string;
}

/** What a validation produced. @example `const { rows, success } = await validateExpectations(spark, df, suite, { suite: "orders" })` */
export interface QualityReport {
  readonly suite: string;
  readonly runId: string;
  /** True when every expectation passed. */
  readonly success: boolean;
  readonly results: readonly ExpectationResult[];
  /** The rows to load: unexpected rows of `drop`/`quarantine` expectations removed (a cached snapshot of the checked input). */
  readonly rows: DataFrame<Row>;
  readonly rowsDropped: number;
  readonly rowsQuarantined: number;
}

const FLAG = "__weir_unexpected_";

/**
 * Validate a DataFrame against expectations and apply their policies, before anything is written:
 *
 * ```
 *  input ─► flagged = SELECT *, <unexpected_i> AS flag_i  (cached: what is checked is exactly what is loaded)
 *        ─► ONE aggregate: count(*), count(*) FILTER (WHERE flag_i) …, table aggregates, rows kept   (one scan)
 *        ─► samples of failed expectations (LIMIT sampleSize each)
 *        ─► results appended to _weir.quality_results
 *        ─► any `fail` failed? → WEIR_QUALITY_FAILED (nothing quarantined, nothing for the caller to write)
 *        ─► quarantine rows (+ _failed_expectations) appended to the quarantine Delta table
 *        ─► rows = flagged WHERE no drop/quarantine flag
 * ```
 *
 * @example
 * ```ts
 * const report = await validateExpectations(spark, orders, [
 *   expectColumnValuesToNotBeNull("id", { policy: "fail" }),
 *   expectColumnValuesToBeBetween("qty", { min: 1, policy: "quarantine" }),
 * ], { suite: "orders" });
 * await report.rows.write.format("delta").mode("append").save("warehouse/silver/orders");
 * ```
 */
export async function validateExpectations(session: Session, df: DataFrame<Row>, expectations: readonly Expectation[], opts: ValidateOptions): Promise<QualityReport> {
  const runId = opts.runId ?? randomUUID();
  const sampleSize = opts.sampleSize ?? 5;
  const names = new Set<string>();
  for (const e of expectations) {
    if (names.has(e.name)) throw new WeirError("WEIR_INVALID_ARGUMENT", `Two expectations are named "${e.name}" in suite ${opts.suite}`, { hint: "give one of them a distinct { name }" });
    names.add(e.name);
  }
  const params: Record<string, unknown> = { data: df };
  let n = 0;
  const bind = (v: unknown): string => { const k = `__q${n++}`; params[k] = v; return `$${k}`; };
  const ref = (other: DataFrame<Row>): string => { const k = `__ref${n++}`; params[k] = other; return `{${k}}`; };
  const rowExps = expectations.flatMap((e, i) => (e.level === "row" ? [{ e, flag: `${FLAG}${i}` }] : []));
  const tableExps = expectations.flatMap((e, i) => (e.level === "table" ? [{ e, out: `__weir_observed_${i}` }] : []));
  const flagCols = rowExps.map(({ e, flag }) => `coalesce((${e.unexpected(bind, ref)}), FALSE) AS ${quoteIdent(flag)}`);
  const flaggedSql = `SELECT *${flagCols.map((c) => `, ${c}`).join("")} FROM {data}`;
  const flagged = await session.sql(flaggedSql, params).cache();
  const excludeFlags = rowExps.length ? ` EXCLUDE (${rowExps.map((r) => quoteIdent(r.flag)).join(", ")})` : "";

  const aggParams: Record<string, unknown> = { f: flagged };
  n = 0;
  const bindAgg = (v: unknown): string => { const k = `__a${n++}`; aggParams[k] = v; return `$${k}`; };
  const removing = rowExps.filter(({ e }) => e.policy === "drop" || e.policy === "quarantine");
  const kept = removing.length ? `NOT (${removing.map(({ flag }) => quoteIdent(flag)).join(" OR ")})` : undefined;
  const aggs = [
    `count(*) AS "__weir_n"`,
    ...rowExps.map(({ flag }, i) => `count(*) FILTER (WHERE ${quoteIdent(flag)}) AS "__weir_u${i}"`),
    ...tableExps.map(({ e, out }) => `${e.aggregate(bindAgg)} AS ${quoteIdent(out)}`),
    // The rows left to load, counted in the same scan (not by a count() of `rows` afterwards).
    ...(kept ? [`count(*) FILTER (WHERE ${kept}) AS "__weir_kept"`] : []),
  ];
  const [counts] = await session.sql(`SELECT ${aggs.join(", ")} FROM {f}`, aggParams).collect();
  const total = Number(counts?.__weir_n ?? 0);

  const results: ExpectationResult[] = [];
  for (const [i, { e, flag }] of rowExps.entries()) {
    const unexpected = Number(counts?.[`__weir_u${i}`] ?? 0);
    const sample = unexpected > 0 && sampleSize > 0
      ? await session.sql(`SELECT *${excludeFlags} FROM {f} WHERE ${quoteIdent(flag)} LIMIT ${Math.floor(sampleSize)}`, { f: flagged }).collect()
      : [];
    results.push({ expectation: e.name, type: e.type, ...(e.column ? { column: e.column } : {}), policy: e.policy, success: unexpected === 0, observedValue: unexpected, elementCount: total, unexpectedCount: unexpected, sampleUnexpectedRows: sample });
  }
  for (const { e, out } of tableExps) {
    const observed = counts?.[out] ?? null;
    const success = e.check(observed);
    results.push({ expectation: e.name, type: e.type, ...(e.column ? { column: e.column } : {}), policy: e.policy, success, observedValue: observed, elementCount: total, unexpectedCount: success ? 0 : 1, sampleUnexpectedRows: [] });
  }
  // Keep the order the suite declared.
  results.sort((a, b) => expectations.findIndex((e) => e.name === a.expectation) - expectations.findIndex((e) => e.name === b.expectation));

  if (opts.record ?? true) await recordResults(session, opts.suite, runId, results);

  const failed = results.filter((r) => !r.success && r.policy === "fail");
  if (failed.length) {
    await flagged.unpersist();
    const level = new Map(expectations.map((e) => [e.name, e.level]));
    const what = failed.map((r) => `${r.expectation}: ${level.get(r.expectation) === "row" ? `${r.unexpectedCount} of ${r.elementCount} rows unexpected` : `observed ${String(r.observedValue)}`}`).join("; ");
    throw new WeirError("WEIR_QUALITY_FAILED", `Quality suite ${opts.suite} failed: ${what}. Nothing was written`, {
      hint: "see error.details.results (observed values and sample rows); fix the source or relax the policy to drop/quarantine",
      details: { suite: opts.suite, runId, results },
    });
  }

  const quarantining = rowExps.filter(({ e }) => e.policy === "quarantine");
  let rowsQuarantined = 0;
  if (quarantining.length && quarantining.some(({ e }) => results.find((r) => r.expectation === e.name)?.success === false)) {
    const any = quarantining.map(({ flag }) => quoteIdent(flag)).join(" OR ");
    const qParams: Record<string, unknown> = { f: flagged, __run: runId };
    const failedNames = rowExps.map(({ e, flag }, i) => { qParams[`__name${i}`] = e.name; return `CASE WHEN ${quoteIdent(flag)} THEN $__name${i} END`; });
    const bad = session.sql(`SELECT *${excludeFlags}, list_filter([${failedNames.join(", ")}], x -> x IS NOT NULL) AS _failed_expectations, CAST($__run AS VARCHAR) AS _weir_run_id, now() AS _quarantined_at FROM {f} WHERE ${any}`, qParams);
    const res = await bad.write.format("delta").mode("append").option("mergeSchema", true).save(opts.quarantinePath ?? weirTablePath(session, `quarantine_${opts.suite}`));
    rowsQuarantined = Number((res as { rows?: number }).rows ?? 0);
  }
  const rows = session.sql(`SELECT *${excludeFlags} FROM {f}${kept ? ` WHERE ${kept}` : ""}`, { f: flagged });
  const rowsKept = kept ? Number(counts?.__weir_kept ?? 0) : total;
  return { suite: opts.suite, runId, success: results.every((r) => r.success), results, rows, rowsDropped: total - rowsKept - rowsQuarantined, rowsQuarantined };
}

async function recordResults(session: Session, suite: string, runId: string, results: readonly ExpectationResult[]): Promise<void> {
  const now = new Date();
  await appendWeirTable(session, "quality_results", QUALITY_RESULTS_SCHEMA, results.map((r) => ({
    run_id: runId, suite, expectation: r.expectation, expectation_type: r.type, column: r.column ?? null, policy: r.policy, success: r.success,
    observed_value: toJson(r.observedValue), element_count: BigInt(r.elementCount), unexpected_count: BigInt(r.unexpectedCount),
    sample_unexpected_rows: toJson(r.sampleUnexpectedRows), evaluated_at: now,
  })));
}

function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString("base64") : x)) ?? "null";
}
