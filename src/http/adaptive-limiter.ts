// Shared by every request of one client: how many may be in flight (adaptive: halves on a 429,
// grows back by one after a run of successes, never above the configured maximum) and a pause
// that a 429 imposes on all workers until the server's hint has passed. Priority requests (the
// sequential search walk) take the next free slot before any waiting body fetch. No slot is kept
// idle for them: the walk runs ahead of the fetches (issues.ts), and a kept slot cost 1/8 of the
// throughput at the default concurrency.

export class AdaptiveLimiter {
  private limit: number;
  private inFlight = 0;
  private successStreak = 0;
  private pausedUntil = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly priorityWaiters: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly clock: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.limit = max;
  }

  get currentLimit(): number {
    return this.limit;
  }

  /** Waits for a free slot and for any pause to pass; call release() exactly once afterwards. */
  async acquire(priority = false): Promise<void> {
    while (this.inFlight >= this.limit || (!priority && this.priorityWaiters.length > 0)) {
      await new Promise<void>((resolve) => (priority ? this.priorityWaiters : this.waiters).push(resolve));
    }
    this.inFlight++;
    // A pause set while we waited must hold for us too, so re-check after every sleep.
    for (let wait = this.pausedUntil - this.clock(); wait > 0; wait = this.pausedUntil - this.clock()) {
      await this.sleep(wait);
    }
  }

  release(): void {
    this.inFlight--;
    this.wakeOne();
  }

  onSuccess(): void {
    if (this.limit >= this.max) return;
    if (++this.successStreak >= this.limit) {
      this.successStreak = 0;
      this.limit++;
      this.wakeOne();
    }
  }

  /** A 429: halve the concurrency and hold every worker until `delayMs` from now. */
  onRateLimited(delayMs: number): void {
    this.successStreak = 0;
    const now = this.clock();
    // Requests sent together are refused together: halve once per pause, not once per refusal.
    if (now >= this.pausedUntil) this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.pausedUntil = Math.max(this.pausedUntil, now + delayMs);
  }

  private wakeOne(): void {
    if (this.inFlight >= this.limit) return;
    if (this.priorityWaiters.length > 0) this.priorityWaiters.shift()!();
    else this.waiters.shift()?.();
  }
}
