// A request record → span attributes: the GenAI conventions for the upstream call (CLIENT span)
// and HTTP plus the policy's decisions for the gateway's own handling (SERVER span).
// Only @opentelemetry/api types: the core never depends on an SDK.
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { Decision } from './policy/decision.ts';
import type { RecordRoute, RequestRecord } from './observe/record.ts';
import { GEN_AI, HTTP, PROVIDER } from './observe/semconv.ts';

/** gen_ai.operation.name per route: the Responses API is a chat operation too. */
export function operationName(route: RequestRecord['route']): string {
  return route === 'completions' ? 'text_completion' : 'chat';
}

/** The client span's name, `{gen_ai.operation.name} {gen_ai.request.model}`. */
export function clientSpanName(route: RecordRoute, model: string | undefined): string {
  return model === undefined ? operationName(route) : `${operationName(route)} ${model}`;
}

/**
 * A JSON value as an attribute value: numbers, strings and booleans as themselves, anything
 * else as JSON text. Undefined stays absent: 0 is a meaningful temperature, absence is not 0.
 */
function attributeValue(value: unknown): AttributeValue | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function put(attributes: Attributes, name: string, value: unknown): void {
  const converted = attributeValue(value);
  if (converted !== undefined) attributes[name] = converted;
}

/** The values sent upstream, under their GenAI names (only those the request carried). */
const REQUEST_PARAMETERS: Readonly<Record<string, string>> = {
  temperature: GEN_AI.requestTemperature,
  top_p: GEN_AI.requestTopP,
  max_tokens: GEN_AI.requestMaxTokens,
  max_completion_tokens: GEN_AI.requestMaxTokens,
  max_output_tokens: GEN_AI.requestMaxTokens,
  seed: GEN_AI.requestSeed,
  frequency_penalty: GEN_AI.requestFrequencyPenalty,
  presence_penalty: GEN_AI.requestPresencePenalty,
  n: GEN_AI.requestChoiceCount,
};

/** Decisions as attributes: `temperance.decision.PARAM.{requested,applied,rule}` and the whole list as JSON. */
export function decisionAttributes(record: RequestRecord): Attributes {
  const attributes: Attributes = {};
  if (record.policy === undefined) return attributes;
  attributes['temperance.policy'] = record.policy;
  if (record.requestedModel !== undefined) attributes['temperance.request.model'] = record.requestedModel;
  for (const [param, values] of Object.entries(record.parameters)) {
    put(attributes, `temperance.${param}.requested`, values.requested);
    put(attributes, `temperance.${param}.applied`, values.applied);
  }
  for (const decision of record.decisions) {
    if (decision.param === 'system') continue;
    attributes[`temperance.decision.${decision.param}.rule`] = decision.rule;
  }
  if (record.system !== undefined) {
    attributes['temperance.system.injected'] = record.system.injected;
    attributes['temperance.system.mode'] = record.system.mode;
  }
  if (record.experiment !== undefined) {
    attributes['temperance.experiment.name'] = record.experiment.name;
    attributes['temperance.experiment.arm'] = record.experiment.arm;
    attributes['temperance.experiment.forced'] = record.experiment.forced;
  }
  attributes['temperance.decisions'] = JSON.stringify(record.decisions.map(describeDecision));
  attributes['temperance.decision.count'] = record.decisions.length;
  if (record.usageAdded) attributes['temperance.usage_added'] = true;
  return attributes;
}

/** A decision as JSON-safe data (an absent side stays out rather than becoming null). */
function describeDecision(decision: Decision): Record<string, unknown> {
  const { param, requested, applied, rule, reason, layer } = decision;
  return { param, rule, ...(requested === undefined ? {} : { requested }), ...(applied === undefined ? {} : { applied }), ...(reason === undefined ? {} : { reason }), ...(layer === undefined ? {} : { layer }) };
}

export function serverSpanName(record: Pick<RequestRecord, 'method' | 'route' | 'path'>): string {
  return `${record.method} ${record.route === 'pass-through' ? '/v1/*' : record.path}`;
}

/** The SERVER span: the request as the gateway handled it. */
export function serverAttributes(record: RequestRecord): Attributes {
  const attributes: Attributes = {
    [HTTP.requestMethod]: record.method,
    [HTTP.urlPath]: record.path,
    [HTTP.route]: record.route === 'pass-through' ? '/v1/*' : record.path,
    'temperance.request.id': record.id,
    ...decisionAttributes(record),
  };
  if (record.status !== 0) attributes[HTTP.responseStatusCode] = record.status;
  put(attributes, HTTP.errorType, record.errorType);
  return attributes;
}

/** The CLIENT span: the call upstream, in the GenAI conventions. */
export function clientAttributes(record: RequestRecord, upstream: URL): Attributes {
  const attributes: Attributes = {
    [GEN_AI.operationName]: operationName(record.route),
    [GEN_AI.providerName]: PROVIDER,
    [HTTP.serverAddress]: upstream.hostname,
    [HTTP.serverPort]: upstream.port === '' ? (upstream.protocol === 'https:' ? 443 : 80) : Number(upstream.port),
    ...decisionAttributes(record),
  };
  put(attributes, 'temperance.upstream', record.upstreamName);
  put(attributes, GEN_AI.requestModel, record.model);
  for (const [param, values] of Object.entries(record.parameters)) {
    const name = REQUEST_PARAMETERS[param];
    if (name !== undefined && typeof values.applied === 'number') attributes[name] = values.applied;
  }
  put(attributes, GEN_AI.responseModel, record.response?.model);
  put(attributes, GEN_AI.responseId, record.response?.id);
  if (record.response?.finishReasons !== undefined && record.response.finishReasons.length > 0) {
    attributes[GEN_AI.responseFinishReasons] = record.response.finishReasons;
  }
  put(attributes, GEN_AI.usageInputTokens, record.usage?.inputTokens);
  put(attributes, GEN_AI.usageOutputTokens, record.usage?.outputTokens);
  if (record.status !== 0) attributes[HTTP.responseStatusCode] = record.status;
  put(attributes, HTTP.errorType, record.errorType);
  if (record.content !== undefined) {
    put(attributes, GEN_AI.inputMessages, record.content.input);
    put(attributes, GEN_AI.systemInstructions, record.content.systemInstructions);
    put(attributes, GEN_AI.outputMessages, record.content.output);
  }
  return attributes;
}
