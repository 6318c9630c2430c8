/**
 * Shared fixture of the function-family tests: one Session per test file and a helper that evaluates
 * column expressions over a small DataFrame through the public API (createDataFrame → select → collect).
 */
import { after, before } from "node:test";
import { Session, type Column } from "../../../src/index.js";

type Row = Record<string, unknown>;
type AnyColumn = Column<unknown, string>;

/** A session opened before the file's tests and closed after them. */
export function useSession(): { spark: () => Session } {
  let spark: Session | undefined;
  before(async () => { spark = await Session.create({ threads: 1 }); });
  after(async () => { await spark?.close(); });
  return { spark: () => spark ?? (() => { throw new Error("session not started"); })() };
}

/** The values of one expression, one per input row (in input order). */
export async function values(spark: Session, rows: readonly Row[], c: AnyColumn, schema?: string): Promise<unknown[]> {
  const df = spark.createDataFrame(rows as Row[], schema);
  const out = await df.select(c.alias("__v")).collect();
  return out.map((r) => (r as Row).__v);
}

/** The value of an expression over a one-row frame `{ x: 1 }` (for constant expressions). */
export async function value(spark: Session, c: AnyColumn): Promise<unknown> {
  return (await values(spark, [{ x: 1 }], c))[0];
}

/** ISO strings of Date values (others unchanged), for readable deep-equal assertions. */
export function iso(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(iso);
  if (v !== null && typeof v === "object" && !(v instanceof Uint8Array) && !(v instanceof Map)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, iso(x)]));
  return v;
}
