// How the Node-native path (src/node/native-route.ts) answers one request: the gateway's own
// error in OpenAI's shape, or the upstream's answer — its headers filtered as forward() filters
// them, its body chunk by chunk through the observation's hooks into the ServerResponse, with
// the event-stream guard's behaviour (src/proxy/event-stream-guard.ts) for a streamed answer.
import type { ServerResponse } from 'node:http';
import { ERROR_KINDS, errorBody, type GatewayError } from '../errors.ts';
import { hidesUsage, type Observation } from '../observe/observation.ts';
import type { TapHooks } from '../observe/body-tap.ts';
import { errorEvent, streamFailure } from '../proxy/event-stream-guard.ts';
import { connectionTokens, isDecodedEncoding, passesToClient } from '../proxy/headers.ts';
import { SilenceWatch } from '../proxy/silence-watch.ts';
import { REQUEST_ID_HEADER, type Identity } from '../request-log.ts';
import { decodingSink, type BodySink, type Exchange } from './native-upstream.ts';

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Adds the gateway's own headers to a flat list: the policy's, the request id. */
function withOwnHeaders(flat: string[], ours: Record<string, string> | undefined, id: string): string[] {
  if (ours !== undefined) for (const name in ours) flat.push(name, ours[name] ?? '');
  flat.push(REQUEST_ID_HEADER, id);
  return flat;
}

/** Answers one request: the gateway's own error, or the upstream's answer passed on. */
export class Answer {
  readonly #res: ServerResponse;
  readonly #identity: Identity;
  readonly #observation: Observation;
  /** Called when the client hangs up before the answer is complete. */
  #onGone: () => void = () => {};
  #gone = false;

  constructor(res: ServerResponse, identity: Identity, observation: Observation) {
    this.#res = res;
    this.#identity = identity;
    this.#observation = observation;
  }

  clientGone(): void {
    this.#gone = true;
    this.#onGone();
  }

  fail(error: GatewayError, ours: Record<string, string> | undefined): void {
    // The message may quote the request: the keys come out first (as noteError does).
    const noted = { ...error, message: this.#identity.redact(error.message) };
    this.#observation.refused(noted);
    const res = this.#res;
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify(errorBody(noted));
    res.writeHead(ERROR_KINDS[noted.kind].status, withOwnHeaders(['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body))], ours, this.#identity.id));
    res.end(body);
  }

  /** The upstream's answer: its headers (filtered as forward() does), then its body through the observation's hooks. */
  pass(exchange: Exchange, options: { hideUsageChunk: boolean; ours: Record<string, string> | undefined; host: string; idleTimeoutMs: number }): void {
    const raw = exchange.headers;
    const contentType = firstValue(raw['content-type']) ?? '';
    const encoding = firstValue(raw['content-encoding']);
    const decoded = isDecodedEncoding(encoding);
    const hide = hidesUsage(options.hideUsageChunk, contentType);
    const hooks = this.#observation.answering(exchange.status, contentType, hide);
    if (this.#gone) {
      // The client hung up while the upstream was answering.
      hooks.cancel();
      exchange.abort(new Error('The client closed the request.'));
      return;
    }
    const { ours } = options;
    const listed = connectionTokens(firstValue(raw.connection));
    const flat: string[] = [];
    for (const [name, value] of Object.entries(raw)) {
      // The gateway's own headers replace any the upstream sent under their names.
      if (value === undefined || name === REQUEST_ID_HEADER || (ours !== undefined && Object.hasOwn(ours, name)) || !passesToClient(name, listed, decoded)) continue;
      // Leaving the usage chunk out changes the length: the upstream's no longer describes the body.
      if (hide && name === 'content-length') continue;
      if (Array.isArray(value)) for (const item of value) flat.push(name, item);
      else flat.push(name, value);
    }
    this.#res.writeHead(exchange.status, withOwnHeaders(flat, ours, this.#identity.id));
    const writer = new ClientWriter(this.#res, hooks, exchange, contentType.includes('text/event-stream') ? options : undefined);
    this.#onGone = () => writer.cancel();
    exchange.attach(decoded && encoding !== undefined ? decodingSink(encoding, writer, exchange) : writer);
  }
}

/**
 * The client's side of an answer's body: each chunk through the observation's hooks into the
 * ServerResponse. For an event stream it is also the guard: silence from the upstream past
 * UPSTREAM_IDLE_TIMEOUT_MS, or a cut, ends the stream with an SSE error event.
 */
class ClientWriter implements BodySink {
  readonly #res: ServerResponse;
  readonly #hooks: TapHooks;
  readonly #exchange: Exchange;
  readonly #guard: { host: string; idleTimeoutMs: number } | undefined;
  #done = false;
  #draining = false;
  /** Only for an event stream: the upstream's silence while the client is ready for more. */
  readonly #silence: SilenceWatch | undefined;
  /** Resumes whatever feeds this writer (the upstream, or a decoder in between). */
  resumeSource: () => void;

  constructor(res: ServerResponse, hooks: TapHooks, exchange: Exchange, guard: { host: string; idleTimeoutMs: number } | undefined) {
    this.#res = res;
    this.#hooks = hooks;
    this.#exchange = exchange;
    this.#guard = guard;
    this.resumeSource = () => exchange.resume();
    this.#silence = guard === undefined ? undefined : new SilenceWatch(guard.idleTimeoutMs, () => this.#broken(streamFailure.idle(guard.host, guard.idleTimeoutMs)));
    // The headers are in: from now the gateway waits on the body.
    this.#silence?.waiting();
  }

  #write(bytes: Uint8Array | undefined): boolean {
    if (bytes === undefined || bytes.byteLength === 0) return true;
    return this.#res.write(bytes);
  }

  data(chunk: Buffer): boolean {
    if (this.#done) return true;
    const more = this.#write(this.#hooks.chunk(chunk));
    if (more) {
      this.#silence?.waiting();
      return true;
    }
    // The client reads slower than the upstream sends: the silence is not the upstream's.
    this.#silence?.notWaiting();
    if (!this.#draining) {
      this.#draining = true;
      this.#res.once('drain', () => {
        this.#draining = false;
        this.#silence?.waiting();
        this.resumeSource();
      });
    }
    return false;
  }

  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#silence?.stop();
    const last = this.#hooks.end(false);
    this.#res.end(last !== undefined && last.byteLength > 0 ? last : undefined);
  }

  error(): void {
    if (this.#guard !== undefined) {
      this.#broken(streamFailure.cut(this.#guard.host));
      return;
    }
    if (this.#done) return;
    this.#done = true;
    this.#silence?.stop();
    this.#hooks.end(true);
    // A body cut short must not look complete to the client.
    this.#res.destroy();
  }

  /** An event stream the upstream failed: the error event is its last chunk, seen by the hooks too. */
  #broken(failure: GatewayError): void {
    if (this.#done) return;
    this.#done = true;
    this.#silence?.stop();
    this.#write(this.#hooks.chunk(errorEvent(failure)));
    const last = this.#hooks.end(false);
    this.#res.end(last !== undefined && last.byteLength > 0 ? last : undefined);
    // Frees the upstream connection: a stalled upstream would otherwise keep generating.
    this.#exchange.abort(new Error(failure.message));
  }

  /** The client hung up. */
  cancel(): void {
    if (this.#done) return;
    this.#done = true;
    this.#silence?.stop();
    this.#hooks.cancel();
    this.#exchange.abort(new Error('The client closed the request.'));
  }
}
