// Runs the CLI in-process with its output captured: the same code path as `npx temperance`.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.ts';

export type CliRun = { code: number; stdout: string; stderr: string };

export async function runTemperance(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (text) => { stdout += text; },
    err: (text) => { stderr += text; },
    errIsTty: false,
    cwd: options.cwd,
    env: options.env ?? {},
    fetch: globalThis.fetch,
  });
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'temperance-cli-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A chat fine-tuning line. */
export function trainingLine(system: string | undefined, user: string, assistant: string): string {
  const messages = [
    ...(system === undefined ? [] : [{ role: 'system', content: system }]),
    { role: 'user', content: user },
    { role: 'assistant', content: assistant },
  ];
  return JSON.stringify({ messages });
}
