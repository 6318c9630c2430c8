import type { DataType } from "../types/index.js";

/**
 * Render rows as Spark's `show()` does: a bordered table, values right-aligned, long cells truncated to
 * `truncate` characters (ending in "..."), then "only showing top N rows" when there are more. `columns` are the
 * row keys; `headers` (default: the keys) are the printed names, so duplicate names (after a join) can be shown.
 *
 * @example
 * ```ts
 * formatTable(["id", "name"], [{ id: 1, name: "alice" }], { truncate: 20 });
 * // +---+-----+
 * // | id| name|
 * // +---+-----+
 * // |  1|alice|
 * // +---+-----+
 * ```
 */
export function formatTable(columns: readonly string[], rows: readonly Record<string, unknown>[], options: { truncate?: number | boolean; more?: boolean; shown?: number; vertical?: boolean; types?: readonly DataType[]; headers?: readonly string[] } = {}): string {
  const limit = options.truncate === false ? 0 : options.truncate === true || options.truncate === undefined ? 20 : options.truncate;
  const cut = (s: string): string => (limit > 0 && s.length > limit ? (limit < 4 ? s.slice(0, limit) : `${s.slice(0, limit - 3)}...`) : s);
  const cells = rows.map((r) => columns.map((c, j) => cut(formatValue(r[c], options.types?.[j]))));
  const header = (options.headers ?? columns).map(cut);
  const footer = options.more ? `only showing top ${options.shown ?? rows.length} row${(options.shown ?? rows.length) === 1 ? "" : "s"}\n` : "";
  if (options.vertical) {
    const w = Math.max(0, ...header.map((h) => h.length));
    const blocks = cells.map((row, i) => [`-RECORD ${i}${"-".repeat(Math.max(0, w + 10 - String(i).length))}`, ...row.map((v, j) => ` ${header[j]!.padEnd(w)} | ${v}`)].join("\n"));
    return `${blocks.join("\n") || "(0 rows)"}\n${footer}`;
  }
  const widths = header.map((h, j) => Math.max(3, h.length, ...cells.map((r) => r[j]!.length)));
  const line = `+${widths.map((w) => "-".repeat(w)).join("+")}+`;
  const fmt = (vals: readonly string[]): string => `|${vals.map((v, j) => (limit > 0 ? v.padStart(widths[j]!) : v.padEnd(widths[j]!))).join("|")}|`;
  return [line, fmt(header), line, ...cells.map(fmt), line].join("\n") + "\n" + footer;
}

/**
 * Spark's string rendering of one value in `show()`.
 * @example `formatValue(new Map([["a", 1]])) // "{a -> 1}"`
 */
export function formatValue(v: unknown, type?: DataType): string {
  if (v === null || v === undefined) return "NULL";
  if (v instanceof Date) return type?.kind === "date" ? v.toISOString().slice(0, 10) : formatDate(v, type !== undefined);
  // Spark prints decimals with their scale (12.50), doubles with at least one fractional digit (4.0).
  if (typeof v === "number" && type?.kind === "decimal") return v.toFixed(type.scale);
  if (typeof v === "number" && (type?.kind === "double" || type?.kind === "float") && Number.isInteger(v)) return `${v}.0`;
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, type?.kind === "array" ? type.elementType : undefined)).join(", ")}]`;
  if (v instanceof Map) return `{${[...v.entries()].map(([k, x]) => `${formatValue(k, type?.kind === "map" ? type.keyType : undefined)} -> ${formatValue(x, type?.kind === "map" ? type.valueType : undefined)}`).join(", ")}}`;
  if (v instanceof Uint8Array) return `[${[...v].map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ")}]`;
  if (typeof v === "object") return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => formatValue(x, type?.kind === "struct" ? type.fields.find((f) => f.name === k)?.type : undefined)).join(", ")}}`;
  return String(v);
}

function formatDate(d: Date, isTimestamp: boolean): string {
  if (Number.isNaN(d.getTime())) return "Invalid Date";
  const iso = d.toISOString();
  const [day, time] = [iso.slice(0, 10), iso.slice(11, 23)];
  if (time === "00:00:00.000" && !isTimestamp) return day;
  return `${day} ${time.endsWith(".000") ? time.slice(0, 8) : time.replace(/0+$/, "")}`;
}
