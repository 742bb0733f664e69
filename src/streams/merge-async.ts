// Reads several async sources at once and yields their items as they come, each tagged with its
// source, plus one `done` per source when it ends. One item per source is pulled ahead (each source
// does its own read-ahead), so a slow consumer slows every source. An error from any source ends
// the merge with that error, after the others are closed.

export type Merged<T> = { index: number; done: false; value: T } | { index: number; done: true };

export async function* mergeAsync<T>(sources: ReadonlyArray<AsyncIterator<T>>): AsyncGenerator<Merged<T>> {
  type Next = { index: number; r: IteratorResult<T> };
  const pending = new Map<number, Promise<Next>>();
  const pull = (index: number) => {
    const p = sources[index]!.next().then((r) => ({ index, r }));
    p.catch(() => {}); // observed by the race below
    pending.set(index, p);
  };
  sources.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { index, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(index);
        yield { index, done: true };
      } else {
        pull(index);
        yield { index, done: false, value: r.value };
      }
    }
  } finally {
    // Stopped early (an error, or the consumer returned): close the sources still open.
    for (const index of pending.keys()) await Promise.resolve(sources[index]!.return?.()).catch(() => {});
  }
}
