// Pages that bring nothing although Jira says more follow (the search walk's and every list's): each
// first proves the credentials (an anonymous view answers with nothing), then waits the retry
// policy's backoff, so no loop sends requests faster than retries would; after
// MAX_PAGES_WITHOUT_PROGRESS in a row the caller's loop ends with a clear error instead of looping.
import { ConnectorError } from '../errors.js';

export const MAX_PAGES_WITHOUT_PROGRESS = 5;

export interface Pacing {
  /** Waits before asking again after a page that brought nothing (the retry policy's backoff). */
  pause?: (attempt: number) => Promise<void>;
  /** Proves the credentials still work. */
  prove?: () => Promise<void>;
}

/** `message(streak)`: the one-line error once the streak reaches the limit. */
export function noProgressGuard(pacing: Pacing, message: (streak: number) => string) {
  let streak = 0;
  return {
    reset(): void {
      streak = 0;
    },
    async stalled(): Promise<void> {
      streak++;
      if (streak === 1) await pacing.prove?.();
      if (streak >= MAX_PAGES_WITHOUT_PROGRESS) throw new ConnectorError(message(streak), 'transient_error');
      await pacing.pause?.(streak);
    },
  };
}
