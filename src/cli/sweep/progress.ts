// The progress bar on stderr: redrawn in place on a terminal, a line every 10% elsewhere (CI
// logs, pipes) so a log still shows that the sweep moves.
import type { Io } from '../io.ts';

export type Progress = {
  done: (failed: boolean) => void;
  retry: () => void;
  finish: () => void;
};

const WIDTH = 24;

export function createProgress(total: number, skipped: number, io: Io, now: () => number = Date.now): Progress {
  const started = now();
  // Results of an earlier run count as done from the start.
  let completed = skipped;
  let failed = 0;
  let retries = 0;
  let lastDraw = 0;
  let lastStep = -1;

  const line = () => {
    const share = total === 0 ? 1 : completed / total;
    const filled = Math.round(share * WIDTH);
    const elapsed = (now() - started) / 1000;
    const eta = completed === 0 ? '' : `  eta ${Math.ceil((elapsed / completed) * (total - completed))}s`;
    const extra = [skipped > 0 ? `${skipped} from earlier run` : '', retries > 0 ? `${retries} retries` : '', failed > 0 ? `${failed} failed` : ''].filter((part) => part !== '').join(', ');
    return `sweep [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${completed}/${total} ${Math.round(share * 100)}%${extra === '' ? '' : `  ${extra}`}${completed < total ? eta : ''}`;
  };
  const draw = (force: boolean) => {
    if (io.errIsTty) {
      const time = now();
      if (!force && time - lastDraw < 100) return;
      lastDraw = time;
      io.err(`\r${line()}\x1b[K`);
      return;
    }
    const step = total === 0 ? 10 : Math.floor((completed / total) * 10);
    if (step === lastStep && !force) return;
    lastStep = step;
    io.err(`${line()}\n`);
  };

  draw(true);
  return {
    done: (wasFailure) => {
      completed += 1;
      if (wasFailure) failed += 1;
      draw(completed === total);
    },
    retry: () => {
      retries += 1;
      draw(false);
    },
    finish: () => {
      if (io.errIsTty) io.err('\n');
    },
  };
}
