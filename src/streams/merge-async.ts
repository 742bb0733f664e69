// Reads up to `width` of n async sources at once, opening the next one (in index order) when one
// ends, and yields their items as they come, each tagged with its source, plus one `done` per source
// when it ends. One item per source is pulled ahead (each source does its own read-ahead), so a slow
// consumer slows every source. An error from any source ends the merge with that error, after the
// others are closed.

export type Merged<T> = { index: number; done: false; value: T } | { index: number; done: true };

export async function* mergePool<T>(n: number, open: (index: number) => AsyncIterator<T>, width: number): AsyncGenerator<Merged<T>> {
  type Next = { index: number; r: IteratorResult<T> };
  const sources = new Map<number, AsyncIterator<T>>();
  const pending = new Map<number, Promise<Next>>();
  const pull = (index: number) => {
    const p = sources.get(index)!.next().then((r) => ({ index, r }));
    p.catch(() => {}); // observed by the race below
    pending.set(index, p);
  };
  let opened = 0;
  const fill = () => {
    while (opened < n && sources.size < width) {
      sources.set(opened, open(opened));
      pull(opened++);
    }
  };
  fill();
  try {
    while (pending.size > 0) {
      const { index, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(index);
        sources.delete(index);
        fill();
        yield { index, done: true };
      } else {
        pull(index);
        yield { index, done: false, value: r.value };
      }
    }
  } finally {
    // Stopped early (an error, or the consumer returned): close the sources still open.
    for (const source of sources.values()) await Promise.resolve(source.return?.()).catch(() => {});
  }
}
