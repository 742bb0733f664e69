// Answers that break Jira's own contract, as real sites, proxies and expiring tokens give them; each
// off by default, switchable at run time (configure({lies})). The connector must lose nothing and
// never loop on any of them: the tests in test/integration/issues-lies.test.ts hold it to that.
import type { LieOptions } from './types.js';

export const LIE_NAMES = ['revoked', 'dropNextPageToken', 'emptyPages', 'reversePages', 'liveUpdated', 'bulkfetchExtra', 'stripIdentity'] as const;

/** A Basic login that authenticated stops doing so once the token is revoked (Cloud: 401 on /myself, anonymous elsewhere). */
export function revokes(lies: LieOptions | undefined): boolean {
  return lies?.revoked === true;
}

/** The ids a bulkfetch answers for, after silently leaving out `bulkfetchOmitRate` of them. */
export function omitSome(slots: number[], lies: LieOptions | undefined, rnd: () => number): number[] {
  const rate = lies?.bulkfetchOmitRate ?? 0;
  return rate > 0 ? slots.filter(() => rnd() >= rate) : slots;
}

/** A fresh, never repeated token for the endless empty feed. */
let fresh = 0;
export function endlessEmptyPage(): Record<string, unknown> {
  fresh++;
  return { issues: [], isLast: false, nextPageToken: `empty-${Date.now().toString(36)}-${fresh}` };
}
