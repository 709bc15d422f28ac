// A governed request body, read whole but never past the limit: an oversized body is refused
// as soon as it is known to be too large (declared length or bytes counted).

export type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false };

/**
 * How much of an oversized body is still read (and dropped) before the refusal is sent. A server
 * that answers and closes while the client is still uploading leaves unread bytes on the socket,
 * and the kernel then resets the connection: the client sees ECONNRESET/EPIPE instead of the
 * 413 (seen on workerd, which has no lingering close). Reading the rest first lets the answer
 * arrive; past these bounds the gateway gives up and the client may see the reset after all.
 */
export const DRAIN_LIMITS = { bytes: 64 * 1024 * 1024, ms: 10_000 };

/** Reads and drops the rest of a body, within DRAIN_LIMITS; cancels it past them. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, limits = DRAIN_LIMITS): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A client that stops sending must not hold the refusal back: the deadline ends the wait.
  const expired = new Promise<'expired'>((resolve) => { timer = setTimeout(() => resolve('expired'), limits.ms); });
  let drained = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), expired]);
      if (next === 'expired') break;
      if (next.done) return;
      drained += next.value.byteLength;
      if (drained > limits.bytes) break;
    }
    await reader.cancel();
  } catch {
    // The client went away meanwhile: nothing left to drain.
  } finally {
    clearTimeout(timer);
  }
}

export async function readBodyWithin(request: Request, limit: number, drainLimits = DRAIN_LIMITS): Promise<BodyRead> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    if (request.body !== null) await drain(request.body.getReader(), drainLimits);
    return { ok: false };
  }
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
      await drain(reader, drainLimits);
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
