// Stand-in upstreams that check the credential they expect, as the real servers do: OpenAI and
// OpenAI-compatible hosts read `Authorization: Bearer KEY`, Azure OpenAI reads `api-key: KEY`,
// a vLLM started without --api-key reads nothing. A request with any other credential is
// answered 401 in OpenAI's error shape, so a test sees a wrong header as a failed request too.
import { defaultHandler, FakeUpstream, sendJson } from './fake-upstream.ts';

export type Expected = { authorization?: string; 'api-key'?: string };

export class StandIn extends FakeUpstream {
  readonly #prefix: string;
  readonly #expected: Expected;

  /** `prefix`: the path before `/v1` (Azure's `/openai`). */
  constructor(expected: Expected, prefix = '') {
    super();
    this.#expected = expected;
    this.#prefix = prefix;
    this.reset();
  }

  /** The base URL an upstreams.yaml gives for it. */
  get baseUrl(): string {
    return `${new URL(this.url).origin}${this.#prefix}/v1`;
  }

  override reset(): void {
    super.reset();
    this.handler = (request, response) => {
      for (const header of ['authorization', 'api-key'] as const) {
        if (request.headers[header] !== this.#expected[header]) {
          return sendJson(response, 401, { error: { message: `Incorrect ${header} header.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
        }
      }
      if (!request.url.startsWith(`${this.#prefix}/v1/`)) return sendJson(response, 404, { error: { message: 'Resource not found', type: 'invalid_request_error', param: null, code: '404' } });
      return defaultHandler({ ...request, url: request.url.slice(this.#prefix.length) }, response);
    };
  }
}
