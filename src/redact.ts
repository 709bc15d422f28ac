// Keys never leave the gateway: not in a log line, an error message or a trace. Text that may
// carry client input passes through here first.

// OpenAI-style secret keys (sk-…, sk-proj-…, sess-…) wherever they turn up.
const KEY_LIKE = /\b(?:sk|sess|rk)-[A-Za-z0-9_-]{8,}/g;
const BEARER = /\b(Bearer\s+)[^\s"',;]+/gi;
// Shorter secrets would redact ordinary words; keys are never this short.
const MIN_SECRET = 6;

export const REDACTED = '[redacted]';

export function redactKeyLike(text: string): string {
  return text.replace(KEY_LIKE, REDACTED).replace(BEARER, `$1${REDACTED}`);
}

/**
 * A redactor for known secrets (the gateway's keys, made once) plus one more per call (the key
 * a request presented), and anything key-like.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string, also?: string) => string {
  const known = [...new Set(secrets.filter((secret): secret is string => secret !== undefined && secret.length >= MIN_SECRET))]
    .sort((a, b) => b.length - a.length);
  return (text, also) => {
    // The longer secret first, so a key that contains another is removed whole.
    let out = also !== undefined && also.length >= MIN_SECRET && !known.includes(also) ? text.replaceAll(also, REDACTED) : text;
    for (const secret of known) out = out.replaceAll(secret, REDACTED);
    return redactKeyLike(out);
  };
}
