// The one retry policy of the connector, written out in one object so its defaults are visible.
// Pure: given what happened to one attempt, it says whether to try again and after how long.
// The HTTP client applies the answer; the unit tests read it as a table.

export const retryPolicy = {
  /** Tries in total (first attempt included) for 429, 5xx, timeouts, socket errors and truncated JSON. */
  maxAttempts: 8,
  /** A host that refuses connections or does not resolve is most likely a wrong base_url: give up sooner. */
  maxAttemptsUnreachable: 3,
  /** Exponential backoff without a server hint: base × 2^(attempt-1), capped, times a jitter factor. */
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  jitterMin: 0.7,
  jitterMax: 1.3,
  /** Retry-After / X-RateLimit-Reset are honoured exactly, but no one wait is longer than this. */
  maxServerHintMs: 300_000,
  /** Default of max_retry_wait_seconds: all the waits of one request together (the backoff alone sums to ~62 s). */
  defaultMaxRetryWaitMs: 600_000,
  retryStatuses: new Set([429, 500, 502, 503, 504]),
  unreachableCodes: new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']),
} as const;

export type AttemptOutcome =
  | { kind: 'status'; status: number; headers: Record<string, string | string[] | undefined> }
  /** socket error, connection reset, timeout (code from Node/undici) */
  | { kind: 'network'; code: string }
  /** a 2xx whose JSON body was cut off or unparsable */
  | { kind: 'bad-json' };

export type RetryDecision =
  | { retry: false }
  /** The wait the server asks for, or the next backoff step, does not fit in what is left of the wait budget. */
  | { retry: false; budgetSpent: true; delayMs: number; fromServer: boolean; reason: string }
  /** pauseAll: every worker waits (a 429 is a limit on the whole client, not one request); fromServer: the delay is the server's hint */
  | { retry: true; delayMs: number; pauseAll: boolean; reason: string; fromServer?: boolean };

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

// An HTTP date starts with a day name (IMF-fixdate, RFC 850, asctime). Date.parse alone also takes
// "-5" (the year -5), which made a negative Retry-After a wait of zero.
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i;

/**
 * Retry-After is delta-seconds or an HTTP date; X-RateLimit-Reset an ISO instant (minutes or seconds precision).
 * Anything else (negative, garbage) is no hint: the caller backs off exponentially.
 */
export function serverHintMs(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    const s = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
    const at = HTTP_DATE.test(s) ? Date.parse(s) : NaN;
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = header(headers, 'x-ratelimit-reset');
  if (reset !== undefined && reset.trim() !== '') {
    const at = Date.parse(reset.trim());
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}

export function backoffMs(attempt: number, random: () => number): number {
  const p = retryPolicy;
  const exp = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (p.jitterMin + (p.jitterMax - p.jitterMin) * random()));
}

/** How long one request has waited between its tries so far, and how long it may wait in all. */
export interface WaitBudget {
  waitedMs: number;
  maxWaitMs: number;
}

/**
 * attempt: the number of the attempt that just failed (1 = first try).
 * Statuses not listed (400, 401, 403, 404, …) are never retried: the caller turns them into errors.
 * With a budget, a wait that does not fit in what is left of it ends the retries at once: a server
 * that asks for an hour when ten minutes are left will not be ready in time, so waiting is pointless.
 */
export function decideRetry(outcome: AttemptOutcome, attempt: number, now: number, random: () => number, budget?: WaitBudget): RetryDecision {
  const decision = decideUnbounded(outcome, attempt, now, random);
  if (!decision.retry) return decision;
  const { hintMs, ...retry } = decision;
  if (budget === undefined) return retry;
  const asked = hintMs ?? retry.delayMs;
  if (asked <= budget.maxWaitMs - budget.waitedMs) return retry;
  return { retry: false, budgetSpent: true, delayMs: asked, fromServer: decision.fromServer === true, reason: decision.reason };
}

function decideUnbounded(
  outcome: AttemptOutcome,
  attempt: number,
  now: number,
  random: () => number,
): { retry: false } | { retry: true; delayMs: number; pauseAll: boolean; reason: string; fromServer?: boolean; hintMs?: number } {
  const p = retryPolicy;
  if (outcome.kind === 'status') {
    if (!p.retryStatuses.has(outcome.status) || attempt >= p.maxAttempts) return { retry: false };
    const hint = serverHintMs(outcome.headers, now);
    const delayMs = hint === undefined ? backoffMs(attempt, random) : Math.min(hint, p.maxServerHintMs);
    const reason = `HTTP ${outcome.status}`;
    return { retry: true, delayMs, pauseAll: outcome.status === 429, reason, ...(hint === undefined ? {} : { hintMs: hint, fromServer: true }) };
  }
  if (outcome.kind === 'network') {
    const limit = p.unreachableCodes.has(outcome.code) ? p.maxAttemptsUnreachable : p.maxAttempts;
    if (attempt >= limit) return { retry: false };
    return { retry: true, delayMs: backoffMs(attempt, random), pauseAll: false, reason: outcome.code };
  }
  if (attempt >= p.maxAttempts) return { retry: false };
  return { retry: true, delayMs: backoffMs(attempt, random), pauseAll: false, reason: 'truncated JSON' };
}
