import type { DataType, StructField, StructType } from "./data-types.js";
import { t } from "./builders.js";
import { WeirError } from "../errors/index.js";

/**
 * Parse a Spark DDL schema string (`"id bigint NOT NULL, tags array<string>, addr struct<city: string>"`)
 * into a struct type. Accepts Spark's type names and aliases, backquoted names, `NOT NULL` and `COMMENT '…'`.
 *
 * @example
 * ```ts
 * const s = parseSchemaDDL("InvoiceNumber string, Items array<struct<ItemCode string, ItemQty bigint>>");
 * s.fields[1]!.type.kind; // "array"
 * ```
 */
export function parseSchemaDDL(ddl: string): StructType {
  const p = new Parser(ddl);
  const fields = p.fieldList(undefined);
  p.expectEnd();
  return t.structOf(fields);
}

/**
 * Parse one Spark type name (`"decimal(10,2)"`, `"map<string,int>"`).
 * @example `parseDataType("array<bigint>") // { kind: "array", elementType: { kind: "long" }, ... }`
 */
export function parseDataType(text: string): DataType {
  const p = new Parser(text);
  const type = p.dataType();
  p.expectEnd();
  return type;
}

const SIMPLE: Record<string, () => DataType> = {
  string: t.string, varchar: t.string, char: t.string, text: t.string,
  boolean: t.boolean, bool: t.boolean,
  tinyint: t.int8, byte: t.int8,
  smallint: t.int16, short: t.int16,
  int: t.int32, integer: t.int32,
  bigint: t.int64, long: t.int64,
  float: t.float32, real: t.float32,
  double: t.float64,
  date: t.date,
  timestamp: t.timestamp, timestamp_ltz: t.timestamp, timestamp_ntz: t.timestampNTZ,
  binary: t.binary,
  void: t.null,
};

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  fieldList(close: string | undefined): StructField[] {
    const fields: StructField[] = [];
    this.skipWs();
    if (close !== undefined && this.peek(close)) return fields;
    for (;;) {
      fields.push(this.field(close !== undefined));
      this.skipWs();
      if (!this.eat(",")) break;
    }
    const names = new Set<string>();
    for (const f of fields) {
      if (names.has(f.name.toLowerCase())) this.fail(`duplicate field name "${f.name}"`);
      names.add(f.name.toLowerCase());
    }
    return fields;
  }

  field(inStruct: boolean): StructField {
    const name = this.identifier();
    this.skipWs();
    if (inStruct) this.eat(":");
    else if (this.eat(":")) this.skipWs();
    const type = this.dataType();
    let nullable = true;
    let comment: string | undefined;
    for (;;) {
      this.skipWs();
      if (this.keyword("not")) {
        if (!this.keyword("null")) this.fail('expected NULL after NOT');
        nullable = false;
      } else if (this.keyword("comment")) {
        comment = this.stringLiteral();
      } else break;
    }
    return comment === undefined ? { name, type, nullable } : { name, type, nullable, comment };
  }

  dataType(): DataType {
    this.skipWs();
    const word = this.word().toLowerCase();
    if (!word) this.fail("expected a type name");
    this.skipWs();
    if (word === "array") {
      this.expect("<");
      const e = this.dataType();
      this.skipWs();
      this.expect(">");
      return t.array(e);
    }
    if (word === "map") {
      this.expect("<");
      const k = this.dataType();
      this.skipWs();
      this.expect(",");
      const v = this.dataType();
      this.skipWs();
      this.expect(">");
      return t.map(k, v);
    }
    if (word === "struct") {
      this.expect("<");
      const fields = this.fieldList(">");
      this.skipWs();
      this.expect(">");
      return t.structOf(fields);
    }
    if (word === "decimal" || word === "dec" || word === "numeric") {
      if (!this.eat("(")) return t.decimal(10, 0);
      const p = this.integer();
      this.skipWs();
      let s = 0;
      if (this.eat(",")) s = this.integer();
      this.skipWs();
      this.expect(")");
      return t.decimal(p, s);
    }
    if ((word === "varchar" || word === "char") && this.eat("(")) {
      this.integer();
      this.skipWs();
      this.expect(")");
    }
    const make = SIMPLE[word];
    if (!make) this.fail(`unknown type "${word}"`);
    return make();
  }

  identifier(): string {
    this.skipWs();
    if (this.eat("`")) {
      let out = "";
      for (;;) {
        const end = this.src.indexOf("`", this.pos);
        if (end < 0) this.fail("unterminated backquoted name");
        out += this.src.slice(this.pos, end);
        this.pos = end + 1;
        if (this.src[this.pos] === "`") { out += "`"; this.pos++; } else return out;
      }
    }
    const w = this.word();
    if (!w) this.fail("expected a column name");
    return w;
  }

  private stringLiteral(): string {
    this.skipWs();
    const q = this.src[this.pos];
    if (q !== "'" && q !== '"') this.fail("expected a quoted string");
    const end = this.src.indexOf(q, this.pos + 1);
    if (end < 0) this.fail("unterminated string");
    const s = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }

  private word(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos));
    if (!m) return "";
    this.pos += m[0].length;
    return m[0];
  }
  private integer(): number {
    this.skipWs();
    const m = /^\d+/.exec(this.src.slice(this.pos));
    if (!m) this.fail("expected a number");
    this.pos += m[0].length;
    return Number(m[0]);
  }
  private keyword(k: string): boolean {
    const m = new RegExp(`^${k}\\b`, "i").exec(this.src.slice(this.pos));
    if (!m) return false;
    this.pos += m[0].length;
    this.skipWs();
    return true;
  }
  private skipWs(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }
  private peek(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }
  private eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }
  private expect(s: string): void {
    this.skipWs();
    if (!this.eat(s)) this.fail(`expected "${s}"`);
  }
  expectEnd(): void {
    this.skipWs();
    if (this.pos < this.src.length) this.fail("unexpected text");
  }
  private fail(why: string): never {
    throw new WeirError("WEIR_SCHEMA_PARSE", `Cannot parse schema "${this.src}" at position ${this.pos}: ${why}`, {
      hint: 'write fields as "name type, ..." with Spark type names, e.g. "id bigint, tags array<string>"',
      details: { position: this.pos },
    });
  }
}
