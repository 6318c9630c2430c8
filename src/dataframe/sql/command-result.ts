import { plan, type Plan, type Scan } from "../../plan/index.js";
import { t, type StructType } from "../../types/index.js";
import { DataFrame } from "../dataframe.js";
import type { Runtime } from "../runtime.js";
import type { Row } from "../typed.js";

/** Rows a statement returns (Spark's output of SHOW/DESCRIBE/DML; DDL returns none). @example `{ rows: [{ namespace: "gold" }], schema }` */
export interface CommandOutput {
  readonly rows: readonly Row[];
  /** Undefined for statements without output columns. */
  readonly schema?: StructType;
  /** Output as a plan instead of rows (e.g. DESCRIBE HISTORY's DataFrame). */
  readonly plan?: Plan;
}

let commandCounter = 0;

/**
 * The DataFrame `session.sql` returns for a Weir statement. The statement runs **eagerly**, as in Spark: it
 * has already started when `sql()` returns. Awaiting the DataFrame waits for it (and rethrows its error);
 * actions on it (collect, show) wait too and return the statement's output rows.
 *
 * Mechanics: the DataFrame's plan is a placeholder scan that its own runtime compiles — after the statement
 * finished — into the output rows, so it composes with filter/select like any DataFrame.
 *
 * @example
 * ```ts
 * await spark.sql("CREATE TABLE t (id BIGINT) USING DELTA");
 * await spark.sql("SHOW TABLES").show();
 * ```
 */
export function commandDataFrame(rt: Runtime, work: () => Promise<CommandOutput>): DataFrame<Row> {
  const done = work();
  done.catch(() => undefined); // observed through then() / actions; never an unhandled rejection
  const marker = `weir-command:${++commandCounter}`;
  const placeholder: Scan = plan({ kind: "scan", format: "delta", paths: [marker], options: {} });
  const outputPlan = async (): Promise<Plan> => {
    const out = await done;
    if (out.plan) return out.plan;
    return plan({ kind: "local", rows: out.rows, schema: out.schema ?? NO_COLUMNS });
  };
  const runtime: Runtime = {
    ...rt,
    external: {
      ...rt.external,
      compileDeltaScan: async (scan, compiler) => {
        if (scan.paths[0] === marker) {
          const p = await outputPlan();
          // No output columns (DDL): an empty relation whose only column is hidden.
          if (p.kind === "local" && p.schema.fields.length === 0) {
            return { sql: `SELECT NULL AS "__no_columns" LIMIT 0`, fields: [{ name: "__no_columns", sqlName: "__no_columns", qualifiers: [`#${scan.id}`], hidden: true }] };
          }
          return compiler.compile(p);
        }
        return rt.external.compileDeltaScan!(scan, compiler);
      },
    },
  };
  const df = new DataFrame<Row>(runtime, placeholder);
  // Thenable: `await spark.sql("…")` waits for the statement and yields a plain DataFrame of its output.
  Object.defineProperty(df, "then", {
    enumerable: false,
    value: (onFulfilled?: (v: DataFrame<Row>) => unknown, onRejected?: (e: unknown) => unknown) =>
      outputPlan().then((p) => new DataFrame<Row>(rt, p)).then(onFulfilled, onRejected),
  });
  return df;
}

const NO_COLUMNS: StructType = t.structOf([]);
