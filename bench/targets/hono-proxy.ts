// A second floor: the smallest proxy on the gateway's own stack (Hono on @hono/node-server, the
// same undici upstream client), JSON parsed and re-serialised, no policy and no header rules.
// temperance minus this is temperance's own code; this minus the node:http proxy is the price
// of Web-standard Request/Response/streams on Node.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createUpstreamClient } from '../../src/node/upstream-fetch.ts';
import { serveStats } from '../ipc.ts';

const base = process.env.UPSTREAM_URL ?? 'http://127.0.0.1:1';
const upstream = createUpstreamClient();
const decoder = new TextDecoder();
const app = new Hono();

app.all('/v1/*', async (c) => {
  const request = c.req.raw;
  const headers = new Headers(request.headers);
  headers.delete('host');
  headers.delete('content-length');
  const raw = new Uint8Array(await request.arrayBuffer());
  const body = (request.headers.get('content-type') ?? '').includes('json') ? JSON.stringify(JSON.parse(decoder.decode(raw))) : raw;
  const url = new URL(request.url);
  const answer = await upstream.fetch(`${base}${url.pathname}${url.search}`, { method: request.method, headers, body, signal: request.signal });
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => serveStats(`http://127.0.0.1:${info.port}`));
