// `npm run demo`: a no-account demo. Starts the bundled Jira simulator in-process, writes a temp
// config, runs the real `source-jira read` twice (a first sync with discover's output as the catalog,
// then an incremental one with the first run's output as the state, as README "Running the commands by
// hand" does) and `tap-jira` once, and prints what each run produced, and a line per stream of the
// first sync (records, seconds).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../dist/src/simulator/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ISSUES = Number(process.env.DEMO_ISSUES ?? 2000);

/** Runs a bin of this package; resolves with its stdout (raw and as parsed lines) and the exit code. */
function run(bin, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', bin), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const messages = [];
    let stdout = '';
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) if (line) messages.push(JSON.parse(line));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, messages, stdout, stderr }));
  });
}

/**
 * One line per stream of an Airbyte read, from the connector's own "<stream>: done, N records, S states
 * in T s" log: T is the stream's own read time (list streams are read ahead of their turn, beside the issues).
 */
function perStream(messages) {
  for (const m of messages) {
    const done = m.type === 'LOG' ? /^(\w+): done, (\d+) records, \d+ states in ([\d.]+) s$/.exec(m.log.message) : null;
    if (done) console.log(`  ${done[1].padEnd(30)} ${done[2].padStart(6)} records  ${done[3].padStart(6)} s`);
  }
}

async function timed(label, bin, args) {
  const started = performance.now();
  const result = await run(bin, args);
  const seconds = (performance.now() - started) / 1000;
  const count = (type) => result.messages.filter((m) => m.type === type).length;
  // Airbyte names the stream in record.stream, Singer in the message itself.
  const issues = result.messages.filter((m) => m.type === 'RECORD' && (m.record?.stream ?? m.stream) === 'issues').length;
  console.log(
    `${label.padEnd(42)} exit ${result.code}  ${String(count('RECORD')).padStart(6)} records (${issues} issues)  ${String(count('STATE')).padStart(3)} states  ${seconds.toFixed(2)} s`,
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
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };
  const config = file('config.json', {
    base_url: sim.url,
    credentials: { auth_type: 'api_token', email: 'demo@example.com', api_token: 'demo-token' },
    start_date: '2000-01-01T00:00:00Z',
  });

  // `discover > discover.ndjson`, and each run's output saved as the next run's --state.
  const catalog = file('discover.ndjson', (await run('source-jira.js', ['discover', '--config', config])).stdout);
  const first = await timed('source-jira read (first sync)', 'source-jira.js', ['read', '--config', config, '--catalog', catalog]);
  perStream(first.messages);
  const state = file('run1.ndjson', first.stdout);
  sim.control.updateIssues(25);
  await timed('source-jira read (incremental, 25 edits)', 'source-jira.js', ['read', '--config', config, '--catalog', catalog, '--state', state]);
  await timed('tap-jira (Singer, all streams)', 'tap-jira.js', ['--config', config]);

  const sample = first.messages.find((m) => m.type === 'RECORD' && m.record.stream === 'issues').record.data;
  console.log(`\nA record: ${JSON.stringify({ id: sample.id, key: sample.key, updated: sample.updated, summary: sample.summary, status: sample.status })}`);
  console.log('\nRun it by hand: node bin/jira-sim.js --port 8080 & (the port of the README\'s config), then the commands of README "Running the commands by hand".');
} finally {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
