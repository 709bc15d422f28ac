import { describe, expect, it } from 'vitest';
import { errorKind, WriteBehind } from '../../src/store/write-behind.ts';

describe('the write-behind queue', () => {
  it('writes in batches, one write at a time, and counts what it wrote', async () => {
    const batches: number[][] = [];
    let writing = 0;
    const queue = new WriteBehind<number>(async (rows) => {
      writing += 1;
      expect(writing).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      batches.push(rows);
      writing -= 1;
    }, { maxBatch: 3 });
    for (let i = 0; i < 7; i += 1) queue.add(i);
    await queue.shutdown();
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(batches.every((batch) => batch.length <= 3)).toBe(true);
    expect(queue.stats()).toEqual({ queued: 0, written: 7, dropped: 0 });
  });

  it('a full queue drops and counts instead of waiting; a failed write drops its batch and the next one resumes', async () => {
    let fail = true;
    const written: number[] = [];
    const drops: string[] = [];
    const queue = new WriteBehind<number>(async (rows) => {
      if (fail) throw Object.assign(new Error('database is locked: secret row text'), { code: 'ERR_SQLITE_ERROR', errstr: 'database is locked' });
      written.push(...rows);
    }, { maxQueue: 4, maxBatch: 10, onDrop: (count, reason) => drops.push(`${reason}:${count}`) });
    for (let i = 0; i < 6; i += 1) queue.add(i);
    expect(drops).toEqual(['queue_full:1', 'queue_full:1']);
    await queue.flush();
    expect(drops).toContain('write_failed:4');
    const stats = queue.stats();
    expect(stats.dropped).toBe(6);
    // The kind of error, never its message (which could quote a row).
    expect(stats.lastError?.error).toBe('Error ERR_SQLITE_ERROR database is locked');
    fail = false;
    queue.add(10);
    await queue.flush();
    expect(written).toEqual([10]);
    expect(queue.stats().written).toBe(1);
  });

  it('names errors without their messages', () => {
    expect(errorKind(new TypeError('row "x"'))).toBe('TypeError');
    expect(errorKind('text')).toBe('unknown');
  });
});
