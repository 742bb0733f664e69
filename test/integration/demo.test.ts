// `npm run demo` (scripts/demo.mjs) runs as the README's Quick start says, and what it tells the user
// to do next agrees with the README: the simulator's port is the one of the example config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/run-cli.js';
import { allStreams, streamsFor } from '../../src/streams/registry.js';

const portOf = (text: string, re: RegExp, what: string): string => {
  const m = re.exec(text);
  assert.ok(m, `${what}: no port found`);
  return m[1]!;
};

test('the demo syncs, resumes from its own output, and points at the port the README\'s config uses', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/demo.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, DEMO_ISSUES: '200' },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  // Every stream is read; the issues are counted apart (the other streams are read in full each time).
  assert.match(r.stdout, /source-jira read \(first sync\)\s+exit 0\s+\d+ records \(200 issues\)/);
  assert.match(r.stdout, /source-jira read \(incremental, 25 edits\)\s+exit 0\s+\d+ records \(25 issues\)/);
  assert.match(r.stdout, /tap-jira \(Singer, all streams\)\s+exit 0\s+\d+ records \(200 issues\)/);
  // A line per stream of the first sync: its records and its own read time (in the order they finish:
  // the streams riding the issues walk finish with it).
  const lines = [...r.stdout.matchAll(/^ {2}(\w+) +(\d+) records +([\d.]+) s$/gm)].map((m) => m[1]!);
  assert.deepEqual(lines.sort(), streamsFor(allStreams(), 'cloud').map((s) => s.name).sort());
  assert.match(r.stdout, /^ {2}issues +200 records/m);
  const config = JSON.parse(readFileSync(join(repoRoot, 'examples/simulator-config.json'), 'utf8')) as { base_url: string };
  const configPort = new URL(config.base_url).port;
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  assert.equal(portOf(r.stdout, /jira-sim\.js --port (\d+)/, 'the demo\'s hint'), configPort);
  assert.equal(portOf(readme, /node bin\/jira-sim\.js --port (\d+) &/, 'README "Running the commands by hand"'), configPort);
  assert.equal(portOf(readme, /"base_url": "http:\/\/127\.0\.0\.1:(\d+)"/, 'README "Configuration" example'), configPort);
});
