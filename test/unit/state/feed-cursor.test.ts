// The worklog feed position: forward only, an overlap before `until`, the overlap's emitted changes
// remembered (so a re-read emits nothing twice), a bad saved value refused with the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEED_OVERLAP_MS, FeedCursor, SEEN_MAX } from '../../../src/state/feed-cursor.js';
import { ConnectorError } from '../../../src/errors.js';

test('advance keeps an overlap before until, never moves back, and forgets pairs before the new since', () => {
  const c = new FeedCursor(1_000_000);
  c.note(1, 1_000_100);
  c.note(2, 1_200_000);
  c.advance(1_200_000);
  assert.equal(c.since, 1_200_000 - FEED_OVERLAP_MS);
  assert.deepEqual(c.toJson().seen, [[2, 1_200_000]], 'the pair before since is forgotten');
  c.advance(1_100_000); // an older until (an empty page) does not move it back
  assert.equal(c.since, 1_200_000 - FEED_OVERLAP_MS);
});

test('a change is new unless that worklog was emitted at that very time; an edit is new again', () => {
  const c = new FeedCursor(0, [[7, 500]]);
  assert.equal(c.isNew(7, 500), false);
  assert.equal(c.isNew(7, 900), true);
  c.note(7, 900);
  assert.equal(c.isNew(7, 900), false);
  c.note(7, 600); // an older time never replaces a newer one
  assert.equal(c.isNew(7, 900), false);
});

test('more pairs in the overlap than SEEN_MAX: they are dropped (duplicates possible, nothing lost)', () => {
  const c = new FeedCursor(0);
  for (let i = 0; i <= SEEN_MAX; i++) c.note(i, 100_000 + i);
  c.advance(100_000 + SEEN_MAX);
  assert.deepEqual(c.toJson().seen, []);
  assert.equal(c.since, 100_000 + SEEN_MAX - FEED_OVERLAP_MS);
});

test('a malformed saved position is a config_error naming the stream and the fix', () => {
  assert.equal(FeedCursor.parse(undefined, 42, 'x', 's').since, 42);
  for (const bad of [null, 5, { since: -1, seen: [] }, { since: 1 }, { since: 1, seen: [[1]] }]) {
    assert.throws(() => FeedCursor.parse(bad, 0, 'its "updated" position', 'issue_worklogs'), (e: unknown) => e instanceof ConnectorError && e.failureType === 'config_error' && /issue_worklogs.*delete the saved state/.test(e.message));
  }
});
