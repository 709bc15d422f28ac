// An upstream answer as big as a test needs to see back-pressure: `chunk` written again and
// again up to `total` bytes, pausing whenever the socket says it is full. `progress` tells how
// far it got and whether it ever had to wait.
import type { ServerResponse } from 'node:http';

export type FloodProgress = { written: number; blocked: boolean };

export function flood(response: ServerResponse, chunk: Buffer, total: number, progress: FloodProgress): void {
  const pump = () => {
    while (progress.written < total) {
      progress.written += chunk.length;
      if (!response.write(chunk)) {
        progress.blocked = true;
        response.once('drain', pump);
        return;
      }
    }
    response.end();
  };
  pump();
}
