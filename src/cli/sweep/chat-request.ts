// One chat completion request of a sweep, retried when the upstream is busy (429, honouring
// Retry-After) or failing (5xx, network), and read into what the scores need.
import { isJsonObject, type JsonObject } from '../../policy/decision.ts';
import { retryAfterMs } from '../../proxy/retry-delay.ts';

export type ChatAnswer =
  | { ok: true; output: string; refusal: string | null; finishReason: string | null; attempts: number; policyHeader: string | null }
  | { ok: false; error: string; status: number | null; attempts: number; policyHeader: string | null };

export type ChatClient = {
  url: string;
  apiKey: string | undefined;
  fetch: typeof fetch;
  /** Retries after the first attempt. */
  retries: number;
  sleep: (ms: number) => Promise<void>;
  /** Told of each retry, for the progress bar. */
  onRetry: (reason: string, waitMs: number) => void;
};

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);
const MAX_WAIT_MS = 60_000;

function backoffMs(attempt: number): number {
  return Math.min(MAX_WAIT_MS, 500 * 2 ** attempt);
}

function readChoice(data: unknown): { output: string; refusal: string | null; finishReason: string | null } | undefined {
  if (!isJsonObject(data) || !Array.isArray(data.choices)) return undefined;
  const choice: unknown = data.choices[0];
  if (!isJsonObject(choice) || !isJsonObject(choice.message)) return undefined;
  const { content, refusal } = choice.message;
  return {
    output: typeof content === 'string' ? content : '',
    refusal: typeof refusal === 'string' ? refusal : null,
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
  };
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const data: unknown = JSON.parse(text);
    if (isJsonObject(data) && isJsonObject(data.error) && typeof data.error.message === 'string') return `${response.status}: ${data.error.message}`;
  } catch {
    // not JSON: the text itself says it
  }
  return `${response.status}: ${text.slice(0, 200) || response.statusText}`;
}

export async function sendChat(client: ChatClient, body: JsonObject): Promise<ChatAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (client.apiKey !== undefined) headers.authorization = `Bearer ${client.apiKey}`;
  let policyHeader: string | null = null;
  for (let attempt = 0; ; attempt += 1) {
    const attempts = attempt + 1;
    let wait: number;
    let reason: string;
    try {
      const response = await client.fetch(client.url, { method: 'POST', headers, body: JSON.stringify(body) });
      policyHeader = response.headers.get('x-temperance-policy');
      if (response.ok) {
        const choice = readChoice(await response.json().catch(() => undefined));
        if (choice === undefined) return { ok: false, error: 'the answer has no choices[0].message', status: response.status, attempts, policyHeader };
        return { ok: true, ...choice, attempts, policyHeader };
      }
      const message = await errorMessage(response);
      if (!RETRYABLE.has(response.status) || attempt >= client.retries) return { ok: false, error: message, status: response.status, attempts, policyHeader };
      wait = Math.min(MAX_WAIT_MS, retryAfterMs(response.headers, Date.now()) ?? backoffMs(attempt));
      reason = `${response.status}`;
    } catch (error) {
      const message = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
      if (attempt >= client.retries) return { ok: false, error: `unreachable: ${message}`, status: null, attempts, policyHeader };
      wait = backoffMs(attempt);
      reason = 'unreachable';
    }
    client.onRetry(reason, wait);
    await client.sleep(wait);
  }
}
