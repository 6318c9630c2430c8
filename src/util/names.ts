import { AnalysisError } from "../errors/index.js";

/**
 * Edit distance between two strings (Levenshtein), case-insensitive.
 * @example `editDistance("ammount", "amount") // 1`
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/**
 * The closest candidate to `name`, if it is close enough to be a plausible typo.
 * @example `didYouMean("ammount", ["order_id", "amount"]) // "amount"`
 */
export function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/**
 * Weir's "unknown column" error: the name, where it was used, a "did you mean" guess and the columns there are.
 * @example `throw unknownColumnError("ammount", "filter()", ["order_id", "amount"]) // … Did you mean "amount"? …`
 */
export function unknownColumnError(name: string, where: string, columns: readonly string[]): AnalysisError {
  const guess = didYouMean(name, columns);
  return new AnalysisError("WEIR_UNKNOWN_COLUMN", `Unknown column "${name}" in ${where}.${guess ? ` Did you mean "${guess}"?` : ""} Columns: ${columns.join(", ")}`, {
    hint: guess ? `use "${guess}"` : "pick one of the listed columns",
    details: { column: name, available: [...columns] },
  });
}
