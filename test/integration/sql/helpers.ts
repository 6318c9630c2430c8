import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestContext } from "node:test";
import { Session, WeirError } from "../../../src/index.js";

/** A session on a fresh warehouse under the OS temp dir (removed when the test ends; close the session in the test). */
export async function openWarehouse(tc: TestContext): Promise<{ spark: Session; warehouse: string }> {
  const warehouse = mkdtempSync(path.join(os.tmpdir(), "weir-sql-"));
  tc.after(() => rmSync(warehouse, { recursive: true, force: true }));
  return { spark: await Session.create({ warehouse, threads: 1, memoryLimit: "1GB" }), warehouse };
}

/** Run a statement and wait for it (for assert.rejects). */
export function run(spark: Session, sql: string, params: Record<string, unknown> = {}): () => Promise<void> {
  return async () => { await spark.sql(sql, params); };
}

/** A predicate for assert.throws/rejects on a Weir error code. */
export function code(c: string): (e: unknown) => boolean {
  return (e) => e instanceof WeirError && e.code === c;
}

/** Rows of a statement's output. */
export async function rows(spark: Session, sql: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  return (await spark.sql(sql, params)).collect();
}
