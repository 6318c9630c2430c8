import { WeirError } from "../../errors/index.js";
import { isKeyword, type Token } from "./sql-lexer.js";
import type { TableRef } from "./statement-ast.js";

/**
 * A cursor over the tokens of one statement, with the helpers the statement parsers share: keywords, names,
 * string literals, and text slices up to a stop keyword at the top nesting level.
 *
 * @example
 * ```ts
 * const c = new SqlCursor(text, tokenize(text));
 * if (c.accept("DROP", "TABLE")) { const ifExists = c.accept("IF", "EXISTS"); const name = c.qualifiedName(); c.end(); }
 * ```
 */
export class SqlCursor {
  i = 0;

  constructor(readonly text: string, readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  /** Consume the keywords when all are next. */
  accept(...keywords: string[]): boolean {
    if (!keywords.every((k, j) => isKeyword(this.peek(j), k))) return false;
    this.i += keywords.length;
    return true;
  }

  /** Consume the keywords or fail. */
  expect(...keywords: string[]): void {
    if (!this.accept(...keywords)) throw this.error(`expected ${keywords.join(" ")}`);
  }

  /** Consume an operator token when next. */
  acceptOp(op: string): boolean {
    const t = this.peek();
    if (t?.kind === "op" && t.text === op) {
      this.i++;
      return true;
    }
    return false;
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error(`expected "${op}"`);
  }

  atEnd(): boolean {
    while (this.peek()?.kind === "op" && this.peek()!.text === ";" && this.i === this.tokens.length - 1) this.i++;
    return this.i >= this.tokens.length;
  }

  end(): void {
    if (!this.atEnd()) throw this.error("unexpected text");
  }

  /** One identifier (plain or quoted), returned as written (backquotes kept for name validation). */
  identifier(what = "a name"): string {
    const t = this.peek();
    if (t?.kind === "ident") { this.i++; return t.value; }
    if (t?.kind === "quoted") { this.i++; return `\`${t.value}\``; }
    throw this.error(`expected ${what}`);
  }

  /** `a` or `a.b`, as text with the parts' quoting normalized to backquotes. */
  qualifiedName(): string {
    const parts = [this.identifier("a table name")];
    while (this.acceptOp(".")) parts.push(this.identifier("a name after \".\""));
    return parts.join(".");
  }

  /** A table operand: `` delta.`/path` `` or a catalog name. */
  tableRef(): TableRef {
    const a = this.peek();
    const b = this.peek(1);
    const c = this.peek(2);
    if (isKeyword(a, "DELTA") && b?.kind === "op" && b.text === "." && c?.kind === "quoted" && c.quote === "`") {
      this.i += 3;
      return { kind: "path", path: c.value };
    }
    return { kind: "name", name: this.qualifiedName() };
  }

  /** A string literal's value. */
  string(what = "a string literal"): string {
    const t = this.peek();
    if (t?.kind !== "string") throw this.error(`expected ${what}`);
    this.i++;
    return t.value;
  }

  /** A non-negative integer. */
  integer(what = "a number"): number {
    const t = this.peek();
    const n = t?.kind === "number" ? Number(t.value) : NaN;
    if (!Number.isFinite(n) || n < 0) throw this.error(`expected ${what}`);
    this.i++;
    return n;
  }

  /** `(a, b, c)` of names. */
  nameList(): string[] {
    this.expectOp("(");
    const names = [this.qualifiedName()];
    while (this.acceptOp(",")) names.push(this.qualifiedName());
    this.expectOp(")");
    return names;
  }

  /** `('k' = 'v', …)` (keys may also be dotted identifiers). */
  properties(): Record<string, string> {
    this.expectOp("(");
    const out: Record<string, string> = {};
    do {
      const key = this.peek()?.kind === "string" ? this.string() : this.qualifiedName().replaceAll("`", "");
      this.acceptOp("=");
      const t = this.peek();
      if (!t || !["string", "number", "ident"].includes(t.kind)) throw this.error("expected a property value");
      this.i++;
      out[key] = t.value;
    } while (this.acceptOp(","));
    this.expectOp(")");
    return out;
  }

  /**
   * The text from here up to (not including) the first token at nesting depth 0 (parentheses and CASE…END)
   * that is one of `stops` (keywords, or operators like ","), or the end. Fails when the slice is empty.
   */
  textUntil(stops: readonly string[], what: string): string {
    const from = this.i;
    let depth = 0;
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i]!;
      if (depth === 0 && stops.some((s) => (t.kind === "op" ? t.text === s : isKeyword(t, s)))) break;
      if (depth === 0 && t.kind === "op" && t.text === ";" && this.i === this.tokens.length - 1) break;
      if ((t.kind === "op" && t.text === "(") || isKeyword(t, "CASE")) depth++;
      if ((t.kind === "op" && t.text === ")") || isKeyword(t, "END")) depth--;
      this.i++;
    }
    if (this.i === from) throw this.error(`expected ${what}`);
    return this.text.slice(this.tokens[from]!.start, this.tokens[this.i - 1]!.end);
  }

  /** Everything left (without a trailing ";"). */
  rest(what: string): string {
    return this.textUntil([], what);
  }

  error(message: string): WeirError {
    const t = this.peek();
    const where = t ? `at "${this.text.slice(t.start, t.start + 30)}"` : "at the end of the statement";
    return new WeirError("WEIR_SQL_ERROR", `Cannot parse SQL statement: ${message} ${where}`, {
      hint: "see docs for the Weir statements (CREATE TABLE … USING DELTA, MERGE INTO, …); other SQL is DuckDB's dialect", details: { statement: this.text.slice(0, 200) },
    });
  }
}
