/**
 * File pruning for Delta scans: partition pruning (exact, on the files' partition values) and data skipping
 * (on the per-file min/max/nullCount statistics). Both are evaluated by DuckDB over a small relation with one
 * row per file, so SQL semantics (casts, nulls, collation) are exactly those of the filter itself.
 *
 * A pushed conjunct that references only partition columns is evaluated as written. Any other conjunct is
 * rewritten into a predicate over statistics that is FALSE only when no row of the file can satisfy it
 * (`c = v` → `min(c) <= v AND max(c) >= v`); what cannot be rewritten becomes "unknown", and a file is kept
 * unless its predicate is definitely FALSE. Missing statistics are NULL, which keeps the file.
 */
import type { DeltaFile } from "../../delta/index.js";
import { forEachExpr, mk, type Expr } from "../../expr/index.js";
import { t, toDuckDBType, type DataType, type StructType } from "../../types/index.js";
import { quoteIdent } from "../../util/index.js";
import { compileExpr } from "./compiler/compile-expr.js";
import { Scope, type Field } from "./compiler/relation.js";
import type { DuckDBExecutor } from "./duckdb-executor.js";
import { partitionText, statText } from "./delta-file-stats.js";
import { ParamCollector } from "./params.js";

const SKIPPABLE = new Set(["byte", "short", "integer", "long", "float", "double", "decimal", "date", "timestamp", "timestamp_ntz", "string"]);

interface StatColumn { readonly name: string; readonly type: DataType; readonly index: number; readonly partition: boolean }

/**
 * The files of `files` that may hold rows satisfying every pushed filter (all of them when nothing can be
 * decided). Never throws for an unevaluable filter: pruning is only an optimization.
 *
 * @example
 * ```ts
 * const kept = await pruneDeltaFiles(snapshot.files, snapshot.schema, snapshot.partitionColumns, scan.pushedFilters ?? [], executor);
 * ```
 */
export async function pruneDeltaFiles(
  files: readonly DeltaFile[], schema: StructType, partitionColumns: readonly string[], filters: readonly Expr[], executor: DuckDBExecutor,
): Promise<readonly DeltaFile[]> {
  if (!files.length || !filters.length) return files;
  const parts = new Set(partitionColumns.map((c) => c.toLowerCase()));
  const columns = new Map<string, StatColumn>();
  schema.fields.forEach((f, index) => columns.set(f.name.toLowerCase(), { name: f.name, type: f.type, index, partition: parts.has(f.name.toLowerCase()) }));

  const exact: Expr[] = [];
  const skipping: Expr[] = [];
  for (const f of filters) {
    if (!isDeterministic(f)) continue;
    const refs = columnRefs(f);
    if (refs.some((r) => !columns.has(r.toLowerCase()))) continue;
    if (refs.length && refs.every((r) => columns.get(r.toLowerCase())?.partition)) exact.push(f);
    else {
      const s = rewriteForStats(f, columns);
      if (s) skipping.push(s);
    }
  }
  if (!exact.length && !skipping.length) return files;

  const params = new ParamCollector();
  // Filters may reference columns qualified by the scan's id or an alias: every field answers to all of them.
  const qualifiers = new Set<string>();
  for (const f of filters) forEachExpr(f, (x) => { if (x.kind === "column" && x.qualifier) qualifiers.add(x.qualifier); });
  const fields: Field[] = [];
  const selects: string[] = [`unnest(${params.bind(files.map((_, i) => i))}) AS "__i"`];
  const addField = (name: string, sql: string): void => {
    fields.push({ name, sqlName: name, qualifiers: [...qualifiers] });
    selects.push(`${sql} AS ${quoteIdent(name)}`);
  };
  addField("__num_records", `CAST(unnest(${params.bind(files.map((f) => f.stats?.numRecords ?? null), t.array(t.float64()))}) AS BIGINT)`);
  for (const c of columns.values()) {
    const duck = toDuckDBType(c.type);
    if (c.partition) {
      const raw = files.map((f) => partitionText(f, c.name));
      const value = `TRY_CAST(unnest(${params.bind(raw, t.array(t.string()))}) AS ${duck})`;
      addField(c.name, value);
      addField(minName(c), value);
      addField(maxName(c), value);
      addField(nullsName(c), `CAST(unnest(${params.bind(files.map((f) => (partitionText(f, c.name) === null ? f.stats?.numRecords ?? null : 0)), t.array(t.float64()))}) AS BIGINT)`);
    } else if (SKIPPABLE.has(c.type.kind)) {
      const min = files.map((f) => statText(f.stats?.minValues[c.name], c.type));
      const max = files.map((f) => statText(f.stats?.maxValues[c.name], c.type));
      const nulls = files.map((f) => numberOrNull(f.stats?.nullCount[c.name]));
      // Timestamps in stats are truncated to milliseconds by most writers: widen the max by 1 ms.
      const widen = c.type.kind === "timestamp" || c.type.kind === "timestamp_ntz" ? " + INTERVAL 1 MILLISECOND" : "";
      addField(minName(c), `TRY_CAST(unnest(${params.bind(min, t.array(t.string()))}) AS ${duck})`);
      addField(maxName(c), `(TRY_CAST(unnest(${params.bind(max, t.array(t.string()))}) AS ${duck})${widen})`);
      addField(nullsName(c), `CAST(unnest(${params.bind(nulls, t.array(t.float64()))}) AS BIGINT)`);
    } else {
      addField(nullsName(c), `CAST(unnest(${params.bind(files.map((f) => numberOrNull(f.stats?.nullCount[c.name])), t.array(t.float64()))}) AS BIGINT)`);
    }
  }
  try {
    const scope = new Scope([{ fields }], "Delta data skipping");
    const where = [
      ...exact.map((e) => `(${compileExpr(e, { scope, params })})`),
      ...skipping.map((e) => `((${compileExpr(e, { scope, params })}) IS NOT FALSE)`),
    ].join(" AND ");
    const sql = `SELECT "__i" FROM (SELECT ${selects.join(", ")}) WHERE ${where}`;
    const { rows } = await executor.query(sql, params.bound, "Delta file pruning");
    const keep = new Set(rows.map((r) => Number(r.__i)));
    return files.filter((_, i) => keep.has(i));
  } catch {
    // A filter DuckDB cannot evaluate over partition values or stats (e.g. a type mismatch) prunes nothing;
    // the filter still runs over the data and reports its error there.
    return files;
  }
}

const minName = (c: StatColumn): string => `__min_${c.index}`;
const maxName = (c: StatColumn): string => `__max_${c.index}`;
const nullsName = (c: StatColumn): string => `__nulls_${c.index}`;

function numberOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function isDeterministic(e: Expr): boolean {
  let ok = true;
  forEachExpr(e, (x) => {
    if (x.kind === "sql" || x.kind === "window" || x.kind === "lambda" || x.kind === "param") ok = false;
    if (x.kind === "call" && ["rand", "randn", "input_file_name", "uuid", "monotonically_increasing_id"].includes(x.name)) ok = false;
  });
  return ok;
}

function columnRefs(e: Expr): string[] {
  const out: string[] = [];
  forEachExpr(e, (x) => {
    if (x.kind === "column") out.push(x.name);
    if (x.kind === "star") out.push("*");
  });
  return out;
}

const col = (name: string): Expr => mk({ kind: "column", name });
const bin = (op: "=" | "<" | "<=" | ">" | ">=" | "and" | "or", left: Expr, right: Expr): Expr => mk({ kind: "binary", op, left, right });
const not = (operand: Expr): Expr => mk({ kind: "unary", op: "not", operand });

/** A predicate over the per-file statistics that is FALSE only if no row of the file satisfies `e`. */
function rewriteForStats(e: Expr, columns: ReadonlyMap<string, StatColumn>): Expr | undefined {
  const stat = (x: Expr): StatColumn | undefined => {
    if (x.kind !== "column") return undefined;
    const c = columns.get(x.name.toLowerCase());
    return c && (c.partition || SKIPPABLE.has(c.type.kind)) ? c : undefined;
  };
  const constant = (x: Expr): boolean => columnRefs(x).length === 0 && x.kind !== "literal" ? isDeterministic(x) : x.kind === "literal" && x.value !== null && x.value !== undefined;
  switch (e.kind) {
    case "binary": {
      if (e.op === "and") {
        const l = rewriteForStats(e.left, columns);
        const r = rewriteForStats(e.right, columns);
        return l && r ? bin("and", l, r) : l ?? r;
      }
      if (e.op === "or") {
        const l = rewriteForStats(e.left, columns);
        const r = rewriteForStats(e.right, columns);
        return l && r ? bin("or", l, r) : undefined;
      }
      const flip: Record<string, string> = { "=": "=", "<=>": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };
      let c = stat(e.left);
      let op = e.op as string;
      let v = e.right;
      if (!c || !constant(v)) {
        c = stat(e.right);
        v = e.left;
        op = flip[op] ?? "";
        if (!c || !constant(v)) return undefined;
      }
      const min = col(minName(c));
      const max = col(maxName(c));
      switch (op) {
        case "=": case "<=>": return bin("and", bin("<=", min, v), bin(">=", max, v));
        case "!=": return not(bin("and", bin("=", min, v), bin("=", max, v)));
        case "<": return bin("<", min, v);
        case "<=": return bin("<=", min, v);
        case ">": return bin(">", max, v);
        case ">=": return bin(">=", max, v);
        default: return undefined;
      }
    }
    case "in": {
      const c = stat(e.expr);
      if (!c || !e.values.length || !e.values.every(constant)) return undefined;
      return e.values.map((v) => bin("and", bin("<=", col(minName(c)), v), bin(">=", col(maxName(c)), v))).reduce((a, b) => bin("or", a, b));
    }
    case "between": {
      const c = stat(e.expr);
      if (!c || !constant(e.lower) || !constant(e.upper)) return undefined;
      return bin("and", bin(">=", col(maxName(c)), e.lower), bin("<=", col(minName(c)), e.upper));
    }
    case "unary": {
      const target = e.op === "not" && e.operand.kind === "unary" && e.operand.op === "isnull" ? e.operand.operand : e.operand;
      const op = e.op === "not" && target !== e.operand ? "isnotnull" : e.op;
      if (target.kind !== "column") return undefined;
      const c = columns.get(target.name.toLowerCase());
      if (!c) return undefined;
      if (op === "isnull") return bin(">", col(nullsName(c)), mk({ kind: "literal", value: 0 }));
      if (op === "isnotnull") return bin("<", col(nullsName(c)), col("__num_records"));
      return undefined;
    }
    default:
      return undefined;
  }
}
