// The HTTP client against a real local socket server that misbehaves on purpose: every retry path
// of the one policy, and the errors that must not be retried or swallowed. Sleeps are recorded
// (not waited) so the exact delays can be asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient } from '../../src/http/http-client.js';
import { checkConnection } from '../../src/jira/check-connection.js';
import { ConnectorError } from '../../src/errors.js';
import type { Config } from '../../src/config/config.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

async function withServer(handler: Handler, fn: (url: string, seen: IncomingMessage[]) => Promise<void>) {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, res, seen.length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await fn(url, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

function config(url: string, over: Partial<Config> = {}): Config {
  return {
    base_url: url,
    credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' },
    start_date: '2026-01-01T00:00:00Z',
    lookback_minutes: 5,
    page_size: 100,
    request_timeout_seconds: 2,
    max_concurrency: 4,
    ...over,
  };
}

function client(url: string, over: Partial<Config> = {}) {
  const sleeps: number[] = [];
  const warnings: string[] = [];
  let skipped = 0; // a sleep moves this fake clock forward instead of waiting
  const http = createHttpClient(config(url, over), {
    logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
    clock: () => Date.now() + skipped,
    sleep: async (ms) => { sleeps.push(ms); skipped += ms; },
    random: () => 0.5,
  });
  return { http, sleeps, warnings };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const retried: Array<[string, Handler, number[]]> = [
  ['429 with Retry-After', (_q, res, n) => (n === 1 ? json(res, 429, {}, { 'retry-after': '2' }) : json(res, 200, { ok: n })), [2000]],
  ['429 without Retry-After', (_q, res, n) => (n <= 2 ? json(res, 429, {}) : json(res, 200, { ok: n })), [500, 1000]],
  ['503 with an HTML body', (_q, res, n) => {
    if (n === 1) { res.writeHead(503, { 'content-type': 'text/html' }); res.end('<html><body>Service Unavailable</body></html>'); } else json(res, 200, { ok: n });
  }, [500]],
  ['a connection reset', (q, res, n) => (n === 1 ? q.socket.destroy() : json(res, 200, { ok: n })), [500]],
  ['truncated JSON', (_q, res, n) => {
    if (n === 1) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"issues": [{"id": "1'); } else json(res, 200, { ok: n });
  }, [500]],
  ['a body cut off mid-stream', (q, res, n) => {
    if (n === 1) { res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' }); res.write('{"issues": ['); setTimeout(() => q.socket.destroy(), 10); } else json(res, 200, { ok: n });
  }, [500]],
  ['a timeout', (_q, res, n) => { if (n > 1) json(res, 200, { ok: n }); /* first request never answered */ }, [500]],
];

for (const [name, handler, delays] of retried) {
  test(`http client retries ${name} and succeeds`, async () => {
    await withServer(handler, async (url, seen) => {
      const { http, sleeps, warnings } = client(url, { request_timeout_seconds: 1 });
      try {
        const got = await http.json<{ ok: number }>({ method: 'GET', path: '/rest/api/3/x' });
        assert.equal(got.ok, delays.length + 1);
        // a 429 also pauses later acquires (this one included) until its hint has passed
        assert.deepEqual(sleeps.filter((s) => s > 1), delays);
        assert.equal(seen.length, delays.length + 1);
        assert.equal(warnings.length, delays.length);
        assert.ok(warnings.every((w) => !w.includes('demo-token')));
      } finally {
        await http.close();
      }
    });
  });
}

const notRetried: Array<[number, unknown, RegExp]> = [
  [400, { errorMessages: ["The value 'NOPE' does not exist for the field 'project'."], errors: {} }, /400.*The value 'NOPE' does not exist.*Fix the jql or projects/],
  [401, 'Client must be authenticated to access this resource.', /401.*check email and api_token.*id\.atlassian\.com/],
  [403, { errorMessages: ['You do not have the permission to see the specified issue.'] }, /403.*You do not have the permission.*Browse projects/],
  [404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'] }, /404.*Issue does not exist.*Check base_url/],
];

for (const [status, body, message] of notRetried) {
  test(`http client never retries ${status}: fails at once with Jira's message and a fix`, async () => {
    await withServer((_q, res) => (typeof body === 'string' ? (res.writeHead(status, { 'content-type': 'text/html' }), res.end(body)) : json(res, status, body)), async (url, seen) => {
      const { http, sleeps } = client(url);
      try {
        await assert.rejects(http.json({ method: 'POST', path: '/rest/api/3/search/jql', body: { jql: 'x' } }), (e: unknown) => {
          assert.ok(e instanceof ConnectorError);
          assert.equal(e.failureType, 'config_error');
          assert.match(e.message, message);
          assert.ok(!e.message.includes('demo-token'));
          return true;
        });
        assert.equal(seen.length, 1);
        assert.deepEqual(sleeps, []);
      } finally {
        await http.close();
      }
    });
  });
}

test('http client sends Basic auth for API tokens and Bearer for PATs, under the base_url context path', async () => {
  await withServer((_q, res) => json(res, 200, {}), async (url, seen) => {
    const a = client(url + '/jira/');
    await a.http.json({ method: 'GET', path: '/rest/api/3/myself', query: { a: 'b c' } });
    await a.http.close();
    assert.equal(seen[0]!.url, '/jira/rest/api/3/myself?a=b+c');
    assert.equal(seen[0]!.headers.authorization, `Basic ${Buffer.from('demo@example.com:demo-token').toString('base64')}`);
    const b = client(url, { credentials: { auth_type: 'personal_access_token', personal_access_token: 'demo-pat' } });
    assert.equal(b.http.apiRoot, '/rest/api/2');
    await b.http.json({ method: 'GET', path: '/rest/api/2/myself' });
    await b.http.close();
    assert.equal(seen[1]!.headers.authorization, 'Bearer demo-pat');
  });
});

test('http client refuses to send credentials over plain http to a non-loopback host', async () => {
  const { http } = client('http://jira.example.com');
  await assert.rejects(http.json({ method: 'GET', path: '/rest/api/3/myself' }), (e: unknown) => e instanceof ConnectorError && e.failureType === 'config_error' && /https/.test(e.message));
  await http.close();
});

test('http client gives up after the policy maximum with a transient error holding the last status', async () => {
  await withServer((_q, res) => json(res, 503, { errorMessages: ['down'] }), async (url, seen) => {
    const { http, sleeps } = client(url);
    await assert.rejects(http.json({ method: 'GET', path: '/rest/api/3/x' }), (e: unknown) => e instanceof ConnectorError && e.failureType === 'transient_error' && /503/.test(e.message));
    assert.equal(seen.length, 8);
    assert.deepEqual(sleeps, [500, 1000, 2000, 4000, 8000, 16000, 30000]);
    await http.close();
  });
});

test('check: wrong credentials, a non-Jira site and an unreachable host each get their own message', async () => {
  await withServer((_q, res) => (res.writeHead(401, { 'content-type': 'text/html' }), res.end('Client must be authenticated')), async (url) => {
    const { http } = client(url);
    await assert.rejects(checkConnection(http), /rejected the credentials \(401\): check email and api_token/);
    await http.close();
  });
  await withServer((_q, res) => (res.writeHead(404, { 'content-type': 'text/html' }), res.end('<h1>Not Found</h1>')), async (url) => {
    const { http } = client(url);
    await assert.rejects(checkConnection(http), /base_url is not a Jira site/);
    await http.close();
  });
  await withServer((_q, res) => (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html>login</html>')), async (url) => {
    const { http } = client(url);
    await assert.rejects(checkConnection(http), /base_url is not a Jira site/);
    await http.close();
  });
  // Starts like JSON but is declared as something else and does not parse: not retried as a truncation.
  await withServer((_q, res) => (res.writeHead(200, { 'content-type': 'text/plain' }), res.end('{not json at all')), async (url, seen) => {
    const { http } = client(url);
    await assert.rejects(checkConnection(http), /with a body that does not parse as JSON \(text\/plain\) instead of JSON: base_url is not a Jira site/);
    assert.equal(seen.length, 1, 'asked once');
    await http.close();
  });
  await withServer((_q, res) => json(res, 200, { accountId: 'abc', displayName: 'Demo', timeZone: 'Asia/Kathmandu' }), async (url) => {
    const { http } = client(url);
    await checkConnection(http);
    await http.close();
  });
  const { http } = client('http://127.0.0.1:1');
  await assert.rejects(checkConnection(http), (e: unknown) => {
    assert.ok(e instanceof ConnectorError);
    assert.match(e.message, /Cannot reach 127\.0\.0\.1:1/);
    assert.equal(e.failureType, 'config_error', 'during a check an unreachable host is a base_url problem');
    return true;
  });
  await http.close();
});

test('http client: a server that never answers ends in a timeout error that names request_timeout_seconds', async () => {
  await withServer(() => { /* never answers */ }, async (url, seen) => {
    const { http } = client(url, { request_timeout_seconds: 1 });
    const started = Date.now();
    await assert.rejects(http.json({ method: 'GET', path: '/rest/api/3/x' }), (e: unknown) => e instanceof ConnectorError && e.failureType === 'transient_error' && /request_timeout_seconds \(1\)/.test(e.message));
    assert.equal(seen.length, 8);
    assert.ok(Date.now() - started >= 8000, 'each try waited for the timeout');
    await http.close();
  });
});

test('http client: request_timeout_seconds bounds the whole try, so a dripping body times out (issue 12, item 6)', async () => {
  const drips: NodeJS.Timeout[] = [];
  await withServer((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"a":"');
    drips.push(setInterval(() => res.write('x'), 200)); // never a gap of 1 s, never the end
  }, async (url, seen) => {
    const { http, warnings } = client(url, { request_timeout_seconds: 1 });
    const started = Date.now();
    await assert.rejects(http.json({ method: 'GET', path: '/rest/api/3/x' }), (e: unknown) => e instanceof ConnectorError && e.failureType === 'transient_error' && /within request_timeout_seconds \(1\) in 8 tries/.test(e.message));
    const took = Date.now() - started;
    assert.equal(seen.length, 8);
    assert.ok(took >= 8000 && took < 20_000, `took ${took} ms`);
    assert.ok(warnings.every((w) => /TIMEOUT on try/.test(w)));
    await http.close();
  });
  drips.forEach(clearInterval);
});

test('http client: an answer over the size cap fails at once, from Content-Length or while reading (issue 12, item 8)', async () => {
  await withServer((q, res) => {
    if (q.url!.endsWith('/declared')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(500 * 1024 * 1024) });
      res.write('{"a":"');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: only the bytes tell
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      const pump = () => { while (res.write(chunk)); };
      res.on('drain', pump);
      res.write('{"a":"');
      pump();
    }
  }, async (url, seen) => {
    const { http, warnings } = client(url, { max_concurrency: 16 });
    for (const path of ['/rest/api/3/declared', '/rest/api/3/streamed']) {
      const started = Date.now();
      await assert.rejects(http.json({ method: 'GET', path }), (e: unknown) => {
        assert.ok(e instanceof ConnectorError);
        assert.equal(e.failureType, 'config_error');
        assert.match(e.message, new RegExp(`answer to GET ${path} is larger than 4\\.0 MB, the most one response may hold with max_concurrency 16`));
        return true;
      });
      assert.ok(Date.now() - started < 5000);
    }
    assert.equal(seen.length, 2, 'never retried');
    assert.deepEqual(warnings, []);
    await http.close();
  });
});

test('http client: a redirect is not followed and names its Location; a 404 after a 2xx does not blame base_url (issue 12, items 10, 12)', async () => {
  await withServer((q, res) => {
    if (q.url === '/jira/rest/api/3/myself') return json(res, 200, { accountId: 'a' });
    if (q.url!.includes('bulkfetch')) return json(res, 404, { errorMessages: ['Not Found'] });
    if (q.url === '/jira/rest/api/3/serverInfo') return (res.writeHead(307, { location: 'https://someone:hunter2@jira.example.com/rest/api/3/serverInfo' }), res.end());
    res.writeHead(301, { location: '/new/rest/api/3/field' });
    res.end();
  }, async (url, seen) => {
    const { http } = client(`${url}/jira`);
    await assert.rejects(http.json({ method: 'GET', path: '/rest/api/3/field' }), (e: unknown) => {
      assert.ok(e instanceof ConnectorError && e.failureType === 'config_error');
      assert.match(e.message, new RegExp(`GET /rest/api/3/field was redirected \\(HTTP 301\\) to ${url}/new/rest/api/3/field: .*\\(probably ${url}/new\\)`));
      return true;
    });
    await assert.rejects(http.json({ method: 'GET', path: '/rest/api/3/serverInfo' }), (e: unknown) => {
      assert.ok(e instanceof ConnectorError);
      assert.match(e.message, /redirected \(HTTP 307\) to https:\/\/jira\.example\.com\/rest\/api\/3\/serverInfo: .*\(probably https:\/\/jira\.example\.com\)/);
      assert.doesNotMatch(e.message, /hunter2|someone/);
      return true;
    });
    await assert.rejects(http.json({ method: 'POST', path: '/rest/api/3/issue/bulkfetch', body: {} }), /404 for \/rest\/api\/3\/issue\/bulkfetch: Not Found\. Check base_url/, 'before any 2xx, a 404 is still a base_url problem');
    await http.json({ method: 'GET', path: '/rest/api/3/myself' });
    await assert.rejects(http.json({ method: 'POST', path: '/rest/api/3/issue/bulkfetch', body: {} }), (e: unknown) => {
      assert.ok(e instanceof ConnectorError && e.failureType === 'config_error');
      assert.match(e.message, /404 \(Not Found\) for POST \/rest\/api\/3\/issue\/bulkfetch, though the same site answered before/);
      assert.doesNotMatch(e.message, /Check base_url/);
      return true;
    });
    assert.equal(seen.length, 5);
    await http.close();
  });
});
