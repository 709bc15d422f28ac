// The floor on workerd: the smallest proxy a Worker can be, served by `workerd` itself as the
// gateway's bundle is (bench/workerd.ts): the JSON body parsed and re-serialised, the upstream's
// answer returned as it is (no stream stage of JavaScript). temperance on workerd minus this is
// temperance's own code on that runtime; this minus the node:http floor is workerd's own.
// Plain JavaScript, not bundled: workerd loads it as the module it is.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/_temperance/health') return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } });
    const headers = new Headers(request.headers);
    headers.delete('host');
    headers.delete('content-length');
    const raw = await request.arrayBuffer();
    const json = (request.headers.get('content-type') ?? '').includes('json');
    const body = request.method === 'GET' || request.method === 'HEAD' ? null : json ? JSON.stringify(JSON.parse(new TextDecoder().decode(raw))) : raw;
    const answer = await fetch(`${env.UPSTREAM_URL}${url.pathname}${url.search}`, { method: request.method, headers, body });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  },
};
