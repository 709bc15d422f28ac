// How alike two answers are: F1 over their words (as in SQuAD), 1 for the same words, 0 for
// none in common. Cheap, needs no model, and moves the way a reader would expect.

export function words(text: string): string[] {
  return text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function wordF1(a: string, b: string): number {
  const left = words(a);
  const right = words(b);
  if (left.length === 0 && right.length === 0) return 1;
  if (left.length === 0 || right.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const word of left) counts.set(word, (counts.get(word) ?? 0) + 1);
  let common = 0;
  for (const word of right) {
    const count = counts.get(word) ?? 0;
    if (count > 0) {
      common += 1;
      counts.set(word, count - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / right.length;
  const recall = common / left.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Mean similarity of every pair: 1 when all answers say the same. Undefined below two answers. */
export function pairwiseAgreement(texts: readonly string[]): number | undefined {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < texts.length; i += 1) {
    for (let j = i + 1; j < texts.length; j += 1) {
      sum += wordF1(texts[i] ?? '', texts[j] ?? '');
      pairs += 1;
    }
  }
  return pairs === 0 ? undefined : sum / pairs;
}
