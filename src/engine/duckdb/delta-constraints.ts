/**
 * Enforcing a Delta table's constraints (NOT NULL, column invariants, CHECK constraints — see
 * delta/table-constraints.ts) while data files are written, and `ALTER TABLE … ADD/DROP CONSTRAINT`.
 *
 * Enforcement costs no extra pass: the rows going into `COPY … TO` are filtered by a predicate that is true for
 * valid rows and raises a DuckDB `error()` carrying the constraint's index and the row as JSON otherwise, so
 * the first violating row aborts the COPY (DuckDB removes what it wrote) and nothing reaches the log:
 *
 * ```
 *   COPY (SELECT * FROM (<rows cast to table types>) AS r
 *         WHERE CASE WHEN coalesce((<constraint 0>), false) THEN true ELSE error('…:0:' || to_json(r)) END AND …)
 *     └─ error ─► WEIR_DELTA_CONSTRAINT_VIOLATION naming the constraint and the sample row
 * ```
 */
import { CONSTRAINT_PREFIX, tableConstraints, type TableConstraint } from "../../delta/index.js";
import { DeltaError, WeirError } from "../../errors/index.js";
import { quoteIdent, quoteString } from "../../util/index.js";
import { commitDml, startDml } from "./delta-dml.js";
import { deltaRelation } from "./delta-scan.js";
import { schemaOf, type DuckDBExecutor } from "./duckdb-executor.js";
import { ParamCollector } from "./params.js";

const MARKER = "__weir_constraint__:";
const ROW = "__weir_row";
const SAMPLE_CHARS = 500;

/**
 * Wrap a SELECT producing rows in table column names so that a row violating a constraint raises an error.
 *
 * @example
 * ```ts
 * guardConstraints('SELECT "id", "qty" FROM src', tableConstraints(snap.schema, snap.configuration));
 * ```
 */
export function guardConstraints(select: string, constraints: readonly TableConstraint[]): string {
  if (!constraints.length) return select;
  const checks = constraints.map((c, i) =>
    `(CASE WHEN coalesce((${c.expression}), false) THEN true ELSE error(${quoteString(`${MARKER}${i}:`)} || CAST(to_json(${quoteIdent(ROW)}) AS VARCHAR)) END)`);
  return `SELECT * FROM (${select}) AS ${quoteIdent(ROW)} WHERE ${checks.join(" AND ")}`;
}

/**
 * The `WEIR_DELTA_CONSTRAINT_VIOLATION` error an engine error stands for, or undefined when it is another error.
 *
 * @example
 * ```ts
 * await executor.query(copy).catch((e) => { throw constraintViolation(e, constraints, root) ?? e; });
 * ```
 */
export function constraintViolation(error: unknown, constraints: readonly TableConstraint[], table: string): DeltaError | undefined {
  let message: string | undefined;
  for (let e: unknown = error; e && !message; e = (e as { cause?: unknown }).cause) {
    const text = e instanceof Error ? e.message : String(e);
    if (text.includes(MARKER)) message = text;
  }
  if (!message) return undefined;
  const m = new RegExp(`${MARKER}(\\d+):([\\s\\S]*)$`).exec(message);
  const c = m ? constraints[Number(m[1])] : undefined;
  if (!m || !c) return undefined;
  const row = m[2]!.trim();
  const sample = row.length > SAMPLE_CHARS ? `${row.slice(0, SAMPLE_CHARS)}…` : row;
  const column = c.kind === "check" ? "" : ` (column "${c.name}")`;
  return new DeltaError("WEIR_DELTA_CONSTRAINT_VIOLATION", `Cannot write to the Delta table at ${table}: a row violates the ${c.description}${column}. Sample row: ${sample}`, {
    hint: c.kind === "notNull" ? `filter or fill the nulls of "${c.name}" before writing` : "filter or fix the rows that violate it before writing; nothing was committed",
    details: { table, constraint: c.name, kind: c.kind, expression: c.expression, row: sample },
  });
}

/**
 * `ALTER TABLE t ADD CONSTRAINT name CHECK (expression)`: checks the expression is boolean and that every
 * existing row satisfies it (`WEIR_DELTA_CONSTRAINT_VIOLATION` with their count otherwise), then commits the
 * `delta.constraints.<name>` property (the name lower-cased, as Delta stores it); the commit upgrades the
 * protocol to writer version 3 (or adds the `checkConstraints` feature). Returns the version written.
 *
 * @example
 * ```ts
 * await addDeltaConstraint(executor, "/data/orders", "positive_qty", "qty > 0");
 * ```
 */
export async function addDeltaConstraint(executor: DuckDBExecutor, root: string, name: string, expression: string): Promise<number> {
  const key = constraintKey(name);
  if (!expression.trim()) throw new WeirError("WEIR_INVALID_ARGUMENT", `CHECK constraint ${name} has an empty condition`, { hint: "e.g. ADD CONSTRAINT positive_qty CHECK (qty > 0)" });
  const { txn, snapshot, close } = await startDml(executor, root, "ADD CONSTRAINT");
  try {
    const existing = snapshot.configuration[key];
    if (existing !== undefined && existing !== null) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot add CHECK constraint ${name} to the Delta table at ${root}: constraint '${name.toLowerCase()}' already exists (${existing})`, {
        hint: `drop the old constraint first: ALTER TABLE … DROP CONSTRAINT ${name}`, details: { table: root, constraint: name },
      });
    }
    const params = new ParamCollector();
    const rel = await deltaRelation(snapshot, snapshot.files, ROW, executor, params);
    const cols = rel.fields.filter((f) => !f.hidden).map((f) => `${quoteIdent(f.sqlName)} AS ${quoteIdent(f.name)}`).join(", ");
    const rows = `(SELECT ${cols} FROM (${rel.sql})) AS ${quoteIdent(ROW)}`;
    let described;
    try {
      described = await executor.describe(`SELECT (${expression}) AS "c" FROM ${rows}`, params.bound, "add constraint");
    } catch (cause) {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot add CHECK constraint ${name} to the Delta table at ${root}: the condition (${expression}) does not compile against the table: ${(cause as Error).message}`, {
        hint: `use the table's columns: ${snapshot.schema.fields.map((f) => f.name).join(", ")}`, cause, details: { table: root, constraint: name },
      });
    }
    const type = schemaOf(described.map((c) => ({ name: c.name, type: c.type }))).fields[0]?.type.kind;
    if (type !== "boolean") {
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot add CHECK constraint ${name} to the Delta table at ${root}: the condition (${expression}) is of type ${type}, not boolean`, {
        hint: "write a condition, e.g. CHECK (qty > 0)", details: { table: root, constraint: name },
      });
    }
    const { rows: found } = await executor.query(
      `SELECT count(*) AS n, any_value(CAST(to_json(${quoteIdent(ROW)}) AS VARCHAR)) AS sample FROM ${rows} WHERE NOT coalesce((${expression}), false)`, params.bound, "add constraint",
    );
    const violating = Number(found[0]?.n ?? 0);
    if (violating > 0) {
      throw new DeltaError("WEIR_DELTA_CONSTRAINT_VIOLATION", `Cannot add CHECK constraint ${name} (${expression}) to the Delta table at ${root}: ${violating} existing row(s) violate it. Sample row: ${String(found[0]?.sample ?? "").slice(0, SAMPLE_CHARS)}`, {
        hint: "fix or delete those rows first (UPDATE/DELETE … WHERE NOT (condition)), then add the constraint", details: { table: root, constraint: name, violatingRows: violating },
      });
    }
    txn.readWholeTable();
    txn.markFilesRead(snapshot.files.map((f) => f.add.path));
    const configuration = { ...snapshot.configuration, [key]: expression };
    return (await commitDml(txn, root, [{ ...snapshot.metadata, configuration }], [], {
      operation: "ADD CONSTRAINT", operationParameters: { name, expr: expression }, operationMetrics: {},
    }))!;
  } finally {
    close();
  }
}

/**
 * `ALTER TABLE t DROP CONSTRAINT [IF EXISTS] name`: commits the metadata without `delta.constraints.<name>`.
 * Returns the version written, or undefined when the constraint did not exist and `ifExists` was given.
 *
 * @example
 * ```ts
 * await dropDeltaConstraint(executor, "/data/orders", "positive_qty", false);
 * ```
 */
export async function dropDeltaConstraint(executor: DuckDBExecutor, root: string, name: string, ifExists: boolean): Promise<number | undefined> {
  const key = constraintKey(name);
  const { txn, snapshot, close } = await startDml(executor, root, "DROP CONSTRAINT");
  try {
    const existing = snapshot.configuration[key];
    if (existing === undefined || existing === null) {
      if (ifExists) return undefined;
      const names = tableConstraints(snapshot.schema, snapshot.configuration).filter((c) => c.kind === "check").map((c) => c.name);
      throw new WeirError("WEIR_INVALID_ARGUMENT", `Cannot drop nonexistent constraint ${name} from the Delta table at ${root}. Constraints: ${names.join(", ") || "none"}`, {
        hint: "use DROP CONSTRAINT IF EXISTS to ignore a missing constraint", details: { table: root, constraint: name },
      });
    }
    const configuration: Record<string, string> = {};
    for (const [k, v] of Object.entries(snapshot.configuration)) if (k !== key && v !== null && v !== undefined) configuration[k] = v;
    txn.readWholeTable();
    return await commitDml(txn, root, [{ ...snapshot.metadata, configuration }], [], {
      operation: "DROP CONSTRAINT", operationParameters: { name, expr: existing }, operationMetrics: {},
    });
  } finally {
    close();
  }
}

function constraintKey(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new WeirError("WEIR_INVALID_ARGUMENT", `Invalid constraint name "${name}"`, { hint: "use letters, digits and underscores, starting with a letter or underscore" });
  }
  return `${CONSTRAINT_PREFIX}${name.toLowerCase()}`;
}
