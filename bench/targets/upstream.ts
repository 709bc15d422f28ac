// The stand-in upstream, in a process of its own so its CPU is not counted as the gateway's.
// It answers from prepared bytes and never parses a request: as fast as node:http allows.
//   chat completions: JSON, or an SSE stream when the body says "stream":true
//   embeddings: JSON (the pass-through scenario)
// A query `?tokens=N` asks for a stream of N content chunks, each written in its own turn of the
// event loop without a timer between them (the per-chunk scenario: N × 1 ms would make every
// request last N ms); without it, BENCH_STREAM_CHUNKS chunks BENCH_STREAM_GAP_MS apart.
import { createServer } from 'node:http';
import { serveStats } from '../ipc.ts';

const STREAM_CHUNKS = Number(process.env.BENCH_STREAM_CHUNKS ?? '8');
const STREAM_GAP_MS = Number(process.env.BENCH_STREAM_GAP_MS ?? '1');

const completion = Buffer.from(JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1_764_000_000, model: 'ft:gpt-4o-mini:bench:clamp:1',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short answer from the stand-in upstream.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 512, completion_tokens: 9, total_tokens: 521 },
}));
const embedding = Buffer.from(JSON.stringify({
  object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2, 0.3, 0.4] }], model: 'text-embedding-3-small', usage: { prompt_tokens: 4, total_tokens: 4 },
}));
const chunk = (content: string | null, finish: string | null) => Buffer.from(`data: ${JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'ft:gpt-4o-mini:bench:clamp:1',
  choices: [{ index: 0, delta: content === null ? {} : { content }, logprobs: null, finish_reason: finish }],
})}\n\n`);
const streamOf = (tokens: number) => [...Array.from({ length: tokens }, (_, i) => chunk(` token${i}`, null)), chunk(null, 'stop'), Buffer.from('data: [DONE]\n\n')];
const streamChunks = streamOf(STREAM_CHUNKS);
// Prepared once per length asked for (the scenarios ask for one or two).
const longStreams = new Map<number, Buffer[]>();
const MAX_TOKENS = 100_000;

function tokensAsked(path: string): number | undefined {
  const query = path.indexOf('?');
  if (query < 0) return undefined;
  const tokens = Number(new URLSearchParams(path.slice(query + 1)).get('tokens'));
  return Number.isInteger(tokens) && tokens > 0 && tokens <= MAX_TOKENS ? tokens : undefined;
}
const STREAM_MARK = Buffer.from('"stream":true');

const jsonHeaders = (length: number) => ({ 'content-type': 'application/json', 'content-length': String(length) });

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (data: Buffer) => chunks.push(data));
  request.on('end', () => {
    const path = request.url ?? '/';
    if (path.startsWith('/v1/embeddings')) {
      response.writeHead(200, jsonHeaders(embedding.length)).end(embedding);
      return;
    }
    const body = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks);
    if (!body.includes(STREAM_MARK)) {
      response.writeHead(200, jsonHeaders(completion.length)).end(completion);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const tokens = tokensAsked(path);
    if (tokens !== undefined) {
      let pieces = longStreams.get(tokens);
      if (pieces === undefined) longStreams.set(tokens, (pieces = streamOf(tokens)));
      const all = pieces;
      let at = 0;
      const burst = () => {
        const piece = all[at];
        at += 1;
        if (piece === undefined || response.destroyed) return;
        if (at === all.length) response.end(piece);
        else {
          response.write(piece);
          setImmediate(burst);
        }
      };
      burst();
      return;
    }
    // The first token goes out at once: time to first token measures the path, not the model.
    let next = 0;
    const send = () => {
      const piece = streamChunks[next];
      next += 1;
      if (piece === undefined || response.destroyed) return;
      if (next === streamChunks.length) response.end(piece);
      else {
        response.write(piece);
        setTimeout(send, STREAM_GAP_MS);
      }
    };
    send();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  serveStats(`http://127.0.0.1:${port}`);
});
