// One OTLP/HTTP export: a POST of serialised telemetry that never rejects and never waits long.
// A dead or hanging collector costs the export, never a request: callers run it in the background.

export type OtlpTarget = { url: string; headers: Record<string, string>; timeoutMs: number };

export type PostOutcome = { ok: true } | { ok: false; reason: string };

export async function postOtlp(fetchCollector: typeof fetch, target: OtlpTarget, body: Uint8Array): Promise<PostOutcome> {
  try {
    const response = await fetchCollector(target.url, {
      method: 'POST',
      headers: { ...target.headers, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    // Read it to the end so the connection can be reused (and released on Workers).
    await response.arrayBuffer();
    return response.ok ? { ok: true } : { ok: false, reason: `collector answered ${response.status}` };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.name : 'unknown error' };
  }
}
