// A stand-in for OpenAI on 127.0.0.1 that records every request it gets and answers like the
// API would. Tests replace `handler` to answer otherwise (errors, held streams).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type Recorded = {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  json: () => Record<string, unknown>;
  /** Resolves with performance.now() when the gateway closes the connection before the answer ended. */
  closedEarly: Promise<number>;
};

export type Handler = (request: Recorded, response: ServerResponse) => void | Promise<void>;

function record(request: IncomingMessage, body: Buffer, closedEarly: Promise<number>): Recorded {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const text = body.toString('utf8');
  return {
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    headers,
    body,
    text,
    closedEarly,
    json: () => {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
      return { ...parsed };
    },
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export function sseEvent(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

function modelOf(request: Recorded): string {
  try {
    const model = request.json().model;
    return typeof model === 'string' ? model : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function chatCompletion(model: string, content = 'Hello from the stand-in upstream.') {
  return {
    id: 'chatcmpl-fake', object: 'chat.completion', created: 1_764_000_000, model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
  };
}

export function chatChunk(model: string, content: string | null, finish: string | null = null) {
  return {
    id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_764_000_000, model,
    choices: [{ index: 0, delta: content === null ? {} : { content }, logprobs: null, finish_reason: finish }],
  };
}

export function responseObject(model: string, text = 'Hello from the stand-in upstream.') {
  return {
    id: 'resp_fake', object: 'response', created_at: 1_764_000_000, status: 'completed', model,
    output: [{ type: 'message', id: 'msg_fake', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] }],
    usage: { input_tokens: 12, output_tokens: 7, total_tokens: 19 },
  };
}

export function completionObject(model: string, text = ' from the stand-in upstream.') {
  return {
    id: 'cmpl-fake', object: 'text_completion', created: 1_764_000_000, model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 },
  };
}

/** The Responses API's streamed events for one text answer, as OpenAI sends them. */
export function responseEvents(model: string, pieces: readonly string[]): string[] {
  const text = pieces.join('');
  const item = { type: 'message', id: 'msg_fake', status: 'in_progress', role: 'assistant', content: [] };
  const done = { ...item, status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
  const started = { ...responseObject(model, text), status: 'in_progress', output: [], usage: null };
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) => `event: ${type}\n${sseEvent({ type, sequence_number: sequence++, ...data })}`;
  return [
    event('response.created', { response: started }),
    event('response.output_item.added', { output_index: 0, item }),
    event('response.content_part.added', { item_id: 'msg_fake', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ...pieces.map((delta) => event('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta, logprobs: [] })),
    event('response.output_text.done', { item_id: 'msg_fake', output_index: 0, content_index: 0, text, logprobs: [] }),
    event('response.output_item.done', { output_index: 0, item: done }),
    event('response.completed', { response: responseObject(model, text) }),
  ];
}

/** Answers as OpenAI would for the routes the tests use; streams when the body asks. */
export const defaultHandler: Handler = (request, response) => {
  const path = request.url.split('?')[0];
  const model = modelOf(request);
  const streaming = request.method === 'POST' && request.text.includes('"stream":true');
  if (path === '/v1/chat/completions' && request.method === 'POST') {
    if (!streaming) return sendJson(response, 200, chatCompletion(model));
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of ['Hello', ' from', ' upstream']) response.write(sseEvent(chatChunk(model, piece)));
    response.write(sseEvent(chatChunk(model, null, 'stop')));
    response.end(sseEvent('[DONE]'));
    return;
  }
  if (path === '/v1/responses' && request.method === 'POST') {
    if (!streaming) return sendJson(response, 200, responseObject(model));
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of responseEvents(model, ['Hello', ' from', ' upstream'])) response.write(event);
    response.end();
    return;
  }
  if (path === '/v1/completions' && request.method === 'POST') {
    if (!streaming) return sendJson(response, 200, completionObject(model));
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of [' from', ' upstream']) {
      response.write(sseEvent({ ...completionObject(model, piece), usage: undefined, choices: [{ index: 0, text: piece, logprobs: null, finish_reason: null }] }));
    }
    response.end(sseEvent('[DONE]'));
    return;
  }
  if (path === '/v1/models' && request.method === 'GET') {
    return sendJson(response, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1_700_000_000, owned_by: 'system' }] });
  }
  if (path === '/v1/embeddings' && request.method === 'POST') {
    return sendJson(response, 200, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], model, usage: { prompt_tokens: 2, total_tokens: 2 } });
  }
  if (path === '/v1/files' && request.method === 'POST') {
    return sendJson(response, 200, { id: 'file-fake', object: 'file', bytes: request.body.length, created_at: 1_764_000_000, filename: 'train.jsonl', purpose: 'fine-tune', status: 'processed' });
  }
  sendJson(response, 404, { error: { message: `Invalid URL (${request.method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
};

export class FakeUpstream {
  readonly requests: Recorded[] = [];
  handler: Handler = defaultHandler;
  /** Requests whose connection closed before the answer ended (a client hang-up reaching us). */
  closedEarly = 0;
  #server: Server | undefined;
  #port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.#port}/v1`;
  }

  /** The last request, failing loudly when there is none. */
  get last(): Recorded {
    const last = this.requests.at(-1);
    if (last === undefined) throw new Error('the upstream received no request');
    return last;
  }

  async start(): Promise<this> {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const closedEarly = new Promise<number>((resolve) => {
          response.on('close', () => {
            if (response.writableFinished) return;
            this.closedEarly += 1;
            resolve(performance.now());
          });
        });
        const recorded = record(request, Buffer.concat(chunks), closedEarly);
        this.requests.push(recorded);
        Promise.resolve(this.handler(recorded, response)).catch((error: unknown) => {
          response.destroy(error instanceof Error ? error : new Error(String(error)));
        });
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.#port = typeof address === "object" && address !== null ? address.port : 0;
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.handler = defaultHandler;
    this.closedEarly = 0;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
