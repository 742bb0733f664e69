import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../../src/config/validate-config.js';
import { ConnectorError } from '../../../src/errors.js';

const SECRET = 'ATATT3xFfGF0-very-secret-token-42';
const good = {
  base_url: 'https://acme.atlassian.net/',
  credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: SECRET },
  start_date: '2024-01-01T00:00:00Z',
};

function failure(config: unknown): ConnectorError {
  try {
    validateConfig(config);
  } catch (err) {
    assert.ok(err instanceof ConnectorError);
    assert.equal(err.failureType, 'config_error');
    assert.doesNotMatch(err.message, /\n/, 'one line');
    assert.ok(!err.message.includes(SECRET), 'never echoes the secret');
    return err;
  }
  assert.fail(`config accepted: ${JSON.stringify(config)}`);
}

test('a valid config gets defaults, a normalised base_url and is frozen', () => {
  const config = validateConfig(good);
  assert.equal(config.base_url, 'https://acme.atlassian.net');
  assert.equal(config.lookback_minutes, 5);
  assert.equal(config.page_size, 1000);
  assert.equal(config.request_timeout_seconds, 60);
  assert.equal(config.max_concurrency, 8);
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.credentials));
  assert.equal((good as Record<string, unknown>).page_size, undefined, 'input not mutated');
});

test('Data Center: personal access token, context path kept, lookback 0 allowed', () => {
  const config = validateConfig({
    base_url: 'https://jira.example.com/jira/',
    credentials: { auth_type: 'personal_access_token', personal_access_token: SECRET },
    start_date: '2024-01-01T05:45:00+05:45',
    lookback_minutes: 0,
    projects: ['PROJ', 'OPS_2'],
    jql: 'issuetype = Bug',
  });
  assert.equal(config.base_url, 'https://jira.example.com/jira');
  assert.equal(config.lookback_minutes, 0);
  assert.deepEqual(config.projects, ['PROJ', 'OPS_2']);
});

test('plain http is accepted only for loopback hosts', () => {
  for (const url of ['http://127.0.0.1:8080', 'http://localhost:1/ctx', 'http://[::1]:9']) {
    assert.equal(validateConfig({ ...good, base_url: url }).base_url, url.replace(/\/$/, ''));
  }
  for (const url of ['http://jira.example.com', 'http://10.0.0.1', 'http://127.0.0.1.evil.com']) {
    assert.match(failure({ ...good, base_url: url }).message, /base_url .*plain http.*use https:\/\//);
  }
});

const cases: [string, unknown, RegExp][] = [
  ['not an object', [], /must be a JSON object/],
  ['base_url missing', { ...good, base_url: undefined }, /base_url is missing; add it/],
  ['base_url not a URL', { ...good, base_url: 'acme' }, /base_url is not a valid URL/],
  ['base_url ftp', { ...good, base_url: 'ftp://acme' }, /base_url must start with https:\/\//],
  ['base_url with user info', { ...good, base_url: `https://me:${SECRET}@acme.atlassian.net` }, /base_url must not contain a user name/],
  ['base_url with query', { ...good, base_url: 'https://acme.atlassian.net/?x=1' }, /base_url must not contain a query/],
  ['credentials missing', { ...good, credentials: undefined }, /credentials is missing/],
  ['credentials a string', { ...good, credentials: SECRET }, /credentials must be of type object/],
  ['auth_type missing', { ...good, credentials: { api_token: SECRET } }, /credentials\.auth_type is missing; set it to "api_token", "oauth2" or "service_account" for Jira Cloud, "personal_access_token" or "password" for Data Center/],
  ['auth_type unknown', { ...good, credentials: { auth_type: 'oauth', api_token: SECRET } }, /credentials\.auth_type is not a known/],
  ['api_token missing', { ...good, credentials: { auth_type: 'api_token', email: 'a@b' } }, /credentials\.api_token is missing/],
  ['email missing', { ...good, credentials: { auth_type: 'api_token', api_token: SECRET } }, /credentials\.email is missing/],
  ['api_token empty', { ...good, credentials: { auth_type: 'api_token', email: 'a@b', api_token: '' } }, /credentials\.api_token must not be empty/],
  ['pat a number', { ...good, credentials: { auth_type: 'personal_access_token', personal_access_token: 42 } }, /credentials\.personal_access_token must be of type string/],
  ['start_date missing', { ...good, start_date: undefined }, /start_date is missing/],
  ['start_date a date', { ...good, start_date: '2024-01-01' }, /start_date .*RFC 3339/],
  ['start_date with a space', { ...good, start_date: '2024-01-01 00:00:00Z' }, /start_date .*RFC 3339/],
  ['start_date without zone', { ...good, start_date: '2024-01-01T00:00:00' }, /start_date has no time zone, so the instant it means is unknown; use an RFC 3339 date-time with a time zone/],
  ['start_date impossible', { ...good, start_date: '2024-13-45T00:00:00Z' }, /start_date/],
  ['projects not a list', { ...good, projects: 'PROJ' }, /projects must be of type array/],
  ['project key invalid', { ...good, projects: ['PROJ', 'a b'] }, /projects\[1\] is not a valid Jira project key/],
  ['projects repeated', { ...good, projects: ['A', 'A'] }, /projects lists the same value twice/],
  ['jql with ORDER BY', { ...good, jql: 'project = A order by created' }, /jql must not contain ORDER BY/],
  ['lookback too large', { ...good, lookback_minutes: 1441 }, /lookback_minutes is out of range \(allowed: 0 to 1440\)/],
  ['page_size zero', { ...good, page_size: 0 }, /page_size is out of range \(allowed: 1 to 5000\)/],
  ['page_size a string', { ...good, page_size: '100' }, /page_size must be of type integer/],
  ['timeout fractional', { ...good, request_timeout_seconds: 1.5 }, /request_timeout_seconds must be of type integer/],
  ['concurrency too high', { ...good, max_concurrency: 65 }, /max_concurrency is out of range \(allowed: 1 to 64\)/],
];

for (const [name, config, expected] of cases) {
  test(`invalid config (${name}): one line naming the field and the fix`, () => {
    assert.match(failure(config).message, expected);
  });
}

test('max_retry_wait_seconds defaults to 600 and is bounded; ca_certificate must be a readable PEM certificate (issue 12)', async () => {
  assert.equal(validateConfig(good).max_retry_wait_seconds, 600);
  assert.match(failure({ ...good, max_retry_wait_seconds: 0 }).message, /max_retry_wait_seconds is out of range \(allowed: 1 to 86400\)/);
  assert.match(failure({ ...good, ca_certificate: 'not a certificate' }).message, /ca_certificate holds no PEM certificate; paste the PEM text/);
  const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
  assert.match(failure({ ...good, ca_certificate: broken }).message, /ca_certificate holds a PEM block that is not a readable certificate/);
});
