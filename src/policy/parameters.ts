// What the gateway knows about request parameters: the API ranges of the numeric ones, and
// which parameters belong to which route. The openai SDK's request types are the reference.

export type NumericRange = { readonly min?: number; readonly max?: number; readonly integer: boolean };

/** Numeric parameters with known API ranges; policy values are checked against them. */
export const NUMERIC_PARAMETERS: Readonly<Record<string, NumericRange>> = {
  temperature: { min: 0, max: 2, integer: false },
  top_p: { min: 0, max: 1, integer: false },
  presence_penalty: { min: -2, max: 2, integer: false },
  frequency_penalty: { min: -2, max: 2, integer: false },
  max_tokens: { min: 1, integer: true },
  max_completion_tokens: { min: 1, integer: true },
  max_output_tokens: { min: 1, integer: true },
  n: { min: 1, integer: true },
  seed: { integer: true },
};

export function numericRange(param: string): NumericRange | undefined {
  return Object.hasOwn(NUMERIC_PARAMETERS, param) ? NUMERIC_PARAMETERS[param] : undefined;
}

export type Route = 'chat' | 'responses' | 'completions';

/** The top-level request fields of each governed route, from openai-node 6.x. */
const ROUTE_PARAMETERS: Readonly<Record<Route, ReadonlySet<string>>> = {
  chat: new Set([
    'messages', 'model', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias',
    'logprobs', 'max_completion_tokens', 'max_tokens', 'metadata', 'modalities', 'moderation', 'n',
    'parallel_tool_calls', 'prediction', 'presence_penalty', 'prompt_cache_key',
    'prompt_cache_options', 'prompt_cache_retention', 'reasoning_effort', 'response_format',
    'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream', 'stream_options',
    'temperature', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'user', 'verbosity',
    'web_search_options',
  ]),
  responses: new Set([
    'background', 'context_management', 'conversation', 'include', 'input', 'instructions',
    'max_output_tokens', 'metadata', 'model', 'moderation', 'parallel_tool_calls',
    'previous_response_id', 'prompt', 'prompt_cache_key', 'prompt_cache_options',
    'prompt_cache_retention', 'reasoning', 'safety_identifier', 'service_tier', 'store', 'stream',
    'stream_options', 'temperature', 'text', 'tool_choice', 'tools', 'top_logprobs', 'top_p',
    'truncation', 'user',
  ]),
  completions: new Set([
    'model', 'prompt', 'best_of', 'echo', 'frequency_penalty', 'logit_bias', 'logprobs',
    'max_tokens', 'n', 'presence_penalty', 'seed', 'stop', 'stream', 'stream_options', 'suffix',
    'temperature', 'top_p', 'user',
  ]),
};

const KNOWN_ANYWHERE: ReadonlySet<string> = new Set(
  Object.values(ROUTE_PARAMETERS).flatMap((params) => [...params]),
);

/**
 * Whether a rule for `param` applies on `route`. A parameter of another OpenAI route is not
 * added where it does not belong (no `presence_penalty` on /v1/responses). A name no OpenAI
 * route knows (`top_k`, `min_p`, `repetition_penalty`) is an extension of an OpenAI-compatible
 * server such as vLLM, and applies on every route: that is why the policy names it.
 */
export function belongsToRoute(param: string, route: Route): boolean {
  return ROUTE_PARAMETERS[route].has(param) || !KNOWN_ANYWHERE.has(param);
}
