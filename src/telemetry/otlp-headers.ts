// OTEL_EXPORTER_OTLP_HEADERS: `key=value,key2=value2`, values percent-encoded (the
// OpenTelemetry specification's format). A malformed entry is skipped, never echoed.

export function parseOtlpHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of (text ?? '').split(',')) {
    const at = entry.indexOf('=');
    if (at <= 0) continue;
    const name = entry.slice(0, at).trim().toLowerCase();
    try {
      headers[name] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      // A value that is not valid percent-encoding: leave it out rather than send it mangled.
    }
  }
  return headers;
}
