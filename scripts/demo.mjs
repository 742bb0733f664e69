// `npm run demo`: a no-account demo. Starts the bundled Jira simulator in-process, writes a temp
// config, runs the real `source-jira read` twice (a first sync, then an incremental one from the
// state it left) and `tap-jira` once, and prints what each run produced.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../dist/src/simulator/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ISSUES = Number(process.env.DEMO_ISSUES ?? 2000);

/** Runs a bin of this package; resolves with its stdout lines parsed as JSON and the exit code. */
function run(bin, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', bin), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const messages = [];
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) if (line) messages.push(JSON.parse(line));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, messages, stderr }));
  });
}

async function timed(label, bin, args) {
  const started = performance.now();
  const result = await run(bin, args);
  const seconds = (performance.now() - started) / 1000;
  const count = (type) => result.messages.filter((m) => m.type === type).length;
  console.log(
    `${label.padEnd(42)} exit ${result.code}  ${String(count('RECORD')).padStart(6)} records  ${String(count('STATE')).padStart(3)} states  ${seconds.toFixed(2)} s`,
  );
  if (result.code !== 0) {
    const errors = result.messages.filter((m) => m.trace?.type === 'ERROR').map((m) => m.trace.error.message);
    throw new Error(`${bin} failed: ${[...errors, result.stderr.trim()].filter(Boolean).join(' | ')}`);
  }
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'jira-source-demo-'));
const sim = await startSimulator({ issues: ISSUES });
try {
  console.log(`Jira simulator: ${ISSUES} issues at ${sim.url} (user time zone Asia/Kathmandu, +05:45)\n`);
  const file = (name, value) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const config = file('config.json', {
    base_url: sim.url,
    credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' },
    start_date: '2000-01-01T00:00:00Z',
  });

  const discovered = await run('source-jira.js', ['discover', '--config', config]);
  const streams = discovered.messages.find((m) => m.type === 'CATALOG').catalog.streams;
  // Every stream: incrementally where it can (issues), the full-refresh ones (projects, users, ...) in full.
  const catalog = file('catalog.json', {
    streams: streams.map((stream) =>
      stream.supported_sync_modes.includes('incremental')
        ? { stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: stream.default_cursor_field, primary_key: stream.source_defined_primary_key }
        : { stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite', primary_key: stream.source_defined_primary_key },
    ),
  });

  const first = await timed('source-jira read (first sync)', 'source-jira.js', ['read', '--config', config, '--catalog', catalog]);
  // The last STATE of each stream, as the platform would keep them.
  const lastStates = new Map(first.messages.filter((m) => m.type === 'STATE').map((m) => [m.state.stream.stream_descriptor.name, m.state]));
  sim.control.updateIssues(25);
  const state = file('state.json', [...lastStates.values()]);
  await timed('source-jira read (incremental, 25 edits)', 'source-jira.js', ['read', '--config', config, '--catalog', catalog, '--state', state]);
  await timed('tap-jira (Singer, all streams)', 'tap-jira.js', ['--config', config]);

  const sample = first.messages.find((m) => m.type === 'RECORD' && m.record.stream === 'issues').record.data;
  console.log(`\nA record: ${JSON.stringify({ id: sample.id, key: sample.key, updated: sample.updated, summary: sample.summary, status: sample.status })}`);
  console.log('\nRun it by hand: npx jira-sim (prints its URL), then npx source-jira spec | check | discover | read (see README).');
} finally {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
