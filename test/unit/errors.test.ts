import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError, configError } from '../../src/errors.js';

test('config errors carry their failure type and message', () => {
  const e = configError('base_url must start with https://; fix the URL in the config', 'got ftp://x');
  assert.ok(e instanceof ConnectorError);
  assert.equal(e.failureType, 'config_error');
  assert.equal(e.internal, 'got ftp://x');
  assert.match(e.message, /base_url/);
});
