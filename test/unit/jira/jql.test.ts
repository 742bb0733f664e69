import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantJql, rangeJql } from '../../../src/jira/jql.js';
import { ConnectorError } from '../../../src/errors.js';

test('range JQL: epoch-millisecond bounds, parenthesised user JQL, quoted projects, total order', () => {
  assert.equal(
    rangeJql({ userJql: 'status = Done OR labels = x', projects: ['ABC', 'D"Q'] }, 1700000000000, 1700000060000),
    '(status = Done OR labels = x) AND project in ("ABC", "D\\"Q") AND updated >= 1700000000000 AND updated < 1700000060000 ORDER BY updated ASC, key ASC',
  );
  assert.equal(rangeJql({}, 1, 2), 'updated >= 1 AND updated < 2 ORDER BY updated ASC, key ASC');
  assert.equal(rangeJql({ userJql: '  ', projects: [] }, 1, 2), 'updated >= 1 AND updated < 2 ORDER BY updated ASC, key ASC');
});

test('instant JQL selects exactly one millisecond', () => {
  assert.equal(instantJql({ projects: ['A'] }, 5), 'project in ("A") AND updated >= 5 AND updated < 6 ORDER BY key ASC');
});

test('user JQL with its own ORDER BY is a config error naming jql', () => {
  assert.throws(
    () => rangeJql({ userJql: 'project = A order  by created' }, 1, 2),
    (e: unknown) => e instanceof ConnectorError && e.failureType === 'config_error' && /jql/.test(e.message),
  );
});
