// A persona's name, read from its system message: "You are SharkBait, a user's best chum." →
// `sharkbait`; "…converting it into RabbitText." → `rabbittext`. Clients send it as a model name.

const ARTICLES = new Set(['a', 'an', 'the', 'my', 'your', 'our']);
const STOP_WORDS = new Set([
  ...ARTICLES, 'you', 'are', 'is', 'i', 'am', 'be', 'of', 'to', 'and', 'or', 'in', 'into', 'for', 'with', 'that', 'this', 'it',
  'as', 'on', 'at', 'by', 'only', 'just', 'who', 'which', 'will', 'always', 'helpful', 'assistant', 'ai', 'model',
]);

function slug(word: string): string {
  return word.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** "You are SharkBait", "You're Marvin", "Your name is Ada", "I am Bob": the name after it. */
function introducedName(text: string): string | undefined {
  const match = /\b(?:[Yy]ou are|[Yy]ou're|[Yy]our name is|I am|I'm)\s+(\p{Lu}[\p{L}\p{N}_-]*)/u.exec(text);
  const name = match?.[1];
  return name === undefined || ARTICLES.has(name.toLowerCase()) ? undefined : name;
}

/** A word with a capital inside it (SharkBait, RabbitText, iPhoneBot): a coined name. */
function coinedName(text: string): string | undefined {
  return /\b([\p{L}\p{N}]*\p{Ll}\p{Lu}[\p{L}\p{N}]*)/u.exec(text)?.[1];
}

/** A capitalised word not at the start of a sentence, not an acronym (AI, JSON). */
function properNoun(text: string): string | undefined {
  const words = [...text.matchAll(/(^|[.!?]\s+|\s)([\p{L}][\p{L}\p{N}'-]*)/gu)];
  for (const [, before, word] of words) {
    if (word === undefined || before === undefined) continue;
    const sentenceStart = before === '' || /[.!?]/.test(before);
    if (!sentenceStart && /^\p{Lu}\p{Ll}/u.test(word)) return word;
  }
  return undefined;
}

function leadingWords(text: string): string {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '' && !STOP_WORDS.has(word.toLowerCase()));
  return words.slice(0, 2).join('-');
}

export function personaName(text: string): string {
  const candidate = introducedName(text) ?? coinedName(text) ?? properNoun(text) ?? leadingWords(text);
  const name = slug(candidate);
  return name === '' ? 'persona' : name;
}

/** Names for several messages: distinct from each other and from the names already taken. */
export function personaNames(texts: readonly string[], taken: ReadonlySet<string>): string[] {
  const used = new Set(taken);
  return texts.map((text) => {
    const base = personaName(text);
    let name = base;
    for (let n = 2; used.has(name); n += 1) name = `${base}-${n}`;
    used.add(name);
    return name;
  });
}
