// How long to wait before asking the upstream again: what it said (OpenAI sends
// retry-after-ms and retry-after), else exponential backoff; undefined when it asks for more
// than we may wait (the client then gets the answer and its Retry-After).

const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

const NUMBER = /^\d+(\.\d+)?$/;

/** How long the upstream asks us to wait: `retry-after-ms` (OpenAI's), `Retry-After` in seconds or as an HTTP date; undefined when it does not say. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms !== undefined && NUMBER.test(ms)) return Number(ms);
  const value = headers.get('retry-after')?.trim();
  if (value === undefined) return undefined;
  if (NUMBER.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function retryDelay(headers: Headers | undefined, attempt: number, maxDelayMs: number, now = Date.now()): number | undefined {
  const asked = headers === undefined ? undefined : retryAfterMs(headers, now);
  if (asked !== undefined) return asked <= maxDelayMs ? asked : undefined;
  return Math.min(maxDelayMs, 250 * 2 ** attempt);
}

/** Resolves after `ms`, or as soon as `signal` aborts (the client hung up: stop waiting). */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
