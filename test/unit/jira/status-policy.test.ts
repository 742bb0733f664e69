// The status table: defaults fail, per-stream overrides win, decided by status alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError } from '../../../src/errors.js';
import { httpStatusError } from '../../../src/http/jira-error.js';
import { DEFAULT_STATUS_TABLE, retry, ruleFor, skip } from '../../../src/jira/status-policy.js';

const err = (status: number) => httpStatusError(status, 'GET', '/rest/agile/1.0/board/3/sprint', '{"errorMessages":["The board does not support sprints"]}', false);

test('status table: every client error fails by default; overrides skip or retry; other errors fail', () => {
  for (const status of [400, 401, 403, 404]) assert.equal(DEFAULT_STATUS_TABLE[status]!.action, 'fail');
  assert.equal(ruleFor(err(400), undefined).action, 'fail');
  assert.deepEqual(ruleFor(err(400), { 400: skip('kanban') }), { action: 'skip', reason: 'kanban' });
  assert.equal(ruleFor(err(404), { 400: skip('kanban') }).action, 'fail', 'an override covers its own status only');
  assert.equal(ruleFor(err(409), { 409: retry() }).action, 'retry');
  assert.equal(ruleFor(err(418), undefined).action, 'fail');
  // Not matched by message text: a ConnectorError that merely says "400" is not an HTTP status.
  assert.equal(ruleFor(new ConnectorError('Jira answered 400', 'config_error'), { 400: skip('x') }).action, 'fail');
  assert.equal(err(404).status, 404);
  assert.equal(err(404).failureType, 'config_error');
});
