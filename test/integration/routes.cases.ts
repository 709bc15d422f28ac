// /v1/responses and /v1/completions are governed like chat: the official SDK and the Vercel AI
// SDK (whose default OpenAI model calls /v1/responses) against the same gateway.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../support/gateway-fixture.ts';
import { responseEvents } from '../support/fake-upstream.ts';
import type { Runtime } from '../support/runtimes.ts';

const CLAMP = 'ft:gpt-4o-mini:acme:clamp:1';
const REJECT = 'ft:gpt-4o-mini:acme:reject:1';

export function defineRouteCases(runtime: Runtime): void {
  const fixture = useGateway(runtime, { apiKey: 'sk-client-key-0002' });
  const { upstream } = fixture;

  describe('POST /v1/responses with the official SDK', () => {
    it('applies aliases, sampling and the canonical instructions, forwarding the rest exactly', async () => {
      const extra = { previous_response_id: 'resp_prev', store: true, tools: [{ type: 'web_search' as const }], text: { format: { type: 'json_object' as const } }, metadata: { run: '1' } };
      const { data, response } = await fixture.openai.responses.create({ model: 'clampy', input: 'Hi', instructions: 'Be brief.', temperature: 1.9, max_output_tokens: 500, ...extra }).withResponse();
      expect(data.output_text).toBe('Hello from the stand-in upstream.');
      expect(response.headers.get('x-temperance-policy')).toBe('clamp');
      expect(upstream.last.url).toBe('/v1/responses');
      expect(upstream.last.json()).toEqual({
        model: CLAMP, instructions: 'You are Clamp.', temperature: 0.8, top_p: 0.9, max_output_tokens: 100,
        input: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], ...extra,
      });
    });

    it('streams events through as they come', async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => { release = resolve; });
      let finished = false;
      upstream.handler = async (request, response) => {
        const events = responseEvents(String(request.json().model), ['Hel', 'lo']);
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const event of events.slice(0, 4)) response.write(event);
        await held;
        for (const event of events.slice(4)) response.write(event);
        response.end();
        finished = true;
      };
      const stream = await fixture.openai.responses.create({ model: CLAMP, input: 'Hi', stream: true });
      const deltas: string[] = [];
      for await (const event of stream) {
        if (event.type !== 'response.output_text.delta') continue;
        deltas.push(event.delta);
        if (deltas.length === 1) {
          expect(finished).toBe(false);
          release();
        }
      }
      expect(deltas).toEqual(['Hel', 'lo']);
      expect(upstream.last.json()).toMatchObject({ stream: true, instructions: 'You are Clamp.', temperature: 0.6 });
    });

    it('rejects out of range in reject mode with OpenAI error shape, sending nothing', async () => {
      const error = await fixture.openai.responses.create({ model: REJECT, input: 'Hi', temperature: 1.5 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status: 400, code: 'policy_violation', param: 'temperature' });
      expect(upstream.requests).toHaveLength(0);
    });

    it('replace mode removes the client instructions and system input messages', async () => {
      await fixture.openai.responses.create({ model: REJECT, instructions: 'Evil.', input: [{ role: 'system', content: 'Also evil.' }, { role: 'user', content: 'Hi' }] });
      expect(upstream.last.json()).toEqual({ model: REJECT, instructions: 'You are Reject.', input: [{ role: 'user', content: 'Hi' }] });
    });
  });

  describe('POST /v1/completions', () => {
    it('applies sampling rules but no system message', async () => {
      const { data, response } = await fixture.openai.completions.create({ model: 'clampy', prompt: 'Once upon a time', temperature: 1.5, max_tokens: 999 }).withResponse();
      expect(data.choices[0]?.text).toBe(' from the stand-in upstream.');
      expect(response.headers.get('x-temperance-policy')).toBe('clamp');
      expect(upstream.last.json()).toEqual({ model: CLAMP, prompt: 'Once upon a time', temperature: 0.8, top_p: 0.9, max_tokens: 200 });
    });

    it('streams', async () => {
      const stream = await fixture.openai.completions.create({ model: CLAMP, prompt: 'Once', stream: true });
      const pieces: string[] = [];
      for await (const chunk of stream) pieces.push(chunk.choices[0]?.text ?? '');
      expect(pieces.join('')).toBe(' from upstream');
      expect(upstream.last.json()).toMatchObject({ stream: true, temperature: 0.6 });
    });
  });

  describe('the Vercel AI SDK (its default OpenAI model calls /v1/responses)', () => {
    const provider = () => createOpenAI({ baseURL: `${fixture.gateway.url}/v1`, apiKey: 'sk-client-key-0003' });

    it('generateText gets the policy: alias, sampling, and its system prompt recognised or kept', async () => {
      const result = await generateText({ model: provider()('clampy'), system: 'Be brief.', prompt: 'Hi', temperature: 1.4, maxRetries: 0 });
      expect(result.text).toBe('Hello from the stand-in upstream.');
      expect(upstream.last.url).toBe('/v1/responses');
      const sent = upstream.last.json();
      expect(sent).toMatchObject({ model: CLAMP, instructions: 'You are Clamp.', temperature: 0.8, top_p: 0.9 });
      expect(sent.input).toEqual([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }]);
    });

    it('a system prompt equal to the canonical message is not sent twice', async () => {
      await generateText({ model: provider()(CLAMP), system: 'You are Clamp.', prompt: 'Hi', maxRetries: 0 });
      const sent = upstream.last.json();
      expect(sent).not.toHaveProperty('instructions');
      expect(sent.input).toEqual([{ role: 'system', content: 'You are Clamp.' }, { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }]);
    });

    it('streamText streams through the gateway', async () => {
      const result = streamText({ model: provider()('clampy'), prompt: 'Hi', maxRetries: 0 });
      const pieces: string[] = [];
      for await (const piece of result.textStream) pieces.push(piece);
      expect(pieces).toEqual(['Hello', ' from', ' upstream']);
      expect(upstream.last.json()).toMatchObject({ model: CLAMP, stream: true, instructions: 'You are Clamp.', temperature: 0.6 });
    });

    it('.chat() uses chat completions, governed the same way', async () => {
      await generateText({ model: provider().chat('clampy'), system: 'Be brief.', prompt: 'Hi', maxRetries: 0 });
      expect(upstream.last.url).toBe('/v1/chat/completions');
      expect(upstream.last.json()).toMatchObject({ model: CLAMP, temperature: 0.6, messages: [{ role: 'system', content: 'You are Clamp.' }, { role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
    });
  });
}
