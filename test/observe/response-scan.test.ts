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
