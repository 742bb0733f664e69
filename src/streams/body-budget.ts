// Bounds the bytes of issue bodies held ahead of the output (fetched, not yet emitted) plus those
// on their way. The lookahead counts batches, which is right for ordinary issues (a few KB each)
// but not for issues of hundreds of KB: 12 batches of 100 such issues are hundreds of MB. A fetch
// starts only while what is held, what is in flight (estimated from the largest batch seen) and
// one more batch fit in the budget, or when nothing is held or in flight (progress is never
// blocked). Batches start in walk order and are emitted in it, so a waiting fetch only ever waits
// for earlier batches, which do not wait for it.
import type { IssueParts } from '../jira/issue-parts.js';
import { RawJson } from '../json/raw-json.js';

export class BodyBudget {
  private held = 0;
  private reserved = 0;
  /** Bytes to expect of a batch: the largest batch seen; until one has arrived, the whole budget (one batch at a time). */
  private estimate: number;
  private seen = false;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly maxBytes: number) {
    this.estimate = maxBytes;
  }

  /** Waits for room for one more batch; returns the reservation to pass to arrived(). */
  async enter(): Promise<number> {
    while (this.held + this.reserved > 0 && this.held + this.reserved + this.estimate > this.maxBytes) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.reserved += this.estimate;
    return this.estimate;
  }

  /** A batch's bodies arrived: `bytes` are held until emitted(bytes). */
  arrived(reservation: number, bytes: number): void {
    this.reserved -= reservation;
    this.held += bytes;
    this.estimate = this.seen ? Math.max(this.estimate, bytes) : bytes;
    this.seen = true;
    this.wake();
  }

  emitted(bytes: number): void {
    this.held -= bytes;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Bodies held ahead of the output: with the ~110 MB the process needs besides, well under 300 MB. */
export const BODIES_AHEAD_BYTES = 48 * 1024 * 1024;

/** The bytes a batch of bulkfetch issues holds (their fields as Jira sent them). */
export function bodyBytes(issues: IssueParts[]): number {
  let n = 0;
  for (const issue of issues) if (issue.fields instanceof RawJson) n += issue.fields.bytes.length;
  return n;
}
