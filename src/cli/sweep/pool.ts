// At most `concurrency` jobs in flight, in order of the list; `stopped` ends it early (a fatal
// upstream answer: every other request would fail the same way).

export async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>, stopped: () => boolean = () => false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stopped()) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
