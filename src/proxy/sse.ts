// Server-sent events read off a byte stream that may cut anywhere: inside a line, between `\r`
// and `\n`, inside a UTF-8 character. Events come out whole, as the exact text that arrived, so
// what is passed on is byte for byte what the upstream sent.

/** Splits text into complete events (each with its terminating blank line); keeps the rest. */
export class SseSplitter {
  #buffer = '';
  /** Where the next unscanned line starts in #buffer. */
  #line = 0;
  /** Whether a `\r` ever arrived: until then lines end at `\n` only, found by indexOf (OpenAI sends `\n`). */
  #sawCr = false;

  /** Characters held: the start of an event whose blank line has not arrived yet. */
  get pending(): number {
    return this.#buffer.length;
  }

  push(text: string): string[] {
    if (!this.#sawCr && text.includes('\r')) this.#sawCr = true;
    this.#buffer += text;
    const events: string[] = [];
    let eventStart = 0;
    for (;;) {
      const end = this.#lineEnd(this.#line);
      if (end === undefined) break;
      const blank = end.start === this.#line;
      this.#line = end.next;
      if (blank) {
        events.push(this.#buffer.slice(eventStart, end.next));
        eventStart = end.next;
      }
    }
    this.#buffer = this.#buffer.slice(eventStart);
    this.#line -= eventStart;
    return events;
  }

  /** Text after the last complete event (a stream that ended without a blank line). */
  rest(): string {
    const rest = this.#buffer;
    this.#buffer = '';
    this.#line = 0;
    return rest;
  }

  /** The line ending at or after `from`, or undefined while it may still be incomplete. */
  #lineEnd(from: number): { start: number; next: number } | undefined {
    if (!this.#sawCr) {
      // One native search instead of a JavaScript loop over every character.
      const at = this.#buffer.indexOf('\n', from);
      return at < 0 ? undefined : { start: at, next: at + 1 };
    }
    for (let i = from; i < this.#buffer.length; i += 1) {
      const char = this.#buffer[i];
      if (char === '\n') return { start: i, next: i + 1 };
      if (char === '\r') {
        // A `\r` at the very end may be the first half of `\r\n`: wait for the next chunk.
        if (i + 1 === this.#buffer.length) return undefined;
        return { start: i, next: this.#buffer[i + 1] === '\n' ? i + 2 : i + 1 };
      }
    }
    return undefined;
  }
}

/** The `data` of one event (its `data:` lines joined by `\n`), or undefined when it has none. */
export function eventData(event: string): string | undefined {
  // The common shape, `data: …\n\n` with one line: no split, no join.
  if (event.startsWith('data: ') && event.endsWith('\n\n') && event.indexOf('\n') === event.length - 2 && !event.includes('\r')) return event.slice(6, -2);
  const lines = event.split(/\r\n|\r|\n/);
  const data: string[] = [];
  for (const line of lines) {
    if (line === 'data') data.push('');
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return data.length === 0 ? undefined : data.join('\n');
}

/** The event's data parsed as JSON, or undefined (`[DONE]`, comments, malformed data). */
export function eventJson(event: string): unknown {
  return dataJson(eventData(event));
}

/** An event's data (eventData) parsed as JSON, or undefined. */
export function dataJson(data: string | undefined): unknown {
  if (data === undefined || !data.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
