// A stream read before its turn. The fronts emit streams one after another, but twenty small
// full-refresh streams read one after another cost twenty-odd sequential round trips of latency:
// read ahead, their requests overlap (the HTTP client's max_concurrency still bounds what is in
// flight), and their events wait here, at most `limit` of them, until the stream's turn comes. Beyond
// that the reading pauses, so memory stays bounded whatever a stream holds.
import type { StreamEvent } from './stream.js';

/** Events one stream may hold ahead of its turn before its reading pauses. */
export const READ_AHEAD_EVENTS = 1000;

export class ReadAhead {
  private readonly buffer: StreamEvent[] = [];
  private done = false;
  private stopped = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private space: (() => void) | undefined;

  /** When the reading started and ended (clock ms): the stream's own read time, whatever its turn. */
  readonly startedAt: number;
  finishedAt: number | undefined;

  constructor(
    private readonly it: AsyncIterator<StreamEvent>,
    private readonly limit = READ_AHEAD_EVENTS,
    private readonly clock: () => number = Date.now,
  ) {
    this.startedAt = clock();
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped) {
        if (this.buffer.length >= this.limit) {
          await new Promise<void>((resolve) => (this.space = resolve));
          continue;
        }
        const r = await this.it.next();
        if (r.done) break;
        this.buffer.push(r.value);
        this.notify();
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      this.finishedAt = this.clock();
      this.done = true;
      this.notify();
    }
  }

  private notify(): void {
    this.wake?.();
    this.wake = undefined;
  }

  /** The stream's events in order; its error, if it failed, after every event before it. */
  async *events(): AsyncGenerator<StreamEvent> {
    for (;;) {
      const event = this.buffer.shift();
      if (event !== undefined) {
        this.space?.();
        this.space = undefined;
        yield event;
        continue;
      }
      if (this.done) {
        if (this.failure) throw this.failure.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /**
   * Stops reading (the run ended before the stream's turn, e.g. the output closed). Not awaited: a
   * request in flight may take its retries' time, and closing the HTTP client ends it sooner.
   */
  stop(): void {
    this.stopped = true;
    this.space?.();
    this.it.return?.(undefined).catch(() => {});
  }
}
