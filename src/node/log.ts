// The Node server's log: one JSON line per entry on a stream (stdout for `npm run start:node`).
import type { Writable } from 'node:stream';
import type { Logger } from './server.ts';

export function lineWriter(out: Writable): Logger {
  return (line) => {
    out.write(`${line}\n`);
  };
}
