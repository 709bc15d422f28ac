// The single observation point of a request. Routes tell it what they learn (the body, the
// policy's decisions, what goes upstream) and hand it the response; it times the response as it
// streams to the client, reads usage from it on the way without holding it back, and when the
// last byte is out (or the client hangs up) builds the RequestRecord and gives it to every sink.
import { ERROR_KINDS, errorResponse, type GatewayError } from '../errors.ts';
import type { Decision, JsonObject } from '../policy/decision.ts';
import type { Policy } from '../policy/policy-set.ts';
import type { Assignment } from '../experiment/assign.ts';
import type { HeaderMap } from '../proxy/header-list.ts';
import { dataJson, eventData, SseSplitter } from '../proxy/sse.ts';
import { keepEvent } from '../proxy/usage-filter.ts';
import { tapBody, type TapHooks } from './body-tap.ts';
import { boundOptional, boundString, boundValue } from './bound.ts';
import { inputContent, outputContent } from './content.ts';
import type { ParameterValues, RecordRoute, RecordSink, RequestRecord } from './record.ts';
import { ResponseScan } from './response-scan.ts';
import { RequestSpans } from './spans.ts';
import type { Telemetry } from './telemetry.ts';
import { OPENAI_UPSTREAM } from '../upstream/schema.ts';

const encoder = new TextEncoder();
const LINE_FEED = 0x0a;

/** Always shown, governed or not: the two parameters users tune most. */
const SHOWN_PARAMETERS = ['temperature', 'top_p'];
/** A JSON body is read for usage only up to this size; a bigger one passes unread. */
const MAX_SCANNED_JSON = 1024 * 1024;

/** The usage chunk the gateway asked for is left out only of an event stream. */
export function hidesUsage(asked: boolean | undefined, contentType: string): boolean {
  return asked === true && contentType.includes('text/event-stream');
}

export type ObservationDeps = {
  sinks: readonly RecordSink[];
  telemetry: Telemetry | undefined;
  captureContent: boolean;
  /** The default upstream (openai) until a route says otherwise (via). */
  upstream: URL;
};

// Every client-sent value enters the record through boundValue/boundString (src/observe/bound.ts):
// the record outlives the request (trace buffer, log line, spans, metrics, the store).
function pick(body: JsonObject, param: string): ParameterValues {
  return Object.hasOwn(body, param) ? { requested: boundValue(body[param]) } : {};
}

function boundDecision(decision: Decision): Decision {
  return { ...decision, requested: boundValue(decision.requested), applied: boundValue(decision.applied) };
}

/**
 * What an observation needs of the request: a Web Request has it all, and the Node-native path
 * (src/node/native-route.ts) gives the same from an IncomingMessage without building one.
 */
export type RequestFacts = { method: string; url: string; headers: HeaderMap; signal: AbortSignal };

export class Observation {
  readonly #deps: ObservationDeps;
  readonly #route: RecordRoute;
  readonly #started = performance.now();
  readonly #record: RequestRecord;
  readonly #spans: RequestSpans | undefined;
  /** The client's hang-up signal: it also aborts the upstream call, whose body then errors. */
  readonly #clientGone: AbortSignal;
  #requestedBody: JsonObject = {};
  #done = false;
  #settle: () => void = () => {};
  /** Resolves once the record has gone to the sinks. */
  readonly finished: Promise<void>;

  constructor(deps: ObservationDeps, request: RequestFacts, route: RecordRoute, id: string) {
    this.#deps = deps;
    this.#route = route;
    this.#clientGone = request.signal;
    this.finished = new Promise((resolve) => { this.#settle = resolve; });
    this.#spans = deps.telemetry === undefined ? undefined : new RequestSpans(deps.telemetry, request, route, deps.upstream);
    this.#record = {
      id,
      startedAt: Date.now(),
      method: request.method,
      path: boundString(new URL(request.url).pathname),
      route,
      stream: false,
      decisions: [],
      parameters: {},
      usageAdded: false,
      status: 0,
      durationMs: 0,
      upstream: deps.upstream.hostname,
      upstreamName: OPENAI_UPSTREAM,
    };
    if (this.#spans !== undefined) {
      this.#record.traceId = this.#spans.traceId;
      this.#record.spanId = this.#spans.spanId;
    }
  }

  /** The client's parsed body: its model, whether it streams, the parameters it asked for. */
  requested(body: JsonObject): void {
    this.#requestedBody = body;
    if (typeof body.model === 'string') this.#record.requestedModel = boundString(body.model);
    this.#record.stream = body.stream === true;
    for (const param of SHOWN_PARAMETERS) this.#record.parameters[param] = pick(body, param);
  }

  /** The governing policy and what it decided (also when it refused). */
  governed(policy: Policy, decisions: readonly Decision[]): void {
    this.#record.policy = policy.name;
    this.#record.decisions = decisions.map(boundDecision);
    for (const decision of decisions) {
      if (decision.param === 'system' || decision.param === 'model') continue;
      this.#record.parameters[decision.param] = pick(this.#requestedBody, decision.param);
    }
    const system = policy.system;
    if (system !== undefined && this.#route !== 'completions') {
      const decision = decisions.find((entry) => entry.param === 'system');
      this.#record.system = { injected: decision !== undefined, mode: system.mode, role: system.role, text: system.text };
    }
  }

  /** The experiment arm chosen for this request (before the arm's rules are applied). */
  experiment(assignment: Assignment): void {
    const { experiment, arm, forced, unitDigest } = assignment;
    this.#record.experiment = {
      name: experiment.name,
      arm: arm.name,
      forced,
      ...(unitDigest === undefined ? {} : { unitDigest }),
      policyDigest: experiment.summary.digest,
    };
  }

  /** What the request's base model refused or renamed (src/catalog/inherit.ts), after the policy's own decisions. */
  inherited(decisions: readonly Decision[]): void {
    this.#record.decisions.push(...decisions.map(boundDecision));
    for (const decision of decisions) this.#record.parameters[decision.param] = pick(this.#requestedBody, decision.param);
  }

  /** The body going upstream (after the policy) and its headers, which get our traceparent. */
  sending(body: JsonObject, headers: HeaderMap, usageAdded: boolean): void {
    if (typeof body.model === 'string') this.#record.model = boundString(body.model);
    this.#record.usageAdded = usageAdded;
    for (const [param, values] of Object.entries(this.#record.parameters)) {
      this.#record.parameters[param] = Object.hasOwn(body, param) ? { ...values, applied: boundValue(body[param]) } : values;
    }
    if (this.#deps.captureContent) this.#record.content = inputContent(this.#route, body);
    this.#spans?.startUpstream(this.#route, this.#record.model, headers);
  }

  /** The upstream this request goes to: its governing policy's (record and CLIENT span name it). */
  via(upstream: { name: string; url: URL }): void {
    this.#record.upstream = upstream.url.hostname;
    this.#record.upstreamName = upstream.name;
    this.#spans?.via(upstream.url);
  }

  /** How many upstream attempts the answer took. */
  attempted(attempts: number): void {
    this.#record.attempts = attempts;
  }

  /** The record as it stands; complete once `finished` has resolved. */
  get record(): Readonly<RequestRecord> {
    return this.#record;
  }

  /** A pass-through request: only our traceparent goes upstream. */
  passing(headers: HeaderMap): void {
    this.#spans?.propagate(headers);
  }

  /** The gateway's own refusal or failure, answered and recorded. */
  fail(error: GatewayError, headers?: Record<string, string>): Response {
    this.refused(error);
    return errorResponse(error, headers);
  }

  /** The gateway's own refusal or failure, recorded; the caller answers it with its status. */
  refused(error: GatewayError): void {
    this.#record.errorType = error.kind;
    this.#finish(ERROR_KINDS[error.kind].status);
  }

  /**
   * The upstream's response, passed on with its body observed as it streams. `hideUsageChunk`:
   * the gateway asked this stream for usage the client did not ask for, so that chunk is left out.
   */
  respond(response: Response, options: { hideUsageChunk?: boolean } = {}): Response {
    if (response.body === null) {
      this.#answered(response.status);
      this.#finish(response.status);
      return response;
    }
    const contentType = response.headers.get('content-type') ?? '';
    const hide = hidesUsage(options.hideUsageChunk, contentType);
    const observed = tapBody(response.body, this.answering(response.status, contentType, hide));
    if (!hide) return new Response(observed, { status: response.status, statusText: response.statusText, headers: response.headers });
    // Leaving a chunk out changes the length: the upstream's no longer describes the body.
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(observed, { status: response.status, statusText: response.statusText, headers });
  }

  /**
   * The upstream's answer, as the Node-native path passes it on (src/node/native-route.ts): the
   * hooks every chunk of its body goes through on the way to the client, as respond() uses them.
   * `hideUsage`: see hidesUsage().
   */
  answering(status: number, contentType: string, hideUsage: boolean): TapHooks {
    this.#answered(status);
    const scanning = this.#route !== 'pass-through';
    const events = (scanning || hideUsage) && contentType.includes('text/event-stream');
    const json = scanning && !events && contentType.includes('json');
    const scan = new ResponseScan(this.#route, this.#deps.captureContent);
    const decoder = new TextDecoder();
    const splitter = new SseSplitter();
    let jsonText = '';
    let endedClean = true;
    // One split of the stream into events serves both the scan and the usage chunk's removal.
    const onChunk = (chunk: Uint8Array): Uint8Array | undefined => {
      if (events) {
        // Text and bytes are the same thing only when no event and no UTF-8 character is cut
        // at either end of this chunk: it starts clean and ends with a line feed.
        const whole = splitter.pending === 0 && endedClean && chunk[chunk.byteLength - 1] === LINE_FEED;
        endedClean = chunk[chunk.byteLength - 1] === LINE_FEED;
        const complete = splitter.push(decoder.decode(chunk, { stream: true }));
        for (const event of complete) {
          const data = eventData(event);
          if (data === undefined || !scan.mayTell(data)) continue;
          if (scan.event(dataJson(data)) && this.#record.timeToFirstTokenMs === undefined) this.#record.timeToFirstTokenMs = this.#elapsed();
        }
        if (!hideUsage) return chunk;
        // Hiding holds an event only until its blank line arrives: it must be whole to be judged.
        const kept = complete.filter(keepEvent);
        // A chunk of whole events, all kept, is passed on as the bytes that came (no re-encoding).
        return whole && splitter.pending === 0 && kept.length === complete.length ? chunk : encoder.encode(kept.join(''));
      }
      if (json && jsonText.length <= MAX_SCANNED_JSON) jsonText += decoder.decode(chunk, { stream: true });
      return chunk;
    };
    const heldBack = (): Uint8Array | undefined => {
      if (!hideUsage) return undefined;
      const rest = splitter.rest() + decoder.decode();
      return rest !== '' && keepEvent(rest) ? encoder.encode(rest) : undefined;
    };
    return {
      chunk: onChunk,
      end: (broken) => {
        if (json && jsonText.length <= MAX_SCANNED_JSON) {
          try {
            scan.json(JSON.parse(jsonText + decoder.decode()));
          } catch {
            // Not JSON after all: there is nothing to read from it.
          }
        }
        this.#absorb(scan);
        if (broken) this.#record.errorType = this.#clientGone.aborted ? 'cancelled' : 'stream_error';
        this.#finish(status);
        // An unterminated last event, still held while hiding the usage chunk.
        return broken ? undefined : heldBack();
      },
      cancel: () => {
        this.#absorb(scan);
        this.#record.errorType = 'cancelled';
        this.#finish(status);
      },
    };
  }

  #answered(status: number): void {
    this.#record.timeToHeadersMs = this.#elapsed();
    if (status >= 400) this.#record.errorType = String(status);
  }

  #absorb(scan: ResponseScan): void {
    const response: NonNullable<RequestRecord['response']> = {};
    // The upstream's words are bounded too: an OpenAI-compatible server is not always a careful one.
    const id = boundOptional(scan.id);
    const model = boundOptional(scan.model);
    if (id !== undefined) response.id = id;
    if (model !== undefined) response.model = model;
    if (scan.finishReasons.length > 0) response.finishReasons = [...new Set(scan.finishReasons.slice(0, 16).map((reason) => boundString(reason)))];
    if (Object.keys(response).length > 0) this.#record.response = response;
    if (scan.usage !== undefined) this.#record.usage = scan.usage;
    if (scan.errorType !== undefined) this.#record.errorType = boundString(scan.errorType);
    if (this.#route !== 'pass-through') this.#record.answer = { empty: !scan.produced, refusal: scan.refusal };
    if (this.#record.content !== undefined && scan.text !== '') this.#record.content.output = outputContent(scan.text, scan.finishReasons);
  }

  #elapsed(): number {
    return Math.round((performance.now() - this.#started) * 10) / 10;
  }

  #finish(status: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#record.status = status;
    this.#record.durationMs = this.#elapsed();
    const record = this.#record;
    this.#spans?.end(record);
    for (const sink of this.#deps.sinks) {
      try {
        sink(record);
      } catch {
        // A consumer's failure (a full log pipe, a bug) never fails the request it observes.
      }
    }
    this.#settle();
  }
}
