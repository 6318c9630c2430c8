/**
 * Translate a Spark/Java datetime pattern (`yyyy-MM-dd HH:mm:ss.SSS`) into a strftime pattern for DuckDB
 * (`%Y-%m-%d %H:%M:%S.%g`). Quoted text (`'T'`) is copied literally; `%` is escaped.
 *
 * @example `sparkToStrftime("dd/MM/yyyy") // "%d/%m/%Y"`
 */
export function sparkToStrftime(pattern: string): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      const lit = end < 0 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      out += lit === "" ? "'" : lit.replaceAll("%", "%%");
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    let j = i;
    while (j < pattern.length && pattern[j] === ch) j++;
    const run = j - i;
    out += token(ch, run) ?? (ch === "%" ? "%%" : ch.repeat(run));
    i = j;
  }
  return out;
}

function token(ch: string, n: number): string | undefined {
  switch (ch) {
    case "y": case "u": return n === 2 ? "%y" : "%Y";
    case "M": case "L": return n >= 4 ? "%B" : n === 3 ? "%b" : n === 2 ? "%m" : "%-m";
    case "d": return n === 2 ? "%d" : "%-d";
    case "D": return "%j";
    case "H": return n === 2 ? "%H" : "%-H";
    case "h": return n === 2 ? "%I" : "%-I";
    case "m": return n === 2 ? "%M" : "%-M";
    case "s": return n === 2 ? "%S" : "%-S";
    case "S": return n <= 3 ? "%g" : n <= 6 ? "%f" : "%n";
    case "a": return "%p";
    case "E": return n >= 4 ? "%A" : "%a";
    case "X": case "x": case "Z": return "%z";
    case "z": return "%Z";
    default: return undefined;
  }
}
