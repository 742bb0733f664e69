// Runs fn over a source with several calls in flight but yields results in source order.
// At most `lookahead` items are pulled ahead of the consumer (flat memory), and nothing is pulled
// while that many wait, so a slow consumer (stdout backpressure) slows the whole pipeline down.
// An error from the source surfaces after every earlier result has been yielded.

export async function* mapOrdered<A, B>(source: AsyncIterable<A>, fn: (a: A) => Promise<B>, lookahead: number): AsyncGenerator<B> {
  const it = source[Symbol.asyncIterator]();
  const queue: Array<Promise<B>> = [];
  let done = false;
  let failure: { error: unknown } | undefined;
  let pumping = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const pump = async () => {
    pumping = true;
    try {
      while (!done && queue.length < lookahead) {
        const r = await it.next();
        if (r.done) {
          done = true;
          break;
        }
        const p = fn(r.value);
        p.catch(() => {}); // observed when it reaches the head of the queue
        queue.push(p);
        notify();
      }
    } catch (error) {
      failure = { error };
      done = true;
    } finally {
      pumping = false;
      notify();
    }
  };

  try {
    for (;;) {
      if (!pumping && !done && queue.length < lookahead) void pump();
      const head = queue[0];
      if (head === undefined) {
        if (done) {
          if (failure) throw failure.error;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const value = await head; // stays queued (counted against lookahead) until it is done
      queue.shift();
      if (!pumping && !done) void pump();
      yield value;
    }
  } finally {
    if (!done) {
      done = true;
      await it.return?.();
    }
  }
}
