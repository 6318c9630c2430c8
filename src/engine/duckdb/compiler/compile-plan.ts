import { AnalysisError, WeirError, bug } from "../../../errors/index.js";
import { exprName, mk, type Expr } from "../../../expr/index.js";
import { inputs, optimize, type Plan } from "../../../plan/index.js";
import { toDuckDBType } from "../../../types/index.js";
import { quoteIdent, quoteString } from "../../../util/index.js";
import type { ColumnInfo, DuckDBExecutor } from "../duckdb-executor.js";
import { ParamCollector } from "../params.js";
import { compileExpr, compileSortOrder, type ExprContext } from "./compile-expr.js";
import { compileFileScan, INPUT_FILE_COLUMN, type ScanReport } from "./compile-scan.js";
import { compileNa } from "./compile-na.js";
import { compilePostgresScan } from "../postgres-scan.js";
import { compileSetOp } from "./compile-setop.js";
import { checkSqlText, hasSqlText, subtreeQualifiers } from "./check-sql.js";
import { compileAggregate } from "./compile-aggregate.js";
import { compileJoin } from "./compile-join.js";
import { jsonStructure } from "./json-structure.js";
import { deferredRanking, outputName } from "./output-name.js";
import { eqi, Scope, uniqueSqlNames, type Field, type Relation } from "./relation.js";
import type { StageEnv } from "./stage-env.js";

export { outputName } from "./output-name.js";

/** Resolves plans Weir cannot compile alone (Delta scans, catalog tables) — provided by higher layers. */
export interface ExternalScans {
  compileDeltaScan?(scan: Extract<Plan, { kind: "scan" }>, compiler: PlanCompiler): Promise<Relation>;
  /** Build SQL and describe only, reading no data (explain(), schema): sources that copy data first skip it. */
  describeOnly?: boolean;
}

/**
 * Compiles a logical plan into one DuckDB SELECT statement (nested subqueries, one per node), resolving and
 * checking every column reference on the way. Literals are collected as bound parameters.
 *
 * @example
 * ```ts
 * const c = new PlanCompiler(executor);
 * const rel = await c.compile(optimize(df.plan)); // rel.sql, c.params.bound
 * ```
 */
export class PlanCompiler {
  readonly params = new ParamCollector();
  readonly scans: ScanReport[] = [];
  private readonly memo = new Map<Plan, Promise<Relation>>();
  private aliasCounter = 0;
  private readonly env: StageEnv;

  constructor(readonly executor: DuckDBExecutor, private readonly external: ExternalScans = {}) {
    this.env = { executor, params: this.params, alias: (prefix) => this.alias(prefix), exprContext: (entries, context) => this.ctx(entries, context) };
  }

  /** Compile a plan (memoized per node). */
  compile(p: Plan): Promise<Relation> {
    let r = this.memo.get(p);
    if (!r) {
      r = this.compileNode(p).then((rel) => (hasSqlText(p) ? this.checked(p, rel) : rel));
      this.memo.set(p, r);
    }
    return r;
  }

  /** Bind a node holding user SQL text so unknown names in it get Weir's "did you mean" error. */
  private async checked(p: Plan, rel: Relation): Promise<Relation> {
    const ins = await Promise.all(inputs(p).map((c) => this.compile(c)));
    const context = { project: "select()/selectExpr()", withColumns: "withColumn()", filter: "filter()", aggregate: "groupBy().agg()", sort: "orderBy()", join: "join()" }[p.kind as string] ?? p.kind;
    await checkSqlText(rel, this.executor, this.params.bound, new Scope(ins.map((r) => ({ fields: r.fields })), context));
    return rel;
  }

  /** The output column types of a relation (asks DuckDB to bind it, without running it). */
  async columnsOf(rel: Relation): Promise<ColumnInfo[]> {
    const cols = await this.executor.describe(rel.sql, this.params.bound);
    return rel.fields.map((f, i) => ({ name: f.name, type: cols[i]?.type ?? bug("describe returned fewer columns than the relation has", { sql: rel.sql }) }));
  }

  /** A fresh SQL alias for a subquery. */
  alias(prefix = "q"): string {
    return `${prefix}${++this.aliasCounter}`;
  }

  private ctx(entries: ConstructorParameters<typeof Scope>[0], context: string): ExprContext {
    const hidden = entries.length === 1 ? entries[0]!.fields.find((f) => f.hidden && f.name === INPUT_FILE_COLUMN) : undefined;
    const prefix = entries[0]?.alias ? `${quoteIdent(entries[0].alias)}.` : "";
    return { scope: new Scope(entries, context), params: this.params, ...(hidden ? { inputFileName: `${prefix}${quoteIdent(hidden.sqlName)}` } : {}) };
  }

  private async compileNode(p: Plan): Promise<Relation> {
    switch (p.kind) {
      case "scan": {
        if (p.format === "delta") {
          if (!this.external.compileDeltaScan) throw new WeirError("WEIR_UNSUPPORTED_OPERATION", "Reading Delta tables is not available in this session", { hint: "use a Session created by Weir" });
          return this.external.compileDeltaScan(p, this);
        }
        if (p.format === "postgres") return compilePostgresScan(p, this, this.external.describeOnly === true);
        const { relation, report } = await compileFileScan(p, this.executor, this.params);
        this.scans.push(report);
        return relation;
      }
      case "sql": {
        for (const [k, v] of Object.entries(p.params)) this.params.bindNamed(k, v);
        const query = await this.withViews(p.query, p.views);
        const cols = await this.executor.describe(query, this.params.bound, "sql()");
        return this.fromColumns(query, cols.map((c) => c.name), p.id);
      }
      case "local": {
        if (p.rows.length === 0) {
          const sel = p.schema.fields.map((f) => `CAST(NULL AS ${toDuckDBType(f.type)}) AS ${quoteIdent(f.name)}`).join(", ");
          return this.fromColumns(`SELECT ${sel} LIMIT 0`, p.schema.fields.map((f) => f.name), p.id);
        }
        const cols = p.schema.fields.map((f) => {
          const values = this.params.bind(p.rows.map((r) => r[f.name] ?? null), { kind: "array", elementType: f.type, containsNull: true });
          const nested = f.type.kind === "map" || f.type.kind === "struct";
          // Maps and structs arrive as JSON text (see params.ts) and are parsed into the declared type.
          const value = nested ? `from_json(unnest(${values}), ${quoteString(JSON.stringify(jsonStructure(f.type)))})` : `unnest(${values})`;
          return `CAST(${value} AS ${toDuckDBType(f.type)}) AS ${quoteIdent(f.name)}`;
        });
        return this.fromColumns(`SELECT ${cols.join(", ")}`, p.schema.fields.map((f) => f.name), p.id);
      }
      case "materialized": {
        const src = p.storage.kind === "table"
          ? `weir_cache.${quoteIdent(p.storage.name)}`
          : `read_parquet(${this.params.bind(`${p.storage.path}/*.parquet`)})`;
        // The stored data alone defines the columns: compiling the original plan again would re-list (and
        // possibly fail on) its source files. Names are unique (cache/checkpoint require it).
        const cols = await this.executor.describe(`SELECT * FROM ${src}`, this.params.bound, "cache");
        const qualifiers = [...subtreeQualifiers(p.original), `#${p.id}`];
        return { sql: `SELECT * FROM ${src}`, fields: cols.map((c) => ({ name: c.name, sqlName: c.name, qualifiers })) };
      }
      case "project": return this.project(p.input, p.exprs, p.id, "select()");
      case "withColumns": {
        const input = await this.compile(p.input);
        const exprs: Expr[] = [];
        const pending = new Map(p.columns.map((c) => [c.name.toLowerCase(), c]));
        for (const f of input.fields) {
          if (f.hidden) continue;
          const replaced = pending.get(f.name.toLowerCase());
          if (replaced) {
            exprs.push(mk({ kind: "alias", expr: replaced.expr, name: replaced.name }));
            pending.delete(f.name.toLowerCase());
          } else exprs.push(mk({ kind: "column", name: f.name, qualifier: f.qualifiers[0] ?? "" }));
        }
        for (const c of pending.values()) exprs.push(mk({ kind: "alias", expr: c.expr, name: c.name }));
        return this.projectOver(input, exprs, p.id, "withColumn()");
      }
      case "drop": {
        const input = await this.compile(p.input);
        const dropped = new Set<Field>();
        for (const c of p.columns) {
          if (c.kind === "column") {
            const scope = new Scope([{ fields: input.fields }], "drop()");
            for (const m of scope.lookup(c.name, c.qualifier)) dropped.add(m.field);
          } else throw new AnalysisError("WEIR_INVALID_ARGUMENT", `drop() takes column names or col(...) references, got ${exprName(c)}`, { hint: "pass the column's name" });
        }
        return this.keep(input, input.fields.filter((f) => !dropped.has(f)), p.id);
      }
      case "rename": {
        const input = await this.compile(p.input);
        const fields = input.fields.map((f) => {
          const r = p.renames.find((x) => eqi(x.from, f.name));
          return r && !f.hidden ? { ...f, name: r.to } : f;
        });
        return this.renameFields(input, fields, p.id);
      }
      case "filter": {
        const input = await this.compile(p.input);
        const a = this.alias();
        const where = compileExpr(p.condition, this.ctx([{ alias: a, fields: input.fields }], "filter()"));
        return this.passThrough(`SELECT * FROM (${input.sql}) AS ${quoteIdent(a)} WHERE ${where}`, input, p.id);
      }
      case "aggregate": return compileAggregate(p, await this.compile(p.input), this.env);
      case "join": {
        const [left, right] = await Promise.all([this.compile(p.left), this.compile(p.right)]);
        return compileJoin(p, left, right, this.env);
      }
      case "sort": {
        const input = await this.compile(p.input);
        const a = this.alias();
        const ctx = this.ctx([{ alias: a, fields: input.fields }], "orderBy()");
        return this.passThrough(`SELECT * FROM (${input.sql}) AS ${quoteIdent(a)} ORDER BY ${p.orders.map((o) => compileSortOrder(o, ctx)).join(", ")}`, input, p.id);
      }
      case "limit": {
        if (!Number.isInteger(p.limit) || p.limit < 0) throw new AnalysisError("WEIR_INVALID_ARGUMENT", `limit(${p.limit}) needs a non-negative integer`, { hint: "e.g. df.limit(10)" });
        const input = await this.compile(p.input);
        // ORDER BY … LIMIT in one statement keeps the order guaranteed; anything else (e.g. a LIMIT already) nests.
        const base = p.input.kind === "sort" ? input.sql : `SELECT * FROM (${input.sql})`;
        return this.passThrough(`${base} LIMIT ${p.limit}${p.offset ? ` OFFSET ${p.offset}` : ""}`, input, p.id);
      }
      case "distinct": {
        const input = await this.compile(p.input);
        const visible = input.fields.filter((f) => !f.hidden);
        return this.passThrough(`SELECT DISTINCT ${visible.map((f) => quoteIdent(f.sqlName)).join(", ")} FROM (${input.sql})`, { ...input, fields: visible }, p.id);
      }
      case "dropDuplicates": {
        const input = await this.compile(p.input);
        const scope = new Scope([{ fields: input.fields }], "dropDuplicates()");
        const keys = p.subset.length ? p.subset.map((n) => scope.resolve(n)) : input.fields.filter((f) => !f.hidden).map((f) => quoteIdent(f.sqlName));
        const visible = input.fields.filter((f) => !f.hidden);
        return this.passThrough(`SELECT DISTINCT ON (${keys.join(", ")}) ${visible.map((f) => quoteIdent(f.sqlName)).join(", ")} FROM (${input.sql})`, { ...input, fields: visible }, p.id);
      }
      case "setop": {
        const [left, right] = await Promise.all([this.compile(p.left), this.compile(p.right)]);
        return compileSetOp(p, left, right);
      }
      case "sample": {
        if (!(p.fraction >= 0 && p.fraction <= 1) && !p.withReplacement) throw new AnalysisError("WEIR_INVALID_ARGUMENT", `sample() fraction must be in [0, 1], got ${p.fraction}`, { hint: "e.g. df.sample(0.1)" });
        const input = await this.compile(p.input);
        const pct = (p.fraction * 100).toFixed(6);
        const seed = p.seed !== undefined ? `, ${Math.trunc(p.seed)}` : "";
        return this.passThrough(`SELECT * FROM (${input.sql}) USING SAMPLE ${pct} PERCENT (bernoulli${seed})`, input, p.id);
      }
      case "alias": {
        const input = await this.compile(p.input);
        return { sql: input.sql, fields: input.fields.map((f) => ({ ...f, qualifiers: [...f.qualifiers, p.alias, `#${p.id}`] })) };
      }
      case "hint": return this.passThrough((await this.compile(p.input)).sql, await this.compile(p.input), p.id);
      case "repartition": return this.passThrough((await this.compile(p.input)).sql, await this.compile(p.input), p.id);
      case "fillna": case "dropna": case "replace": {
        const input = await this.compile(p.input);
        const cols = await this.columnsOf(input);
        return this.passThrough(compileNa(p, input, cols, this.params), input, p.id);
      }
      default: { const never: never = p; return never; }
    }
  }

  /** Prefix a user query with CTEs defining the views it references (merging with its own WITH). */
  private async withViews(query: string, views: readonly { name: string; plan: Plan }[]): Promise<string> {
    if (views.length === 0) return query;
    const ctes: string[] = [];
    for (const v of views) {
      // A view is a plan of its own: the optimizer's rules (filters pushed into Postgres/Delta/file scans) never
      // reached it through the sql node, so without this a filtered Postgres DataFrame was read in full.
      const rel = await this.compile(optimize(v.plan));
      const visible = rel.fields.filter((f) => !f.hidden);
      const sel = visible.map((f) => `${quoteIdent(f.sqlName)} AS ${quoteIdent(f.name)}`).join(", ");
      ctes.push(`${quoteIdent(v.name)} AS (SELECT ${sel} FROM (${rel.sql}))`);
    }
    const own = /^\s*WITH\s+(?!RECURSIVE\b)/i.exec(query);
    return own ? `WITH ${ctes.join(", ")}, ${query.slice(own[0].length)}` : `WITH ${ctes.join(", ")} ${query}`;
  }

  /** A relation over SQL whose columns are `names`; duplicates get unique SQL names. */
  private fromColumns(sql: string, names: readonly string[], id: number): Relation {
    const sqlNames = uniqueSqlNames(names);
    const same = sqlNames.every((s, i) => s === names[i]);
    const fields = names.map((n, i) => ({ name: n, sqlName: sqlNames[i]!, qualifiers: [`#${id}`] }));
    if (same) return { sql, fields };
    const a = this.alias();
    // Positional references (#n) cannot be qualified, so the subquery is not referenced by alias.
    const cols = names.map((_, i) => `#${i + 1} AS ${quoteIdent(sqlNames[i]!)}`);
    return { sql: `SELECT ${cols.join(", ")} FROM (${sql}) AS ${quoteIdent(a)}`, fields };
  }

  private passThrough(sql: string, input: Relation, id: number): Relation {
    return { sql, fields: input.fields.map((f) => ({ ...f, qualifiers: [...f.qualifiers, `#${id}`] })) };
  }

  private keep(input: Relation, fields: readonly Field[], id: number): Relation {
    const sel = fields.map((f) => quoteIdent(f.sqlName)).join(", ");
    return { sql: `SELECT ${sel || "NULL AS __empty"} FROM (${input.sql})`, fields: fields.map((f) => ({ ...f, qualifiers: [...f.qualifiers, `#${id}`] })) };
  }

  private renameFields(input: Relation, fields: readonly Field[], id: number): Relation {
    const sqlNames = uniqueSqlNames(fields.map((f) => f.name));
    const sel = fields.map((f, i) => `${quoteIdent(f.sqlName)} AS ${quoteIdent(sqlNames[i]!)}`).join(", ");
    return { sql: `SELECT ${sel} FROM (${input.sql})`, fields: fields.map((f, i) => ({ ...f, sqlName: sqlNames[i]!, qualifiers: [...f.qualifiers, `#${id}`] })) };
  }

  private async project(inputPlan: Plan, exprs: readonly Expr[], id: number, context: string): Promise<Relation> {
    return this.projectOver(await this.compile(inputPlan), exprs, id, context);
  }

  /** SELECT a list of expressions (with `*` expansion) over an input relation. */
  private projectOver(input: Relation, exprs: readonly Expr[], id: number, context: string): Relation {
    const a = this.alias();
    const ctx = this.ctx([{ alias: a, fields: input.fields }], context);
    const items: { name: string; sql: string; qualifiers: readonly string[]; hidden?: boolean; outputCast?: string }[] = [];
    for (const e of exprs) {
      if (e.kind === "star") {
        const matches = input.fields.filter((f) => !f.hidden && (e.qualifier === undefined || f.qualifiers.some((q) => eqi(q, e.qualifier!))));
        if (e.qualifier !== undefined && matches.length === 0) throw ctx.scope.unknown(`${e.qualifier}.*`);
        for (const f of matches) items.push({ name: f.name, sql: `${quoteIdent(a)}.${quoteIdent(f.sqlName)}`, qualifiers: f.qualifiers, ...(f.outputCast ? { outputCast: f.outputCast } : {}) });
        continue;
      }
      // posexplode yields two columns (pos, col): two lock-step unnests of the same array.
      const gen = e.kind === "alias" ? e.expr : e;
      if (gen.kind === "call" && (gen.name === "posexplode" || gen.name === "posexplode_outer")) {
        const names = (e.kind === "alias" ? e.name.split(",") : ["pos", "col"]);
        const outer = gen.name === "posexplode_outer";
        for (const [i, part] of (["posexplode_pos", "posexplode_col"] as const).entries()) {
          items.push({ name: names[i] ?? (i === 0 ? "pos" : "col"), sql: compileExpr(mk({ ...gen, name: part, options: { outer } }), ctx), qualifiers: [] });
        }
        continue;
      }
      const ranking = deferredRanking(e);
      const sql = compileExpr(ranking ?? e, ctx);
      // A bare column keeps its identity, so df.col("x") still resolves after select().
      const source = e.kind === "column" ? ctx.scope.lookup(e.name, e.qualifier)[0]?.field : undefined;
      const outputCast = ranking ? "INTEGER" : source?.outputCast;
      items.push({ name: outputName(e), sql, qualifiers: source?.qualifiers ?? [], ...(outputCast ? { outputCast } : {}) });
    }
    const hidden = input.fields.find((f) => f.hidden);
    if (hidden) items.push({ name: hidden.name, sql: `${quoteIdent(a)}.${quoteIdent(hidden.sqlName)}`, qualifiers: [], hidden: true });
    const sqlNames = uniqueSqlNames(items.map((i) => i.name));
    const sel = items.map((it, i) => `${it.sql} AS ${quoteIdent(sqlNames[i]!)}`).join(", ");
    const fields = items.map((it, i) => ({ name: it.name, sqlName: sqlNames[i]!, qualifiers: [...it.qualifiers, `#${id}`], ...(it.hidden ? { hidden: true } : {}), ...(it.outputCast ? { outputCast: it.outputCast } : {}) }));
    return { sql: `SELECT ${sel} FROM (${input.sql}) AS ${quoteIdent(a)}`, fields };
  }
}

