// The floor for one extra hop on Node: node:http in, node:http out over kept-alive sockets,
// the JSON body parsed and re-serialised, the response piped back. No policy, no Web
// Request/Response objects, no header rules: anything the gateway adds is measured against this.
import { Agent, createServer, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { serveStats } from '../ipc.ts';

const upstream = new URL(process.env.UPSTREAM_URL ?? 'http://127.0.0.1:1');
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const SKIP = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']);

const server = createServer((incoming, outgoing) => {
  const chunks: Buffer[] = [];
  incoming.on('data', (data: Buffer) => chunks.push(data));
  incoming.on('end', () => {
    let body = Buffer.concat(chunks);
    if ((incoming.headers['content-type'] ?? '').includes('json') && body.length > 0) {
      body = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
    }
    const headers: OutgoingHttpHeaders = { 'content-length': body.length };
    for (const [name, value] of Object.entries(incoming.headers)) if (!SKIP.has(name) && value !== undefined) headers[name] = value;
    const forwarded = httpRequest({
      agent, host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers,
    }, (answer) => {
      const back: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) if (!SKIP.has(name) && value !== undefined) back[name] = value;
      outgoing.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.writeHead(502).end());
    forwarded.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  serveStats(`http://127.0.0.1:${port}`);
});
