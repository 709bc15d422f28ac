// The gateway's JSON log lines in a runtime's output (wrangler dev prefixes and interleaves its own).
export function logLines(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    const start = line.indexOf('{"');
    if (start === -1) return [];
    try {
      const parsed: unknown = JSON.parse(line.slice(start));
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? [{ ...parsed }] : [];
    } catch {
      return [];
    }
  });
}
