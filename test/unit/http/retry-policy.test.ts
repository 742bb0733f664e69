import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, decideRetry, retryPolicy, serverHintMs, type AttemptOutcome } from '../../../src/http/retry-policy.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const mid = () => 0.5; // jitter factor 1.0
const status = (s: number, headers: Record<string, string> = {}): AttemptOutcome => ({ kind: 'status', status: s, headers });

// outcome, attempt that failed -> decision (delay with the jitter pinned to 1.0)
const table: Array<[string, AttemptOutcome, number, { retry: false } | { delayMs: number; pauseAll: boolean }]> = [
  ['429 with Retry-After is honoured exactly and pauses everyone', status(429, { 'retry-after': '3' }), 1, { delayMs: 3000, pauseAll: true }],
  ['429 without Retry-After backs off exponentially', status(429), 1, { delayMs: 500, pauseAll: true }],
  ['429 third try', status(429), 3, { delayMs: 2000, pauseAll: true }],
  ['429 with X-RateLimit-Reset (minute precision)', status(429, { 'x-ratelimit-reset': '2026-01-01T01:01Z' }), 1, { delayMs: 60_000, pauseAll: true }],
  ['429 with X-RateLimit-Reset (seconds)', status(429, { 'x-ratelimit-reset': '2026-01-01T01:00:07Z' }), 1, { delayMs: 7000, pauseAll: true }],
  ['Retry-After wins over X-RateLimit-Reset', status(429, { 'retry-after': '2', 'x-ratelimit-reset': '2026-01-01T01:01Z' }), 1, { delayMs: 2000, pauseAll: true }],
  ['a huge Retry-After is capped', status(429, { 'retry-after': '1847' }), 1, { delayMs: retryPolicy.maxServerHintMs, pauseAll: true }],
  ['503 (HTML body) retried with backoff, not a global pause', status(503), 2, { delayMs: 1000, pauseAll: false }],
  ['503 with Retry-After honoured', status(503, { 'retry-after': '1' }), 1, { delayMs: 1000, pauseAll: false }],
  ['500 retried', status(500), 1, { delayMs: 500, pauseAll: false }],
  ['502 retried', status(502), 1, { delayMs: 500, pauseAll: false }],
  ['504 retried', status(504), 1, { delayMs: 500, pauseAll: false }],
  ['backoff is capped', status(500), 7, { delayMs: retryPolicy.maxDelayMs, pauseAll: false }],
  ['gives up after maxAttempts', status(503), retryPolicy.maxAttempts, { retry: false }],
  ['400 never retried', status(400), 1, { retry: false }],
  ['401 never retried', status(401), 1, { retry: false }],
  ['403 never retried', status(403), 1, { retry: false }],
  ['404 never retried', status(404), 1, { retry: false }],
  ['410 never retried', status(410), 1, { retry: false }],
  ['connection reset retried', { kind: 'network', code: 'ECONNRESET' }, 1, { delayMs: 500, pauseAll: false }],
  ['socket error retried', { kind: 'network', code: 'UND_ERR_SOCKET' }, 4, { delayMs: 4000, pauseAll: false }],
  ['timeout retried', { kind: 'network', code: 'TIMEOUT' }, 1, { delayMs: 500, pauseAll: false }],
  ['refused connection: few tries', { kind: 'network', code: 'ECONNREFUSED' }, 2, { delayMs: 1000, pauseAll: false }],
  ['refused connection: gives up sooner', { kind: 'network', code: 'ECONNREFUSED' }, retryPolicy.maxAttemptsUnreachable, { retry: false }],
  ['truncated JSON retried', { kind: 'bad-json' }, 1, { delayMs: 500, pauseAll: false }],
  ['truncated JSON gives up after maxAttempts', { kind: 'bad-json' }, retryPolicy.maxAttempts, { retry: false }],
];

for (const [name, outcome, attempt, want] of table) {
  test(`retry policy: ${name}`, () => {
    const got = decideRetry(outcome, attempt, NOW, mid);
    if ('retry' in want) assert.deepEqual(got, { retry: false });
    else {
      assert.equal(got.retry, true);
      if (got.retry) {
        assert.equal(got.delayMs, want.delayMs);
        assert.equal(got.pauseAll, want.pauseAll);
      }
    }
  });
}

test('retry policy: jitter stays within 0.7x..1.3x of the exponential step', () => {
  assert.equal(backoffMs(2, () => 0), 700);
  assert.equal(backoffMs(2, () => 0.999999), 1300);
});

test('retry policy: Retry-After as an HTTP date, and hints in the past mean no wait', () => {
  assert.equal(serverHintMs({ 'retry-after': new Date(NOW + 4000).toUTCString() }, NOW), 4000);
  assert.equal(serverHintMs({ 'x-ratelimit-reset': '2025-12-31T00:00Z' }, NOW), 0);
  assert.equal(serverHintMs({ 'retry-after': 'soon' }, NOW), undefined);
});
