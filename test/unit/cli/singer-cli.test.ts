// The Singer front in-process, over our own test stream (no Jira).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSinger } from '../../../src/cli/singer-main.js';
import { ConnectorError } from '../../../src/errors.js';
import { singerCatalog } from '../../../src/protocol/singer-catalog.js';
import type { Stream } from '../../../src/streams/stream.js';
import { memoryIo } from '../../helpers/memory-io.js';
import { writeJsonFiles } from '../../helpers/run-cli.js';
import { rec, ScriptedStream, st, testDeps } from '../../helpers/scripted-stream.js';

const TOKEN = 'ATATT-singer-secret-77e1';
const config = {
  base_url: 'http://localhost:1',
  credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: TOKEN },
  start_date: '2024-01-01T00:00:00Z',
};

async function run(args: (f: Record<string, string>) => string[], files: Record<string, unknown>, streams: Stream[]) {
  const io = memoryIo();
  const f = writeJsonFiles({ config, ...files });
  const code = await runSinger(args(f), io, testDeps(streams));
  assert.ok(!io.out().includes(TOKEN) && !io.err().includes(TOKEN), 'the token never appears');
  return { code, io };
}

function selected(streams: Stream[], deselect: string[] = []): Record<string, any> {
  const catalog = structuredClone(singerCatalog(streams)) as Record<string, any>;
  for (const entry of catalog.streams) {
    for (const m of entry.metadata) {
      if (m.breadcrumb.length === 0) m.metadata.selected = true;
      else if (deselect.includes(m.breadcrumb[1])) m.metadata.selected = false;
    }
  }
  return catalog;
}

test('--about --format json: name, version, capabilities and settings', async () => {
  const { code, io } = await run(() => ['--about', '--format', 'json'], {}, []);
  assert.equal(code, 0);
  const about = JSON.parse(io.out());
  assert.equal(about.name, 'tap-jira');
  assert.match(about.version, /^\d+\.\d+\.\d+/);
  assert.ok(about.description.length > 10);
  assert.deepEqual(about.capabilities, ['catalog', 'discover', 'state', 'about']);
  assert.deepEqual(about.settings.required, ['base_url', 'credentials', 'start_date']);
  const text = await run(() => ['--about'], {}, []);
  assert.match(text.io.out(), /^Name: tap-jira\n.*Capabilities:\n {2}- catalog/s);
});

test('--discover prints exactly one catalog JSON document and nothing else', async () => {
  const { code, io } = await run((f) => ['--config', f.config!, '--discover'], {}, [new ScriptedStream('issues', [])]);
  assert.equal(code, 0);
  const catalog = JSON.parse(io.out()); // the whole of stdout is one document
  assert.equal(catalog.streams[0].tap_stream_id, 'issues');
  assert.equal(io.err(), '');
});

test('sync: SCHEMA first, RECORDs with UTC time_extracted, STATE {"bookmarks"} with currently_syncing while running', async () => {
  const stream = new ScriptedStream('issues', [rec(1), rec(2), st('a'), st('a'), { type: 'log', level: 'INFO', message: 'page done' }, rec(3), st('b')]);
  const { code, io } = await run((f) => ['--config', f.config!, '--catalog', f.catalog!], { catalog: selected([stream]) }, [stream]);
  assert.equal(code, 0);
  const ms = io.messages();
  assert.deepEqual(ms.map((m) => m.type), ['SCHEMA', 'RECORD', 'RECORD', 'STATE', 'RECORD', 'STATE', 'STATE']);
  assert.deepEqual(ms[0]!.key_properties, ['id']);
  assert.deepEqual(ms[0]!.bookmark_properties, ['updated']);
  assert.ok(ms.filter((m) => m.type === 'RECORD').every((m) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(m.time_extracted)));
  assert.deepEqual(ms[3]!.value, { bookmarks: { issues: { cursor: 'a' } }, currently_syncing: 'issues' });
  assert.deepEqual(ms[6]!.value, { bookmarks: { issues: { cursor: 'b' } } });
  assert.match(io.err(), /INFO issues: page done/);
});

test('sync: only selected streams and fields; --properties works like --catalog; the bookmark comes from --state', async () => {
  const issues = new ScriptedStream('issues', [rec(1), st('b')]);
  const other = new ScriptedStream('comments', [rec(2), st('c')]);
  const catalog = selected([issues, other], ['summary', 'status']);
  catalog.streams[1].metadata[0].metadata.selected = false;
  const { code, io } = await run(
    (f) => ['--config', f.config!, '--properties', f.catalog!, '--state', f.state!],
    { catalog, state: { bookmarks: { issues: { cursor: 'saved' }, gone: { x: 1 } } } },
    [issues, other],
  );
  assert.equal(code, 0);
  assert.equal(other.contexts.length, 0, 'deselected stream not read');
  assert.deepEqual(issues.contexts[0]!.state, { cursor: 'saved' });
  const ms = io.messages();
  assert.deepEqual(Object.keys(ms[0]!.schema.properties).sort(), ['id', 'key', 'updated']);
  assert.deepEqual(Object.keys(ms.find((m) => m.type === 'RECORD')!.record).sort(), ['id', 'key', 'updated']);
  assert.deepEqual(ms.at(-1)!.value.bookmarks, { issues: { cursor: 'b' }, gone: { x: 1 } }, 'other bookmarks carried forward');
});

test('sync without a catalog syncs every stream', async () => {
  const a = new ScriptedStream('issues', [rec(1), st('a')]);
  const b = new ScriptedStream('comments', []);
  const { code, io } = await run((f) => ['--config', f.config!], {}, [a, b]);
  assert.equal(code, 0);
  assert.equal(io.messages().filter((m) => m.type === 'SCHEMA').length, 2);
  assert.deepEqual(io.messages().at(-1)!.value, { bookmarks: { issues: { cursor: 'a' }, comments: {} } });
});

test('errors: one CRITICAL line on stderr, nothing on stdout, exit 1', async () => {
  const cases: [string[] | ((f: Record<string, string>) => string[]), Record<string, unknown>, RegExp][] = [
    [[], {}, /^CRITICAL --config is required/],
    [(f) => ['--config', f.config!, '--discover'], { config: { ...config, base_url: 'http://jira.example.com' } }, /^CRITICAL Invalid config: base_url uses plain http/],
    [(f) => ['--config', f.config!, '--catalog', f.catalog!], { catalog: 'nope' }, /^CRITICAL Catalog file .* is not valid JSON/],
    [(f) => ['--config', f.config!, '--state', f.state!], { state: '"x"' }, /^CRITICAL State file .* holds a JSON string, not a state/],
    [(f) => ['--config', f.config!, '--catalog', f.catalog!, '--properties', f.catalog!], { catalog: {} }, /^CRITICAL pass either --catalog or --properties/],
    [['--bogus'], {}, /^CRITICAL unknown option '--bogus'/],
  ];
  for (const [args, files, expected] of cases) {
    const { code, io } = await run(typeof args === 'function' ? args : () => args, files, [new ScriptedStream('issues', [rec(1)])]);
    assert.equal(code, 1);
    assert.equal(io.out(), '');
    assert.equal(io.err().split('\n').filter(Boolean).length, 1, io.err());
    assert.match(io.err(), expected);
  }
});

test('a failing stream: error logged, other streams run, exit 1; secrets masked', async () => {
  const failing = new ScriptedStream('issues', [rec(1), { type: 'fail', error: new ConnectorError(`401 for token ${TOKEN}`, 'config_error') }]);
  const other = new ScriptedStream('comments', [rec(2), st('c')]);
  const { code, io } = await run((f) => ['--config', f.config!], {}, [failing, other]);
  assert.equal(code, 1);
  assert.ok(io.messages().some((m) => m.type === 'RECORD' && m.stream === 'comments'));
  assert.match(io.err(), /ERROR issues: failed .*401 for token \*\*\*/);
  assert.match(io.err(), /CRITICAL sync failed for 1 stream\(s\): issues/);
});

test('a crash nobody awaited is one redacted CRITICAL line', async () => {
  let report: ((err: unknown) => Promise<void>) | undefined;
  const io = { ...memoryIo(), onFatal: (r: (err: unknown) => Promise<void>) => (report = r) };
  const f = writeJsonFiles({ config });
  assert.equal(await runSinger(['--config', f.config!, '--discover'], io, testDeps([])), 0);
  await report!(new Error(`boom ${TOKEN}`));
  assert.match(io.err(), /^CRITICAL Unexpected error: boom \*\*\*; this is a bug, please report it\n$/);
});

test('progress is logged every PROGRESS_EVERY records (stderr for Singer)', async () => {
  const { PROGRESS_EVERY } = await import('../../../src/source.js');
  const steps = Array.from({ length: PROGRESS_EVERY * 2 + 5 }, (_, i) => rec(i));
  const { code, io } = await run((f) => ['--config', f.config!], {}, [new ScriptedStream('issues', [...steps, st('z')])]);
  assert.equal(code, 0);
  const progress = io.err().split('\n').filter((l) => / so far$/.test(l));
  assert.equal(progress.length, 2);
  assert.match(progress[0]!, new RegExp(`^INFO issues: ${PROGRESS_EVERY} records, 0 states in \\d+\\.\\d s so far$`));
});
