// The Node server's log: one JSON line per entry, written to a file descriptor (stdout for
// `npm run start:node`). Logging must never take the gateway down or hold a request: a pipe
// whose reader stopped reading, a closed pipe (EPIPE) or a full kernel buffer (ENOBUFS) are
// facts of life for stdout. process.stdout would throw an unhandled 'error' on those, or, as
// a synchronous pipe on Linux, block the event loop while the pipe is full. So lines go out
// through fs.write (libuv's thread pool: a blocked write holds a pool thread, not the event
// loop), one write in flight at a time, with a bounded backlog: past it, lines are dropped and
// counted, never queued without end.
//
// Lines linger up to LINGER_MS (or until LINGER_BYTES are waiting) before a write starts, so at
// concurrency 1 several share one thread-pool round trip: the write and its callback were ~6% of
// the main thread's samples in the profile, and with the lingering the added p50 of a small
// request fell by 7-8% in two benchmark runs (docs/benchmarks.md). A clean stop
// (SIGINT, SIGTERM) flushes them; a crash loses at most that last moment of request lines, as it
// always lost the lines behind a write in flight. (Not a synchronous write on 'exit': to a pipe
// whose reader stalled, that would hang the exit.)
import { write } from 'node:fs';
import type { Logger } from './server.ts';

/** Bytes of lines waiting for the descriptor before new ones are dropped. */
export const MAX_PENDING_BYTES = 1024 * 1024;

/** Errors after which the same write may succeed later: try again after a pause. */
const TRANSIENT = new Set(['EAGAIN', 'EWOULDBLOCK', 'ENOBUFS', 'EINTR']);
const RETRY_MS = 50;
/** How long a line may wait for others to share its write, and how many bytes start one at once. */
export const LINGER_MS = 10;
const LINGER_BYTES = 16 * 1024;

export type LineWriter = {
  log: Logger;
  /** Lines dropped so far: the backlog was full, or the descriptor failed for good. */
  dropped: () => number;
  /** Resolves once every pending line is written (or dropped); for a clean shutdown. */
  flush: () => Promise<void>;
};

function errorCode(error: NodeJS.ErrnoException): string {
  return error.code ?? 'UNKNOWN';
}

export function fdLineWriter(fd: number, maxPendingBytes = MAX_PENDING_BYTES): LineWriter {
  let pending: string[] = [];
  let pendingBytes = 0;
  let dropped = 0;
  /** The batch being written and how much of it is out. */
  let inFlight: { buffer: Buffer; offset: number; lines: number } | undefined;
  let idle: (() => void)[] = [];
  let lingering: ReturnType<typeof setTimeout> | undefined;

  const settle = () => {
    if (inFlight !== undefined || pending.length > 0) return;
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve();
  };

  const next = () => {
    if (lingering !== undefined) {
      clearTimeout(lingering);
      lingering = undefined;
    }
    if (inFlight === undefined) {
      if (pending.length === 0) return settle();
      inFlight = { buffer: Buffer.from(pending.join(''), 'utf8'), offset: 0, lines: pending.length };
      pending = [];
      pendingBytes = 0;
    }
    const batch = inFlight;
    write(fd, batch.buffer, batch.offset, batch.buffer.length - batch.offset, null, (error, written) => {
      if (error !== null) {
        if (TRANSIENT.has(errorCode(error))) {
          setTimeout(next, RETRY_MS).unref();
          return;
        }
        // EPIPE, EBADF…: this batch is lost; later lines try again (the reader may come back).
        dropped += batch.lines;
        inFlight = undefined;
        next();
        return;
      }
      batch.offset += written;
      if (batch.offset >= batch.buffer.length) inFlight = undefined;
      next();
    });
  };

  const log: Logger = (line) => {
    const text = `${line}\n`;
    // UTF-16 length bounds the UTF-8 size within a factor of 3: close enough for a backlog cap.
    if (pendingBytes + text.length > maxPendingBytes) {
      dropped += 1;
      return;
    }
    pending.push(text);
    pendingBytes += text.length;
    if (inFlight !== undefined) return;
    if (pendingBytes >= LINGER_BYTES) next();
    else if (lingering === undefined) {
      // Not unref'd: a process whose work is done still writes its last lines before it ends.
      lingering = setTimeout(next, LINGER_MS);
    }
  };

  return {
    log,
    dropped: () => dropped,
    flush: () =>
      new Promise<void>((resolve) => {
        idle.push(resolve);
        // Waiting lines go now, not when their lingering ends.
        if (inFlight === undefined && pending.length > 0) next();
        else settle();
      }),
  };
}
