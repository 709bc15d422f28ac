// A span processor that only collects ended spans; the gateway decides when they go out
// (after each request, inside waitUntil on Workers), which a batch processor's timer cannot do
// on Workers. Bounded: when a collector cannot keep up, the oldest spans are dropped.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

export class SpanBuffer implements SpanProcessor {
  readonly #capacity: number;
  #spans: ReadableSpan[] = [];
  dropped = 0;

  constructor(capacity = 2048) {
    this.#capacity = capacity;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (!span.spanContext().traceFlags) return; // not sampled
    this.#spans.push(span);
    if (this.#spans.length > this.#capacity) {
      this.dropped += this.#spans.length - this.#capacity;
      this.#spans = this.#spans.slice(-this.#capacity);
    }
  }

  /** Everything ended so far, and forgets it. */
  drain(): ReadableSpan[] {
    const spans = this.#spans;
    this.#spans = [];
    return spans;
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
