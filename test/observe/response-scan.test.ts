import { describe, expect, it } from 'vitest';
import { ResponseScan } from '../../src/observe/response-scan.ts';

describe('ResponseScan', () => {
  it('reads a chat completion', () => {
    const scan = new ResponseScan('chat', true);
    scan.json({ id: 'c1', model: 'm', choices: [{ message: { content: 'Hi' }, finish_reason: 'length' }], usage: { prompt_tokens: 0, completion_tokens: 2, total_tokens: 2 } });
    expect(scan).toMatchObject({ id: 'c1', model: 'm', finishReasons: ['length'], usage: { inputTokens: 0, outputTokens: 2, totalTokens: 2 }, text: 'Hi' });
  });

  it('reads chat stream chunks: a token only where there is content', () => {
    const scan = new ResponseScan('chat', false);
    expect(scan.event({ id: 'c', choices: [{ delta: { role: 'assistant', content: '' } }] })).toBe(false);
    expect(scan.event({ id: 'c', choices: [{ delta: { content: 'A' } }] })).toBe(true);
    expect(scan.event({ id: 'c', choices: [], usage: { prompt_tokens: 5, completion_tokens: 1 } })).toBe(false);
    expect(scan.usage).toEqual({ inputTokens: 5, outputTokens: 1 });
    expect(scan.text).toBe('');
  });

  it('reads Responses API events and errors in a stream', () => {
    const scan = new ResponseScan('responses', true);
    expect(scan.event({ type: 'response.output_text.delta', delta: 'Yo' })).toBe(true);
    scan.event({ type: 'response.completed', response: { id: 'r1', model: 'm', status: 'completed', usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } } });
    expect(scan).toMatchObject({ id: 'r1', finishReasons: ['stop'], usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 }, text: 'Yo' });
    const failed = new ResponseScan('chat', false);
    failed.event({ error: { type: 'server_error', message: 'x' } });
    expect(failed.errorType).toBe('server_error');
  });

  it('says whether the answer was empty or a refusal, without keeping the text', () => {
    const refused = new ResponseScan('chat', false);
    refused.json({ choices: [{ message: { content: null, refusal: 'I cannot help with that.' }, finish_reason: 'stop' }] });
    expect({ produced: refused.produced, refusal: refused.refusal, text: refused.text }).toEqual({ produced: false, refusal: true, text: '' });
    const empty = new ResponseScan('chat', false);
    empty.event({ choices: [{ delta: { content: '' } }] });
    empty.event({ choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect({ produced: empty.produced, refusal: empty.refusal }).toEqual({ produced: false, refusal: false });
    const tool = new ResponseScan('chat', false);
    tool.json({ choices: [{ message: { content: null, tool_calls: [{ id: 't' }] }, finish_reason: 'tool_calls' }] });
    expect(tool.produced).toBe(true);
    const filtered = new ResponseScan('chat', false);
    filtered.event({ choices: [{ delta: {}, finish_reason: 'content_filter' }] });
    expect(filtered.refusal).toBe(true);
    const responses = new ResponseScan('responses', false);
    responses.json({ status: 'completed', output: [{ type: 'message', content: [{ type: 'refusal', refusal: 'No.' }] }] });
    expect({ produced: responses.produced, refusal: responses.refusal }).toEqual({ produced: false, refusal: true });
    const streamed = new ResponseScan('responses', false);
    streamed.event({ type: 'response.refusal.delta', delta: 'No' });
    expect(streamed.refusal).toBe(true);
  });
});

// Streams as servers send them (each string one event's data), for the parse-skipping check below.
const chatStreams: Record<string, string[]> = {
  'OpenAI, compact': [
    '{"id":"c1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}],"usage":null}',
    ...['Hel', 'lo', ' there'].map((text) => `{"id":"c1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}],"usage":null}`),
    '{"id":"c1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
    '{"id":"c1","object":"chat.completion.chunk","model":"m","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}',
  ],
  'vLLM, with spaces': [
    '{"id": "v1", "model": "llama", "choices": [{"index": 0, "delta": {"content": "A"}, "finish_reason": null}]}',
    '{"id": "v1", "model": "llama", "choices": [{"index": 0, "delta": {"content": "B"}, "finish_reason": null}]}',
    '{"id": "v1", "model": "llama", "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "length"}], "usage": {"prompt_tokens": 4, "completion_tokens": 2}}',
  ],
  'a refusal after a token, a filter, an error': [
    '{"id":"r","choices":[{"delta":{"content":"I"},"finish_reason":null}]}',
    '{"id":"r","choices":[{"delta":{"refusal":"cannot"},"finish_reason":null}]}',
    '{"id":"r","choices":[{"delta":{"content":" the usage of"},"finish_reason":null}]}',
    '{"id":"r","choices":[{"delta":{},"finish_reason":"content_filter"}]}',
    '{"error":{"type":"server_error","message":"cut"}}',
  ],
  'a tool call first': [
    '{"id":"t","choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}',
    '{"id":"t","choices":[{"delta":{"content":"ok"},"finish_reason":null}]}',
    '{"id":"t","choices":[{"delta":{},"finish_reason":"tool_calls"}]}',
  ],
};
const responsesStream = [
  '{"type":"response.created","response":{"id":"resp_1","model":"m","status":"in_progress","output":[]}}',
  ...['Yo', ' there'].map((delta) => `{"type":"response.output_text.delta","item_id":"msg_1","delta":${JSON.stringify(delta)}}`),
  '{"type":"response.refusal.delta","delta":"no"}',
  '{"type":"response.completed","response":{"id":"resp_1","model":"m","status":"completed","usage":{"input_tokens":3,"output_tokens":2,"total_tokens":5}}}',
];

function scanned(route: 'chat' | 'responses', events: readonly string[], gated: boolean) {
  const scan = new ResponseScan(route, false);
  let firstToken = -1;
  let skipped = 0;
  events.forEach((data, index) => {
    if (gated && !scan.mayTell(data)) {
      skipped += 1;
      return;
    }
    if (scan.event(JSON.parse(data)) && firstToken === -1) firstToken = index;
  });
  const { id, model, finishReasons, usage, errorType, produced, refusal, text } = scan;
  return { found: { id, model, finishReasons, usage, errorType, produced, refusal, text, firstToken }, skipped };
}

describe('ResponseScan.mayTell: stream events past the first token go unparsed when they cannot change anything', () => {
  it.each(Object.entries(chatStreams))('chat: %s', (_name, events) => {
    expect(scanned('chat', events, true).found).toEqual(scanned('chat', events, false).found);
  });

  it('responses: deltas skipped, the refusal and the completed response read', () => {
    expect(scanned('responses', responsesStream, true).found).toEqual(scanned('responses', responsesStream, false).found);
    expect(scanned('responses', responsesStream, true).skipped).toBe(1);
  });

  it("skips a long stream's plain deltas, and nothing while the text is kept", () => {
    expect(scanned('chat', chatStreams['OpenAI, compact'] ?? [], true).skipped).toBe(2);
    const kept = new ResponseScan('chat', true);
    kept.event({ choices: [{ delta: { content: 'A' } }] });
    expect(kept.mayTell('{"choices":[{"delta":{"content":"B"}}]}')).toBe(true);
  });
});
