// The catalog of OpenAI base model families: what each refuses, renames and does not take,
// per route, with the pages it comes from. This file is the one place such knowledge lives;
// the engine (src/catalog/inherit.ts) only reads it. To update it: read the source, change the
// row, add or re-date its source, run `npx vitest run test/catalog` (a row without a source, or
// without an OpenAI page among its sources, fails the build).
//
// A model id belongs to the family whose name is the longest that equals it or is followed in
// it by `-` (`o4-mini-2025-04-16` → `o4-mini`, `gpt-4o-mini-2024-07-18` → `gpt-4o-mini`, but
// `gpt-5.4` is not `gpt-5`). A family not listed here inherits nothing.
import type { Family, Refusal, RouteRules, Source } from './family.ts';

const READ = '2026-12-03';

// --- OpenAI's pages -------------------------------------------------------------------------
const REASONING_GUIDE: Source = {
  url: 'https://platform.openai.com/docs/guides/reasoning#limitations',
  read: READ,
  says: 'Reasoning models (o-series, gpt-5) take max_completion_tokens (reasoning tokens count against it); sampling parameters are not supported. The Vercel AI SDK strips temperature, top_p, presence_penalty, frequency_penalty, logit_bias, logprobs and top_logprobs for these models citing this section.',
  via: 'vercel/ai packages/openai/src/chat/openai-chat-language-model.ts, which cites this section, quoted in vercel/ai#10932; the stored copy of developers.openai.com/api/docs/guides/reasoning was read for its introduction only',
};
const MAX_TOKENS_REFERENCE: Source = {
  url: 'https://platform.openai.com/docs/api-reference/chat/create#chat-create-max_tokens',
  read: READ,
  says: 'max_tokens is deprecated in favour of max_completion_tokens and is not compatible with o-series models; they answer 400 unsupported_parameter "Use \'max_completion_tokens\' instead" (openai/openai-python#2046, danny-avila/LibreChat#4349, PipedreamHQ/pipedream#17082 for o3, koosoli/ESPHomeDesigner#379 for gpt-5.4).',
  via: 'CherryHQ/cherry-studio#491 quoting the reference; error bodies in the issues named',
};
const PARAMETER_COMPATIBILITY: Source = {
  url: 'https://platform.openai.com/docs/guides/latest-model#gpt-5-1-parameter-compatibility',
  read: READ,
  says: '"temperature, top_p and logprobs are only supported when using GPT-5.2 [GPT-5.1] with reasoning effort set to none. Requests to GPT-5.2 or GPT-5.1 with any other reasoning effort setting, or to older GPT-5 models (e.g., gpt-5, gpt-5-mini, gpt-5-nano) that include these fields will raise an error."',
  via: 'quoted in a pull request found by the code search (stored file 49481540283); cited by vercel/ai packages/openai/src/openai-language-model-capabilities.ts',
};
const REASONING_EFFORT_REFERENCE: Source = {
  url: 'https://platform.openai.com/docs/api-reference/chat/create#chat-create-reasoning_effort',
  read: READ,
  says: 'gpt-5.1 defaults to none (no reasoning); all models before gpt-5.1 default to medium and do not support none; gpt-5-pro defaults to (and only supports) high.',
  via: "Azure's copy of the same text, learn.microsoft.com/en-us/javascript/api/@azure/ai-projects/reasoningeffort",
};
const EFFORT_MATRIX: Source = {
  url: 'https://community.openai.com/t/request-for-compatibility-matrix-reasoning-effort-sampling-parameters-across-gpt-5-series/1371738',
  read: READ,
  says: 'Per-model reasoning effort values: none only on gpt-5.1 and gpt-5.2; codex and pro models never take none; reasoning models generally allow no sampling parameters.',
};
const FINE_TUNING_GUIDE: Source = {
  url: 'https://platform.openai.com/docs/guides/fine-tuning',
  read: READ,
  says: 'Supervised fine-tuning bases: gpt-4.1-2025-04-14, gpt-4.1-mini-2025-04-14, gpt-4.1-nano-2025-04-14, gpt-4o-2024-08-06, gpt-4o-mini-2024-07-18, gpt-3.5-turbo-0125 (and -1106, -0613). These are not reasoning models: the reasoning limitations (and max_tokens being incompatible) concern o-series and gpt-5 only.',
  via: 'the openai-tools crate (docs.rs) FineTuningModel list, which links this guide',
};
const REINFORCEMENT_FINE_TUNING: Source = {
  url: 'https://developers.openai.com/api/docs/guides/reinforcement-fine-tuning',
  read: READ,
  says: 'Reinforcement fine-tuning adapts reasoning models only (o4-mini; Azure lists o4-mini 2025-04-16 GA and gpt-5 2025-08-07). OpenAI is winding the fine-tuning platform down; fine-tuned models stay available for inference until their bases are deprecated.',
  via: 'stored copy; learn.microsoft.com/en-us/azure/ai-services/openai/how-to/reinforcement-fine-tuning for the model list',
};

// --- client projects' trackers ----------------------------------------------------------------
const O1_MINI_ROLES: Source = {
  url: 'https://github.com/microsoft/agent-framework/issues/1077',
  read: READ,
  says: "Every OpenAI chat model tested with a system message: only o1-mini (and o1-mini-2024-09-12) answer 400 \"'messages[0].role' does not support 'system' with this model\"; o1, o3-mini, o3, o4-mini, gpt-4o, gpt-4.1 succeed. QuantumNous/new-api#847: o1-mini refuses 'developer' too; janhq/jan#4392: o1-preview as well.",
};
const VERCEL_10932: Source = {
  url: 'https://github.com/vercel/ai/issues/10932',
  read: READ,
  says: 'gpt-5.1 takes temperature, top_p and logprobs when reasoning effort is none; a blanket "reasoning model" rule that strips them is wrong (fixed in vercel/ai#10940).',
};
const DEFAULT_EFFORT_PROBES: Source = {
  url: 'https://github.com/UKGovernmentBEIS/inspect_ai/pull/5242',
  read: READ,
  says: 'Live probe (2026-09-04): temperature with no effort set is accepted by gpt-5.1, gpt-5.2, gpt-5.4, gpt-5.4-mini and refused (400) by gpt-5.5 and gpt-5.6-sol/terra/luna; with reasoning_effort none all accept it. BerriAI/litellm-docs#1064 measured the same for gpt-5.2 and gpt-5.5; BerriAI/litellm#32060 reports gpt-5.5 defaulting to medium.',
};
const GPT5_VALUES: Source = {
  url: 'https://github.com/tmc/langchaingo/issues/1355',
  read: READ,
  says: "gpt-5 family: 400 \"Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.\" (also QwenLM/qwen-code#921 for gpt-5-mini, openai/openai-guardrails-js#29 for gpt-5-nano); top_p only 1 and penalties only 0 (zenn.dev/headwaters/articles/a5468c45ec2e52).",
};
const GPT5_CHAT: Source = {
  url: 'https://github.com/BerriAI/litellm/issues/13781',
  read: READ,
  says: 'gpt-5-chat-latest is not a reasoning model and takes temperature (community.openai.com/t/temperature-in-gpt-5-models/1337133: "GPT-5-chat: supported").',
};

// --- rule sets --------------------------------------------------------------------------------
const RENAME_MAX_TOKENS = { max_tokens: 'max_completion_tokens' } as const;

/** o-series and gpt-5 (before 5.1): sampling refused; temperature and top_p only at their default 1, penalties only 0. */
const REASONING_CHAT_REFUSALS: readonly Refusal[] = [
  { param: 'temperature', only: 1 },
  { param: 'top_p', only: 1 },
  { param: 'presence_penalty', only: 0 },
  { param: 'frequency_penalty', only: 0 },
  { param: 'logprobs' },
  { param: 'top_logprobs' },
  { param: 'logit_bias' },
];
// The Responses API has no penalties, logit_bias or logprobs flag; its top_logprobs is not
// listed by the sources read, so it is left to the upstream.
const REASONING_RESPONSES_REFUSALS: readonly Refusal[] = [
  { param: 'temperature', only: 1 },
  { param: 'top_p', only: 1 },
];

const REASONING: { readonly chat: RouteRules; readonly responses: RouteRules } = {
  chat: { refuses: REASONING_CHAT_REFUSALS, renames: RENAME_MAX_TOKENS },
  responses: { refuses: REASONING_RESPONSES_REFUSALS },
};

/** gpt-5.1 and later 5.x: temperature, top_p and logprobs only with reasoning effort none. */
const UNLESS_NONE: readonly Refusal[] = [
  { param: 'temperature', unlessEffort: 'none' },
  { param: 'top_p', unlessEffort: 'none' },
  { param: 'logprobs', unlessEffort: 'none' },
  // top_logprobs means nothing without logprobs: it goes with it.
  { param: 'top_logprobs', unlessEffort: 'none' },
];
const ADJUSTABLE: { readonly chat: RouteRules; readonly responses: RouteRules } = {
  chat: { refuses: UNLESS_NONE, renames: RENAME_MAX_TOKENS },
  responses: { refuses: UNLESS_NONE.filter((refusal) => refusal.param === 'temperature' || refusal.param === 'top_p') },
};

const NON_REASONING = {} as const;

// --- the families -----------------------------------------------------------------------------
export const MODEL_CATALOG = {
  'gpt-3.5-turbo': {
    summary: 'Chat model (fine-tunable): takes every sampling parameter and max_tokens.',
    routes: NON_REASONING,
    sources: [FINE_TUNING_GUIDE, MAX_TOKENS_REFERENCE, O1_MINI_ROLES],
  },
  'gpt-4o': {
    summary: 'Chat model (fine-tunable as gpt-4o-2024-08-06): takes every sampling parameter and max_tokens.',
    routes: NON_REASONING,
    sources: [FINE_TUNING_GUIDE, MAX_TOKENS_REFERENCE, O1_MINI_ROLES],
  },
  'gpt-4o-mini': {
    summary: 'Chat model (fine-tunable as gpt-4o-mini-2024-07-18): takes every sampling parameter and max_tokens.',
    routes: NON_REASONING,
    sources: [FINE_TUNING_GUIDE, MAX_TOKENS_REFERENCE, O1_MINI_ROLES],
  },
  'gpt-4.1': {
    summary: 'Chat model (fine-tunable as gpt-4.1-2025-04-14): takes every sampling parameter and max_tokens.',
    routes: NON_REASONING,
    sources: [FINE_TUNING_GUIDE, MAX_TOKENS_REFERENCE, O1_MINI_ROLES],
  },
  'gpt-4.1-mini': {
    summary: 'Chat model (fine-tunable as gpt-4.1-mini-2025-04-14): takes every sampling parameter and max_tokens.',
    routes: NON_REASONING,
    sources: [FINE_TUNING_GUIDE, MAX_TOKENS_REFERENCE],
  },
  'gpt-4.1-nano': {
    summary: 'Chat model (fine-tunable as gpt-4.1-nano-2025-04-14): takes every sampling parameter and max_tokens.',
    routes: NON_REASONING,
    sources: [FINE_TUNING_GUIDE, MAX_TOKENS_REFERENCE],
  },
  o1: {
    summary: 'Reasoning model: no sampling parameters, max_completion_tokens instead of max_tokens.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [REASONING_GUIDE, MAX_TOKENS_REFERENCE],
    disagreement: "Some reports show o1 answering unsupported_parameter for temperature (any value), others unsupported_value \"Only the default (1) value is supported\" (portkey.ai error library #10525). We forward temperature only when it is exactly 1, which both accept.",
  },
  'o1-mini': {
    summary: 'Early reasoning model: like o1, and takes neither system nor developer messages.',
    defaultEffort: 'medium',
    routes: { chat: { ...REASONING.chat, refusesRoles: ['system', 'developer'] }, responses: REASONING.responses },
    sources: [REASONING_GUIDE, MAX_TOKENS_REFERENCE, O1_MINI_ROLES],
  },
  'o1-preview': {
    summary: 'Early reasoning model: like o1, and takes neither system nor developer messages.',
    defaultEffort: 'medium',
    routes: { chat: { ...REASONING.chat, refusesRoles: ['system', 'developer'] }, responses: REASONING.responses },
    sources: [REASONING_GUIDE, MAX_TOKENS_REFERENCE, O1_MINI_ROLES],
  },
  o3: {
    summary: 'Reasoning model: no sampling parameters, max_completion_tokens instead of max_tokens.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [REASONING_GUIDE, MAX_TOKENS_REFERENCE, EFFORT_MATRIX],
  },
  'o3-mini': {
    summary: 'Reasoning model: no sampling parameters, max_completion_tokens instead of max_tokens. Takes system messages (unlike o1-mini).',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [REASONING_GUIDE, MAX_TOKENS_REFERENCE, O1_MINI_ROLES],
  },
  'o4-mini': {
    summary: 'Reasoning model (fine-tunable by reinforcement as o4-mini-2025-04-16): no sampling parameters, max_completion_tokens instead of max_tokens.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [REASONING_GUIDE, MAX_TOKENS_REFERENCE, REINFORCEMENT_FINE_TUNING, EFFORT_MATRIX],
  },
  'gpt-5': {
    summary: 'Reasoning model (gpt-5, gpt-5-pro and dated ids): no sampling parameters at any reasoning effort (it has no none), max_completion_tokens instead of max_tokens.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [PARAMETER_COMPATIBILITY, REASONING_EFFORT_REFERENCE, GPT5_VALUES, REINFORCEMENT_FINE_TUNING],
  },
  'gpt-5-mini': {
    summary: 'Reasoning model: as gpt-5.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [PARAMETER_COMPATIBILITY, REASONING_EFFORT_REFERENCE, GPT5_VALUES],
  },
  'gpt-5-nano': {
    summary: 'Reasoning model: as gpt-5.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [PARAMETER_COMPATIBILITY, REASONING_EFFORT_REFERENCE, GPT5_VALUES],
  },
  'gpt-5-chat': {
    summary: 'gpt-5-chat-latest: not a reasoning model; nothing known to be refused.',
    routes: NON_REASONING,
    sources: [PARAMETER_COMPATIBILITY, GPT5_CHAT],
  },
  'gpt-5-codex': {
    summary: 'Coding reasoning model without reasoning effort none: as gpt-5.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [REASONING_EFFORT_REFERENCE, EFFORT_MATRIX],
  },
  'gpt-5.1': {
    summary: 'Adjustable reasoning: temperature, top_p and logprobs only with reasoning effort none, which is its default; max_completion_tokens instead of max_tokens.',
    defaultEffort: 'none',
    routes: ADJUSTABLE,
    sources: [PARAMETER_COMPATIBILITY, REASONING_EFFORT_REFERENCE, VERCEL_10932],
  },
  'gpt-5.1-codex': {
    summary: 'Coding model (and -max, -mini): no reasoning effort none, so no sampling parameters.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [REASONING_EFFORT_REFERENCE, EFFORT_MATRIX],
  },
  'gpt-5.2': {
    summary: 'As gpt-5.1: sampling only with reasoning effort none, which a request without an effort gets.',
    defaultEffort: 'none',
    routes: ADJUSTABLE,
    sources: [PARAMETER_COMPATIBILITY, REASONING_EFFORT_REFERENCE, DEFAULT_EFFORT_PROBES],
    disagreement: "OpenAI's reasoning_effort reference names only gpt-5.1 as defaulting to none and says models before it default to medium; it says nothing of gpt-5.2. Probes (inspect_ai#5242, litellm-docs#1064) show gpt-5.2 accepting temperature with no effort set, i.e. defaulting to none; LiteLLM's own table said medium until that fix. We follow the probes.",
  },
  'gpt-5.2-codex': {
    summary: 'Coding model: no reasoning effort none, so no sampling parameters.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [EFFORT_MATRIX, REASONING_EFFORT_REFERENCE],
  },
  'gpt-5.2-pro': {
    summary: 'Pro model: reasoning effort medium or above only, so no sampling parameters.',
    defaultEffort: 'medium',
    routes: REASONING,
    sources: [EFFORT_MATRIX, REASONING_EFFORT_REFERENCE],
  },
  'gpt-5.4': {
    summary: 'As gpt-5.1 (and gpt-5.4-mini): sampling only with reasoning effort none, its default.',
    defaultEffort: 'none',
    routes: ADJUSTABLE,
    sources: [PARAMETER_COMPATIBILITY, DEFAULT_EFFORT_PROBES, MAX_TOKENS_REFERENCE],
    disagreement: "OpenAI's pages read here do not state gpt-5.4's default effort; the live probe in inspect_ai#5242 shows it accepting temperature with no effort set. We follow the probe.",
  },
  'gpt-5.5': {
    summary: 'Sampling only with reasoning effort none; unlike 5.1–5.4 it reasons at medium when the request names no effort, so temperature is removed unless the request (or its policy) sets reasoning effort none.',
    defaultEffort: 'medium',
    routes: ADJUSTABLE,
    sources: [PARAMETER_COMPATIBILITY, DEFAULT_EFFORT_PROBES],
    disagreement: 'graphiti (getzep/graphiti#1551) sends none to gpt-5.5 explicitly because the API default is not none; LiteLLM treated an omitted effort as none for gpt-5.5 until BerriAI/litellm#32060. We follow the probes: default medium.',
  },
  'gpt-5.6': {
    summary: 'gpt-5.6-sol, -terra, -luna: as gpt-5.5 (default effort medium; sampling only with effort none).',
    defaultEffort: 'medium',
    routes: ADJUSTABLE,
    sources: [PARAMETER_COMPATIBILITY, DEFAULT_EFFORT_PROBES],
  },
} as const satisfies Readonly<Record<string, Family>>;

export type FamilyName = keyof typeof MODEL_CATALOG;
