import { describe, expect, it } from 'vitest';
import type { Io } from '../../../src/cli/io.ts';
import { createProgress } from '../../../src/cli/sweep/progress.ts';

function io(errIsTty: boolean): { io: Io; text: () => string } {
  let text = '';
  return {
    io: { out: () => {}, err: (chunk) => { text += chunk; }, errIsTty, cwd: '/', env: {}, fetch: globalThis.fetch },
    text: () => text,
  };
}

describe('the progress bar', () => {
  it('redraws in place on a terminal, counting earlier results, retries and failures', () => {
    let now = 0;
    const terminal = io(true);
    const progress = createProgress(4, 1, terminal.io, () => now);
    progress.retry();
    for (const failed of [false, true, false]) {
      now += 200;
      progress.done(failed);
    }
    progress.finish();
    const frames = terminal.text().split('\r').filter((frame) => frame !== '');
    expect(terminal.text()).not.toMatch(/\n(?!$)/);
    expect(frames.at(-1)).toBe('sweep [████████████████████████] 4/4 100%  1 from earlier run, 1 retries, 1 failed\x1b[K\n');
    expect(frames[0]).toContain('1/4 25%');
  });

  it('writes a line every tenth elsewhere (logs, pipes)', () => {
    const log = io(false);
    const progress = createProgress(100, 0, log.io);
    for (let i = 0; i < 100; i += 1) progress.done(false);
    const lines = log.text().trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe('sweep [████████████████████████] 100/100 100%');
  });
});
