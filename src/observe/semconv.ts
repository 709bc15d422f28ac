// Attribute and metric names of the OpenTelemetry semantic conventions we emit: the GenAI
// conventions in their 1.37–1.41 shape (gen_ai.provider.name, not the deprecated gen_ai.system)
// and the HTTP ones. Written out here because @opentelemetry/semantic-conventions marks every
// GenAI constant deprecated while the conventions move to their own repository.

export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestSeed: 'gen_ai.request.seed',
  requestFrequencyPenalty: 'gen_ai.request.frequency_penalty',
  requestPresencePenalty: 'gen_ai.request.presence_penalty',
  requestChoiceCount: 'gen_ai.request.choice.count',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  systemInstructions: 'gen_ai.system_instructions',
  tokenType: 'gen_ai.token.type',
} as const;

export const GEN_AI_METRICS = {
  operationDuration: 'gen_ai.client.operation.duration',
  tokenUsage: 'gen_ai.client.token.usage',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
} as const;

export const HTTP = {
  requestMethod: 'http.request.method',
  responseStatusCode: 'http.response.status_code',
  route: 'http.route',
  urlPath: 'url.path',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
} as const;

export const PROVIDER = 'openai';
