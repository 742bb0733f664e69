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

test('retry policy: a negative or garbage Retry-After is no hint, so the backoff applies (issue 12, item 7)', () => {
  for (const value of ['-5', '-0.5', 'soon', '1e3', 'Infinity', '']) {
    assert.equal(serverHintMs({ 'retry-after': value }, NOW), undefined, value);
    const got = decideRetry(status(429, { 'retry-after': value }), 1, NOW, mid);
    assert.ok(got.retry && got.delayMs === 500 && got.fromServer !== true, value);
  }
  assert.equal(serverHintMs({ 'retry-after': 'Thu, 01 Jan 2099 00:00:00 GMT' }, NOW), Date.parse('2099-01-01T00:00:00Z') - NOW);
});

test('retry policy: with a wait budget, a wait that does not fit ends the retries at once (issue 12, item 7)', () => {
  const budget = (waitedMs: number) => ({ waitedMs, maxWaitMs: 600_000 });
  const day = decideRetry(status(429, { 'retry-after': '86400' }), 1, NOW, mid, budget(0));
  assert.deepEqual(day, { retry: false, budgetSpent: true, delayMs: 86_400_000, fromServer: true, reason: 'HTTP 429' });
  const date = decideRetry(status(503, { 'retry-after': 'Thu, 01 Jan 2099 00:00:00 GMT' }), 1, NOW, mid, budget(0));
  assert.ok(!date.retry && 'budgetSpent' in date && date.fromServer);
  // a hint that fits is capped per wait and honoured
  const fits = decideRetry(status(429, { 'retry-after': '400' }), 1, NOW, mid, budget(0));
  assert.ok(fits.retry && fits.delayMs === retryPolicy.maxServerHintMs && fits.fromServer === true);
  // backoff steps count too: the next one (4 s) does not fit in the 3 s left
  const backoff = decideRetry(status(503), 4, NOW, mid, { waitedMs: 3500, maxWaitMs: 6500 });
  assert.deepEqual(backoff, { retry: false, budgetSpent: true, delayMs: 4000, fromServer: false, reason: 'HTTP 503' });
  assert.ok(decideRetry(status(503), 4, NOW, mid, { waitedMs: 2500, maxWaitMs: 6500 }).retry);
});
