// A source that yields some of its events a batch at a time (an array), handed out one at a time.
// The issues walk builds each batch's records at once: an async generator step per record, in every
// layer between the walk and the sink, cost more CPU than building the records.

export function oneByOne<T>(source: AsyncIterable<T | T[]>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const it = source[Symbol.asyncIterator]();
      let batch: T[] = [];
      let at = 0;
      const refill = async (): Promise<IteratorResult<T>> => {
        for (;;) {
          const r = await it.next();
          if (r.done === true) return { done: true, value: undefined };
          if (!Array.isArray(r.value)) return { done: false, value: r.value };
          if (r.value.length > 0) {
            batch = r.value;
            at = 1;
            return { done: false, value: batch[0]! };
          }
        }
      };
      return {
        next: () => (at < batch.length ? Promise.resolve({ done: false, value: batch[at++]! }) : refill()),
        return: async () => {
          batch = [];
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
