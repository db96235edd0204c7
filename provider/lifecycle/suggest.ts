/** "Did you mean" for names: exact after case/underscore folding first, else the nearest by edit distance. */

/**
 * The longest name compared, folded: 100 characters, four times the longest permission or input name.
 * The edit distance costs the product of the two lengths, so a 50,000-character key is not compared at all:
 * nothing that long is a typo of a name. @internal
 */
export const MAX_SUGGEST_INPUT = 100;

/** @internal */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const folded = fold(input);
  if (folded.length > MAX_SUGGEST_INPUT) return undefined;
  const exact = candidates.find((c) => fold(c) === folded);
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(folded, fold(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // Beyond a third of the name, a "suggestion" is a guess: say nothing rather than mislead.
  return bestDistance <= Math.max(1, Math.floor(folded.length / 3)) ? best : undefined;
}

function fold(s: string): string {
  return s.replace(/[_\-\s]/g, "").toLowerCase();
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
