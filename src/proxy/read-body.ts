// A governed request body, read whole but never past the limit: an oversized body is refused
// as soon as it is known to be too large (declared length or bytes counted).

export type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false };

export async function readBodyWithin(request: Request, limit: number): Promise<BodyRead> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return { ok: false };
  // A declared length within the limit bounds the body (HTTP framing ends it there): read it
  // in one call. On Node this skips building a ReadableStream over the socket, the largest
  // per-request cost of reading the body (docs/benchmarks.md).
  if (declared !== null && /^\d+$/.test(declared)) return { ok: true, bytes: new Uint8Array(await request.arrayBuffer()) };
  if (request.body === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return { ok: false };
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0] !== undefined) return { ok: true, bytes: chunks[0] };
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
