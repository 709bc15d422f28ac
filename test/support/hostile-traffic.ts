// Hostile traffic: multi-megabyte values in every position a client controls, for the tests
// that prove such input does not pile up (issue: model names, parameters, user, metadata,
// units, request ids, arms, feedback, paths, the admin form). Each request says what a correct
// gateway may answer.

export type HostileRequest = {
  what: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
};

export type Answer = { what: string; status: number; code: string | undefined; reset: boolean; json: boolean };

/** Header values stay well under Node's 16 KiB limit for all headers together (over it, the HTTP layer answers 431 before any gateway code runs). */
const HEADER_CHARS = 4 * 1024;

/**
 * One round of hostile requests with strings of `size` characters; `salt` makes every string
 * distinct (a cache keyed by them would grow with every round). `alias` is a governed model
 * name with temperature and top_p rules.
 */
export function hostileRound(size: number, salt: string, alias: string): HostileRequest[] {
  const big = (tag: string) => `${tag}-${salt}-${'x'.repeat(size)}`;
  const json = { 'content-type': 'application/json' };
  const chat = (what: string, body: Record<string, unknown>, headers: Record<string, string> = {}): HostileRequest => ({
    what, path: '/v1/chat/completions', method: 'POST', headers: { ...json, ...headers },
    body: JSON.stringify({ model: alias, messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  const header = (tag: string) => `${tag}-${salt}-${'h'.repeat(HEADER_CHARS)}`;
  return [
    chat('model', { model: big('model') }),
    chat('unlisted model under the limit', { model: `m-${salt}-${'y'.repeat(200)}` }),
    chat('temperature as a string', { temperature: big('t') }),
    chat('top_p as a huge array', { top_p: Array.from({ length: Math.floor(size / 2) }, () => 1) }),
    chat('presence_penalty as a huge object', { presence_penalty: { k: big('p') } }),
    chat('user', { user: big('user') }),
    chat('safety_identifier', { safety_identifier: big('sid') }),
    chat('metadata', { metadata: { session: big('meta') } }),
    chat('message content', { messages: [{ role: 'user', content: big('content') }] }),
    chat('x-request-id', {}, { 'x-request-id': header('rid') }),
    chat('units and arms in headers', {}, { 'x-session-id': header('unit'), 'x-temperance-arm': header('arm') }),
    { what: 'responses instructions', path: '/v1/responses', method: 'POST', headers: json, body: JSON.stringify({ model: alias, input: 'hi', instructions: big('instr'), temperature: big('rt') }) },
    { what: 'completions prompt', path: '/v1/completions', method: 'POST', headers: json, body: JSON.stringify({ model: big('cm'), prompt: big('prompt') }) },
    { what: 'feedback', path: '/_temperance/feedback', method: 'POST', headers: json, body: JSON.stringify([{ request_id: big('fid'), metric: big('metric'), value: big('v') }]) },
    { what: 'pass-through path', path: `/v1/files/${'f'.repeat(HEADER_CHARS)}-${salt}`, method: 'GET', headers: {} },
    { what: 'admin sign-in form', path: '/_temperance/login', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `key=${big('key')}` },
  ];
}

/** The gateway answered as a gateway should: forwarded, or refused in OpenAI's error shape, never a 5xx or a reset. */
export function acceptable(answer: Answer): boolean {
  if (answer.reset) return false;
  // Feedback without a store is the one documented 5xx a healthy gateway gives.
  if (answer.status === 503) return answer.code === 'store_unavailable';
  if (answer.status >= 500) return false;
  // The sign-in form answers with its HTML page.
  return answer.status < 400 || answer.json || answer.what === 'admin sign-in form';
}

async function send(base: string, request: HostileRequest, headers: Record<string, string>): Promise<Answer> {
  try {
    const init: RequestInit = { method: request.method, headers: { ...headers, ...request.headers } };
    if (request.body !== undefined) init.body = request.body;
    const response = await fetch(`${base}${request.path}`, init);
    const text = await response.text();
    let code: string | undefined;
    let json = false;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'object' && parsed.error !== null) {
        json = 'message' in parsed.error && 'type' in parsed.error;
        code = 'code' in parsed.error && typeof parsed.error.code === 'string' ? parsed.error.code : undefined;
      }
    } catch {
      // Not an error body.
    }
    return { what: request.what, status: response.status, code, reset: false, json };
  } catch {
    return { what: request.what, status: 0, code: undefined, reset: true, json: false };
  }
}

/** Sends every request, `concurrency` at a time; the answers in order. */
export async function sendAll(base: string, requests: readonly HostileRequest[], concurrency = 4, headers: Record<string, string> = {}): Promise<Answer[]> {
  const answers: Answer[] = new Array<Answer>(requests.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      const request = requests[index];
      if (request !== undefined) answers[index] = await send(base, request, headers);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

/** Answers counted by "what → status code", for a test's message and the closing figures. */
export function tally(answers: readonly Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = `${answer.what} → ${answer.reset ? 'reset' : answer.status}${answer.code === undefined ? '' : ` ${answer.code}`}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
