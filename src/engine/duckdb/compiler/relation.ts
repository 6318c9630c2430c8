import { AnalysisError } from "../../../errors/index.js";
import { quoteIdent, unknownColumnError } from "../../../util/index.js";

/**
 * One output column of a compiled relation: the user-visible `name`, the unique `sqlName` it has in the SQL,
 * and the qualifiers (`#<plan id>` of every DataFrame that produced it, and aliases) it can be referenced by.
 * `hidden` fields (the input file name) are resolvable by functions but never part of `*`.
 */
export interface Field {
  readonly name: string;
  readonly sqlName: string;
  readonly qualifiers: readonly string[];
  readonly hidden?: boolean;
  /** A cast still owed to this column at the query's output (e.g. Spark's INT for row_number), see rankingInt. */
  readonly outputCast?: string;
}

/**
 * A field's SQL with its deferred output cast applied (used where a column leaves pass-through territory:
 * joins, aggregation keys, the final SELECT).
 * @example `withOutputCast(field, '"l1"."rn"') // 'CAST("l1"."rn" AS INTEGER)'`
 */
export function withOutputCast(field: Field, sql: string): string {
  return field.outputCast ? `CAST(${sql} AS ${field.outputCast})` : sql;
}

/** A compiled relation: a SELECT statement whose output columns are exactly `fields` (by sqlName). */
export interface Relation {
  readonly sql: string;
  readonly fields: readonly Field[];
}

/** A relation visible to an expression, with the SQL alias it has in the FROM clause (if any). */
export interface ScopeEntry {
  readonly alias?: string;
  readonly fields: readonly Field[];
}

/**
 * The relations an expression may reference; resolves column names (case-insensitively, like Spark) and raises
 * Spark-style "unknown column … did you mean" and "ambiguous column" errors.
 * @example `new Scope([{ fields }], "filter()").resolve("amount")`
 */
export class Scope {
  constructor(readonly entries: readonly ScopeEntry[], readonly context: string) {}

  /** The SQL reference of a column, e.g. `"l"."id"`. */
  resolve(name: string, qualifier?: string): string {
    const found = this.lookup(name, qualifier);
    if (found.length === 1) return this.ref(found[0]!);
    if (found.length > 1) {
      throw new AnalysisError("WEIR_AMBIGUOUS_COLUMN", `Ambiguous column "${name}" in ${this.context}: it exists in more than one input`, {
        hint: `qualify it with the DataFrame it comes from, e.g. left.col("${name}"), or alias the inputs (df.alias("a")) and use col("a.${name}")`,
      });
    }
    // `a.b`: qualifier "a" or struct field access on column "a".
    const dot = name.indexOf(".");
    if (qualifier === undefined && dot > 0) {
      const head = name.slice(0, dot);
      const rest = name.slice(dot + 1);
      if (this.entries.some((e) => e.fields.some((f) => f.qualifiers.some((q) => eqi(q, head))))) return this.resolve(rest, head);
      const base = this.lookup(head, undefined);
      if (base.length === 1) return rest.split(".").reduce((acc, part) => `${acc}.${quoteIdent(part)}`, this.ref(base[0]!));
    }
    throw this.unknown(name);
  }

  /** The scope entries and fields matching a name. */
  lookup(name: string, qualifier?: string): { entry: ScopeEntry; field: Field }[] {
    const out: { entry: ScopeEntry; field: Field }[] = [];
    for (const entry of this.entries) {
      for (const field of entry.fields) {
        if (!eqi(field.name, name)) continue;
        if (qualifier !== undefined && !field.qualifiers.some((q) => eqi(q, qualifier))) continue;
        out.push({ entry, field });
      }
    }
    // Exact-case match wins over case-insensitive duplicates (e.g. columns "a" and "A").
    if (out.length > 1) {
      const exact = out.filter((x) => x.field.name === name);
      if (exact.length === 1) return exact;
    }
    return out;
  }

  /** The error for an unknown column, with "did you mean" and the available columns. */
  unknown(name: string): AnalysisError {
    const names = [...new Set(this.entries.flatMap((e) => e.fields.filter((f) => !f.hidden).map((f) => f.name)))];
    return unknownColumnError(name, this.context, names);
  }

  private ref(x: { entry: ScopeEntry; field: Field }): string {
    return x.entry.alias ? `${quoteIdent(x.entry.alias)}.${quoteIdent(x.field.sqlName)}` : quoteIdent(x.field.sqlName);
  }
}

/** Case-insensitive string equality. @example `eqi("Id", "id") // true` */
export function eqi(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Assign unique SQL names to output columns: a name keeps its own spelling unless an earlier column took it
 * (case-insensitively), in which case it becomes `name__2`, `name__3` …
 * @example `uniqueSqlNames(["id", "id", "x"]) // ["id", "id__2", "x"]`
 */
export function uniqueSqlNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((n) => {
    let candidate = n;
    for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${n}__${i}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}
