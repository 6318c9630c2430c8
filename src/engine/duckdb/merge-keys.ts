/**
 * The equality keys of a MERGE condition: conjuncts `target.column = source.column` (Column expressions or
 * SQL text such as `"t.id = s.id AND t.day = s.day"`). Their source values bound the target files a MERGE can
 * match (min/max stats, partition values); anything else in the condition is left to the join.
 */
import type { Expr } from "../../expr/index.js";
import { conjuncts } from "./delta-dml.js";
import type { Scope } from "./compiler/relation.js";

/** A `target = source` column pair. @example `{ target: "id", source: "id" }` */
export interface MergeKey {
  readonly target: string;
  readonly source: string;
}

const IDENT = String.raw`(?:[A-Za-z_][\w$]*|"(?:[^"]|"")+")`;
const REF = new RegExp(String.raw`^\(*\s*(${IDENT}(?:\s*\.\s*${IDENT})?)\s*=\s*(${IDENT}(?:\s*\.\s*${IDENT})?)\s*\)*$`);

/**
 * Equality key pairs of `condition` whose sides resolve to one target and one source column.
 *
 * @example `mergeKeys(mk({ kind: "sql", text: "t.id = s.id" }), scope, "t", "s") // [{ target: "id", source: "id" }]`
 */
export function mergeKeys(condition: Expr, scope: Scope, targetAlias: string, sourceAlias: string): MergeKey[] {
  const out: MergeKey[] = [];
  for (const c of conjuncts(condition)) {
    let sides: [string[], string[]] | undefined;
    if (c.kind === "binary" && (c.op === "=") && c.left.kind === "column" && c.right.kind === "column") {
      sides = [refParts(c.left.name, c.left.qualifier), refParts(c.right.name, c.right.qualifier)];
    } else if (c.kind === "sql") {
      const m = REF.exec(c.text.trim());
      if (m && !/\)\s*\(/.test(c.text)) sides = [splitRef(m[1]!), splitRef(m[2]!)];
    }
    if (!sides) continue;
    const a = side(sides[0], scope, targetAlias, sourceAlias);
    const b = side(sides[1], scope, targetAlias, sourceAlias);
    if (a?.of === "target" && b?.of === "source") out.push({ target: a.name, source: b.name });
    else if (a?.of === "source" && b?.of === "target") out.push({ target: b.name, source: a.name });
  }
  return out;
}

function refParts(name: string, qualifier: string | undefined): string[] {
  if (qualifier !== undefined) return [qualifier, name];
  const dot = name.indexOf(".");
  return dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : [name];
}

function splitRef(text: string): string[] {
  const parts = text.match(new RegExp(IDENT, "g")) ?? [];
  return parts.map((p) => (p.startsWith('"') ? p.slice(1, -1).replaceAll('""', '"') : p));
}

function side(parts: string[], scope: Scope, targetAlias: string, sourceAlias: string): { of: "target" | "source"; name: string } | undefined {
  const [first, second] = parts;
  const entryOf = (alias: string): { of: "target" | "source"; fields: readonly { name: string }[] } | undefined => {
    const idx = scope.entries.findIndex((e) => e.alias?.toLowerCase() === alias.toLowerCase());
    return idx < 0 ? undefined : { of: idx === 0 ? "target" : "source", fields: scope.entries[idx]!.fields };
  };
  if (second !== undefined) {
    const e = entryOf(first!.toLowerCase() === targetAlias.toLowerCase() ? targetAlias : first!.toLowerCase() === sourceAlias.toLowerCase() ? sourceAlias : first!);
    const f = e?.fields.find((x) => x.name.toLowerCase() === second.toLowerCase());
    return e && f ? { of: e.of, name: f.name } : undefined;
  }
  const hits = scope.entries.flatMap((e, i) => e.fields.filter((f) => f.name.toLowerCase() === first!.toLowerCase()).map((f) => ({ of: (i === 0 ? "target" : "source") as "target" | "source", name: f.name })));
  return hits.length === 1 ? hits[0] : undefined;
}
