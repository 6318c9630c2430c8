import { Session, type DataFrame } from "../../src/index.js";

/** A small session for tests (one thread keeps runs deterministic and light). */
export function openSession(): Promise<Session> {
  return Session.create({ threads: 1, memoryLimit: "1GB" });
}

/** Employees and departments: a null key on each side and a department without employees. */
export function people(spark: Session): { emp: DataFrame<{ id: number; name: string; dept: number | null; sal: number }>; dept: DataFrame<{ dept: number; dname: string }> } {
  const emp = spark.createDataFrame([
    { id: 1, name: "ann", dept: 10 as number | null, sal: 100 },
    { id: 2, name: "bob", dept: 20, sal: 200 },
    { id: 3, name: "cid", dept: null, sal: 300 },
  ]);
  const dept = spark.createDataFrame([{ dept: 10, dname: "sales" }, { dept: 30, dname: "ops" }]);
  return { emp, dept };
}

/** Sort rows by a key (nulls last) so assertions do not depend on DuckDB's output order. */
export function byKey<R extends Record<string, unknown>>(rows: R[], key: keyof R): R[] {
  return [...rows].sort((a, b) => String(a[key] ?? "\uffff").localeCompare(String(b[key] ?? "\uffff"), "en", { numeric: true }));
}
