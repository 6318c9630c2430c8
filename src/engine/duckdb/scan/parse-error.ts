/**
 * DuckDB's own CSV/JSON parse errors (reads not routed through Weir's validation pass: a FAILFAST multiLine JSON
 * read, `read_csv`/`read_json` in `session.sql`, the CLI) as `WEIR_MALFORMED_RECORD` naming file, line and reason.
 *
 * Line numbers, as checked against DuckDB 1.5:
 * - CSV "CSV Error on Line: N" is the 1-based line counting the header, right while no earlier record spans
 *   lines (DuckDB counts records, not physical lines).
 * - JSON "Malformed JSON … in line N" is one past the bad record ("line 3" for the 2nd record), and
 *   "JSON transform error … in line N" is the record itself; both count non-blank lines only. Both are mapped
 *   to the physical 1-based line by counting the file's non-blank lines (failure path only; plain files only).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { IoError } from "../../../errors/index.js";

const MULTILINE_HINT = 'a quoted CSV value contains a line break: read with .option("multiLine", true) (as Spark requires for records spanning lines)';
const FIX_HINT = 'fix the input, or read with .option("mode", "PERMISSIVE") / "DROPMALFORMED" (DataFrameReader), or set ignore_errors in read_csv/read_json';

/**
 * The `WEIR_MALFORMED_RECORD` error for a DuckDB CSV/JSON parse error message, or undefined when the message
 * is not one.
 *
 * @example
 * ```ts
 * malformedInputError('Invalid Input Error: Malformed JSON in file "/d/a.json", at byte 6 in line 3: unexpected character.', "collect()", e);
 * // IoError WEIR_MALFORMED_RECORD "Malformed JSON record at /d/a.json:2 in collect(): unexpected character"
 * ```
 */
export function malformedInputError(msg: string, action: string, cause: unknown): IoError | undefined {
  const csv = /^(?:[A-Za-z ]+ Error: )?CSV Error on Line: (\d+)/.exec(msg);
  if (csv) {
    const file = /^\s*file = (.+)$/m.exec(msg)?.[1]?.trim();
    if (/does not support null_padding in conjunction with quoted new lines/.test(msg)) {
      return new IoError("WEIR_MALFORMED_RECORD", `Malformed CSV input${file ? ` in ${file}` : ""} in ${action}: a quoted value spans lines and multiLine is not set`, {
        hint: MULTILINE_HINT, cause, details: { ...(file ? { file } : {}), reason: "quoted line break without multiLine" },
      });
    }
    const line = Number(csv[1]);
    const record = /^Original Line: (.*)$/m.exec(msg)?.[1];
    const reason = csvReason(msg);
    return new IoError("WEIR_MALFORMED_RECORD", `Malformed CSV record at ${file ?? "<unknown file>"}:${line} in ${action}: ${reason}${record !== undefined ? `. Record: ${record.slice(0, 200)}` : ""}`, {
      hint: /unterminated quote/i.test(reason) ? `${FIX_HINT}; Spark's default escape is \\ — an RFC-4180 file (quotes doubled as "") reads with .option("escape", '"')` : FIX_HINT,
      cause, details: { ...(file ? { file } : {}), line, reason, ...(record !== undefined ? { record } : {}) },
    });
  }
  const json = /(Malformed JSON|JSON transform error) in file "(.+?)",(?: at byte \d+)? in (line|record\/value) (\d+): (.*)$/m.exec(msg);
  if (json) {
    const [, kind, file, unit, n, rawReason] = json as unknown as [string, string, string, string, string, string];
    const reason = rawReason.replace(/\.\s*$/, "").trim();
    // "Malformed JSON … in line N" names the record after the bad one; a transform error names the record.
    const recordNo = unit === "line" ? Number(n) - (kind === "Malformed JSON" ? 1 : 0) : undefined;
    const line = recordNo !== undefined ? physicalLineOfRecord(file, recordNo) ?? recordNo : undefined;
    const where = line !== undefined ? `${file}:${line}` : `${file} (value ${n})`;
    return new IoError("WEIR_MALFORMED_RECORD", `Malformed JSON record at ${where} in ${action}: ${reason}`, {
      hint: FIX_HINT, cause, details: { file, ...(line !== undefined ? { line } : { value: Number(n) }), reason },
    });
  }
  return undefined;
}

function csvReason(msg: string): string {
  for (const re of [/^Error when converting column .*$/m, /^Expected Number of Columns: .*$/m, /^Value with unterminated quote found\.?$/m, /^Invalid unicode .*$/m, /^Maximum line size .*$/m]) {
    const m = re.exec(msg);
    if (m) return m[0].replace(/\.$/, "");
  }
  return "the record does not parse as CSV";
}

/**
 * The 1-based physical line of the `record`-th non-blank line of a plain (uncompressed) file, or undefined when
 * it cannot be read or is compressed.
 */
function physicalLineOfRecord(file: string, record: number): number | undefined {
  if (record < 1 || /\.(gz|zst|zstd|bz2|lz4|snappy)$/i.test(file)) return undefined;
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(1 << 16);
    let line = 1;
    let blank = true;
    let seen = 0;
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      for (let i = 0; i < n; i++) {
        const b = buf[i]!;
        if (b === 10) {
          if (!blank && ++seen === record) return line;
          line++;
          blank = true;
        } else if (b !== 32 && b !== 9 && b !== 13) {
          blank = false;
        }
      }
    }
    return !blank && ++seen === record ? line : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
