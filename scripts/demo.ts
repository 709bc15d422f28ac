// `npm run demo`: the product in one command, with no OpenAI key and no internet. Starts a
// stand-in upstream and the gateway (Node, shipped policies/), sends requests with the official
// openai SDK, and prints what the client sent, what the upstream received and why.
import { createServer } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import OpenAI, { APIError } from 'openai';
import { startNodeServer } from '../src/node/server.ts';
import { applyPolicy } from '../src/policy/apply.ts';
import { chatRoute } from '../src/policy/routes/chat.ts';

const received: unknown[] = [];
const upstream = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    received.push(body);
    // As OpenAI answers a reasoning model (o4-mini) asked for a parameter it refuses.
    const refused = typeof body === 'object' && body !== null && 'model' in body && String(body.model).includes('o4-mini')
      ? ['temperature', 'top_p', 'max_tokens'].find((param) => Object.hasOwn(body, param))
      : undefined;
    if (refused !== undefined) {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `Unsupported parameter: '${refused}' is not supported with this model.${refused === 'max_tokens' ? " Use 'max_completion_tokens' instead." : ''}`, type: 'invalid_request_error', param: refused, code: 'unsupported_parameter' } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({
      id: 'chatcmpl-demo', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'stand-in',
      choices: [{ index: 0, message: { role: 'assistant', content: '(a stand-in answer)', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    }));
  });
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const address = upstream.address();
const upstreamUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/v1`;

const started = await startNodeServer({ OPENAI_BASE_URL: upstreamUrl, PORT: '0', POLICIES_DIR: './policies' }, () => {}, { watch: false });
if (!started.ok) {
  console.error(started.errors.join('\n'));
  process.exit(1);
}
const { gateway } = started;
const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-demo-not-a-real-key', maxRetries: 0 });

type Example = { title: string; request: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming };
const examples: Example[] = [
  { title: 'A support-bot fine-tune, asked for a temperature it cannot take', request: { model: 'support-bot', temperature: 1.2, messages: [{ role: 'user', content: 'Where is my order?' }] } },
  { title: 'One fine-tune, two behaviours: the SharkBait persona', request: { model: 'sharkbait', messages: [{ role: 'user', content: 'Hi there!' }] } },
  { title: "The RabbitText persona replaces the client's own system message and fixes temperature", request: { model: 'rabbittext', temperature: 0.9, messages: [{ role: 'system', content: 'You are a pirate.' }, { role: 'user', content: 'name,age\nAda,36' }] } },
  { title: 'A reasoning fine-tune: temperature and top_p are removed, not rejected upstream', request: { model: 'ft:o4-mini-2025-04-16:acme:triage:4kL', temperature: 0.7, top_p: 0.9, messages: [{ role: 'user', content: 'Triage this ticket.' }] } },
  { title: 'Any other model: the catch-all keeps temperature at or below 1.5', request: { model: 'gpt-4o-mini', temperature: 1.9, messages: [{ role: 'user', content: 'Write a poem.' }] } },
];

const show = (value: unknown) => `    ${JSON.stringify(value)}`;
for (const [index, example] of examples.entries()) {
  const { response } = await client.chat.completions.create(example.request).withResponse();
  const policyName = response.headers.get('x-temperance-policy') ?? '(none)';
  console.log(`\n${index + 1}. ${example.title}\n  client sent:\n${show(example.request)}\n  upstream received (policy ${policyName}):\n${show(received.at(-1))}`);
  // The same engine the gateway ran, asked again for its reasons.
  const policy = gateway.policies().resolve(example.request.model)?.policy;
  const result = policy === undefined ? undefined : applyPolicy({ ...example.request }, policy, chatRoute);
  const why = result?.decisions.map((decision) => decision.reason === undefined
    ? `    - ${decision.param} ${JSON.stringify(decision.requested) ?? '(absent)'} → ${JSON.stringify(decision.applied) ?? '(removed)'} (${decision.rule})`
    : `    - ${decision.param}: ${decision.reason}`) ?? [];
  console.log(`  why:\n${why.length > 0 ? why.join('\n') : '    - nothing to change'}`);
}

// A new user with no policy at all: the base model's catalog entry still applies (contract §7).
const empty = await mkdtemp(join(tmpdir(), 'temperance-demo-'));
const bare = await startNodeServer({ OPENAI_BASE_URL: upstreamUrl, PORT: '0', POLICIES_DIR: empty }, () => {}, { watch: false });
if (!bare.ok) {
  console.error(bare.errors.join('\n'));
  process.exit(1);
}
const noPolicy = { model: 'ft:o4-mini-2025-04-16:acme:triage:4kL', temperature: 0.7, max_tokens: 500, messages: [{ role: 'user' as const, content: 'Triage this ticket.' }] };
console.log(`\n${examples.length + 1}. No policy at all: a reasoning fine-tune asked for temperature and max_tokens\n  client sent:\n${show(noPolicy)}`);
const straight = new OpenAI({ baseURL: upstreamUrl, apiKey: 'sk-demo-not-a-real-key', maxRetries: 0 });
const refusal = await straight.chat.completions.create(noPolicy).then(() => undefined, (error: unknown) => error);
console.log(`  sent straight to the upstream: ${refusal instanceof APIError ? `${refusal.status} ${refusal.code ?? ''}: ${refusal.message}` : 'accepted'}`);
const viaBare = new OpenAI({ baseURL: `${bare.gateway.url}/v1`, apiKey: 'sk-demo-not-a-real-key', maxRetries: 0 });
const answer = await viaBare.chat.completions.create(noPolicy);
console.log(`  through the gateway: ${JSON.stringify(answer.choices[0]?.message.content)}\n  upstream received (no policy):\n${show(received.at(-1))}`);
const traces: { decisions: { param: string; requested?: unknown; applied?: unknown; rule: string; reason?: string }[] }[] = JSON.parse(await (await fetch(`${bare.gateway.url}/_temperance/traces.json`)).text());
console.log(`  why (GET /_temperance/traces.json):\n${(traces[0]?.decisions ?? []).map((decision) => `    - ${decision.param} ${JSON.stringify(decision.requested)} → ${decision.applied === undefined ? '(removed)' : decision.rule === 'renamed' ? '(renamed)' : JSON.stringify(decision.applied)} (${decision.rule}: ${decision.reason ?? ''})`).join('\n')}`);
await bare.gateway.close();

console.log(`\nThat was the gateway on Node at ${gateway.url}, in front of a stand-in upstream at ${upstreamUrl}.`);
console.log('Point your own client at it with: new OpenAI({ baseURL: "http://127.0.0.1:8787/v1" }) after `npm start`.');
await gateway.close();
upstream.close();
