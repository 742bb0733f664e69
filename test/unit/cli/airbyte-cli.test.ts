// The Airbyte front in-process, over our own test stream (no Jira): message order, states, statuses,
// errors and exit codes, each message checked against the official protocol schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAirbyte } from '../../../src/cli/airbyte-main.js';
import { ConnectorError } from '../../../src/errors.js';
import type { Stream } from '../../../src/streams/stream.js';
import { validateAirbyteLines } from '../../helpers/protocol-checks.js';
import { memoryIo } from '../../helpers/memory-io.js';
import { writeJsonFiles } from '../../helpers/run-cli.js';
import { rec, ScriptedStream, st, testDeps, testSchema } from '../../helpers/scripted-stream.js';

const TOKEN = 'ATATT-unit-secret-4f9a0c';
const config = {
  base_url: 'http://127.0.0.1:1',
  credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: TOKEN },
  start_date: '2024-01-01T00:00:00Z',
};
const configured = (names: string[], syncMode = 'incremental', jsonSchema: unknown = testSchema) => ({
  streams: names.map((name) => ({ stream: { name, json_schema: jsonSchema, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: syncMode, destination_sync_mode: 'append_dedup' })),
});

async function run(args: (f: Record<string, string>) => string[], files: Record<string, unknown>, streams: Stream[], opts: Parameters<typeof testDeps>[1] = {}) {
  const io = memoryIo();
  const paths = writeJsonFiles({ config, ...files });
  const deps = testDeps(streams, opts);
  const code = await runAirbyte(args(paths), io, deps);
  const messages = io.messages();
  assert.deepEqual(validateAirbyteLines(messages, { catalog: testCatalog }), []);
  assert.ok(!io.out().includes(TOKEN) && !io.err().includes(TOKEN), 'the token never appears');
  return { code, messages, io, deps };
}

const testCatalog = { streams: ['issues', 'comments'].map((name) => ({ name, json_schema: testSchema })) };
const readArgs = (f: Record<string, string>) => ['read', '--config', f.config!, '--catalog', f.catalog!, ...(f.state ? ['--state', f.state] : [])];
const statuses = (ms: Record<string, any>[], name: string) =>
  ms.filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === name).map((m) => m.trace.stream_status.status);

test('spec prints one SPEC message with spec.json', async () => {
  const { code, messages } = await run(() => ['spec'], {}, []);
  assert.equal(code, 0);
  assert.equal(messages.length, 1);
  assert.equal(messages[0]!.type, 'SPEC');
  assert.match(messages[0]!.spec.documentationUrl, /^https:/);
  assert.ok(messages[0]!.spec.connectionSpecification.properties.credentials.oneOf);
});

test('check: SUCCEEDED; bad credentials and invalid config FAILED with exit 0; other errors TRACE + exit 1', async () => {
  const ok = await run((f) => ['check', '--config', f.config!], {}, [], { check: 'ok' });
  assert.equal(ok.code, 0);
  assert.deepEqual(ok.messages.map((m) => m.connectionStatus?.status), ['SUCCEEDED']);
  assert.equal(ok.deps.http.closed, 1, 'the HTTP client is closed');

  const denied = await run((f) => ['check', '--config', f.config!], {}, [], {
    check: new ConnectorError(`Jira rejected the credentials for demo@example.com (token ${TOKEN}); check email and api_token`, 'config_error'),
  });
  assert.equal(denied.code, 0);
  assert.equal(denied.messages.length, 1);
  assert.equal(denied.messages[0]!.connectionStatus.status, 'FAILED');
  assert.match(denied.messages[0]!.connectionStatus.message, /Jira rejected the credentials.*\*\*\*/);

  const io = memoryIo();
  const f = writeJsonFiles({ config: { ...config, start_date: 'yesterday' } });
  assert.equal(await runAirbyte(['check', '--config', f.config!], io, testDeps([])), 0);
  assert.equal(io.messages()[0]!.connectionStatus.status, 'FAILED');
  assert.match(io.messages()[0]!.connectionStatus.message, /start_date/);

  const broken = await run((f) => ['check', '--config', f.config!], {}, [], { check: new ConnectorError('Jira answered 503 five times', 'transient_error') });
  assert.equal(broken.code, 1);
  assert.deepEqual(broken.messages.map((m) => [m.type, m.trace?.error?.failure_type]), [['TRACE', 'transient_error']]);
});

test('discover: one CATALOG with the stream, its schema, cursor and key', async () => {
  const { code, messages } = await run((f) => ['discover', '--config', f.config!], {}, [new ScriptedStream('issues', [])]);
  assert.equal(code, 0);
  assert.equal(messages.length, 1);
  const [s] = messages[0]!.catalog.streams;
  assert.equal(s.name, 'issues');
  assert.deepEqual(s.json_schema, testSchema);
  assert.deepEqual(s.supported_sync_modes, ['full_refresh', 'incremental']);
  assert.equal(s.source_defined_cursor, true);
  assert.deepEqual(s.default_cursor_field, ['updated']);
  assert.deepEqual(s.source_defined_primary_key, [['id']]);
  assert.equal(s.is_resumable, true);
});

test('read: STARTED, RUNNING on the first record, COMPLETE; STATE per page with recordCount; duplicates of a state dropped', async () => {
  const stream = new ScriptedStream('issues', [rec(1), rec(2), st('a'), st('a'), { type: 'log', level: 'INFO', message: 'page 1 done' }, rec(3), st('b'), st('b')]);
  const { code, messages } = await run(readArgs, { catalog: configured(['issues']) }, [stream]);
  assert.equal(code, 0);
  const kinds = messages.filter((m) => m.type !== 'LOG').map((m) => m.type === 'TRACE' ? m.trace.stream_status.status : m.type === 'STATE' ? `STATE:${m.state.stream.stream_state.cursor}:${m.state.sourceStats.recordCount}` : m.type);
  assert.deepEqual(kinds, ['STARTED', 'RUNNING', 'RECORD', 'RECORD', 'STATE:a:2', 'RECORD', 'STATE:b:1', 'COMPLETE']);
  const state = messages.find((m) => m.type === 'STATE')!.state;
  assert.equal(state.type, 'STREAM');
  assert.deepEqual(state.stream.stream_descriptor, { name: 'issues' });
  assert.ok(messages.some((m) => m.type === 'LOG' && m.log.message === 'issues: page 1 done'));
  const records = messages.filter((m) => m.type === 'RECORD');
  assert.ok(records.every((m) => Number.isInteger(m.record.emitted_at) && m.record.stream === 'issues'));
  assert.ok(records[0]!.record.emitted_at < records[2]!.record.emitted_at, 'emitted_at taken at emit time');
});

test('read: a stream with zero records still gets a STATE (and no RUNNING)', async () => {
  const empty = new ScriptedStream('issues', []);
  const { code, messages } = await run(readArgs, { catalog: configured(['issues']), state: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'issues' }, stream_state: { cursor: 'z' } } }] }, [empty]);
  assert.equal(code, 0);
  assert.deepEqual(statuses(messages, 'issues'), ['STARTED', 'COMPLETE']);
  const states = messages.filter((m) => m.type === 'STATE');
  assert.equal(states.length, 1);
  assert.deepEqual(states[0]!.state.stream.stream_state, { cursor: 'z' });
  assert.equal(states[0]!.state.sourceStats.recordCount, 0);
});

test('read: --state array and legacy forms reach the stream; full_refresh ignores state; [] is no state', async () => {
  const saved = { cursor: 'saved' };
  const forms: [unknown, string, unknown][] = [
    [[{ type: 'STREAM', stream: { stream_descriptor: { name: 'issues' }, stream_state: saved } }], 'incremental', saved],
    [{ issues: saved }, 'incremental', saved],
    [{ data: { issues: saved } }, 'incremental', saved],
    [{ issues: saved }, 'full_refresh', undefined],
    [[], 'incremental', undefined],
  ];
  for (const [state, mode, expected] of forms) {
    const stream = new ScriptedStream('issues', [rec(1), st('n')]);
    const { code } = await run(readArgs, { catalog: configured(['issues'], mode), state }, [stream]);
    assert.equal(code, 0);
    assert.deepEqual(stream.contexts[0]!.state, expected, `${JSON.stringify(state)} ${mode}`);
    assert.equal(stream.contexts[0]!.syncMode, mode);
  }
});

test('read: field selection keeps only the configured properties plus key and cursor', async () => {
  const stream = new ScriptedStream('issues', [rec(1), st('a')]);
  const narrow = { type: 'object', properties: { summary: { type: 'string' } } };
  const { messages } = await run(readArgs, { catalog: configured(['issues'], 'incremental', narrow) }, [stream]);
  const record = messages.find((m) => m.type === 'RECORD')!.record.data;
  assert.deepEqual(Object.keys(record).sort(), ['id', 'summary', 'updated']);
});

test('read: a failing stream gets INCOMPLETE + ERROR trace, the next stream still runs, exit 1', async () => {
  const failing = new ScriptedStream('issues', [rec(1), st('a'), { type: 'fail', error: new ConnectorError(`Jira answered 403 (token ${TOKEN}); grant Browse projects`, 'config_error') }]);
  const other = new ScriptedStream('comments', [rec(5), st('c')]);
  const { code, messages } = await run(readArgs, { catalog: configured(['issues', 'comments']) }, [failing, other]);
  assert.equal(code, 1);
  assert.deepEqual(statuses(messages, 'issues'), ['STARTED', 'RUNNING', 'INCOMPLETE']);
  assert.deepEqual(statuses(messages, 'comments'), ['STARTED', 'RUNNING', 'COMPLETE']);
  const errors = messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
  assert.equal(errors.length, 1);
  assert.deepEqual(errors[0]!.trace.error.stream_descriptor, { name: 'issues' });
  assert.equal(errors[0]!.trace.error.failure_type, 'config_error');
  assert.match(errors[0]!.trace.error.message, /403 \(token \*\*\*\)/);
  const incomplete = messages.findIndex((m) => m.trace?.stream_status?.status === 'INCOMPLETE');
  assert.ok(incomplete < messages.indexOf(errors[0]!), 'INCOMPLETE before the ERROR trace');
});

test('read: an unexpected exception is a system_error with the stack as internal message', async () => {
  const failing = new ScriptedStream('issues', [{ type: 'fail', error: new TypeError('x is undefined') }]);
  const { code, messages } = await run(readArgs, { catalog: configured(['issues']) }, [failing]);
  assert.equal(code, 1);
  const error = messages.find((m) => m.trace?.type === 'ERROR')!.trace.error;
  assert.equal(error.failure_type, 'system_error');
  assert.match(error.message, /Unexpected error: x is undefined/);
  assert.match(error.internal_message, /TypeError/);
});

test('read: errors before reading are one TRACE config_error and exit 1', async () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['unknown stream (CAT)', { catalog: { streams: [{ stream: { name: '__AIRBYTE__stream_that_does_not_exist', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'INVALID', destination_sync_mode: 'append' }] } }, /stream "__AIRBYTE__stream_that_does_not_exist" is not offered/],
    ['unparsable catalog', { catalog: '{"streams": [' }, /Catalog file .*catalog\.json is not valid JSON.*; fix it, or write it again from the discover output/],
    ['empty state', { catalog: configured(['issues']), state: ' ' }, /State file .*state\.json is empty/],
    ['state of wrong shape', { catalog: configured(['issues']), state: 42 }, /State file .* holds a JSON number, not a state/],
    ['invalid config', { config: { ...config, page_size: 0 }, catalog: configured(['issues']) }, /Invalid config: page_size is out of range/],
    ['config not JSON', { config: `{"api_token": "${TOKEN}"`, catalog: configured(['issues']) }, /Config file .*config\.json is not valid JSON/],
  ];
  for (const [name, files, expected] of cases) {
    const stream = new ScriptedStream('issues', [rec(1)]);
    const { code, messages, deps } = await run(readArgs, files, [stream]);
    assert.equal(code, 1, name);
    assert.equal(messages.length, 1, name);
    assert.equal(messages[0]!.trace.error.failure_type, 'config_error', name);
    assert.match(messages[0]!.trace.error.message, expected, name);
    assert.equal(stream.contexts.length, 0, `${name}: nothing read`);
    assert.equal(deps.http.created, 0, `${name}: no HTTP client`);
  }
  const missing = memoryIo();
  assert.equal(await runAirbyte(['read', '--config', '/nonexistent/c.json', '--catalog', 'k'], missing, testDeps([])), 1);
  assert.match(missing.messages()[0]!.trace.error.message, /^Config file \/nonexistent\/c\.json does not exist; check the --config path$/);
});

test('usage errors (no command, unknown command, missing option) are TRACE config_error', async () => {
  for (const argv of [[], ['bogus'], ['read', '--config', 'x.json']]) {
    const io = memoryIo();
    assert.equal(await runAirbyte(argv, io, testDeps([])), 1);
    const [m] = io.messages();
    assert.equal(m!.trace.error.failure_type, 'config_error');
    assert.deepEqual(validateAirbyteLines(io.messages()), []);
  }
});

test('read: credentials are proven before any stream runs (Jira answers wrong ones with an empty anonymous view)', async () => {
  const stream = new ScriptedStream('issues', [st('now')]);
  const denied = new ConnectorError('Jira did not accept the credentials; check email and api_token', 'config_error');
  const { code, messages, deps } = await run(readArgs, { catalog: configured(['issues']) }, [stream], { check: denied });
  assert.equal(code, 1);
  assert.equal(stream.contexts.length, 0);
  assert.deepEqual(messages.map((m) => m.type), ['TRACE']);
  assert.equal(messages[0]!.trace.error.failure_type, 'config_error');
  assert.equal(deps.http.closed, 1, 'the HTTP client is closed on failure too');
});

test('read: a closed stdout stops the whole run (no further streams), one line on stderr, exit 1', async () => {
  const { Writable } = await import('node:stream');
  let lines = 0;
  let err = '';
  const stdout = new Writable({
    write(_chunk, _enc, cb) {
      // The reader goes away during the first stream (the sink writes whole batches of lines).
      if (++lines > 0) return cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      cb();
    },
  });
  const stderr = new Writable({ write: (chunk, _enc, cb) => ((err += String(chunk)), cb()) });
  const first = new ScriptedStream('issues', [rec(1), rec(2), rec(3), rec(4), rec(5), st('a')]);
  const second = new ScriptedStream('comments', [rec(9), st('b')]);
  const f = writeJsonFiles({ config, catalog: configured(['issues', 'comments']) });
  const code = await runAirbyte(readArgs(f), { stdout, stderr }, testDeps([first, second]));
  assert.equal(code, 1);
  assert.equal(second.contexts.length, 0);
  assert.match(err, /^the output \(stdout\) was closed by its reader/);
  assert.equal(err.trim().split('\n').length, 1);
});

test('a crash nobody awaited is reported once as a redacted system_error TRACE', async () => {
  let report: ((err: unknown) => Promise<void>) | undefined;
  const io = { ...memoryIo(), onFatal: (r: (err: unknown) => Promise<void>) => (report = r) };
  const f = writeJsonFiles({ config });
  assert.equal(await runAirbyte(['check', '--config', f.config!], io, testDeps([], { check: 'ok' })), 0);
  await report!(new Error(`socket hang up while sending Basic ${TOKEN}`));
  const messages = io.messages();
  assert.deepEqual(validateAirbyteLines(messages), []);
  const trace = messages.at(-1)!.trace.error;
  assert.equal(trace.failure_type, 'system_error');
  assert.match(trace.message, /socket hang up while sending Basic \*\*\*/);
  assert.ok(!io.out().includes(TOKEN));
});

test('an unknown config option (a typo) is a WARN log, not an error', async () => {
  const io = memoryIo();
  const f = writeJsonFiles({ config: { ...config, page_sizee: 50, _comment: 'ignored silently' } });
  assert.equal(await runAirbyte(['check', '--config', f.config!], io, testDeps([], { check: 'ok' })), 0);
  const logs = io.messages().filter((m) => m.type === 'LOG');
  assert.deepEqual(logs.map((m) => [m.log.level, m.log.message]), [['WARN', 'config: unknown option "page_sizee" is ignored; see spec.json for the options']]);
  assert.equal(io.messages().at(-1)!.connectionStatus.status, 'SUCCEEDED');
});
