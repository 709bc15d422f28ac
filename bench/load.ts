// The load generator: a closed loop of `concurrency` workers over kept-alive connections
// (undici's Pool, so the client costs less CPU than the paths it measures). Every response
// body is read to its end; a streamed one also records when its first bytes arrived.
import { Pool } from 'undici';

export type Shot = {
  path: string;
  body: Uint8Array;
  headers: Record<string, string>;
};

export type Batch = {
  /** Request start → last byte of the response, ms. */
  latencies: number[];
  /** Request start → first byte of the response body, ms. */
  firstBytes: number[];
  wallMs: number;
  /** Responses that were not 200 (or failed): a benchmark of errors measures nothing. */
  errors: number;
  /** The first failure, to say what went wrong. */
  firstError: string | undefined;
};

export function createClient(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

export async function runBatch(pool: Pool, shot: Shot, count: number, concurrency: number): Promise<Batch> {
  const latencies: number[] = [];
  const firstBytes: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let issued = 0;
  const fail = (reason: string) => {
    errors += 1;
    firstError ??= reason;
  };

  const worker = async () => {
    while (issued < count) {
      issued += 1;
      const start = performance.now();
      try {
        const response = await pool.request({ path: shot.path, method: 'POST', headers: shot.headers, body: shot.body });
        let first: number | undefined;
        let text = '';
        for await (const chunk of response.body) {
          first ??= performance.now();
          if (response.statusCode !== 200 && text.length < 300) text += String(chunk);
        }
        const end = performance.now();
        if (response.statusCode !== 200) {
          fail(`${response.statusCode} ${text.slice(0, 300)}`);
          continue;
        }
        latencies.push(end - start);
        firstBytes.push((first ?? end) - start);
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    }
  };

  const began = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latencies, firstBytes, wallMs: performance.now() - began, errors, firstError };
}
