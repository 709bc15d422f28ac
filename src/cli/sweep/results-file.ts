// The sweep's results, one JSON line per request, appended as each answer arrives: a run that
// is stopped (Ctrl-C, a crash, kill -9) continues where it left off without asking again.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';

export const SweepResult = z.strictObject({
  /** Hash of the upstream URL, the exact body sent and the sample number. */
  key: z.string(),
  prompt: z.number().int().nonnegative(),
  temperature: z.number(),
  top_p: z.number().nullable(),
  sample: z.number().int().nonnegative(),
  output: z.string().nullable(),
  refusal: z.string().nullable(),
  finish_reason: z.string().nullable(),
  /** Why there is no output (an upstream error after retries); such requests run again on resume. */
  error: z.string().nullable(),
  attempts: z.number().int().positive(),
  ms: z.number().nonnegative(),
});
export type SweepResult = z.infer<typeof SweepResult>;

export type ResultsFile = {
  /** Results that need no new request, by key (the last line of a key wins). */
  done: Map<string, SweepResult>;
  /** Lines that could not be read: a line cut by a kill mid-write, at most. */
  unreadable: number;
  append: (result: SweepResult) => Promise<void>;
};

export async function openResultsFile(path: string, fresh: boolean): Promise<ResultsFile> {
  const done = new Map<string, SweepResult>();
  let unreadable = 0;
  const text = fresh ? '' : await readFile(path, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      unreadable += 1;
      continue;
    }
    const parsed = SweepResult.safeParse(data);
    if (!parsed.success) {
      unreadable += 1;
      continue;
    }
    if (parsed.data.error === null) done.set(parsed.data.key, parsed.data);
    else done.delete(parsed.data.key);
  }
  await mkdir(dirname(path), { recursive: true });
  // A cut last line has no newline: start ours on a fresh line.
  let pending: Promise<void> = fresh ? writeFile(path, '') : text !== '' && !text.endsWith('\n') ? appendFile(path, '\n') : Promise.resolve();
  return {
    done,
    unreadable,
    // One write at a time, in order; each reaches the OS before the next request is counted done.
    append: (result) => {
      pending = pending.then(() => appendFile(path, `${JSON.stringify(result)}\n`));
      return pending;
    },
  };
}
