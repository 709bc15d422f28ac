// Records → the GenAI client metrics (semconv names and units), for the upstream calls only.
import type { Attributes, Meter } from '@opentelemetry/api';
import { GEN_AI, GEN_AI_METRICS, HTTP, PROVIDER } from './semconv.ts';
import { AttributeVocabulary } from './attribute-vocabulary.ts';
import type { RecordSink } from './record.ts';
import { operationName } from '../trace.ts';

// The conventions' advised bucket boundaries (seconds; tokens as powers of 4).
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

export function metricsSink(meter: Meter): RecordSink {
  const duration = meter.createHistogram(GEN_AI_METRICS.operationDuration, {
    unit: 's', description: 'GenAI operation duration', advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const firstChunk = meter.createHistogram(GEN_AI_METRICS.timeToFirstChunk, {
    unit: 's', description: 'Time to the first chunk of a streamed response', advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const tokens = meter.createHistogram(GEN_AI_METRICS.tokenUsage, {
    unit: '{token}', description: 'Number of input and output tokens used', advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
  });
  // Values a client or an upstream chooses; the policy's name and the route are the gateway's own.
  const requestModels = new AttributeVocabulary();
  const responseModels = new AttributeVocabulary();
  const errorTypes = new AttributeVocabulary();
  return (record) => {
    // Only what went upstream is a GenAI operation: a refusal or a pass-through is not.
    if (record.route === 'pass-through' || record.route === 'refused' || record.timeToHeadersMs === undefined) return;
    const attributes: Attributes = {
      [GEN_AI.operationName]: operationName(record.route),
      [GEN_AI.providerName]: PROVIDER,
      [HTTP.serverAddress]: record.upstream,
    };
    if (record.model !== undefined) attributes[GEN_AI.requestModel] = requestModels.admit(record.model);
    if (record.response?.model !== undefined) attributes[GEN_AI.responseModel] = responseModels.admit(record.response.model);
    if (record.errorType !== undefined) attributes[HTTP.errorType] = errorTypes.admit(record.errorType);
    if (record.policy !== undefined) attributes['temperance.policy'] = record.policy;
    duration.record(record.durationMs / 1000, attributes);
    if (record.timeToFirstTokenMs !== undefined) firstChunk.record(record.timeToFirstTokenMs / 1000, attributes);
    if (record.usage?.inputTokens !== undefined) tokens.record(record.usage.inputTokens, { ...attributes, [GEN_AI.tokenType]: 'input' });
    if (record.usage?.outputTokens !== undefined) tokens.record(record.usage.outputTokens, { ...attributes, [GEN_AI.tokenType]: 'output' });
  };
}
