/**
 * Writer options as Spark spells them (keys case-insensitive, values strings), checked and resolved into the
 * settings the file writer needs. Unknown keys and values fail with `WEIR_UNSUPPORTED_OPTION` listing what is
 * supported — Spark silently ignores unknown options; Weir refuses them so a typo never goes unnoticed.
 */
import { WeirError } from "../errors/index.js";
import { sparkToStrftime } from "../util/index.js";
import type { RuntimeConfig } from "./runtime-config.js";

/** The formats `df.write` produces. @example `"parquet"` */
export type WriteFormat = "parquet" | "csv" | "json";

/** Every format `df.write.format(...)` accepts. @example `WRITE_FORMATS.includes("csv")` */
export const WRITE_FORMATS: readonly WriteFormat[] = ["parquet", "csv", "json"];

const COMMON = ["compression", "codec", "maxRecordsPerFile", "partitionOverwriteMode"] as const;
const SUPPORTED: Record<WriteFormat, readonly string[]> = {
  parquet: [...COMMON],
  csv: [...COMMON, "header", "sep", "delimiter", "quote", "escape", "nullValue", "quoteAll", "dateFormat", "timestampFormat", "timestampNTZFormat"],
  json: [...COMMON, "dateFormat", "timestampFormat", "timestampNTZFormat", "ignoreNullFields"],
};

/** Codec name → the file name infix/suffix Spark uses for it. */
const CODECS: Record<WriteFormat, Readonly<Record<string, { duckdb: string; ext: string }>>> = {
  parquet: {
    none: { duckdb: "uncompressed", ext: "" }, uncompressed: { duckdb: "uncompressed", ext: "" },
    snappy: { duckdb: "snappy", ext: ".snappy" }, gzip: { duckdb: "gzip", ext: ".gz" },
    zstd: { duckdb: "zstd", ext: ".zstd" }, brotli: { duckdb: "brotli", ext: ".br" },
  },
  csv: { none: { duckdb: "none", ext: "" }, uncompressed: { duckdb: "none", ext: "" }, gzip: { duckdb: "gzip", ext: ".gz" }, zstd: { duckdb: "zstd", ext: ".zst" } },
  json: { none: { duckdb: "none", ext: "" }, uncompressed: { duckdb: "none", ext: "" }, gzip: { duckdb: "gzip", ext: ".gz" }, zstd: { duckdb: "zstd", ext: ".zst" } },
};

/** CSV dialect of a write (Spark's defaults: `,`, `"`, `\`, nulls as empty, no header). @example `resolveWriteOptions("csv", {}).csv.escape // "\\"` */
export interface CsvSettings {
  readonly header: boolean;
  readonly sep: string;
  readonly quote: string;
  readonly escape: string;
  readonly nullValue: string;
  readonly quoteAll: boolean;
}

/** Everything the file writer needs, resolved from the options and session conf. @example `resolveWriteOptions("csv", { header: "true" })` */
export interface WriteSettings {
  readonly format: WriteFormat;
  /** DuckDB's COPY `COMPRESSION` value. */
  readonly compression: string;
  /** File name ending Spark uses: `.snappy.parquet`, `.csv.gz`, `.json`. */
  readonly extension: string;
  /** Maximum rows per file; 0 = unlimited (Spark: zero or negative means no limit). */
  readonly maxRecordsPerFile: number;
  readonly partitionOverwriteMode: "static" | "dynamic";
  /** strftime patterns for CSV/JSON dates, timestamps and timestamp_ntz (Spark patterns converted). */
  readonly dateFormat: string;
  readonly timestampFormat: string;
  readonly timestampNTZFormat: string;
  /** JSON: leave null fields out of the objects (Spark's default) rather than writing `"k":null`. */
  readonly ignoreNullFields: boolean;
  readonly csv: CsvSettings;
}

/**
 * Check the options of a write and resolve them (with the session conf: `spark.sql.sources.partitionOverwriteMode`,
 * `spark.sql.files.maxRecordsPerFile`, `spark.sql.parquet.compression.codec`) into {@link WriteSettings}.
 *
 * @example
 * ```ts
 * resolveWriteOptions("parquet", { compression: "zstd" }).extension; // ".zstd.parquet"
 * ```
 */
export function resolveWriteOptions(format: string, options: Readonly<Record<string, string>>, conf?: RuntimeConfig): WriteSettings {
  const fmt = format.toLowerCase() as WriteFormat;
  if (!WRITE_FORMATS.includes(fmt)) {
    throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Writing format "${format}" failed: the format is not supported by df.write`, {
      hint: `use one of ${WRITE_FORMATS.join(", ")}`, details: { format },
    });
  }
  const o = canonicalKeys(fmt, options);
  const confValue = (key: string): string | undefined => (conf?.isSet(key) ? conf.get(key) : undefined);

  const codecName = (o.compression ?? o.codec ?? (fmt === "parquet" ? confValue("spark.sql.parquet.compression.codec") : undefined) ?? (fmt === "parquet" ? "snappy" : "none")).toLowerCase();
  const codec = CODECS[fmt][codecName];
  if (!codec) {
    throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported compression "${codecName}" for the ${fmt} writer`, {
      hint: `supported: ${Object.keys(CODECS[fmt]).join(", ")}`, details: { compression: codecName },
    });
  }
  const extension = fmt === "parquet" ? `${codec.ext}.parquet` : `.${fmt}${codec.ext}`;

  const maxRaw = o.maxRecordsPerFile ?? confValue("spark.sql.files.maxRecordsPerFile") ?? "0";
  if (!/^-?\d+$/.test(maxRaw.trim())) {
    throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported maxRecordsPerFile "${maxRaw}": it must be an integer`, { hint: "e.g. option(\"maxRecordsPerFile\", 100000); 0 means no limit" });
  }
  const maxRecordsPerFile = Math.max(0, Number(maxRaw));

  const modeRaw = (o.partitionOverwriteMode ?? confValue("spark.sql.sources.partitionOverwriteMode") ?? "static").toLowerCase();
  if (modeRaw !== "static" && modeRaw !== "dynamic") {
    throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported partitionOverwriteMode "${modeRaw}"`, { hint: 'use "static" (replace the whole output) or "dynamic" (replace only the partitions written)' });
  }

  const csv: CsvSettings = {
    header: flag(o, "header", false),
    sep: oneChar("sep", o.sep ?? o.delimiter ?? ","),
    quote: oneChar("quote", o.quote ?? '"'),
    escape: oneChar("escape", o.escape ?? "\\"),
    nullValue: o.nullValue ?? "",
    quoteAll: flag(o, "quoteAll", false),
  };
  return {
    format: fmt,
    compression: codec.duckdb,
    extension,
    maxRecordsPerFile,
    partitionOverwriteMode: modeRaw,
    dateFormat: utcStrftime(o.dateFormat ?? "yyyy-MM-dd"),
    timestampFormat: utcStrftime(o.timestampFormat ?? "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"),
    timestampNTZFormat: utcStrftime(o.timestampNTZFormat ?? "yyyy-MM-dd'T'HH:mm:ss.SSS"),
    ignoreNullFields: flag(o, "ignoreNullFields", true),
    csv,
  };
}

/** Map option keys case-insensitively onto their canonical spelling; reject unknown keys. */
function canonicalKeys(fmt: WriteFormat, options: Readonly<Record<string, string>>): Partial<Record<string, string>> {
  const supported = SUPPORTED[fmt];
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    const canonical = supported.find((s) => s.toLowerCase() === key.toLowerCase());
    if (!canonical) {
      throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported option "${key}" for the ${fmt} writer`, {
        hint: `supported options: ${supported.join(", ")}`, details: { option: key, format: fmt },
      });
    }
    out[canonical] = value;
  }
  return out;
}

function flag(o: Partial<Record<string, string>>, key: string, dflt: boolean): boolean {
  const v = o[key];
  if (v === undefined) return dflt;
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported ${key} "${v}": it must be true or false`, { hint: `e.g. option("${key}", true)` });
}

function oneChar(key: string, v: string): string {
  if (v.length === 1) return v;
  throw new WeirError("WEIR_UNSUPPORTED_OPTION", `Unsupported ${key} "${v}": it must be a single character`, { hint: `e.g. option("${key}", ";")` });
}

/**
 * A Spark datetime pattern as a DuckDB strftime pattern for values rendered in UTC (Weir's session time zone):
 * zone-offset letters become the literal text Spark prints for UTC (`XXX` → `Z`, `xx` → `+0000`, `z` → `UTC`).
 *
 * @example `utcStrftime("yyyy-MM-dd'T'HH:mm:ss.SSSXXX") // "%Y-%m-%dT%H:%M:%S.%gZ"`
 */
export function utcStrftime(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      const stop = end < 0 ? pattern.length : end + 1;
      out += pattern.slice(i, stop);
      i = stop;
      continue;
    }
    let j = i;
    while (j < pattern.length && pattern[j] === ch) j++;
    const zone = utcZoneText(ch, j - i);
    out += zone === undefined ? pattern.slice(i, j) : `'${zone}'`;
    i = j;
  }
  return sparkToStrftime(out);
}

function utcZoneText(ch: string, n: number): string | undefined {
  switch (ch) {
    case "X": return "Z";
    case "x": return n === 1 ? "+00" : n === 2 || n === 4 ? "+0000" : "+00:00";
    case "Z": return n <= 3 ? "+0000" : n === 4 ? "GMT" : "Z";
    case "O": return "GMT";
    case "z": case "V": return "UTC";
    default: return undefined;
  }
}

const DELTA_DEFAULTS_PREFIX = "spark.databricks.delta.properties.defaults.";

/**
 * Table properties for Delta tables this session creates, from Spark's `spark.databricks.delta.properties.defaults.<key>`
 * settings (as `delta.<key>`); a `delta.*` writer option or TBLPROPERTIES entry overrides them.
 *
 * @example
 * ```ts
 * spark.conf.set("spark.databricks.delta.properties.defaults.enableDeletionVectors", true);
 * deltaTableDefaults(conf); // { "delta.enableDeletionVectors": "true" }
 * ```
 */
export function deltaTableDefaults(conf: RuntimeConfig | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(conf?.getAll() ?? {})) if (k.startsWith(DELTA_DEFAULTS_PREFIX)) out[`delta.${k.slice(DELTA_DEFAULTS_PREFIX.length)}`] = v;
  return out;
}
