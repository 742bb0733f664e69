// Fault injection: a token-bucket requests-per-second limit and random 429 / 503 / connection reset
// / truncated body faults, each off by default and switchable at run time.
import type { FaultOptions } from './types.js';

export type FaultKind = 'none' | '429' | '503' | 'reset' | 'truncated' | 'status';

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(readonly rps: number, readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }
  /** Take one token; returns 0 when allowed, else the seconds until one is available. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rps);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rps));
  }
  remaining(): number {
    return Math.max(0, Math.floor(this.tokens));
  }
}

export function pickFault(f: FaultOptions | undefined, path: string, rnd: () => number): FaultKind {
  if (!f) return 'none';
  if (f.paths && f.paths.length && !f.paths.some((p) => path.startsWith(p))) return 'none';
  const r = rnd();
  let acc = 0;
  // Options left undefined (e.g. CLI flags not given) count as 0.
  const kinds = [['429', f.rate429], ['503', f.rate503], ['reset', f.rateReset], ['truncated', f.rateTruncated], ['status', f.rateStatus]] as const;
  for (const [kind, rate] of kinds) {
    acc += rate ?? 0;
    if (r < acc) return kind;
  }
  return 'none';
}

/** Headers Jira Cloud sends with a burst 429. */
export function rateLimitHeaders(retryAfter: number | null, limit: number, now: number): Record<string, string> {
  const h: Record<string, string> = {
    'X-RateLimit-Limit': String(limit),
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': new Date(now + (retryAfter ?? 1) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'RateLimit-Reason': 'jira-burst-based',
  };
  if (retryAfter !== null) h['Retry-After'] = String(retryAfter);
  return h;
}

export const HTML_503 =
  '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1>' +
  '<p>The server is temporarily unable to service your request. Please try again later.</p></body></html>';
