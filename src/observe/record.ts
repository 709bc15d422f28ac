// The one record of a request that every consumer reads: the spans, the trace page's buffer and
// (later) the structured log line. It is plain JSON data — no API key, no header value, no
// message content unless content capture is on — so a consumer may show or ship it as it is.
import type { Decision } from '../policy/decision.ts';

export type RecordRoute = 'chat' | 'responses' | 'completions' | 'pass-through';

/** A sampling parameter as the client sent it and as it went upstream; an absent side is left out. */
export type ParameterValues = { requested?: unknown; applied?: unknown };

export type TokenUsage = { inputTokens?: number; outputTokens?: number; totalTokens?: number };

export type ExperimentRecord = {
  name: string;
  arm: string;
  /** x-temperance-arm forced it: left out of statistics. */
  forced: boolean;
  /** Hex digest of the unit (never the unit itself); absent when the request had no unit. */
  unitDigest?: string;
  /** Digest of the policy file as loaded (a policy "version"). */
  policyDigest: string;
};

export type RequestRecord = {
  /** The request id (x-temperance-request-id, in the log line too); not the trace id, which a client may share across requests. */
  id: string;
  /** W3C trace and span ids of the gateway's SERVER span, when tracing is on. */
  traceId?: string;
  spanId?: string;
  /** Unix milliseconds when the request arrived. */
  startedAt: number;
  method: string;
  path: string;
  /** `refused`: the gateway answered before any route (a missing or wrong key, an unknown URL); see refusal-record.ts. */
  route: RecordRoute | 'refused';
  stream: boolean;
  /** The `model` the client sent (an alias or persona name stays as sent). */
  requestedModel?: string;
  /** The model that went upstream, after an alias was rewritten. */
  model?: string;
  /** The governing policy's name (`NAME` or `NAME/PERSONA`); absent when none governs. */
  policy?: string;
  /** The experiment arm that served the request, when the policy has an experiment. */
  experiment?: ExperimentRecord;
  /** What the policy changed, in order, as the engine reported it. */
  decisions: Decision[];
  /** temperature, top_p and every parameter a decision touched: requested → applied. */
  parameters: Record<string, ParameterValues>;
  /** The canonical system message, when the policy has one: whether it went in, and its text. */
  system?: { injected: boolean; mode: string; role: string; text: string };
  /** True when the gateway asked for stream usage the client did not ask for (and hid it). */
  usageAdded: boolean;
  /** The HTTP status the client got; 0 when the client hung up before an answer. */
  status: number;
  /** Why the request failed: the gateway's error code, the upstream's status, `stream_error`, `cancelled`. */
  errorType?: string;
  /** Until the last byte reached the client (or the client hung up). */
  durationMs: number;
  /** Until the upstream's response headers. */
  timeToHeadersMs?: number;
  /** Streams: until the first chunk with generated content. */
  timeToFirstTokenMs?: number;
  usage?: TokenUsage;
  response?: { id?: string; model?: string; finishReasons?: string[] };
  /** Upstream attempts made (more than 1 when UPSTREAM_RETRIES retried). */
  attempts?: number;
  /** The upstream host (`server.address`). */
  upstream: string;
  /** The upstream's name (`temperance.upstream`): `openai` or one of upstreams.yaml. */
  upstreamName?: string;
  /** What the answer was, from the response scan (governed routes): no content at all, or a refusal (outcomes, contract 6.1). */
  answer?: { empty: boolean; refusal: boolean };
  /** Only with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true, in the GenAI semconv JSON shapes. */
  content?: { input?: unknown[]; systemInstructions?: unknown[]; output?: unknown[] };
};

/** Receives each record once, when its request is over (its stream ended or was cancelled). */
export type RecordSink = (record: RequestRecord) => void;
