// Metric attributes built from client input (a model name no policy governs, an upstream's
// error type) must keep a bounded cardinality: every distinct value is a new time series that
// the SDK keeps for the life of the process and exports forever. The first values seen are
// kept as they are; past the limit, new ones are reported as OTHER (OpenTelemetry's SDKs fold
// overflowing series the same way, into one marked `otel.metric.overflow`).

/** Distinct values one attribute may take before new ones become OTHER. */
export const MAX_ATTRIBUTE_VALUES = 100;
export const OTHER = '_OTHER';

export class AttributeVocabulary {
  readonly #known = new Set<string>();
  readonly #limit: number;

  constructor(limit = MAX_ATTRIBUTE_VALUES) {
    this.#limit = limit;
  }

  /** `value` when it is already known or there is still room for it, else OTHER. */
  admit(value: string): string {
    if (this.#known.has(value)) return value;
    if (this.#known.size >= this.#limit) return OTHER;
    this.#known.add(value);
    return value;
  }
}
