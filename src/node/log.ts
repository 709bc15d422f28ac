// The Node server's log: one JSON line per entry on a stream (stdout for `npm run start:node`).
import type { Writable } from 'node:stream';
import type { Logger } from './server.ts';

export function jsonLines(out: Writable): Logger {
  return (line) => {
    out.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
  };
}
