// The messages between the benchmark and the processes it starts (Node's IPC channel).
// A child reports where it listens, then answers `stats` with its own CPU time and RSS:
// process.cpuUsage() counts every thread of the process in microseconds, where /proc's
// utime/stime only count 10 ms ticks.

/** startMs: performance.now() when the child listens, ms since its process began. */
export type ReadyMessage = { type: 'ready'; url: string; startMs: number };
export type StatsMessage = { type: 'stats'; id: number; cpuMicros: number; rssBytes: number };
export type StatsRequest = { type: 'stats'; id: number };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isReady(message: unknown): message is ReadyMessage {
  return isRecord(message) && message.type === 'ready' && typeof message.url === 'string' && typeof message.startMs === 'number';
}

export function isStats(message: unknown): message is StatsMessage {
  return isRecord(message) && message.type === 'stats' && typeof message.cpuMicros === 'number' && typeof message.rssBytes === 'number';
}

/** In a child: answer the benchmark's stats requests, and tell it where we listen. */
export function serveStats(url: string): void {
  process.on('message', (message: unknown) => {
    if (!isRecord(message) || message.type !== 'stats' || typeof message.id !== 'number') return;
    const cpu = process.cpuUsage();
    const reply: StatsMessage = { type: 'stats', id: message.id, cpuMicros: cpu.user + cpu.system, rssBytes: process.memoryUsage.rss() };
    process.send?.(reply);
  });
  // The benchmark going away (even killed) closes the channel: never outlive it.
  process.on('disconnect', () => process.exit(0));
  // An orderly exit on SIGTERM: a --cpu-prof child writes its profile then.
  process.once('SIGTERM', () => process.exit(0));
  const ready: ReadyMessage = { type: 'ready', url, startMs: performance.now() };
  process.send?.(ready);
}
