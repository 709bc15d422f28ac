// What the core needs from OpenTelemetry, as @opentelemetry/api types only: the entries build
// it from an SDK (src/telemetry/), tests and the core never see which.
import type { Meter, TextMapPropagator, Tracer } from '@opentelemetry/api';

export type Telemetry = {
  tracer: Tracer;
  /** Absent where the runtime cannot export metrics. */
  meter?: Meter;
  /** W3C trace context: continues a client's traceparent, and sends ours upstream. */
  propagator: TextMapPropagator;
  /**
   * Exports what has ended. Never rejects and never waits on a dead collector for long; the
   * gateway calls it after a request, inside waitUntil on Workers.
   */
  flush(): Promise<void>;
};
