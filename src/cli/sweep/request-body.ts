// The body of one sweep request: the prompt at one setting, through the policy engine the
// gateway uses, minus the policy's rules for the swept parameters (so a temperature above the
// policy's max is measured, not clamped) and with everything else it does (system message,
// persona/alias → model id, other rules).
import { createHash } from 'node:crypto';
import { applyPolicy } from '../../policy/apply.ts';
import type { JsonObject } from '../../policy/decision.ts';
import type { Policy } from '../../policy/policy-set.ts';
import { chatRoute } from '../../policy/routes/chat.ts';
import { CliError } from '../cli-error.ts';
import type { Prompt } from './prompts.ts';
import type { Setting } from './settings.ts';

export function withoutRules(policy: Policy, params: readonly string[]): Policy {
  const sampling = Object.fromEntries(Object.entries(policy.sampling).filter(([param]) => !params.includes(param)));
  return { ...policy, sampling };
}

export type SweepRequest = { model: string; policy: Policy | null; seed: number };

export function requestBody(prompt: Prompt, setting: Setting, sample: number, request: SweepRequest): JsonObject {
  // One answer per request, not streamed: samples are separate requests, each with its own seed.
  const { stream: _stream, stream_options: _options, n: _n, ...fields } = prompt.request;
  const body: JsonObject = { ...fields, model: request.model, temperature: setting.temperature, seed: request.seed + sample };
  if (setting.top_p !== null) body.top_p = setting.top_p;
  if (request.policy === null) return body;
  const result = applyPolicy(body, request.policy, chatRoute);
  if (!result.ok) throw new CliError(`prompt on line ${prompt.line}: the policy ${request.policy.name} refuses it: ${result.error.message}`);
  return result.body;
}

/** What identifies a result: the same URL, body and sample number is the same request. */
export function requestKey(url: string, body: JsonObject, sample: number): string {
  return createHash('sha256').update(JSON.stringify([url, body, sample])).digest('hex').slice(0, 32);
}
