import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/observe/record.ts';
import { TraceBuffer } from '../../src/observe/trace-buffer.ts';

const record = (id: string): RequestRecord => ({
  id, startedAt: 0, method: 'POST', path: '/v1/chat/completions', route: 'chat', stream: false, decisions: [],
  parameters: {}, usageAdded: false, status: 200, durationMs: 1, upstream: 'api.openai.com',
});

describe('TraceBuffer', () => {
  it('keeps the newest records, newest first, and answers what is new since a sequence number', () => {
    const buffer = new TraceBuffer(3);
    for (const id of ['a', 'b', 'c', 'd']) buffer.add(record(id));
    expect(buffer.list().map((entry) => entry.id)).toEqual(['d', 'c', 'b']);
    expect(buffer.list().map((entry) => entry.seq)).toEqual([4, 3, 2]);
    expect(buffer.list(3).map((entry) => entry.id)).toEqual(['d']);
    expect(buffer.list(4)).toEqual([]);
  });
});
