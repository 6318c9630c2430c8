import { WeirError } from "../../errors/index.js";

/** One SQL token with its offsets in the text. @example `{ kind: "ident", text: "FROM", value: "FROM", start: 9, end: 13 }` */
export interface Token {
  readonly kind: "ident" | "quoted" | "string" | "number" | "param" | "op";
  /** The raw text. */
  readonly text: string;
  /** Identifiers and quoted identifiers unquoted; strings unescaped. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** For `quoted`: the quote character (`` ` `` or `"`). */
  readonly quote?: string;
}

/**
 * Split SQL text into tokens, skipping whitespace and comments. Enough of SQL's lexical grammar to recognize
 * Weir statements and find table references without touching string literals or comments.
 *
 * @example
 * ```ts
 * tokenize("SELECT 'a--b' FROM gold.t -- note").map((t) => t.text); // ["SELECT", "'a--b'", "FROM", "gold", ".", "t"]
 * ```
 */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "-" && sql[i + 1] === "-") { while (i < n && sql[i] !== "\n") i++; continue; }
    if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    const start = i;
    if (c === "'" ) {
      let value = "";
      i++;
      for (;;) {
        if (i >= n) throw unterminated(sql, start, "string literal");
        if (sql[i] === "'" && sql[i + 1] === "'") { value += "'"; i += 2; continue; }
        if (sql[i] === "'") { i++; break; }
        if (sql[i] === "\\" && i + 1 < n) { value += sql[i + 1]; i += 2; continue; }
        value += sql[i++];
      }
      out.push({ kind: "string", text: sql.slice(start, i), value, start, end: i });
      continue;
    }
    if (c === "`" || c === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= n) throw unterminated(sql, start, "quoted identifier");
        if (sql[i] === c && sql[i + 1] === c) { value += c; i += 2; continue; }
        if (sql[i] === c) { i++; break; }
        value += sql[i++];
      }
      out.push({ kind: "quoted", text: sql.slice(start, i), value, start, end: i, quote: c });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_]/.test(sql[i]!)) i++;
      const text = sql.slice(start, i);
      out.push({ kind: "ident", text, value: text, start, end: i });
      continue;
    }
    if (c === "$" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      i++;
      while (i < n && /[A-Za-z0-9_]/.test(sql[i]!)) i++;
      out.push({ kind: "param", text: sql.slice(start, i), value: sql.slice(start + 1, i), start, end: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      while (i < n && /[0-9.eE]/.test(sql[i]!)) i++;
      out.push({ kind: "number", text: sql.slice(start, i), value: sql.slice(start, i), start, end: i });
      continue;
    }
    const two = sql.slice(i, i + 2);
    const op = ["<=", ">=", "<>", "!=", "==", "::", "||"].includes(two) ? two : c;
    i += op.length;
    out.push({ kind: "op", text: op, value: op, start, end: i });
  }
  return out;
}

/** Whether a token is the keyword `kw` (case-insensitive). @example `isKeyword(tok, "FROM")` */
export function isKeyword(t: Token | undefined, kw: string): boolean {
  return t !== undefined && t.kind === "ident" && t.value.toUpperCase() === kw;
}

function unterminated(sql: string, at: number, what: string): WeirError {
  return new WeirError("WEIR_SQL_ERROR", `Cannot parse SQL: unterminated ${what} at offset ${at} (${JSON.stringify(sql.slice(at, at + 20))}…)`, { hint: "close the quote; a quote inside a string is doubled ('it''s')" });
}
