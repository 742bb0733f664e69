// Issue 12, items 6-12: the HTTP layer when Jira (or something in front of it) misbehaves, through the
// real CLIs against the simulator's transport faults. Each case asserts the exit status, the message,
// a bounded wall time and that no STATE covers an issue not emitted before it; the size cases also
// bound the connector's peak RSS.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { configFor, catalog, ids, sim } from './issues-harness.js';
import { airbyteBin, runCli, singerBin, writeJsonFiles, type CliResult, type Message } from '../helpers/run-cli.js';
import { assertValidAirbyte } from '../helpers/protocol-checks.js';
import { watchPeakRss } from '../helpers/peak-rss.js';
import { statesAheadOfRecords } from '../helpers/state-coverage.js';
import { makeTestCertificates, type Pem } from '../helpers/test-certificates.js';
import type { Config } from '../../src/config/config.js';
import type { RunningSimulator } from '../../src/simulator/types.js';

const HOUR = 3_600_000;
const TOKEN = 'demo-token';
const SEARCH = '/rest/api/3/search/jql';
const BULKFETCH = '/rest/api/3/issue/bulkfetch';

interface Run extends CliResult {
  seconds: number;
  peakMb: number;
  records: Message[];
  trace: Message | undefined;
  status: Message | undefined;
  logs: string[];
}

async function cli(args: string[], files: Record<string, unknown>, opts: { bin?: string } = {}): Promise<Run> {
  const paths = writeJsonFiles(files);
  let rss = { peakMb: () => 0 };
  const started = Date.now();
  const r = await runCli(opts.bin ?? airbyteBin, args.map((a) => paths[a] ?? a), {
    timeoutMs: 90_000,
    onSpawn: (child) => (rss = watchPeakRss(child)),
  });
  const seconds = (Date.now() - started) / 1000;
  assert.deepEqual(r.badLines, []);
  assert.ok(!(r.stdout + r.stderr).includes(TOKEN), 'the API token appeared in the output');
  if (opts.bin === undefined) assertValidAirbyte(r.messages);
  return {
    ...r,
    seconds,
    peakMb: rss.peakMb(),
    records: r.messages.filter((m) => m.type === 'RECORD'),
    trace: r.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR'),
    status: r.messages.find((m) => m.type === 'CONNECTION_STATUS'),
    logs: r.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message)),
  };
}

const read = (config: Config) => cli(['read', '--config', 'config', '--catalog', 'catalog'], { config, catalog: catalog() });
const check = (config: Config) => cli(['check', '--config', 'config'], { config });

function assertNoStateAhead(run: Run, s: RunningSimulator): void {
  assert.deepEqual(statesAheadOfRecords(run.messages, s.control.truth()), [], 'a STATE covers issues not emitted before it');
}

function assertFailed(run: Run, failureType: string, message: RegExp): void {
  assert.equal(run.code, 1, run.stderr);
  assert.ok(run.trace, 'an error TRACE');
  assert.equal(run.trace.trace.error.failure_type, failureType, run.trace.trace.error.message);
  assert.match(run.trace.trace.error.message, message);
  assert.doesNotMatch(run.trace.trace.error.message, /\n|this is a bug/);
}

function assertCheckFailed(run: Run, message: RegExp): void {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.status?.connectionStatus.status, 'FAILED', JSON.stringify(run.messages));
  assert.match(run.status.connectionStatus.message, message);
  assert.doesNotMatch(run.status.connectionStatus.message, /\n/);
}

// --- 6. request_timeout_seconds bounds the whole request -----------------------------------------

test('item 6: a body dripped a byte at a time is cut off at request_timeout_seconds and retried; the run completes', async () => {
  // Before: each dripped answer (tens of KB at 300 ms a byte) held its request open for hours.
  const s = await sim({ issues: 200, now: Date.now() - HOUR, faults: { dripMs: 300, paths: [BULKFETCH], maxFaults: 2 } });
  try {
    const run = await read(configFor(s, { request_timeout_seconds: 1, max_concurrency: 4 }));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(ids(run.records.map((m) => m.record.data)).size, 200);
    assert.equal(run.logs.filter((l) => /bulkfetch: TIMEOUT on try \d, retrying/.test(l)).length, 2);
    assert.ok(run.seconds < 20, `took ${run.seconds} s`);
    assertNoStateAhead(run, s);
  } finally {
    await s.close();
  }
});

test('item 6: a server that always drips ends in the timeout message, bounded by max_retry_wait_seconds', async () => {
  const s = await sim({ issues: 20, now: Date.now() - HOUR, faults: { dripMs: 500 } });
  try {
    const run = await check(configFor(s, { request_timeout_seconds: 1, max_retry_wait_seconds: 2 }));
    // a timeout is not a config problem: check reports it as an error, not as FAILED
    assertFailed(run, 'transient_error', /did not answer \/rest\/api\/3\/myself within request_timeout_seconds \(1\) in 3 tries.*max_retry_wait_seconds \(2\)/);
    assert.ok(run.seconds < 20, `took ${run.seconds} s`);
  } finally {
    await s.close();
  }
});

// --- 7. Retry-After ----------------------------------------------------------------------------

for (const raw of ['-5', 'soon']) {
  test(`item 7: Retry-After "${raw}" falls back to the exponential backoff`, async () => {
    // Before: "-5" meant no wait at all (8 tries in a third of a second).
    const s = await sim({ issues: 60, now: Date.now() - HOUR, faults: { rate429: 1, retryAfterRaw: raw, paths: [SEARCH], maxFaults: 3 } });
    try {
      const run = await read(configFor(s));
      assert.equal(run.code, 0, run.stderr);
      assert.equal(ids(run.records.map((m) => m.record.data)).size, 60);
      const waits = run.logs.flatMap((l) => /HTTP 429 on try \d, retrying in (\d+) ms/.exec(l)?.[1] ?? []).map(Number);
      assert.equal(waits.length, 3);
      waits.forEach((ms, i) => assert.ok(ms >= 0.7 * 500 * 2 ** i, `wait ${i + 1} was ${ms} ms`));
      assert.ok(run.seconds < 20, `took ${run.seconds} s`);
      assertNoStateAhead(run, s);
    } finally {
      await s.close();
    }
  });
}

for (const raw of ['86400', 'Thu, 01 Jan 2099 00:00:00 GMT']) {
  test(`item 7: Retry-After "${raw}" fails at once, naming max_retry_wait_seconds, instead of waiting silently`, async () => {
    // Before: each try waited the 5-minute cap: over half an hour for one request.
    const s = await sim({ issues: 60, now: Date.now() - HOUR, faults: { rate429: 1, retryAfterRaw: raw, paths: [BULKFETCH] } });
    try {
      const run = await read(configFor(s));
      assertFailed(run, 'transient_error', /Jira asked to wait \d+ s before retrying \/rest\/api\/3\/issue\/bulkfetch \(HTTP 429\), more than the 600 s left of max_retry_wait_seconds \(600\): try again later, or raise max_retry_wait_seconds/);
      assert.ok(run.seconds < 15, `took ${run.seconds} s`);
      assertNoStateAhead(run, s);
    } finally {
      await s.close();
    }
  });
}

test('item 7: waits add up to max_retry_wait_seconds, each logged, then the run fails clearly', async () => {
  const s = await sim({ issues: 60, now: Date.now() - HOUR, faults: { rate429: 1, retryAfterRaw: '2', paths: [SEARCH] } });
  try {
    const run = await read(configFor(s, { max_retry_wait_seconds: 3 }));
    assertFailed(run, 'transient_error', /Jira asked to wait 2 s before retrying \/rest\/api\/3\/search\/jql .*1 s left of max_retry_wait_seconds \(3\)/);
    assert.ok(run.logs.some((l) => /HTTP 429 on try 1, retrying in 2000 ms as the server asked .*2 s of max_retry_wait_seconds \(3\) used/.test(l)), run.logs.join('\n'));
    assert.ok(run.seconds >= 2 && run.seconds < 15, `took ${run.seconds} s`);
  } finally {
    await s.close();
  }
});

// --- 8. response size cap ----------------------------------------------------------------------

const RSS_LIMIT_MB = 300;

function assertSmall(t: TestContext, run: Run): void {
  t.diagnostic(`peak RSS ${run.peakMb.toFixed(0)} MB, ${run.seconds} s`);
  assert.ok(run.peakMb > 0 && run.peakMb < RSS_LIMIT_MB, `peak RSS ${run.peakMb} MB`);
  assert.ok(run.seconds < 60, `took ${run.seconds} s`);
}

test('item 8: a 600 MB search answer is a clear error, and the connector stays small', async (t) => {
  // Before: "this is a bug" (V8's string limit) after the process grew to GBs.
  const s = await sim({ issues: 50, now: Date.now() - HOUR, faults: { padBytes: 600 * 1024 * 1024, paths: [SEARCH] } });
  try {
    const run = await read(configFor(s));
    assertFailed(run, 'config_error', /answer to POST \/rest\/api\/3\/search\/jql is larger than 8\.0 MB, the most one response may hold with max_concurrency 8: lower page_size/);
    assertSmall(t, run);
    assert.ok(run.seconds < 30, `took ${run.seconds} s`);
    assert.equal(s.control.requests().filter((r) => r.path === SEARCH).length, 1, 'not retried');
  } finally {
    await s.close();
  }
});

for (const [perIssue, calls] of [[200 * 1024, 7], [1024 * 1024, 31]] as const) {
  test(`item 8: a bulkfetch answer over the cap (${perIssue / 1024} KB an issue) is asked again in halves; every issue arrives`, async (t) => {
    // 200 KB an issue: 100 ids are 20 MB, 50 are 10 MB, 25 fit in the 8 MB cap (7 calls a batch).
    // 1 MB an issue: down to 6 or 7 ids a call (31 calls a batch); 300 MB in all, of which little may stay held.
    const s = await sim({ issues: 300, now: Date.now() - HOUR, faults: { padBytesPerIssue: perIssue, paths: [BULKFETCH] } });
    try {
      const run = await read(configFor(s, { page_size: 100 }));
      assert.equal(run.code, 0, run.stderr);
      assert.equal(ids(run.records.map((m) => m.record.data)).size, 300);
      assert.ok(s.control.requests().filter((r) => r.path === BULKFETCH).length >= 3 * calls, 'split down to the size that fits');
      assertSmall(t, run);
      assertNoStateAhead(run, s);
    } finally {
      await s.close();
    }
  });
}

test('item 8: a single issue over the cap is a clear error naming it', async (t) => {
  const s = await sim({ issues: 30, now: Date.now() - HOUR, faults: { padBytesPerIssue: 12 * 1024 * 1024, paths: [BULKFETCH] } });
  try {
    const run = await read(configFor(s, { page_size: 30 }));
    assertFailed(run, 'config_error', /Issue \d+ alone is larger than 8\.0 MB, the most one response may hold with max_concurrency 8: lower max_concurrency .*jql \(id != \d+\)/);
    assert.equal(run.records.length, 0);
    assertSmall(t, run);
    assertNoStateAhead(run, s);
  } finally {
    await s.close();
  }
});

test('item 8: Data Center halves maxResults while a search page is over the cap; every issue arrives', async (t) => {
  const s = await sim({ issues: 250, mode: 'datacenter', now: Date.now() - HOUR, faults: { padBytesPerIssue: 200 * 1024, paths: ['/rest/api/2/search'] } });
  try {
    const run = await read(configFor(s, { page_size: 100 }, 'datacenter'));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(ids(run.records.map((m) => m.record.data)).size, 250);
    const asked = s.control.requests().filter((r) => r.path === '/rest/api/2/search').length;
    assert.ok(asked >= 250 / 25, `${asked} search requests`);
    assertSmall(t, run);
    assertNoStateAhead(run, s);
  } finally {
    await s.close();
  }
});

// --- 10. redirects -----------------------------------------------------------------------------

test('item 10: check against a redirecting site answers FAILED naming the Location, and never follows it', async () => {
  const elsewhere = await sim({ issues: 1 });
  const s = await sim({ issues: 10, faults: { redirectTo: `${elsewhere.url}/jira` } });
  try {
    const run = await check(configFor(s));
    const target = `${elsewhere.url}/jira/rest/api/3/myself`.replace(/[.[\]/]/g, '\\$&');
    assertCheckFailed(run, new RegExp(`redirected \\(HTTP 302\\) to ${target}: the connector does not follow redirects.*probably ${elsewhere.url.replace(/[.[\]/]/g, '\\$&')}\\/jira\\)`));
    assert.ok(run.seconds < 10, `took ${run.seconds} s`);
    assert.equal(elsewhere.control.requests().length, 0, 'the redirect was followed');
    assert.equal(s.control.requests().length, 1, 'not retried');
  } finally {
    await s.close();
    await elsewhere.close();
  }
});

test('item 10: a redirect during read is a config_error; tap-jira says the same in one line', async () => {
  const s = await sim({ issues: 60, now: Date.now() - HOUR, faults: { redirectTo: 'https://jira.moved.example.com', paths: [SEARCH] } });
  try {
    const run = await read(configFor(s));
    assertFailed(run, 'config_error', /POST \/rest\/api\/3\/search\/jql was redirected \(HTTP 302\) to https:\/\/jira\.moved\.example\.com\/rest\/api\/3\/search\/jql.*set base_url to where the site really is \(probably https:\/\/jira\.moved\.example\.com\)/);
    assertNoStateAhead(run, s);
    const singer = await cli(['--config', 'config'], { config: configFor(s) }, { bin: singerBin });
    assert.equal(singer.code, 1);
    assert.match(singer.stderr, /redirected \(HTTP 302\) to https:\/\/jira\.moved\.example\.com/);
    assert.equal(singer.stderr.split('\n').filter((l) => /redirected/.test(l)).length, 1);
  } finally {
    await s.close();
  }
});

// --- 11. bodies that are not JSON --------------------------------------------------------------

const LOGIN_PAGE = '<!DOCTYPE html>\n<html><head><title>Log in - Acme SSO</title></head><body><form>...</form></body></html>';

test('item 11: an HTML page without a content type is named at once, not retried as incomplete JSON', async () => {
  // Before: retried 8 times (about a minute) as "incomplete JSON".
  const s = await sim({ issues: 10, faults: { replaceWith: { body: LOGIN_PAGE, contentType: null } } });
  try {
    const run = await check(configFor(s));
    assertCheckFailed(run, /answered \/rest\/api\/3\/myself with an HTML page \("Log in - Acme SSO"\) and no content type instead of JSON: base_url is not a Jira site/);
    assert.equal(s.control.requests().length, 1, 'not retried');
    assert.ok(run.seconds < 10, `took ${run.seconds} s`);
  } finally {
    await s.close();
  }
});

test('item 11: JSON without a content type is read; an empty body mid-run is named and not retried', async () => {
  const s = await sim({ issues: 120, now: Date.now() - HOUR, faults: { dropContentType: true } });
  try {
    const ok = await read(configFor(s));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ids(ok.records.map((m) => m.record.data)).size, 120);

    // after two good batches, bulkfetch starts answering nothing at all
    s.control.configure({ faults: { replaceWith: { body: '', contentType: null }, paths: [BULKFETCH], afterRequests: 2 } });
    const run = await read(configFor(s, { page_size: 50, max_concurrency: 1 }));
    assertFailed(run, 'transient_error', /answered \/rest\/api\/3\/issue\/bulkfetch with an empty body and no content type instead of JSON, though it answered JSON before/);
    assert.ok(run.records.length > 0, 'records before the fault');
    assertNoStateAhead(run, s);
  } finally {
    await s.close();
  }
});

// --- 12. a 404 after the site answered ---------------------------------------------------------

test('item 12: a 404 from bulkfetch mid-run does not say "check base_url"', async () => {
  const s = await sim({ issues: 150, now: Date.now() - HOUR });
  try {
    s.control.configure({
      faults: {
        replaceWith: { status: 404, body: '{"errorMessages":["Not Found"],"errors":{}}', contentType: 'application/json' },
        paths: [BULKFETCH],
        afterRequests: 2,
      },
    });
    const run = await read(configFor(s, { page_size: 50, max_concurrency: 1 }));
    assertFailed(run, 'config_error', /Jira answered 404 \(Not Found\) for POST \/rest\/api\/3\/issue\/bulkfetch, though the same site answered before: this Jira does not serve that endpoint.*auth_type/);
    assert.doesNotMatch(run.trace!.trace.error.message, /Check base_url/);
    assert.ok(run.records.length > 0, 'records before the fault');
    assertNoStateAhead(run, s);
  } finally {
    await s.close();
  }
});

// --- 9. certificates ---------------------------------------------------------------------------

test('item 9: certificate problems are FAILED at once, named; ca_certificate makes an internal CA work', async () => {
  // Before: retried for about a minute as a network problem, then check exited 1 with an ERROR trace.
  const certs = makeTestCertificates();
  const cases: Array<[string, Pem, Partial<Config>, RegExp]> = [
    ['self-signed', certs.selfSigned, {}, /Cannot connect to 127\.0\.0\.1:\d+ securely: the TLS certificate of 127\.0\.0\.1:\d+ is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\): put that certificate \(PEM\) in ca_certificate/],
    ['unknown CA', certs.server, {}, /is issued by an unknown CA \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): put the issuing CA's certificate \(PEM\) in ca_certificate/],
    ['wrong host name', certs.otherHost, { ca_certificate: certs.ca.cert }, /is issued for another host name \(ERR_TLS_CERT_ALTNAME_INVALID\): set base_url to a host name the certificate names/],
    ['expired', certs.expired, { ca_certificate: certs.ca.cert }, /has expired \(CERT_HAS_EXPIRED\): the site's administrator must renew it/],
  ];
  for (const [name, tls, over, message] of cases) {
    const s = await sim({ issues: 10, tls });
    try {
      assert.match(s.url, /^https:\/\//);
      const run = await check(configFor(s, over));
      assertCheckFailed(run, message);
      assert.ok(run.seconds < 10, `${name}: took ${run.seconds} s`);
      assert.equal(s.control.requests().length, 0, `${name}: no request got through`);
    } finally {
      await s.close();
    }
  }

  const s = await sim({ issues: 80, now: Date.now() - HOUR, tls: certs.server });
  try {
    const config = configFor(s, { ca_certificate: certs.ca.cert });
    const ok = await check(config);
    assert.equal(ok.status?.connectionStatus.status, 'SUCCEEDED', JSON.stringify(ok.messages));
    const run = await read(config);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(ids(run.records.map((m) => m.record.data)).size, 80);
    assertNoStateAhead(run, s);
    // the Singer front: the same certificate problem is one line on stderr, exit 1, quickly
    const singer = await cli(['--config', 'config'], { config: configFor(s) }, { bin: singerBin });
    assert.equal(singer.code, 1);
    assert.match(singer.stderr, /issued by an unknown CA/);
    assert.ok(singer.seconds < 10, `tap-jira took ${singer.seconds} s`);
  } finally {
    await s.close();
  }
});
