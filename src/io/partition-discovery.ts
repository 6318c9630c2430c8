/**
 * Hive-style partition discovery: `year=2024/month=01/` directories below a base path become typed partition
 * columns, following Spark's `PartitioningUtils` (`spark.sql.sources.partitionColumnTypeInference.enabled`).
 */
import { IoError } from "../errors/index.js";
import { t, type DataType } from "../types/index.js";

/** Spark's directory name for a NULL partition value. @example `"k=__HIVE_DEFAULT_PARTITION__"` */
export const HIVE_DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__";

/** A discovered partition column and its inferred type. @example `{ name: "year", type: t.int32() }` */
export interface PartitionColumn {
  readonly name: string;
  readonly type: DataType;
}

/** The typed value of one partition column (see {@link castPartitionValue}). @example `2024`, `"EU"`, `null` */
export type PartitionValue = string | number | bigint | Date | null;

/** One partition spec parsed from a path: column names in path order and their unescaped raw values. */
interface ParsedSpec {
  readonly names: string[];
  readonly values: (string | null)[];
}

/**
 * Undo Hive/Spark path escaping (`%3A` → `:`), leaving malformed `%` sequences as they are, like Spark's
 * `unescapePathName`. Spark only escapes ASCII characters; other engines percent-encode non-ASCII text as
 * UTF-8 bytes (`%C3%BC` for `ü`), so a run of `%XX` is decoded as UTF-8, each byte that is not part of a
 * valid UTF-8 sequence standing for the character with that code (as Spark would read it).
 *
 * @example
 * ```ts
 * unescapePathName("2024-01-01 10%3A00%3A00"); // "2024-01-01 10:00:00"
 * unescapePathName("M%C3%BCnchen");             // "München"
 * ```
 */
export function unescapePathName(name: string): string {
  return name.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => decodeBytes(run.slice(1).split("%").map((hex) => parseInt(hex, 16))));
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes as UTF-8 where they form valid sequences; any other byte as the character with its code. */
function decodeBytes(bytes: readonly number[]): string {
  let out = "";
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? (b <= 0xef ? 3 : 1) : b >= 0xc2 && b <= 0xdf ? 2 : 1;
    if (len > 1 && i + len <= bytes.length) {
      try {
        out += strictUtf8.decode(Uint8Array.from(bytes.slice(i, i + len)));
        i += len;
        continue;
      } catch {
        // not a valid sequence: fall through to one byte
      }
    }
    out += String.fromCharCode(b);
    i += 1;
  }
  return out;
}

/**
 * Parse the partition spec of a file from its directory components below the base path (outermost first).
 * Like Spark, parsing walks up from the file's directory and stops at the first directory that is not `k=v`.
 *
 * @example
 * ```ts
 * parsePartitionDirs(["year=2024", "month=01"], "/data/year=2024/month=01/f.parquet");
 * // { names: ["year", "month"], values: ["2024", "01"] }
 * ```
 */
export function parsePartitionDirs(dirs: readonly string[], filePath: string): ParsedSpec {
  const names: string[] = [];
  const values: (string | null)[] = [];
  for (let i = dirs.length - 1; i >= 0; i--) {
    const dir = dirs[i]!;
    const eq = dir.indexOf("=");
    if (eq === -1) break;
    const name = unescapePathName(dir.slice(0, eq));
    const raw = dir.slice(eq + 1);
    if (name === "" || raw === "") {
      throw new IoError("WEIR_PARTITION_DISCOVERY", `Partition discovery failed for "${filePath}": directory "${dir}" has an empty partition column ${name === "" ? "name" : "value"}`, {
        hint: `rename the directory to "column=value", or set recursiveFileLookup to read the files without partition columns`,
        details: { path: filePath, directory: dir },
      });
    }
    if (names.includes(name)) {
      throw new IoError("WEIR_PARTITION_DISCOVERY", `Partition discovery failed for "${filePath}": partition column "${name}" appears twice in the path`, {
        hint: "each partition column may appear once per path; set basePath below the repeated directory",
        details: { path: filePath },
      });
    }
    names.unshift(name);
    values.unshift(raw === HIVE_DEFAULT_PARTITION ? null : unescapePathName(raw));
  }
  return { names, values };
}

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;
const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * The type Spark infers for one partition value: integer, else long, else decimal(p,0) for larger integers,
 * else double, else timestamp (`yyyy-MM-dd HH:mm:ss[.S]`), else date (`yyyy-MM-dd`), else string; a NULL
 * (`__HIVE_DEFAULT_PARTITION__`) is `null` type until merged with other values.
 *
 * @example
 * ```ts
 * inferPartitionValueType("01");         // integer
 * inferPartitionValueType("2024-01-31"); // date
 * inferPartitionValueType("EU");         // string
 * ```
 */
export function inferPartitionValueType(value: string | null): DataType {
  if (value === null) return t.null();
  if (INT_RE.test(value)) {
    const n = BigInt(value);
    if (n >= INT_MIN && n <= INT_MAX) return t.int32();
    if (n >= LONG_MIN && n <= LONG_MAX) return t.int64();
    const digits = value.replace(/^[+-]?0*/, "").length || 1;
    if (digits <= 38) return t.decimal(digits, 0);
    return t.double();
  }
  if (FLOAT_RE.test(value)) return t.double();
  if (TIMESTAMP_RE.test(value) && parseTimestampUtc(value) !== null) return t.timestamp();
  if (DATE_RE.test(value) && parseDateUtc(value) !== null) return t.date();
  return t.string();
}

/**
 * The wider of two partition column types, as Spark's `findWiderTypeForPartitionColumn`: numeric types widen
 * (integer < long < decimal < double), date + timestamp → timestamp, null gives way to anything, else string.
 *
 * @example
 * ```ts
 * widerPartitionType(t.int32(), t.double()); // double
 * widerPartitionType(t.date(), t.string());  // string
 * ```
 */
export function widerPartitionType(a: DataType, b: DataType): DataType {
  if (a.kind === "null") return b;
  if (b.kind === "null") return a;
  if (a.kind === b.kind && a.kind !== "decimal") return a;
  const rank = (x: DataType): number => ({ integer: 1, long: 2, decimal: 3, double: 4 } as Record<string, number>)[x.kind] ?? 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra && rb) {
    if (ra === 4 || rb === 4) return t.double();
    const precision = (x: DataType): number => (x.kind === "integer" ? 10 : x.kind === "long" ? 20 : x.kind === "decimal" ? x.precision : 0);
    if (a.kind === "decimal" || b.kind === "decimal") {
      const p = Math.max(precision(a), precision(b));
      return p <= 38 ? t.decimal(p, 0) : t.double();
    }
    return ra >= rb ? a : b;
  }
  const pair = new Set([a.kind, b.kind]);
  if (pair.has("date") && pair.has("timestamp") && pair.size === 2) return t.timestamp();
  return t.string();
}

/**
 * Convert a raw (unescaped) partition value to the JS value of its column type: integer/double/decimal(p ≤ 15)
 * → number, long → bigint, decimal(p > 15) → string, date → Date at UTC midnight, timestamp → Date read as UTC,
 * string → string, NULL → null.
 *
 * @example
 * ```ts
 * castPartitionValue("2024", t.int32());      // 2024
 * castPartitionValue("2024-01-31", t.date()); // new Date("2024-01-31T00:00:00Z")
 * ```
 */
export function castPartitionValue(value: string | null, type: DataType): PartitionValue {
  if (value === null) return null;
  switch (type.kind) {
    case "integer":
    case "double":
      return Number(value);
    case "long":
      return BigInt(value);
    case "decimal":
      return type.precision <= 15 ? Number(value) : BigInt(value).toString();
    case "date":
      return parseDateUtc(value);
    case "timestamp":
      return parseTimestampUtc(value);
    default:
      return value;
  }
}

/**
 * Discover the partition columns of a set of files from their directories below their base paths. Every file
 * must carry the same partition columns in the same order (Spark's rule); otherwise `WEIR_PARTITION_DISCOVERY`.
 *
 * @example
 * ```ts
 * const { columns, values } = discoverPartitions([
 *   { path: "/d/year=2024/a.csv", dirs: ["year=2024"] },
 *   { path: "/d/year=2025/b.csv", dirs: ["year=2025"] },
 * ]);
 * // columns: [{ name: "year", type: integer }], values[0]: { year: "2024" }
 * ```
 */
export function discoverPartitions(files: readonly { path: string; dirs: readonly string[] }[]): {
  columns: PartitionColumn[];
  values: Record<string, string | null>[];
} {
  const specs = files.map((f) => parsePartitionDirs(f.dirs, f.path));
  const first = specs[0];
  if (!first) return { columns: [], values: [] };
  const key = (s: ParsedSpec): string => JSON.stringify(s.names);
  const conflicts = new Map<string, string>();
  specs.forEach((s, i) => {
    if (!conflicts.has(key(s))) conflicts.set(key(s), files[i]!.path);
  });
  if (conflicts.size > 1) {
    const lines = [...conflicts].map(([names, path]) => `  [${(JSON.parse(names) as string[]).join(", ")}] e.g. ${path}`);
    throw new IoError("WEIR_PARTITION_DISCOVERY", `Partition discovery failed: files have different partition columns:\n${lines.join("\n")}\n`, {
      hint: "make every file sit at the same partition depth, pass basePath, or set recursiveFileLookup to read without partition columns",
      details: { columnSets: [...conflicts.keys()].map((k) => JSON.parse(k) as string[]) },
    });
  }
  const columns = first.names.map((name, c) => {
    let type: DataType = t.null();
    for (const s of specs) type = widerPartitionType(type, inferPartitionValueType(s.values[c]!));
    return { name, type: type.kind === "null" ? t.string() : type };
  });
  const values = specs.map((s) => Object.fromEntries(s.names.map((n, c) => [n, s.values[c]!] as const)));
  return { columns, values };
}

function parseDateUtc(value: string): Date | null {
  const m = DATE_RE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null;
}

function parseTimestampUtc(value: string): Date | null {
  const m = TIMESTAMP_RE.exec(value);
  if (!m) return null;
  const day = parseDateUtc(value.slice(0, 10));
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (!day || h > 23 || mi > 59 || s > 59) return null;
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return new Date(day.getTime() + ((h * 60 + mi) * 60 + s) * 1000 + ms);
}
