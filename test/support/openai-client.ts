// The official SDK pointed at a gateway under test, and a way to catch the APIError it raises.
import OpenAI, { APIError } from 'openai';
import type { RunningGateway } from './runtimes.ts';

/** No retries: a test sees the first answer, not the SDK's second try. */
export function client(gateway: RunningGateway, apiKey = 'sk-client-key-0001'): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });
}

/** The APIError a request raises; fails the test when it succeeds or throws something else. */
export async function caught(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

/** Reads a stream's content deltas until it ends or raises; the pieces and what it raised. */
export async function readUntilError(stream: AsyncIterable<{ choices: { delta: { content?: string | null } }[] }>): Promise<{ pieces: string[]; error: unknown }> {
  const pieces: string[] = [];
  const error = await (async () => {
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
  })().catch((caught: unknown) => caught);
  return { pieces, error };
}
