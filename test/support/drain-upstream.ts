// A stand-in upstream for floods: it reads and discards every body (keeping only small ones,
// parsed, for the test to check), and answers a chat completion. FakeUpstream keeps every body
// whole, which is right for exact tests and wrong for hundreds of multi-megabyte requests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const KEPT_BODY_BYTES = 64 * 1024;

export class DrainUpstream {
  #server: Server | undefined;
  /** Requests received so far. */
  count = 0;
  /** The small request bodies, parsed, newest last (at most 50). */
  readonly small: Record<string, unknown>[] = [];

  async start(): Promise<string> {
    this.#server = createServer((request, response) => {
      this.count += 1;
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= KEPT_BODY_BYTES) chunks.push(chunk);
      });
      request.on('end', () => {
        if (size > 0 && size <= KEPT_BODY_BYTES) {
          try {
            const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) this.small.push({ ...parsed });
            if (this.small.length > 50) this.small.shift();
          } catch {
            // Not JSON: nothing to keep.
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({
          id: 'chatcmpl-drain', object: 'chat.completion', created: 1_764_000_000, model: 'stand-in',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    return `http://127.0.0.1:${(address satisfies AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server?.close(() => resolve());
      this.#server?.closeAllConnections();
    });
  }
}
