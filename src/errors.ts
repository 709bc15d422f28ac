// Every error the gateway itself returns, in OpenAI's error body shape: the fields openai-node's
// APIError reads (message, type, param, code). Nothing else writes error JSON.
import { redactKeyLike } from './redact.ts';

export const ERROR_KINDS = {
  invalid_json: { status: 400, type: 'invalid_request_error' },
  invalid_request: { status: 400, type: 'invalid_request_error' },
  invalid_type: { status: 400, type: 'invalid_request_error' },
  policy_violation: { status: 400, type: 'invalid_request_error' },
  model_not_allowed: { status: 400, type: 'invalid_request_error' },
  model_too_long: { status: 400, type: 'invalid_request_error' },
  missing_api_key: { status: 401, type: 'invalid_request_error' },
  invalid_api_key: { status: 401, type: 'invalid_request_error' },
  admin_key_required: { status: 401, type: 'invalid_request_error' },
  admin_loopback_only: { status: 403, type: 'invalid_request_error' },
  unknown_url: { status: 404, type: 'invalid_request_error' },
  request_too_large: { status: 413, type: 'invalid_request_error' },
  gateway_misconfigured: { status: 500, type: 'server_error' },
  internal_error: { status: 500, type: 'server_error' },
  upstream_unreachable: { status: 502, type: 'server_error' },
  upstream_timeout: { status: 504, type: 'server_error' },
  // Sent as SSE error events once a stream has started (the status is already 200 then).
  upstream_idle_timeout: { status: 504, type: 'server_error' },
  upstream_stream_cut: { status: 502, type: 'server_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorKind = keyof typeof ERROR_KINDS;

/** An error as a value: engines return it, the gateway turns it into a response. */
export type GatewayError = { kind: ErrorKind; message: string; param?: string };

export function gatewayError(kind: ErrorKind, message: string, param?: string): GatewayError {
  return param === undefined ? { kind, message } : { kind, message, param };
}

export type ErrorBody = {
  error: { message: string; type: string; param: string | null; code: ErrorKind };
};

export function errorBody(error: GatewayError): ErrorBody {
  return {
    // Messages may quote client input (a model name): a key pasted there is not echoed back.
    error: { message: redactKeyLike(error.message), type: ERROR_KINDS[error.kind].type, param: error.param ?? null, code: error.kind },
  };
}

export function errorResponse(error: GatewayError, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(errorBody(error)), {
    status: ERROR_KINDS[error.kind].status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
